using LvsPS.Native.Netlink;
using static LvsPS.Native.Interop.ip_vs_h;

namespace LvsPS.Native.Ipvs;

/// <summary>Connection-synchronisation daemons: NEW/DEL_DAEMON and the GET_DAEMON dump.</summary>
public sealed partial class IpvsClient
{
    /// <summary>The running sync daemons (0–2: at most one master and one backup), with the settings the kernel uses.</summary>
    public IReadOnlyList<SyncDaemon> GetSyncDaemons()
    {
        var daemons = new List<SyncDaemon>();
        Run(IpvsOperation.GetSyncDaemons, "", () => _connection.Dump(
            (w, flags, seq) => Request(w, IPVS_CMD_GET_DAEMON, flags, seq, null),
            (payload, _) => { if (SyncDaemonCodec.ReadDaemon(payload, NetworkNamespace) is { } d) daemons.Add(d); },
            daemons.Clear,
            "dump IPVS sync daemons"));
        return daemons;
    }

    /// <summary>
    /// Starts a sync daemon. Refused when one in that role already runs (EEXIST), when the
    /// interface does not exist (ENODEV), and while real servers of another address family than
    /// their service exist (EINVAL: the sync protocol cannot carry them).
    /// </summary>
    public void StartSyncDaemon(SyncDaemon daemon)
    {
        SyncDaemonValidation.Validate(daemon);
        string target = daemon.ToString();
        try
        {
            _connection.Execute(
                (w, flags, seq) => Request(w, IPVS_CMD_NEW_DAEMON, flags, seq, w => SyncDaemonCodec.WriteDaemon(w, daemon)),
                null, $"start the IPVS {daemon.Name} sync daemon");
        }
        catch (NetlinkException e) when (e.Errno == Errno.EINVAL)
        {
            throw ExplainInvalidStart(target, e);
        }
        catch (NetlinkException e) when (e.IsKernelRefusal)
        {
            throw IpvsException.From(IpvsOperation.StartSyncDaemon, e.Errno, target, inner: e);
        }
    }

    /// <summary>Stops the sync daemon in that role; ESRCH (as an <see cref="IpvsException"/>) when none runs.</summary>
    public void StopSyncDaemon(SyncDaemonState state)
    {
        SyncDaemonValidation.ValidateState(state);
        Run(IpvsOperation.StopSyncDaemon, SyncDaemon.StateName(state), () => _connection.Execute(
            (w, flags, seq) => Request(w, IPVS_CMD_DEL_DAEMON, flags, seq, w => SyncDaemonCodec.WriteDaemonState(w, state)),
            null, $"stop the IPVS {SyncDaemon.StateName(state)} sync daemon"));
    }

    /// <summary>The kernel's EINVAL, explained by the mixed-family real servers when the table can be read.</summary>
    private IpvsException ExplainInvalidStart(string target, NetlinkException e)
    {
        List<RealServer> mixed;
        try
        {
            mixed = GetVirtualServices()
                .SelectMany(s => s.RealServers)
                .Where(d => d.Family != d.VirtualService.Family)
                .ToList();
        }
        catch (Exception probe) when (probe is IpvsException or NetlinkException)
        {
            mixed = new List<RealServer>();
        }
        return SyncDaemonRefusal.InvalidStart(target, e.Errno, mixed, e);
    }
}
