using LvsPS.Native.Ipvs;

namespace LvsPS.Native.Health;

/// <summary>
/// A real server under health checks: keepalived's real_server block. <see cref="RealServer"/> is
/// the destination as it stands in IPVS while alive; its weight is the configured weight.
/// </summary>
public sealed record HealthCheckedRealServer
{
    public HealthCheckedRealServer(RealServer realServer) => RealServer = realServer;

    public RealServer RealServer { get; }
    /// <summary>All must pass for the real server to be alive. None: it is always alive.</summary>
    public IReadOnlyList<HealthCheck> Checks { get; init; } = Array.Empty<HealthCheck>();
    public HealthCheckTiming Timing { get; init; } = HealthCheckTiming.Inherit;
    /// <summary>inhibit_on_failure: weight 0 instead of removal while down. Null: the service's.</summary>
    public bool? InhibitOnFailure { get; init; }
    public HealthCommand? NotifyUp { get; init; }
    public HealthCommand? NotifyDown { get; init; }
    /// <summary>The HTTP Host for its checks when they name none.</summary>
    public string? VirtualHost { get; init; }
    /// <summary>Not in keepalived: after coming back (not at start) the weight climbs from 1 to the configured weight over this time. Null: the service's.</summary>
    public TimeSpan? SlowStart { get; init; }

    public string Endpoint => RealServer.Endpoint;

    public bool Equals(HealthCheckedRealServer? other)
        => other is not null && RealServer == other.RealServer && Checks.SequenceEqual(other.Checks) && Timing == other.Timing
        && InhibitOnFailure == other.InhibitOnFailure && Equals(NotifyUp, other.NotifyUp) && Equals(NotifyDown, other.NotifyDown)
        && VirtualHost == other.VirtualHost && SlowStart == other.SlowStart;

    public override int GetHashCode() => HashCode.Combine(RealServer, Checks.Count);
}

/// <summary>
/// A virtual service whose real servers are health-checked: keepalived's virtual_server block
/// without the IPVS settings of the service itself (scheduler, persistence: those stay as they
/// are in the kernel).
/// </summary>
public sealed record HealthCheckedService
{
    public HealthCheckedService(VirtualServiceKey service) => Service = service;

    public VirtualServiceKey Service { get; }
    public IReadOnlyList<HealthCheckedRealServer> RealServers { get; init; } = Array.Empty<HealthCheckedRealServer>();
    /// <summary>Defaults for every real server and check of the service.</summary>
    public HealthCheckTiming Timing { get; init; } = HealthCheckTiming.Inherit;
    public bool InhibitOnFailure { get; init; }
    /// <summary>The sum of live weights the service needs; keepalived's default 1.</summary>
    public uint Quorum { get; init; } = 1;
    public uint Hysteresis { get; init; }
    public HealthCommand? QuorumUp { get; init; }
    public HealthCommand? QuorumDown { get; init; }
    /// <summary>Put in (weight 1) while the quorum is lost; the alive real servers are taken out meanwhile.</summary>
    public RealServer? SorryServer { get; init; }
    /// <summary>sorry_server_inhibit: the sorry server stays in IPVS with weight 0 while the quorum holds.</summary>
    public bool SorryServerInhibit { get; init; }
    /// <summary>omega: at stop, run quorum_down and every alive real server's notify_down (1 s each).</summary>
    public bool Omega { get; init; }
    /// <summary>ha_suspend: checks pause (their state frozen) while the service's address is on no local interface.</summary>
    public bool HaSuspend { get; init; }
    /// <summary>Not in keepalived: checks pause while this local VRRP instance is not master.</summary>
    public string? SuspendUnlessVrrpMaster { get; init; }
    public string? VirtualHost { get; init; }
    /// <summary>Not in keepalived: see <see cref="HealthCheckedRealServer.SlowStart"/>.</summary>
    public TimeSpan? SlowStart { get; init; }

    public bool Equals(HealthCheckedService? other)
        => other is not null && Service == other.Service && RealServers.SequenceEqual(other.RealServers) && Timing == other.Timing
        && InhibitOnFailure == other.InhibitOnFailure && Quorum == other.Quorum && Hysteresis == other.Hysteresis
        && Equals(QuorumUp, other.QuorumUp) && Equals(QuorumDown, other.QuorumDown) && SorryServer == other.SorryServer
        && SorryServerInhibit == other.SorryServerInhibit && Omega == other.Omega && HaSuspend == other.HaSuspend
        && SuspendUnlessVrrpMaster == other.SuspendUnlessVrrpMaster && VirtualHost == other.VirtualHost && SlowStart == other.SlowStart;

    public override int GetHashCode() => HashCode.Combine(Service, RealServers.Count);
}
