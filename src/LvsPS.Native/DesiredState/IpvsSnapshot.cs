using LvsPS.Native.Ipvs;

namespace LvsPS.Native.DesiredState;

/// <summary>
/// An IPVS table as a whole: services with their real servers and, when they are part of it, the
/// timeouts and the sync daemons. Read from the kernel it is the current state; built from a
/// configuration (a file, keepalived.conf) it is the desired one, where null timeouts or daemons
/// mean "not managed: leave them as they are". No file format lives here.
/// </summary>
public sealed record IpvsSnapshot
{
    public IReadOnlyList<VirtualService> Services { get; init; } = Array.Empty<VirtualService>();

    /// <summary>Null: not part of this snapshot. In a desired state a 0 means "leave that one unchanged".</summary>
    public IpvsTimeouts? Timeouts { get; init; }

    /// <summary>Null: not part of this snapshot (a desired state without daemons leaves the running ones alone).</summary>
    public IReadOnlyList<SyncDaemon>? SyncDaemons { get; init; }

    /// <summary>Services plus real servers.</summary>
    public int ObjectCount => Services.Count + Services.Sum(s => s.RealServers.Count);

    /// <summary>
    /// Reads the current state: one service dump and one real-server dump per service, then the timeouts
    /// and the sync daemons when asked (a desired state that manages them needs them to compare).
    /// </summary>
    public static IpvsSnapshot Capture(IIpvsClient client, bool timeouts = false, bool syncDaemons = false) => new()
    {
        Services = client.GetVirtualServices(includeRealServers: true),
        Timeouts = timeouts ? client.GetTimeouts() : null,
        SyncDaemons = syncDaemons ? client.GetSyncDaemons() : null,
    };

    /// <summary>What a desired state needs of the current one to be planned against it.</summary>
    public static IpvsSnapshot CaptureFor(IIpvsClient client, IpvsSnapshot desired)
        => Capture(client, timeouts: desired.Timeouts is not null, syncDaemons: desired.SyncDaemons is not null);
}
