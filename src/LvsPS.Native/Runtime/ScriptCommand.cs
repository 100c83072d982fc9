using System.Text;

namespace LvsPS.Native.Runtime;

/// <summary>
/// An executable and its argument vector, run without a shell (keepalived's misc_path, notify
/// and vrrp_script lines). <see cref="Path"/> without a slash is looked up in PATH.
/// </summary>
public sealed record ScriptCommand
{
    public ScriptCommand(string path, IEnumerable<string>? arguments = null)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new ScriptNotUsableException(path ?? "", ScriptProblem.Empty);
        Path = path;
        Arguments = (arguments ?? Array.Empty<string>()).ToArray();
    }

    public string Path { get; }
    public IReadOnlyList<string> Arguments { get; private init; }
    /// <summary>Variables set for this command on top of the process environment (a null value removes one).</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();
    /// <summary>The network namespace the command runs in (a name from ip netns or a path); null: this process's.</summary>
    public string? NetworkNamespace { get; init; }

    /// <summary>The same command with more arguments after the given ones (notify scripts get the state this way).</summary>
    public ScriptCommand WithArguments(IEnumerable<string> more) => this with { Arguments = Arguments.Concat(more).ToArray() };

    /// <summary>
    /// Splits a command line as keepalived does for its script lines: words separated by blanks,
    /// '...' or "..." group blanks into one word, a backslash takes the next character literally.
    /// No shell: no variables, globs, pipes or redirections.
    /// </summary>
    public static ScriptCommand Parse(string commandLine)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        bool inWord = false;
        char quote = '\0';
        for (int i = 0; i < commandLine.Length; i++)
        {
            char c = commandLine[i];
            if (c == '\\' && quote != '\'' && i + 1 < commandLine.Length)
            {
                word.Append(commandLine[++i]);
                inWord = true;
            }
            else if (quote != '\0')
            {
                if (c == quote)
                    quote = '\0';
                else
                    word.Append(c);
            }
            else if (c is '\'' or '"')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                    words.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }
        if (quote != '\0')
            throw new ScriptNotUsableException(commandLine, ScriptProblem.UnbalancedQuote);
        if (inWord)
            words.Add(word.ToString());
        if (words.Count == 0)
            throw new ScriptNotUsableException(commandLine, ScriptProblem.Empty);
        return new ScriptCommand(words[0], words.Skip(1));
    }

    /// <summary>
    /// The full path of the executable: <see cref="Path"/> itself when it has a slash, else the
    /// first match in PATH. Checks what the kernel will check at exec: it exists, is not a
    /// directory, and this process may execute it.
    /// </summary>
    /// <exception cref="ScriptNotUsableException">It cannot be run, with the reason.</exception>
    public string Resolve()
    {
        if (Path.Contains('/'))
            return Check(Path);
        string searchPath = System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        foreach (string dir in searchPath.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = System.IO.Path.Combine(dir, Path);
            if (File.Exists(candidate) && IsExecutable(candidate))
                return candidate;
        }
        throw new ScriptNotUsableException(Path, ScriptProblem.NotFound);
    }

    private static string Check(string path)
    {
        if (Directory.Exists(path))
            throw new ScriptNotUsableException(path, ScriptProblem.IsDirectory);
        if (!File.Exists(path))
            throw new ScriptNotUsableException(path, ScriptProblem.NotFound);
        if (!IsExecutable(path))
            throw new ScriptNotUsableException(path, ScriptProblem.NotExecutable);
        return path;
    }

    private static unsafe bool IsExecutable(string path)
    {
        const int X_OK = 1;
        byte* p = ProcessNative.CString(path);
        try
        {
            return ProcessNative.access(p, X_OK) == 0;
        }
        finally
        {
            System.Runtime.InteropServices.NativeMemory.Free(p);
        }
    }

    /// <summary>The command line, with words quoted where they hold blanks or quotes; <see cref="Parse"/> reads it back.</summary>
    public override string ToString() => string.Join(' ', Arguments.Prepend(Path).Select(Quote));

    private static string Quote(string word)
        => word.Length > 0 && !word.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '\\') ? word : $"'{word.Replace("'", "'\\''")}'";
}
