namespace LvsPS.Native.Health;

/// <summary>
/// Something a check runs: the MISC_CHECK program, or a notify_up/notify_down/quorum_up/quorum_down
/// action. An executable (argument vector) or a script block that the host layer runs.
/// </summary>
public abstract record HealthCommand
{
    /// <summary>How it reads in a table and in messages.</summary>
    public abstract string Text { get; }
    public override string ToString() => Text;
}

/// <summary>An executable with its arguments, run without a shell (keepalived splits misc_path and notify_* the same way).</summary>
public sealed record ExecutableHealthCommand : HealthCommand
{
    public ExecutableHealthCommand(IReadOnlyList<string> arguments)
    {
        if (arguments.Count == 0 || string.IsNullOrEmpty(arguments[0]))
            throw new ArgumentException("A command needs a program.", nameof(arguments));
        Arguments = arguments;
    }

    /// <summary>Program first, then its arguments.</summary>
    public IReadOnlyList<string> Arguments { get; }
    public string Program => Arguments[0];
    /// <summary>keepalived's "user U [G]": run as this user (null: the caller's).</summary>
    public string? User { get; init; }
    public string? Group { get; init; }

    public override string Text => string.Join(' ', Arguments.Select(Quote));

    public bool Equals(ExecutableHealthCommand? other)
        => other is not null && Arguments.SequenceEqual(other.Arguments) && User == other.User && Group == other.Group;

    public override int GetHashCode() => HashCode.Combine(Arguments.Count > 0 ? Arguments[0] : "", Arguments.Count, User);

    private static string Quote(string a) => a.Length > 0 && !a.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'') ? a : $"'{a.Replace("'", "'\\''")}'";
}

/// <summary>A script block: the core only carries it; the host layer that created it runs it.</summary>
public sealed record ScriptBlockHealthCommand(object ScriptBlock, string Source) : HealthCommand
{
    public override string Text => "{" + Source + "}";
}
