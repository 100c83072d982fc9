namespace LvsPS.Native.Health;

/// <summary>The scheduling, dynamic weight and counters of a check, kept by <see cref="HealthMonitor"/>.</summary>
internal sealed partial class CheckerState
{
    public List<RealServerState> Subscribers { get; } = new();

    /// <summary>When the next probe is due, and the version that makes older queue entries stale.</summary>
    public TimeSpan Due { get; set; }
    public int Version { get; set; }
    public bool Scheduled { get; set; }
    public bool InFlight { get; set; }
    public TimeSpan LastStart { get; set; }

    /// <summary>MISC_CHECK misc_dynamic: the weight the last exit code asked for (exit - 2), null for none.</summary>
    public long? ScriptWeight { get; set; }
    /// <summary>keepalived's last_exit_code: a weight is applied only when the code changes.</summary>
    public int? LastExitCode { get; set; }
    /// <summary>FILE_CHECK: the status value (weight_range(value × weight × ±1), or int.MinValue for a fault).</summary>
    public int FileStatus { get; set; }

    public ProbeResult? LastResult { get; set; }
    public TimeSpan? LastResultAt { get; set; }
    public int ConsecutiveFailures { get; set; }
    public int ConsecutiveSuccesses { get; set; }
    public long Probes { get; set; }
    public long Failures { get; set; }
    public long Transitions { get; set; }
    public TimeSpan? LastChange { get; set; }

    public void Record(ProbeResult result, TimeSpan now)
    {
        LastResult = result;
        LastResultAt = now;
        Probes++;
        if (result.Passed)
        {
            ConsecutiveSuccesses++;
            ConsecutiveFailures = 0;
        }
        else
        {
            Failures++;
            ConsecutiveFailures++;
            ConsecutiveSuccesses = 0;
        }
    }

    /// <summary>What this check adds to the weight of a real server configured with <paramref name="configuredWeight"/>.</summary>
    public long WeightContribution(long configuredWeight) => Check.Check switch
    {
        ScriptHealthCheck => ScriptWeight is { } w ? w - configuredWeight : 0,
        FileHealthCheck => FileStatus == int.MinValue ? 0 : FileStatus,
        _ => 0,
    };
}
