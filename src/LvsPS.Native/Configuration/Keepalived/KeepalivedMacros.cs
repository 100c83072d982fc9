using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace LvsPS.Native.Configuration.Keepalived;

/// <summary>
/// keepalived's definitions: <c>$NAME=value</c> (or a multiline body after <c>$NAME=</c> and
/// <c>\</c>), used as <c>$NAME</c> before whitespace or as <c>${NAME}</c>, replaced recursively when
/// used, undefined names left as written; the built-ins <c>${_PWD}</c>, <c>${_INSTANCE}</c>,
/// <c>${_RANDOM [MIN [MAX]]}</c>, <c>${_HASH}</c>, <c>${_BANG}</c>; and the repetition lines
/// <c>~SEQ(var, [start,] [step,] end)</c>, <c>~SEQx(...)</c> (hexadecimal) and
/// <c>~LST(var, v1, v2...)</c> / <c>~LST({a, b}, {1, 2}, ...)</c>.
/// </summary>
internal sealed partial class KeepalivedMacros
{
    internal const int MaxDepth = 32;
    private const long MaxRepetitions = 1_000_000;

    private readonly Dictionary<string, string[]> _definitions = new(StringComparer.Ordinal);
    private readonly KeepalivedReadOptions _options;
    private readonly DiagnosticBag _diagnostics;

    public KeepalivedMacros(KeepalivedReadOptions options, DiagnosticBag diagnostics)
    {
        _options = options;
        _diagnostics = diagnostics;
    }

    [GeneratedRegex(@"^\$([A-Za-z_][A-Za-z0-9_]*)=(.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex DefinitionRegex();

    /// <summary>Is the line <c>$NAME=</c> with nothing after it, the start of a multiline body?</summary>
    public static bool IsMultilineStart(string line, out string name)
    {
        Match m = DefinitionRegex().Match(line);
        name = m.Success ? m.Groups[1].Value : "";
        return m.Success && m.Groups[2].Value.Trim().Length == 0;
    }

    public void DefineLines(string name, string[] body) => _definitions[name] = body;

    public bool TryDefine(string line)
    {
        if (!line.StartsWith('$'))
            return false;
        Match m = DefinitionRegex().Match(line);
        if (!m.Success)
            return false;
        _definitions[m.Groups[1].Value] = [m.Groups[2].Value.Trim()];
        return true;
    }

    /// <summary>The body of a multiline definition when the line is exactly <c>$NAME</c> or <c>${NAME}</c> naming one.</summary>
    public string[]? MultilineUse(string line)
    {
        string name = line.StartsWith("${", StringComparison.Ordinal) && line.EndsWith('}') ? line[2..^1]
                    : line.StartsWith('$') ? line[1..] : "";
        return name.Length > 0 && _definitions.TryGetValue(name, out string[]? body) && body.Length != 1 ? body : null;
    }

    /// <summary>One pass of replacement; <paramref name="changed"/> says whether anything was replaced (the caller re-reads the result).</summary>
    public string Expand(string line, string directory, out bool changed)
    {
        changed = false;
        if (line.IndexOf('$') < 0)
            return line;
        var sb = new StringBuilder(line.Length);
        int i = 0;
        while (i < line.Length)
        {
            char c = line[i];
            if (c != '$' || i + 1 >= line.Length)
            {
                sb.Append(c);
                i++;
                continue;
            }
            if (line[i + 1] == '{')
            {
                int close = line.IndexOf('}', i + 2);
                string? value = close < 0 ? null : Lookup(line[(i + 2)..close].Trim(), directory);
                if (value == null)
                {
                    sb.Append(c);
                    i++;
                    continue;
                }
                sb.Append(value);
                i = close + 1;
                changed = true;
                continue;
            }
            int end = i + 1;
            while (end < line.Length && (char.IsAsciiLetterOrDigit(line[end]) || line[end] == '_'))
                end++;
            bool delimited = end == line.Length || line[end] is ' ' or '\t';
            if (end > i + 1 && delimited && _definitions.TryGetValue(line[(i + 1)..end], out string[]? body))
            {
                sb.Append(string.Join(' ', body));
                i = end;
                changed = true;
                continue;
            }
            sb.Append(c);
            i++;
        }
        return sb.ToString();
    }

    private string? Lookup(string reference, string directory)
    {
        string[] parts = reference.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
            return null;
        switch (parts[0])
        {
            case "_PWD": return directory;
            case "_INSTANCE": return _options.InstanceName.Length > 0 ? _options.InstanceName : Environment.MachineName;
            case "_HASH": return "#";
            case "_BANG": return "!";
            case "_RANDOM":
                long min = parts.Length > 1 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long a) ? a : 0;
                long max = parts.Length > 2 && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out long b) ? b : 32767;
                return Random.Shared.NextInt64(Math.Min(min, max), Math.Max(min, max) + 1).ToString(CultureInfo.InvariantCulture);
        }
        return parts.Length == 1 && _definitions.TryGetValue(parts[0], out string[]? body) ? string.Join(' ', body) : null;
    }
}
