using System.Buffers;
using System.Text;

namespace LvsPS.Native.Configuration.Keepalived;

/// <summary>
/// Turns a keepalived.conf and its includes into lines the statement builder can read, with
/// keepalived 2.2.7's rules: <c>#</c>/<c>!</c> comments outside double quotes (<c>\#</c>, <c>\!</c>
/// literal), a trailing <c>\</c> joining the next line, <c>include</c> at line start (globs,
/// relative to the including file), <c>@ID</c>/<c>@^ID</c> conditionals, <c>$NAME=value</c>
/// macros used as <c>$NAME</c> or <c>${NAME}</c>, <c>~SEQ</c>/<c>~SEQx</c>/<c>~LST</c> repetition,
/// and each line cut at its first brace outside quotes (the rest is read as the next line).
/// </summary>
internal sealed partial class KeepalivedSourceReader
{
    private static readonly string[] IncludeKeywords = ["include", "includer", "includem", "includew", "includeb", "includea"];

    private const int MaxLineLength = 1 << 20;

    private readonly KeepalivedReadOptions _options;
    private readonly DiagnosticBag _diagnostics;
    private readonly KeepalivedMacros _macros;
    private readonly List<string> _openFiles = new();
    private readonly List<SourceLine> _lines = new();
    private readonly WordPool _pool;
    private long _bytes;
    private string? _mainDirectory;
    private string _mainDisplayDirectory = "";

    public KeepalivedSourceReader(KeepalivedReadOptions options, DiagnosticBag diagnostics, WordPool? pool = null)
    {
        _options = options;
        _pool = pool ?? new WordPool();
        _diagnostics = diagnostics;
        _macros = new KeepalivedMacros(options, diagnostics);
    }

    public IReadOnlyList<SourceLine> Lines => _lines;

    /// <summary>Reads a file; a missing or unreadable main file is an error at "file" (no line).</summary>
    public void ReadFile(string path)
    {
        _mainDirectory = Path.GetDirectoryName(Path.GetFullPath(path));
        _mainDisplayDirectory = Path.GetDirectoryName(path) ?? "";
        ReadFile(path, new SourceLocation(path, 0), path);
    }

    /// <summary>Reads text that is not in a file; includes resolve against <paramref name="directory"/>.</summary>
    public void ReadText(string text, string displayName, string directory)
    {
        Count(Encoding.UTF8.GetByteCount(text), new SourceLocation(displayName, 0));
        _mainDirectory = Path.GetFullPath(directory);
        _mainDisplayDirectory = "";
        if (NotTextAt(text) is { } line)
        {
            NotText(displayName, line, text[LineStart(text, line)..].First(IsNotText));
            return;
        }
        ReadLines(new SourceText(text), displayName, directory);
    }

