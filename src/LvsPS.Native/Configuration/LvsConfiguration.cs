using LvsPS.Native.Ipvs;

namespace LvsPS.Native.Configuration;

/// <summary>
/// Everything of a director's IPVS setup that is configuration, not state: the services with
/// their real servers (thresholds and tunnel settings included), the protocol timeouts and the
/// sync daemons. Counters, connection counts and the namespace are not part of it.
/// </summary>
public sealed record LvsConfiguration
{
    /// <summary>The format version this library writes and reads.</summary>
    public const int CurrentVersion = 1;

    public int Version { get; init; } = CurrentVersion;
    public IReadOnlyList<VirtualService> Services { get; init; } = Array.Empty<VirtualService>();
    /// <summary>Null: the file does not set timeouts.</summary>
    public IpvsTimeouts? Timeouts { get; init; }
    public IReadOnlyList<SyncDaemon> SyncDaemons { get; init; } = Array.Empty<SyncDaemon>();
    /// <summary>The whole director (VRRP, checks, keepalived settings) when the file carries one; null for a plain IPVS table.</summary>
    public Director.DirectorConfiguration? Director { get; init; }

    /// <summary>
    /// Reads the whole configuration of the client's namespace (one service dump, one dest dump
    /// per service, timeouts, daemons), sorted like ipvsadm lists it: the kernel dumps real servers
    /// in reverse insertion order, so without sorting an export would change after every reload.
    /// </summary>
    public static LvsConfiguration Capture(IIpvsClient client) => new()
    {
        Services = IpvsadmOrder.Sort(client.GetVirtualServices(includeRealServers: true)),
        Timeouts = client.GetTimeouts(),
        SyncDaemons = client.GetSyncDaemons().OrderBy(d => d.State).ToArray(),
    };
}
