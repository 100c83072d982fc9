namespace LvsPS.Native.Configuration.Keepalived;

/// <summary>How a keepalived.conf is read: the config id for <c>@id</c> lines and the limits that keep a bad file from hanging the reader.</summary>
public sealed record KeepalivedReadOptions
{
    /// <summary>Total bytes read over the main file and its includes (32 MiB; a 10,000-service file is about 3 MB).</summary>
    public const long DefaultMaxBytes = 32L * 1024 * 1024;

    /// <summary>
    /// The id that <c>@ID line</c> and <c>@^ID line</c> compare with (keepalived's <c>-i</c>);
    /// null: the host name up to its first dot, as keepalived.
    /// </summary>
    public string? ConfigId { get; init; }
    /// <summary>What <c>${_INSTANCE}</c> expands to (keepalived's instance name; empty by default).</summary>
    public string InstanceName { get; init; } = "";
    public long MaxBytes { get; init; } = DefaultMaxBytes;
    /// <summary>Lines after include, <c>~SEQ</c>/<c>~LST</c> repetition and brace splitting.</summary>
    public int MaxLines { get; init; } = 2_000_000;
    /// <summary>Findings kept before the reader gives up (a binary file would give one per line).</summary>
    public int MaxFindings { get; init; } = 1000;
    /// <summary>Nesting of includes (a loop is reported as a loop before this is reached).</summary>
    public int MaxIncludeDepth { get; init; } = 32;
    /// <summary>When set, an include that resolves outside this directory is an error (for files from untrusted hands).</summary>
    public string? IncludeRoot { get; init; }

    /// <summary>
    /// Answers whether a network interface exists, for keepalived's "interface ... doesn't exist"
    /// warnings; null: not checked (the file alone is judged).
    /// </summary>
    public Func<string, bool>? InterfaceExists { get; init; }

    /// <summary>
    /// Answers whether a script's program can be run (first word of the command), for keepalived's
    /// "disabling track script" warning; null: not checked.
    /// </summary>
    public Func<string, bool>? ScriptRunnable { get; init; }

    /// <summary>Checks against this machine: interfaces under /sys/class/net, programs that exist and are executable.</summary>
    public static KeepalivedReadOptions ForThisHost(string? configId = null) => new()
    {
        ConfigId = configId,
        InterfaceExists = name => name.Length > 0 && !name.Contains('/') && Directory.Exists(Path.Combine("/sys/class/net", name)),
        ScriptRunnable = IsExecutable,
    };

    private static bool IsExecutable(string path)
    {
        if (!Path.IsPathRooted(path))
            return (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':').Any(d => IsExecutable(Path.Combine(d, path)));
        try
        {
            return File.Exists(path) && (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Lines of words and braces alone are read straight from the text (false: every line takes the general path; the tests compare both).</summary>
    internal bool PlainLines { get; init; } = true;

    internal string EffectiveConfigId => ConfigId ?? DefaultConfigId();

    internal static string DefaultConfigId()
    {
        string host = Environment.MachineName;
        int dot = host.IndexOf('.');
        return dot > 0 ? host[..dot] : host;
    }
}
