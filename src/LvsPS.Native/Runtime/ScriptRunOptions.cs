namespace LvsPS.Native.Runtime;

/// <summary>Limits of one script run.</summary>
public sealed record ScriptRunOptions
{
    public static ScriptRunOptions Default { get; } = new();

    /// <summary>After this the run is terminated and counts as <see cref="ScriptOutcome.TimedOut"/>; Timeout.InfiniteTimeSpan for none. 30 s by default.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Between SIGTERM to the process group and SIGKILL: 2 s, as keepalived waits for MISC_CHECK and vrrp_script.</summary>
    public TimeSpan KillDelay { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>Bytes kept of standard output and of standard error each (more is read and dropped); 0 sends both to /dev/null. 64 KiB by default.</summary>
    public int MaxOutputBytes { get; init; } = 64 * 1024;
    /// <summary>How long to keep reading output after the process exited, when a child it left behind still holds the stream open.</summary>
    public TimeSpan OutputGrace { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <exception cref="ArgumentOutOfRangeException">A negative time or cap.</exception>
    public void Validate()
    {
        if (Timeout <= TimeSpan.Zero && Timeout != System.Threading.Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "The script timeout must be positive (or infinite).");
        if (KillDelay < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(KillDelay), KillDelay, "The kill delay cannot be negative.");
        if (MaxOutputBytes < 0)
            throw new ArgumentOutOfRangeException(nameof(MaxOutputBytes), MaxOutputBytes, "The output cap cannot be negative.");
        if (OutputGrace < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(OutputGrace), OutputGrace, "The output grace cannot be negative.");
    }
}
