namespace LvsPS.Native.Runtime;

/// <summary>Why a script cannot be run at all (found when it is configured, before any run).</summary>
public enum ScriptProblem
{
    /// <summary>The command line is empty.</summary>
    Empty,
    /// <summary>A quote of the command line is not closed.</summary>
    UnbalancedQuote,
    /// <summary>No such file (or, for a bare name, none in PATH).</summary>
    NotFound,
    /// <summary>The file exists but this process may not execute it (no x bit, or a noexec mount).</summary>
    NotExecutable,
    /// <summary>The path names a directory.</summary>
    IsDirectory,
}

/// <summary>A script command that cannot be run: the command as given and the <see cref="Problem"/>.</summary>
public sealed class ScriptNotUsableException : Exception
{
    public ScriptNotUsableException(string command, ScriptProblem problem)
        : base(Describe(command, problem))
    {
        Command = command;
        Problem = problem;
    }

    public string Command { get; }
    public ScriptProblem Problem { get; }

    private static string Describe(string command, ScriptProblem problem) => problem switch
    {
        ScriptProblem.Empty => "The script command is empty.",
        ScriptProblem.UnbalancedQuote => $"The script command \"{command}\" has a quote that is not closed.",
        ScriptProblem.NotFound => command.Contains('/') ? $"The script '{command}' does not exist." : $"The script '{command}' is not in any directory of PATH.",
        ScriptProblem.NotExecutable => $"The script '{command}' is not executable (chmod +x, or a filesystem mounted noexec).",
        ScriptProblem.IsDirectory => $"The script '{command}' is a directory.",
        _ => $"The script '{command}' cannot be run.",
    };
}