    private void ReadFile(string fullPathOrRelative, SourceLocation from, string displayName)
    {
        string path = Path.GetFullPath(fullPathOrRelative);
        if (Directory.Exists(path))
        {
            _diagnostics.Error(DiagnosticCodes.FileUnreadable, from, $"'{displayName}' is a directory, not a configuration file.");
            return;
        }
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                _diagnostics.Error(DiagnosticCodes.FileUnreadable, from, $"'{displayName}' does not exist ({path}).");
                return;
            }
            Count(info.Length, from);
            // The length a file claims is not trusted (/dev/zero and /proc files claim 0): the read itself is capped.
            bytes = Files.BoundedFile.TryReadAllBytes(path, _options.MaxBytes - _bytes + info.Length, info.Length)
                ?? throw TooLarge(from, $"'{displayName}' alone holds more than that");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _diagnostics.Error(DiagnosticCodes.FileUnreadable, from, $"'{displayName}' cannot be read: {e.Message}");
            return;
        }
        string? text = Decode(bytes, displayName);
        if (text == null)
            return;
        _openFiles.Add(path);
        try
        {
            ReadLines(new SourceText(text), displayName, Path.GetDirectoryName(path) ?? "/");
        }
        finally
        {
            _openFiles.RemoveAt(_openFiles.Count - 1);
        }
    }

    private void Count(long bytes, SourceLocation at)
    {
        _bytes += bytes;
        if (_bytes > _options.MaxBytes)
            throw TooLarge(at, $"{_bytes:N0} bytes read");
    }

    private Exception TooLarge(SourceLocation at, string detail)
        => _diagnostics.Fatal(DiagnosticCodes.TooLarge, at,
            $"the configuration is larger than {_options.MaxBytes / (1024 * 1024)} MiB with its includes ({detail}); keepalived.conf files are kilobytes, a 10,000-service director a few megabytes. Is this the right file?");

    /// <summary>Text, or null with an error when the bytes are not text (NUL or other control bytes).</summary>
    private string? Decode(byte[] bytes, string displayName)
    {
        int start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        int line = 1;
        for (int i = start; i < bytes.Length; i++)
        {
            byte b = bytes[i];
            if (b == (byte)'\n')
                line++;
            else if (IsNotText((char)b))
            {
                NotText(displayName, line, (char)b);
                return null;
            }
        }
        // Bytes that are not UTF-8 (a Latin-1 or GBK comment) become U+FFFD, as harmless as keepalived's raw bytes.
        return Encoding.UTF8.GetString(bytes, start, bytes.Length - start);
    }

    private static bool IsNotText(char c) => c < 0x20 && c is not ('\t' or '\r' or '\n' or '\v' or '\f') || c == 0x7F;

    private void NotText(string displayName, int line, char c)
        => _diagnostics.Error(DiagnosticCodes.NotText, new SourceLocation(displayName, line),
            $"byte 0x{(int)c:X2} is not text: this is not a keepalived configuration file (a binary or corrupted file?).");

    /// <summary>The 1-based line of the first control character, or null.</summary>
    private static int? NotTextAt(string text)
    {
        int index = text.AsSpan().IndexOfAnyInRange('\0', '\u001f');
        while (index >= 0 && !IsNotText(text[index]))
        {
            int next = text.AsSpan(index + 1).IndexOfAnyInRange('\0', '\u001f');
            index = next < 0 ? -1 : index + 1 + next;
        }
        if (index < 0)
            index = text.IndexOf('\u007f');
        return index < 0 ? null : text.AsSpan(0, index).Count('\n') + 1;
    }

    private static int LineStart(string text, int line)
    {
        int start = 0;
        for (int l = 1; l < line; l++)
            start = text.IndexOf('\n', start) + 1;
        return start;
    }

    private void ReadLines(SourceText lines, string displayName, string directory)
    {
        // About one line each, and one more for a line cut at its brace: room once rather than growing through copies.
        _lines.EnsureCapacity(Math.Min(_lines.Count + lines.Count * 3 / 2, _options.MaxLines));
        for (int i = 0; i < lines.Count; i++)
        {
            var at = new SourceLocation(displayName, i + 1);
            if (_options.PlainLines && TryPlainLine(lines.Span(i), at))
                continue;
            string line = StripComment(lines[i]).Trim();
            if (line.EndsWith('\\') && KeepalivedMacros.IsMultilineStart(line[..^1].Trim(), out string name))
            {
                _macros.DefineLines(name, MultilineBody(lines, ref i));
                continue;
            }
            while (line.EndsWith('\\'))
            {
                line = line[..^1];
                if (i + 1 >= lines.Count)
                    break;
                line += StripComment(lines[++i]);
            }
            ProcessLine(line.Trim(), at, directory);
        }
    }

    /// <summary>What makes a line more than words and braces: quotes, escapes and continuations, definitions and their uses (comments are cut first).</summary>
    private static readonly SearchValues<char> NotPlain = SearchValues.Create("\"\\$");

    private static readonly SearchValues<char> CommentStart = SearchValues.Create("#!");

    /// <summary>
    /// Most lines are words and braces: they are emitted straight from the text, with what the general path
    /// (<see cref="ProcessLine"/>) would emit for them. False, emitting nothing, for any other line: a quote, a
    /// backslash or a <c>$</c> before the comment, an <c>@</c> or <c>~</c> line, an include.
    /// </summary>
    private bool TryPlainLine(ReadOnlySpan<char> raw, SourceLocation at)
    {
        int comment = raw.IndexOfAny(CommentStart);
        ReadOnlySpan<char> line = (comment < 0 ? raw : raw[..comment]).Trim();
        if (line.IndexOfAny(NotPlain) >= 0)
            return false;
        if (line.IsEmpty)
            return true;
        if (line[0] is '@' or '~' || IsInclude(line))
            return false;
        while (true)
        {
            int cut = line.IndexOfAny('{', '}');
            if (cut < 0)
            {
                EmitText(line, at);
                return true;
            }
            EmitText(line[..cut], at);
            Emit(line[cut] == '{' ? SourceLineKind.Open : SourceLineKind.Close, line[cut] == '{' ? "{" : "}", at);
            line = line[(cut + 1)..];
        }
    }

    private static bool IsInclude(ReadOnlySpan<char> line)
    {
        int end = line.IndexOfAny(' ', '\t');
        ReadOnlySpan<char> first = end < 0 ? line : line[..end];
        foreach (string keyword in IncludeKeywords)
            if (first.SequenceEqual(keyword))
                return true;
        return false;
    }

    private void EmitText(ReadOnlySpan<char> text, SourceLocation at)
    {
        text = text.Trim();
        if (!text.IsEmpty)
            Emit(SourceLineKind.Text, _pool.Get(text), at);
    }

    /// <summary>The lines after <c>$NAME= \</c>: each one ending in <c>\</c> continues the body; blank lines inside it are skipped.</summary>
    private static string[] MultilineBody(SourceText lines, ref int i)
    {
        var body = new List<string>();
        while (i + 1 < lines.Count)
        {
            string next = StripComment(lines[++i]).Trim();
            if (next.Length == 0)
                continue;
            bool more = next.EndsWith('\\');
            body.Add(more ? next[..^1].Trim() : next);
            if (!more)
                break;
        }
        // A one-line body must still read as multiline when used alone on a line.
        return body.Count == 1 ? [body[0], ""] : body.ToArray();
    }

    /// <summary>Cuts the line at the first # or ! outside double quotes; \# and \! stay (the tokenizer unescapes them).</summary>
    internal static string StripComment(string line)
    {
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (c == '\\' && i + 1 < line.Length && line[i + 1] is '#' or '!')
                i++;
            else if (c == '"')
                quoted = !quoted;
            else if (!quoted && c is '#' or '!')
                return line[..i];
        }
        return line;
    }

    private void ProcessLine(string line, SourceLocation at, string directory)
    {
        if (line.Length == 0)
            return;
        string first = FirstWord(line, out string rest);
        if (Array.IndexOf(IncludeKeywords, first) >= 0)
        {
            Include(rest.Trim(), at, directory);
            return;
        }
        ProcessStatementLine(line, at, directory, depth: 0);
    }

    private void ProcessStatementLine(string line, SourceLocation at, string directory, int depth)
    {
        if (line.Length == 0)
            return;
        if (depth > KeepalivedMacros.MaxDepth)
        {
            _diagnostics.Error(DiagnosticCodes.MacroTooDeep, at,
                $"definitions nest deeper than {KeepalivedMacros.MaxDepth} levels here (does a $NAME use itself?); the line is ignored.");
            return;
        }
        if (line[0] == '@')
        {
            string id = FirstWord(line, out string rest);
            bool negate = id.StartsWith("@^", StringComparison.Ordinal);
            string name = id[(negate ? 2 : 1)..];
            if ((name == _options.EffectiveConfigId) != negate)
                ProcessStatementLine(rest.Trim(), at, directory, depth + 1);
            return;
        }
        if (_macros.TryDefine(line))
            return;
        if (line[0] == '~' && _macros.TryRepeat(line, at, directory, each => ProcessStatementLine(each, at, directory, depth + 1)))
            return;
        if (_macros.MultilineUse(line) is { } body)
        {
            foreach (string bodyLine in body)
                ProcessStatementLine(bodyLine, at, directory, depth + 1);
            return;
        }
        string expanded = _macros.Expand(line, directory, out bool changed);
        if (expanded.Length > MaxLineLength)
        {
            _diagnostics.Error(DiagnosticCodes.MacroTooDeep, at, $"definitions expand this line beyond {MaxLineLength:N0} characters; the line is ignored.");
            return;
        }
        if (changed)
            ProcessStatementLine(expanded.Trim(), at, directory, depth + 1);
        else
            EmitSplitAtBraces(line, at);
    }

    private void EmitSplitAtBraces(string line, SourceLocation at)
    {
        while (true)
        {
            int cut = FirstBrace(line);
            if (cut < 0)
            {
                Emit(SourceLineKind.Text, line, at);
                return;
            }
            Emit(SourceLineKind.Text, line[..cut], at);
            Emit(line[cut] == '{' ? SourceLineKind.Open : SourceLineKind.Close, line[cut].ToString(), at);
            line = line[(cut + 1)..];
        }
    }

    private void Emit(SourceLineKind kind, string text, SourceLocation at)
    {
        if (kind == SourceLineKind.Text)
        {
            text = text.Trim();
            if (text.Length == 0)
                return;
        }
        if (_lines.Count >= _options.MaxLines)
            throw _diagnostics.Fatal(DiagnosticCodes.TooManyLines, at,
                $"the configuration expands to more than {_options.MaxLines:N0} lines (includes and ~SEQ/~LST repetition); check the repetition ranges here.");
        _lines.Add(new SourceLine(kind, text, at));
    }

    private static int FirstBrace(string line)
    {
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (c == '"')
                quoted = !quoted;
            else if (!quoted && c is '{' or '}')
                return i;
        }
        return -1;
    }

    internal static string FirstWord(string line, out string rest)
    {
        int end = 0;
        while (end < line.Length && line[end] is not (' ' or '\t'))
            end++;
        rest = line[end..];
        return line[..end];
    }
}
