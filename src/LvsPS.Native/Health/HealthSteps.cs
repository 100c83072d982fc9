using LvsPS.Native.Ipvs;

namespace LvsPS.Native.Health;

/// <summary>A probe the I/O side must run now: check <see cref="CheckId"/>, for HTTP the url at <see cref="UrlIndex"/> (null: every url in turn).</summary>
public readonly record struct ProbeRequest(int CheckId, ResolvedHealthCheck Check, int? UrlIndex, TimeSpan Due);

/// <summary>
/// What a probe found. Network and file probes set <see cref="Passed"/>; a script sets
/// <see cref="ExitCode"/> (null when it timed out or died of a signal) and the monitor applies
/// keepalived's exit-code rules; a file probe sets <see cref="FileValue"/>.
/// </summary>
public readonly record struct ProbeResult(int CheckId, bool Passed, string? Reason, TimeSpan Duration, int? ExitCode = null, long? FileValue = null)
{
    public static ProbeResult Pass(int id, TimeSpan duration, string? detail = null) => new(id, true, detail, duration);
    public static ProbeResult Fail(int id, TimeSpan duration, string reason) => new(id, false, reason, duration);
}

public enum HealthIpvsChangeKind { AddRealServer, RemoveRealServer, SetWeight }

/// <summary>A change to make in IPVS: the destination carries the weight to set.</summary>
public sealed record HealthIpvsChange(HealthIpvsChangeKind Kind, RealServer RealServer, string Reason)
{
    public override string ToString() => Kind switch
    {
        HealthIpvsChangeKind.AddRealServer => $"add {RealServer} weight {RealServer.Weight} ({Reason})",
        HealthIpvsChangeKind.RemoveRealServer => $"remove {RealServer} ({Reason})",
        _ => $"weight {RealServer.Weight} for {RealServer} ({Reason})",
    };
}

public enum HealthNotificationKind { RealServerUp, RealServerDown, QuorumUp, QuorumDown }

/// <summary>A notify action to start (not awaited). <see cref="Stopping"/>: omega at stop, limited to 1 s.</summary>
public sealed record HealthNotification(HealthNotificationKind Kind, VirtualServiceKey Service, RealServer? RealServer, HealthCommand Command, bool Stopping)
{
    public override string ToString() => $"{Kind} {(RealServer is null ? Service.ToString() : RealServer.ToString())}: {Command.Text}";
}

public enum HealthTransitionKind { CheckUp, CheckDown, RealServerUp, RealServerDown, QuorumUp, QuorumDown, SorryServerIn, SorryServerOut, WeightChanged }

/// <summary>Something that changed, for logs and waiters.</summary>
public sealed record HealthTransition(HealthTransitionKind Kind, VirtualServiceKey Service, RealServer? RealServer, int? CheckId, string Reason, TimeSpan At)
{
    public override string ToString() => $"{Kind} {(RealServer is null ? Service.ToString() : RealServer.ToString())}{(CheckId is { } c ? $" check {c}" : "")}: {Reason}";
}

/// <summary>The output of one call into <see cref="HealthMonitor"/>, in the order to carry it out.</summary>
public sealed class HealthStep
{
    public List<ProbeRequest> Probes { get; } = new();
    public List<HealthIpvsChange> Changes { get; } = new();
    public List<HealthNotification> Notifications { get; } = new();
    public List<HealthTransition> Transitions { get; } = new();

    public bool IsEmpty => Probes.Count == 0 && Changes.Count == 0 && Notifications.Count == 0 && Transitions.Count == 0;

    internal void Add(HealthStep other)
    {
        Probes.AddRange(other.Probes);
        Changes.AddRange(other.Changes);
        Notifications.AddRange(other.Notifications);
        Transitions.AddRange(other.Transitions);
    }
}

/// <summary>What the monitor does to IPVS when it stops.</summary>
public enum HealthStopMode
{
    /// <summary>Leave IPVS as it is (keepalived -I).</summary>
    Leave,
    /// <summary>Remove every real server and the sorry server, inhibited or not (keepalived's stop).</summary>
    Remove,
    /// <summary>Put every real server back at its configured weight and take the sorry server out.</summary>
    Restore,
}
