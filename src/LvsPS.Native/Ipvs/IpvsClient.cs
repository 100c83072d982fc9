using System.Net;
using LvsPS.Native.GenericNetlink;
using LvsPS.Native.Interop;
using LvsPS.Native.Netlink;
using static LvsPS.Native.Interop.ip_vs_h;

namespace LvsPS.Native.Ipvs;

/// <summary>
/// IPVS over generic netlink on one persistent socket in one network namespace. Every
/// method validates first (nothing is sent for bad input) and maps kernel refusals to
/// <see cref="IpvsException"/>. Not thread-safe.
/// </summary>
public sealed partial class IpvsClient : IpvsClientBase, IIpvsClient
{
    private readonly NetlinkConnection _connection;
    private readonly ushort _family;

    private IpvsClient(NetlinkConnection connection, string? networkNamespace)
    {
        _connection = connection;
        NetworkNamespace = networkNamespace;
        try
        {
            _family = new GenericNetlinkFamilies(connection).Resolve(IPVS_GENL_NAME);
        }
        catch (GenericNetlinkFamilyNotFoundException e)
        {
            connection.Dispose();
            throw new IpvsNotAvailableException(e);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Opens IPVS in the named network namespace (/run/netns/NAME), or the caller's when null.</summary>
    public static IpvsClient Open(string? networkNamespace = null)
        => new(new NetlinkConnection(NetlinkSocket.Open(netlink_h.NETLINK_GENERIC, networkNamespace)), networkNamespace);

    /// <summary>Over any socket (tests use a fake one).</summary>
    internal static IpvsClient Open(INetlinkSocket socket, string? networkNamespace = null, uint firstSequence = 1)
        => new(new NetlinkConnection(socket, firstSequence), networkNamespace);

    public string? NetworkNamespace { get; }

    /// <summary>All services (one dump) and, when asked, their real servers (one dump per service).</summary>
    public IReadOnlyList<VirtualService> GetVirtualServices(bool includeRealServers = true)
    {
        var services = new List<VirtualService>();
        Run(IpvsOperation.GetServices, "", () => _connection.Dump(
            (w, flags, seq) => Request(w, IPVS_CMD_GET_SERVICE, flags, seq, null),
            (payload, _) => { if (IpvsCodec.ReadService(payload, NetworkNamespace) is { } s) services.Add(s); },
            services.Clear,
            "dump IPVS services"));
        if (!includeRealServers)
            return services;
        for (int i = 0; i < services.Count; i++)
            services[i] = services[i] with { RealServers = GetRealServers(services[i].Key) };
        return services;
    }

    /// <summary>One service by key, or null when it does not exist.</summary>
    public VirtualService? GetVirtualService(VirtualServiceKey key, bool includeRealServers = true)
    {
        VirtualService? found = null;
        try
        {
            _connection.Execute(
                (w, flags, seq) => Request(w, IPVS_CMD_GET_SERVICE, flags, seq, w => IpvsCodec.WriteServiceKeyNest(w, key)),
                (payload, _) => found ??= IpvsCodec.ReadService(payload, NetworkNamespace),
                $"get IPVS service {key}");
        }
        catch (NetlinkException e) when (e.Errno is Errno.ESRCH or Errno.ENOENT)
        {
            return null;
        }
        catch (NetlinkException e)
        {
            throw IpvsException.From(IpvsOperation.GetServices, e.Errno, key.ToString(), inner: e);
        }
        return found is not null && includeRealServers ? found with { RealServers = GetRealServers(key) } : found;
    }

    /// <summary>The real servers of a service (a dump; empty for a missing service, as the kernel answers).</summary>
    public IReadOnlyList<RealServer> GetRealServers(VirtualServiceKey key)
    {
        var dests = new List<RealServer>();
        Run(IpvsOperation.GetRealServers, key.ToString(), () => _connection.Dump(
            (w, flags, seq) => Request(w, IPVS_CMD_GET_DEST, flags, seq, w => IpvsCodec.WriteServiceKeyNest(w, key)),
            (payload, _) => { if (IpvsCodec.ReadDest(payload, key, NetworkNamespace) is { } d) dests.Add(d); },
            dests.Clear,
            $"dump real servers of {key}"));
        return dests;
    }

    /// <summary>
    /// Applies many changes, hundreds per sendmsg, in the order given. All are validated
    /// before any is sent; the kernel's answer to each is returned (a batch is not a
    /// transaction: a refusal does not undo the changes before it).
    /// </summary>
    public override IReadOnlyList<IpvsChangeResult> Apply(IReadOnlyList<IpvsChange> changes)
    {
        foreach (IpvsChange change in changes)
            IpvsValidation.Validate(change);
        NetlinkAnswer[] answers;
        try
        {
            answers = _connection.ExecuteBatch(changes.Count, (w, i, flags, seq) => WriteChange(w, changes[i], flags, seq), "apply IPVS changes");
        }
        catch (NetlinkException e) when (e.Errno is Errno.EPERM or Errno.EACCES)
        {
            throw IpvsException.From(changes.Count > 0 ? changes[0].Operation : IpvsOperation.AddService, e.Errno, changes.Count > 0 ? changes[0].Target : "", inner: e);
        }
        var results = new IpvsChangeResult[changes.Count];
        for (int i = 0; i < results.Length; i++)
            results[i] = new IpvsChangeResult(changes[i], answers[i].Errno, answers[i].ExtendedAckMessage, answers[i].ExtendedAckOffset);
        return results;
    }

    public IpvsInfo GetInfo()
    {
        IpvsInfo? info = null;
        Run(IpvsOperation.GetInfo, "", () => _connection.Execute(
            (w, flags, seq) => Request(w, IPVS_CMD_GET_INFO, flags, seq, null),
            (payload, _) => info = IpvsCodec.ReadInfo(payload), "get IPVS info"));
        return info ?? throw NetlinkException.Malformed("IPVS_CMD_GET_INFO", "the answer carried no data");
    }

    public IpvsTimeouts GetTimeouts()
    {
        IpvsTimeouts? timeouts = null;
        Run(IpvsOperation.GetTimeouts, "", () => _connection.Execute(
            (w, flags, seq) => Request(w, IPVS_CMD_GET_CONFIG, flags, seq, null),
            (payload, _) => timeouts = IpvsCodec.ReadTimeouts(payload), "get IPVS timeouts"));
        return timeouts ?? throw NetlinkException.Malformed("IPVS_CMD_GET_CONFIG", "the answer carried no data");
    }

    /// <summary>Sets the timeouts; a 0 leaves that one unchanged (the kernel's rule).</summary>
    public void SetTimeouts(IpvsTimeouts timeouts)
        => Run(IpvsOperation.SetTimeouts, "", () => _connection.Execute(
            (w, flags, seq) => Request(w, IPVS_CMD_SET_CONFIG, flags, seq, w =>
            {
                w.WriteUInt32(IPVS_CMD_ATTR_TIMEOUT_TCP, timeouts.TcpSeconds);
                w.WriteUInt32(IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, timeouts.TcpFinSeconds);
                w.WriteUInt32(IPVS_CMD_ATTR_TIMEOUT_UDP, timeouts.UdpSeconds);
            }), null, "set IPVS timeouts"));

    /// <summary>Zeroes the counters of one service, or of everything when <paramref name="key"/> is null.</summary>
    public void ZeroCounters(VirtualServiceKey? key)
        => Run(IpvsOperation.Zero, key?.ToString() ?? "all services", () => _connection.Execute(
            (w, flags, seq) => Request(w, IPVS_CMD_ZERO, flags, seq, key is null ? null : w => IpvsCodec.WriteServiceKeyNest(w, key)),
            null, "zero IPVS counters"));

    /// <summary>Removes every virtual service (and so every real server) of the namespace.</summary>
    public void Flush()
        => Run(IpvsOperation.Flush, "", () => _connection.Execute(
            (w, flags, seq) => Request(w, IPVS_CMD_FLUSH, flags, seq, null), null, "flush IPVS"));

    private void WriteChange(NetlinkWriter w, IpvsChange change, ushort flags, uint seq)
    {
        switch (change.Kind)
        {
            case IpvsChangeKind.AddService:
                Request(w, IPVS_CMD_NEW_SERVICE, flags, seq, w => IpvsCodec.WriteService(w, change.Service!));
                break;
            case IpvsChangeKind.UpdateService:
                Request(w, IPVS_CMD_SET_SERVICE, flags, seq, w => IpvsCodec.WriteService(w, change.Service!));
                break;
            case IpvsChangeKind.RemoveService:
                Request(w, IPVS_CMD_DEL_SERVICE, flags, seq, w => IpvsCodec.WriteServiceKeyNest(w, change.Service!.Key));
                break;
            default:
                RealServer d = change.RealServer!;
                byte cmd = change.Kind switch
                {
                    IpvsChangeKind.AddRealServer => IPVS_CMD_NEW_DEST,
                    IpvsChangeKind.UpdateRealServer => IPVS_CMD_SET_DEST,
                    _ => IPVS_CMD_DEL_DEST,
                };
                Request(w, cmd, flags, seq, w =>
                {
                    IpvsCodec.WriteServiceKeyNest(w, d.VirtualService);
                    IpvsCodec.WriteDest(w, d, full: change.Kind != IpvsChangeKind.RemoveRealServer);
                });
                break;
        }
    }

    private void Request(NetlinkWriter w, byte command, ushort flags, uint seq, Action<NetlinkWriter>? attributes)
    {
        IpvsCodec.BeginRequest(w, _family, command, flags, seq, out int message);
        attributes?.Invoke(w);
        w.EndMessage(message);
    }

    private static void Run(IpvsOperation op, string target, Action action)
    {
        try
        {
            action();
        }
        catch (NetlinkException e) when (e.IsKernelRefusal)
        {
            throw IpvsException.From(op, e.Errno, target, inner: e);
        }
    }

    public void Dispose() => _connection.Dispose();
}
