using LvsPS.Native.Ipvs;

namespace LvsPS.Native.Health.Engine;

/// <summary>How a <see cref="HealthEngine"/> runs.</summary>
public sealed record HealthEngineOptions
{
    /// <summary>A name to find it by (Get-/Stop-/Wait- cmdlets).</summary>
    public required string Name { get; init; }
    /// <summary>The director's network namespace: probes, scripts and IPVS all run there (null: this process's).</summary>
    public string? NetworkNamespace { get; init; }
    /// <summary>Opens IPVS; called on the engine's loop thread, inside the namespace.</summary>
    public required Func<string?, IIpvsClient> OpenIpvs { get; init; }
    /// <summary>For SuspendUnlessVrrpMaster: the named local VRRP instance is master (true), not master (false), or unknown (null: treated as not master).</summary>
    public Func<string, bool?>? IsVrrpMaster { get; init; }
    /// <summary>How often ha_suspend and VRRP suspension look at addresses and instances.</summary>
    public TimeSpan SuspensionPoll { get; init; } = TimeSpan.FromMilliseconds(250);
    /// <summary>A probe started this late or later counts as a late check.</summary>
    public TimeSpan LateThreshold { get; init; } = TimeSpan.FromMilliseconds(100);
    /// <summary>How long notify actions may run (keepalived does not limit them; omega at stop gets 1 s).</summary>
    public TimeSpan NotifyTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>
    /// The loop to run on, shared with other engines (a director's <see cref="HealthLoopPool"/>; it must
    /// be in <see cref="NetworkNamespace"/>); null: a thread of the engine's own, ended when it stops.
    /// </summary>
    internal HealthLoop? Loop { get; init; }
    /// <summary>The warm-up's randomness, for tests.</summary>
    public Func<double>? Random { get; init; }
}

/// <summary>An engine's counters and its last error, besides the monitor's state.</summary>
public sealed record HealthEngineStatistics(
    long ProbesStarted, long ProbesCompleted, long LateProbes, TimeSpan MaxLateness, long IpvsChangesApplied, long IpvsChangesFailed,
    long NotificationsRun, long Transitions, string? LastError, DateTimeOffset? LastErrorAt, DateTimeOffset Started);

/// <summary>Everything an engine can tell at one moment.</summary>
public sealed record HealthEngineStatus(
    string Name, string? NetworkNamespace, HealthEngineState State, IReadOnlyList<ServiceHealthStatus> Services, HealthEngineStatistics Statistics,
    TimeSpan Now);

public enum HealthEngineState { Starting, Running, Stopping, Stopped, Failed }
