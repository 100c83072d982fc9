using System.Net;
using System.Net.Sockets;
using static LvsPS.Native.Netlink.Errno;

namespace LvsPS.Native.Ipvs.InMemory;

/// <summary>
/// The kernel's answers to NEW/SET/DEL_SERVICE, NEW/SET/DEL_DEST and SET_CONFIG, checked in the
/// order ip_vs_genl_set_cmd and its callees check them (ip_vs_ctl.c): the service lookup first
/// (ESRCH unless adding one), then the mixed-family rules of a destination, then the command's own
/// checks (EEXIST / ENOENT), with the module lookups (ENOENT) and address types (EINVAL) last.
/// </summary>
public sealed partial class InMemoryIpvs
{
    /// <summary>CONFIG_HZ of Debian's kernels: a timeout is kept as seconds × HZ in an int, so larger ones are EINVAL.</summary>
    public const int KernelHz = 250;

    private int ApplyChange(IpvsChange change)
    {
        if (change.Kind == IpvsChangeKind.AddService)
            return AddService(change.Service!);
        VirtualServiceKey key = change.Service?.Key ?? change.RealServer!.VirtualService;
        if (Find(key) is not { } entry)
            return ESRCH;
        return change.Kind switch
        {
            IpvsChangeKind.UpdateService => UpdateService(entry, change.Service!),
            IpvsChangeKind.RemoveService => RemoveService(entry),
            IpvsChangeKind.AddRealServer => AddRealServer(entry, change.RealServer!),
            IpvsChangeKind.UpdateRealServer => UpdateRealServer(entry, change.RealServer!),
            _ => RemoveRealServer(entry, change.RealServer!),
        };
    }

    private int AddService(VirtualService s)
    {
        if (Find(s.Key) is not null)
            return EEXIST;
        if (ModulesMissing(s))
            return ENOENT;
        var entry = new ServiceEntry(Stored(s));
        _services.Add(entry);
        _byKey.Add(entry.Service.Key, entry);
        return 0;
    }

    private int UpdateService(ServiceEntry entry, VirtualService s)
    {
        if (ModulesMissing(s))
            return ENOENT;
        entry.Service = Stored(s);
        return 0;
    }

    private int RemoveService(ServiceEntry entry)
    {
        _services.Remove(entry);
        _byKey.Remove(entry.Service.Key);
        return 0;
    }

    private int AddRealServer(ServiceEntry entry, RealServer d)
    {
        if (MixedFamilyErrno(entry, d) is int mixed and not 0)
            return mixed;
        if (entry.IndexOf(d.Address, d.Port) >= 0)
            return EEXIST;
        if (!IsUsableDestination(d.Address))
            return EINVAL;
        entry.RealServers.Insert(0, Stored(entry, d, connections: null));
        return 0;
    }

    private int UpdateRealServer(ServiceEntry entry, RealServer d)
    {
        if (MixedFamilyErrno(entry, d) is int mixed and not 0)
            return mixed;
        int index = entry.IndexOf(d.Address, d.Port);
        if (index < 0)
            return ENOENT;
        entry.RealServers[index] = Stored(entry, d, connections: entry.RealServers[index]);
        return 0;
    }

    private static int RemoveRealServer(ServiceEntry entry, RealServer d)
    {
        int index = entry.IndexOf(d.Address, d.Port);
        if (index < 0)
            return ENOENT;
        entry.RealServers.RemoveAt(index);
        return 0;
    }

    /// <summary>A destination of another family than its service: only tunnels, and never while a sync daemon runs.</summary>
    private int MixedFamilyErrno(ServiceEntry entry, RealServer d)
        => d.Family == entry.Service.Key.Family ? 0
         : SyncRunning || d.Forwarding != ForwardingMethod.Tunnel ? EINVAL
         : 0;

    private bool ModulesMissing(VirtualService s)
        => !AvailableSchedulers.Contains(s.Scheduler)
        || (s.PersistenceEngine is { Length: > 0 } pe && !AvailablePersistenceEngines.Contains(pe));

    /// <summary>
    /// ip_vs_new_dest: the address must be usable as a destination. Measured in the lab (6.1): 0.0.0.0,
    /// 255.255.255.255 and 224.0.0.0/4 are refused (0.1.2.3 and 240.0.0.1 are not); in IPv6 ::, link-local
    /// and multicast addresses (::1 is not).
    /// </summary>
    private static bool IsUsableDestination(IPAddress address)
    {
        IPAddress a = VirtualServiceKey.Normalize(address);
        if (a.AddressFamily == AddressFamily.InterNetwork)
        {
            byte first = a.GetAddressBytes()[0];
            return !a.Equals(IPAddress.Any) && !a.Equals(IPAddress.Broadcast) && first is < 224 or >= 240;
        }
        return !a.Equals(IPAddress.IPv6Any) && !a.IsIPv6Multicast && !a.IsIPv6LinkLocal;
    }

    /// <summary>What the kernel keeps of a service: the settings sent (a timeout only when persistent), without what is read-only.</summary>
    private static VirtualService Stored(VirtualService s) => s with
    {
        PersistenceTimeout = s.Persistent ? s.PersistenceTimeout : 0,
        PersistenceEngine = string.IsNullOrEmpty(s.PersistenceEngine) ? null : s.PersistenceEngine,
        RealServers = Array.Empty<RealServer>(),
        Statistics = null,
        NetworkNamespace = null,
    };

    /// <summary>
    /// What the kernel keeps of a real server: the settings sent (tunnel ones only for tunnels; the forwarding
    /// method as asked, the director's own addresses included), tied to its service, with the connection counts
    /// of the one it replaces.
    /// </summary>
    private static RealServer Stored(ServiceEntry entry, RealServer d, RealServer? connections)
    {
        IPAddress address = VirtualServiceKey.Normalize(d.Address);
        bool tunnel = d.Forwarding == ForwardingMethod.Tunnel;
        return d with
        {
            VirtualService = entry.Service.Key,
            Address = address,
            TunnelType = tunnel ? d.TunnelType : TunnelType.Ipip,
            TunnelPort = tunnel ? d.TunnelPort : (ushort)0,
            TunnelChecksum = tunnel ? d.TunnelChecksum : TunnelChecksum.NoChecksum,
            ActiveConnections = connections?.ActiveConnections ?? 0,
            InactiveConnections = connections?.InactiveConnections ?? 0,
            PersistentConnections = connections?.PersistentConnections ?? 0,
            Statistics = null,
            NetworkNamespace = null,
        };
    }

    /// <summary>ip_vs_set_timeout: each timeout must fit seconds × HZ in an int (0 = unchanged).</summary>
    private static int TimeoutErrno(IpvsTimeouts t)
    {
        const uint max = int.MaxValue / KernelHz;
        return t.TcpSeconds > max || t.TcpFinSeconds > max || t.UdpSeconds > max ? EINVAL : 0;
    }
}
