using System.Net;
using System.Net.Sockets;
using static LvsPS.Native.Netlink.Errno;

namespace LvsPS.Native.Ipvs.InMemory;

/// <summary>Sync daemons as ip_vs_genl_new_daemon / start_sync_thread / stop_sync_thread answer.</summary>
public sealed partial class InMemoryIpvs
{
    /// <summary>The maximum sync message length the kernel picks for a 1500-byte MTU: less the IPv4 (or IPv6) and UDP headers.</summary>
    public const ushort DefaultSyncMaxLengthIPv4 = 1472, DefaultSyncMaxLengthIPv6 = 1452;

    private readonly Dictionary<SyncDaemonState, SyncDaemon> _daemons = new();

    private bool SyncRunning => _daemons.Count > 0;

    public IReadOnlyList<SyncDaemon> GetSyncDaemons()
    {
        lock (_gate)
            return _daemons.Values.OrderBy(d => d.State).Select(d => d with { NetworkNamespace = NetworkNamespace }).ToList();
    }

    public void StartSyncDaemon(SyncDaemon daemon)
    {
        SyncDaemonValidation.Validate(daemon);
        lock (_gate)
        {
            string target = daemon.ToString();
            // The order of the kernel's checks: mixed-family destinations, the role taken, the interface.
            if (MixedFamilyRealServers().Count > 0)
                throw SyncDaemonRefusal.InvalidStart(target, EINVAL, MixedFamilyRealServers(), inner: null);
            if (_daemons.ContainsKey(daemon.State))
                throw IpvsException.From(IpvsOperation.StartSyncDaemon, EEXIST, target);
            if (!Interfaces.Contains(daemon.Interface))
                throw IpvsException.From(IpvsOperation.StartSyncDaemon, ENODEV, target);
            bool v6 = daemon.MulticastGroup is { AddressFamily: AddressFamily.InterNetworkV6 } g && !g.IsIPv4MappedToIPv6;
            _daemons[daemon.State] = daemon with
            {
                MaxLength = daemon.MaxLength ?? (v6 ? DefaultSyncMaxLengthIPv6 : DefaultSyncMaxLengthIPv4),
                MulticastGroup = daemon.MulticastGroup is { } group ? VirtualServiceKey.Normalize(group) : SyncDaemon.DefaultMulticastGroup,
                Port = daemon.Port ?? SyncDaemon.DefaultPort,
                Ttl = daemon.Ttl ?? SyncDaemon.DefaultTtl,
                NetworkNamespace = null,
            };
        }
    }

    public void StopSyncDaemon(SyncDaemonState state)
    {
        SyncDaemonValidation.ValidateState(state);
        lock (_gate)
        {
            if (!_daemons.Remove(state))
                throw IpvsException.From(IpvsOperation.StopSyncDaemon, ESRCH, SyncDaemon.StateName(state));
        }
    }

    private List<RealServer> MixedFamilyRealServers()
        => _services.SelectMany(e => e.RealServers).Where(d => d.Family != d.VirtualService.Family).ToList();
}
