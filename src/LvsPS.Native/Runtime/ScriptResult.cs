namespace LvsPS.Native.Runtime;

/// <summary>How a script run ended.</summary>
public enum ScriptOutcome
{
    /// <summary>It exited by itself; <see cref="ScriptResult.ExitCode"/> says with what.</summary>
    Exited,
    /// <summary>A signal it was not sent by the runner ended it; <see cref="ScriptResult.Signal"/> says which.</summary>
    Signaled,
    /// <summary>It ran past its timeout and was terminated (SIGTERM to its process group, SIGKILL after the kill delay).</summary>
    TimedOut,
    /// <summary>Its caller gave up (stop, shutdown) and it was terminated like a timeout.</summary>
    Canceled,
    /// <summary>It never ran: spawn failed (<see cref="ScriptResult.Errno"/>) or the script host refused it.</summary>
    FailedToStart,
}

/// <summary>
/// The result of one script run. <see cref="Succeeded"/> is keepalived's pass: exit status 0.
/// Output is captured up to the run's cap (the rest is read and dropped, see <see cref="OutputTruncated"/>).
/// </summary>
public sealed record ScriptResult
{
    public required ScriptOutcome Outcome { get; init; }
    /// <summary>The exit status, 0 to 255; for a script block, 0 when it passed and 1 when it failed. Null when it did not exit by itself.</summary>
    public int? ExitCode { get; init; }
    /// <summary>The signal that ended the process, if one did (SIGTERM 15, SIGKILL 9 after a timeout).</summary>
    public int? Signal { get; init; }
    /// <summary>True when the process had to be killed with SIGKILL after ignoring SIGTERM for the kill delay.</summary>
    public bool Killed { get; init; }
    /// <summary>From start to exit (or to the failure to start).</summary>
    public TimeSpan Duration { get; init; }
    public string StandardOutput { get; init; } = "";
    public string StandardError { get; init; } = "";
    /// <summary>True when either stream wrote more than the cap and the rest was dropped.</summary>
    public bool OutputTruncated { get; init; }
    /// <summary>Why it failed to start, or the error a script block raised.</summary>
    public string? Message { get; init; }
    /// <summary>The errno of a failed spawn (ENOENT 2, EACCES 13, ...).</summary>
    public int? Errno { get; init; }
    /// <summary>A script block's last output object (health checks read a number from it); null for executables.</summary>
    public object? Value { get; init; }
    public int? ProcessId { get; init; }

    public bool Succeeded => Outcome == ScriptOutcome.Exited && ExitCode == 0;

    public static ScriptResult NotStarted(string message, int? errno = null, TimeSpan duration = default)
        => new() { Outcome = ScriptOutcome.FailedToStart, Message = message, Errno = errno, Duration = duration };

    public override string ToString() => Outcome switch
    {
        ScriptOutcome.Exited => $"exit {ExitCode}",
        ScriptOutcome.Signaled => $"ended by signal {Signal}",
        ScriptOutcome.TimedOut => $"timed out after {Duration.TotalSeconds:0.###} s{(Killed ? " (killed)" : "")}",
        ScriptOutcome.Canceled => "canceled",
        _ => $"not started: {Message}",
    };
}
