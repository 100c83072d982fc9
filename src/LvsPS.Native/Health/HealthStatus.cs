using LvsPS.Native.Ipvs;

namespace LvsPS.Native.Health;

/// <summary>Up, down, or not checked yet (a check before its first result).</summary>
public enum HealthState { Unknown, Up, Down }

/// <summary>One check at a moment: state, last result and counters.</summary>
public sealed record HealthCheckStatus(
    int Id, ResolvedHealthCheck Check, HealthState State, bool Suspended, ProbeResult? LastResult, TimeSpan? LastResultAt,
    int ConsecutiveFailures, int ConsecutiveSuccesses, int RetriesUsed, long Probes, long Failures, long Transitions, TimeSpan? LastChange, TimeSpan? NextDue);

/// <summary>One real server at a moment: alive or not, what IPVS holds, its checks.</summary>
public sealed record RealServerHealthStatus(
    VirtualServiceKey Service, RealServer RealServer, bool Alive, bool InTable, uint? TableWeight, long EffectiveWeight,
    bool Inhibit, IReadOnlyList<HealthCheckStatus> Checks, long Transitions, TimeSpan? LastChange, string? LastReason)
{
    /// <summary>Down when a check is down; Unknown while a check has no result yet; else Up when alive.</summary>
    public HealthState State => Checks.Any(c => c.State == HealthState.Down) ? HealthState.Down
        : Checks.Any(c => c.State == HealthState.Unknown) ? HealthState.Unknown
        : Alive ? HealthState.Up : HealthState.Down;
}

/// <summary>One service at a moment: quorum, sorry server, suspension, real servers.</summary>
public sealed record ServiceHealthStatus(
    VirtualServiceKey Service, bool QuorumUp, long LiveWeight, uint Quorum, uint Hysteresis, RealServer? SorryServer, bool SorryServerActive,
    bool Suspended, IReadOnlyList<RealServerHealthStatus> RealServers, IReadOnlyList<string> Notes);

public sealed partial class HealthMonitor
{
    /// <summary>Every service, real server and check as they stand.</summary>
    public IReadOnlyList<ServiceHealthStatus> GetStatus()
        => _services.Select(s => new ServiceHealthStatus(
            s.Key, s.QuorumUp, s.LiveWeight, s.Quorum, s.Hysteresis, s.Sorry?.Destination, s.Sorry?.Alive ?? false,
            s.Suspended, s.RealServers.Select(Status).ToArray(), s.Notes)).ToArray();

    private RealServerHealthStatus Status(RealServerState rs)
        => new(rs.Service.Key, rs.Destination, rs.Alive, rs.InTable, rs.TableWeight, rs.EffectiveWeight, rs.Inhibit,
            rs.Checkers.Select(Status).ToArray(), rs.Transitions, rs.LastChange, rs.LastReason);

    private HealthCheckStatus Status(CheckerState c)
        => new(c.Id, c.Check, !c.HasRun ? HealthState.Unknown : c.IsUp ? HealthState.Up : HealthState.Down, IsSuspended(c),
            c.LastResult, c.LastResultAt, c.ConsecutiveFailures, c.ConsecutiveSuccesses, c.IsUp ? c.RetryIt : 0, c.Probes, c.Failures,
            c.Transitions, c.LastChange, c.Scheduled ? c.Due : null);
}
