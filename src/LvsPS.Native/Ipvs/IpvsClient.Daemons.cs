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

    /// <summary>
    /// Stops the sync daemon in that role; ESRCH (as an <see cref="IpvsException"/>) when none runs.
    /// DEL_DAEMON goes without an ACK request and the GET_DAEMON dump after it confirms the stop:
    /// the kernel answers nothing at all when the daemon's thread had not run yet (a stop soon after
    /// a start; ipvsadm then waits forever), see <see cref="NetlinkConnection.ExecuteConfirmedByDump"/>.
    /// </summary>
    public void StopSyncDaemon(SyncDaemonState state)
    {
        SyncDaemonValidation.ValidateState(state);
        string name = SyncDaemon.StateName(state);
        string operation = $"stop the IPVS {name} sync daemon";
        var running = new List<SyncDaemon>();
        Run(IpvsOperation.StopSyncDaemon, name, () => _connection.ExecuteConfirmedByDump(
            (w, flags, seq) => Request(w, IPVS_CMD_DEL_DAEMON, flags, seq, w => SyncDaemonCodec.WriteDaemonState(w, state)),
            (w, flags, seq) => Request(w, IPVS_CMD_GET_DAEMON, flags, seq, null),
            (payload, _) => { if (SyncDaemonCodec.ReadDaemon(payload, NetworkNamespace) is { } d) running.Add(d); },
            running.Clear,
            operation));
        if (running.Any(d => d.State == state))
            throw new NetlinkException(NetlinkFailure.Transport, operation, Errno.EIO,
                $"the kernel neither refused the request nor stopped the daemon: the {name} sync daemon still runs");
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
