using System.Globalization;

namespace LvsPS.Native.Runtime;

/// <summary>
/// Something a worker runs: an executable (<see cref="ExecutableScript"/>) or a script the cmdlet
/// layer supplies (a PowerShell script block on a runspace pool: the core never sees PowerShell).
/// VRRP track and notify scripts and health checks hold one and do not care which.
/// </summary>
public interface IScript
{
    /// <summary>What users see in messages and views: the command line, or the script text.</summary>
    string Description { get; }

    /// <summary>
    /// Runs once with <paramref name="arguments"/> (an executable gets them as extra words, a
    /// script block as $args). Never throws for the script's own failure, timeout or
    /// cancellation: they are in the result.
    /// </summary>
    Task<ScriptResult> RunAsync(IReadOnlyList<object?> arguments, ScriptRunOptions options, CancellationToken cancellationToken);
}

/// <summary>An executable run by a <see cref="ProcessRunner"/>.</summary>
public sealed class ExecutableScript : IScript
{
    private readonly ProcessRunner _runner;

    public ExecutableScript(ScriptCommand command, ProcessRunner? runner = null)
    {
        Command = command;
        _runner = runner ?? ProcessRunner.Shared;
    }

    public ScriptCommand Command { get; }
    public string Description => Command.ToString();

    public Task<ScriptResult> RunAsync(IReadOnlyList<object?> arguments, ScriptRunOptions options, CancellationToken cancellationToken)
    {
        ScriptCommand command = arguments.Count == 0 ? Command
            : Command.WithArguments(arguments.Select(a => Convert.ToString(a, CultureInfo.InvariantCulture) ?? ""));
        return _runner.RunAsync(command, options, cancellationToken);
    }

    public override string ToString() => Description;
}
