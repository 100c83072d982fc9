using System.Globalization;

namespace LvsPS.Native.Configuration.Keepalived;

internal sealed partial class KeepalivedMacros
{
    private long _rounds;

    /// <summary>
    /// A line starting <c>~SEQ(</c>, <c>~SEQx(</c> or <c>~LST(</c>: calls <paramref name="each"/> with
    /// the rest of the line once per value, the variable defined for that call. False when the line
    /// is not a repetition; a malformed one is a warning and the line is dropped.
    /// </summary>
    public bool TryRepeat(string line, SourceLocation at, string directory, Action<string> each)
    {
        bool hex = line.StartsWith("~SEQx(", StringComparison.Ordinal);
        bool seq = hex || line.StartsWith("~SEQ(", StringComparison.Ordinal);
        if (!seq && !line.StartsWith("~LST(", StringComparison.Ordinal))
            return false;
        int open = line.IndexOf('(');
        int close = ClosingParenthesis(line, open);
        if (close < 0)
        {
            _diagnostics.Warn(DiagnosticCodes.BadRepetition, at, $"'{line[..Math.Min(line.Length, 40)]}' has no closing ')'; the line is ignored.");
            return true;
        }
        string arguments = ExpandFully(line[(open + 1)..close], directory);
        string rest = line[(close + 1)..].Trim();
        List<(string[] Names, string[] Values)>? rounds = seq ? Sequence(arguments, hex, at) : List(arguments, at);
        if (rounds == null)
            return true;
        foreach ((string[] names, string[] values) in rounds)
        {
            if (++_rounds > _options.MaxLines)
                throw _diagnostics.Fatal(DiagnosticCodes.TooManyLines, at, $"~SEQ/~LST repetition runs more than {_options.MaxLines:N0} rounds in all; check the ranges here.");
            for (int v = 0; v < names.Length; v++)
                _definitions[names[v]] = [values[v]];
            each(rest);
        }
        return true;
    }

    private string ExpandFully(string text, string directory)
    {
        for (int depth = 0; depth < MaxDepth; depth++)
        {
            text = Expand(text, directory, out bool changed);
            if (!changed)
                break;
        }
        return text;
    }

    private static int ClosingParenthesis(string line, int open)
    {
        int depth = 0;
        for (int i = open; i < line.Length; i++)
        {
            if (line[i] == '(') depth++;
            else if (line[i] == ')' && --depth == 0) return i;
        }
        return -1;
    }

    private List<(string[], string[])>? Sequence(string arguments, bool hex, SourceLocation at)
    {
        string[] parts = arguments.Split(',', StringSplitOptions.TrimEntries);
        var numbers = new long[parts.Length - 1];
        for (int i = 1; i < parts.Length; i++)
            if (!TryNumber(parts[i], out numbers[i - 1]))
            {
                _diagnostics.Warn(DiagnosticCodes.BadRepetition, at, $"~SEQ value '{parts[i]}' is not a number; the line is ignored.");
                return null;
            }
        if (parts[0].Length == 0 || numbers.Length is < 1 or > 3)
        {
            _diagnostics.Warn(DiagnosticCodes.BadRepetition, at, "~SEQ takes (var, [start,] [step,] end); the line is ignored.");
            return null;
        }
        long end = numbers[^1];
        long start = numbers.Length >= 2 ? numbers[0] : end >= 0 ? 1 : -1;
        long step = numbers.Length == 3 ? numbers[1] : end >= start ? 1 : -1;
        if (step == 0 || (end - start) / step < 0)
        {
            _diagnostics.Warn(DiagnosticCodes.BadRepetition, at, $"~SEQ from {start} by {step} never reaches {end}; the line is ignored.");
            return null;
        }
        if ((end - start) / step >= MaxRepetitions)
            throw _diagnostics.Fatal(DiagnosticCodes.TooManyLines, at, $"~SEQ from {start} to {end} by {step} repeats the line more than {MaxRepetitions:N0} times.");
        var rounds = new List<(string[], string[])>();
        for (long v = start; step > 0 ? v <= end : v >= end; v += step)
            rounds.Add(([parts[0]], [hex ? v.ToString("x", CultureInfo.InvariantCulture) : v.ToString(CultureInfo.InvariantCulture)]));
        return rounds;
    }

    private static bool TryNumber(string text, out long value)
        => text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? long.TryParse(text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value)
            : long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    private List<(string[], string[])>? List(string arguments, SourceLocation at)
    {
        List<string> items = SplitItems(arguments);
        if (items.Count < 2 || items[0].Length == 0)
        {
            _diagnostics.Warn(DiagnosticCodes.BadRepetition, at, "~LST takes (var, value, ...) or ({var, ...}, {value, ...}, ...); the line is ignored.");
            return null;
        }
        string[] names = Group(items[0]);
        var rounds = new List<(string[], string[])>();
        foreach (string item in items.Skip(1))
        {
            string[] values = names.Length == 1 && !item.StartsWith('{') ? [item] : Group(item);
            if (values.Length != names.Length)
            {
                _diagnostics.Warn(DiagnosticCodes.BadRepetition, at, $"~LST value '{item}' has {values.Length} parts for {names.Length} variables; the line is ignored.");
                return null;
            }
            rounds.Add((names, values));
        }
        return rounds;
    }

    private static string[] Group(string item)
        => (item.StartsWith('{') && item.EndsWith('}') ? item[1..^1] : item).Split(',', StringSplitOptions.TrimEntries);

    private static List<string> SplitItems(string arguments)
    {
        var items = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i < arguments.Length; i++)
        {
            if (arguments[i] == '{') depth++;
            else if (arguments[i] == '}') depth--;
            else if (arguments[i] == ',' && depth == 0)
            {
                items.Add(arguments[start..i].Trim());
                start = i + 1;
            }
        }
        items.Add(arguments[start..].Trim());
        return items;
    }
}
