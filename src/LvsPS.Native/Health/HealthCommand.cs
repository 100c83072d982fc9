using LvsPS.Native.Runtime;

namespace LvsPS.Native.Health;

/// <summary>
/// Something a check runs: the MISC_CHECK program, or a notify_up/notify_down/quorum_up/quorum_down
/// action. An executable (the runtime's <see cref="ScriptCommand"/>) or a script the host layer
/// supplies (a PowerShell script block behind <see cref="IScript"/>).
/// </summary>
public abstract record HealthCommand
{
    /// <summary>How it reads in a table and in messages.</summary>
    public abstract string Text { get; }
    /// <summary>What runs it.</summary>
    public abstract IScript Script { get; }
    public override string ToString() => Text;
}

/// <summary>An executable with its arguments, run without a shell (keepalived splits misc_path and notify_* into words the same way).</summary>
public sealed record ExecutableHealthCommand : HealthCommand
{
    private IScript? _script;

    public ExecutableHealthCommand(ScriptCommand command) => Command = command;

    /// <summary>Program first, then its arguments.</summary>
    public ExecutableHealthCommand(IReadOnlyList<string> words)
        : this(new ScriptCommand(words.Count > 0 ? words[0] : "", words.Skip(1))) { }

    /// <summary>A keepalived-style command line: words, '...' and "..." quoting, backslash escapes.</summary>
    public static ExecutableHealthCommand Parse(string commandLine) => new(ScriptCommand.Parse(commandLine));

    public ScriptCommand Command { get; }
    /// <summary>keepalived's "user U [G]" after a script: run as this user (null: the caller's).</summary>
    public string? User { get; init; }
    public string? Group { get; init; }

    public override string Text => Command.ToString();
    public override IScript Script => _script ??= new ExecutableScript(Command);

    public bool Equals(ExecutableHealthCommand? other)
        => other is not null && Text == other.Text && User == other.User && Group == other.Group
        && Command.NetworkNamespace == other.Command.NetworkNamespace;

    public override int GetHashCode() => HashCode.Combine(Text, User, Group);
}

/// <summary>A script the host layer runs (a PowerShell script block): the core only carries it.</summary>
public sealed record ScriptBlockHealthCommand(IScript Script) : HealthCommand
{
    public override string Text => "{" + Script.Description + "}";
    public override IScript Script { get; } = Script;
}
