using System.Text;
using System.Text.RegularExpressions;

namespace LvsPS.Native.Configuration.Keepalived;

/// <summary>
/// The glob(3) subset keepalived's include uses (GLOB_BRACE): <c>*</c>, <c>?</c>, <c>[...]</c>
/// within a path segment, <c>{a,b}</c> alternatives; hidden files only when the pattern names
/// the dot; results sorted (ordinal, as glob sorts in the C locale), directories left out.
/// </summary>
internal static class KeepalivedGlob
{
    private const int MaxAlternatives = 1024;

    public static bool HasWildcards(string pattern) => pattern.IndexOfAny(['*', '?', '[', '{']) >= 0;

    public static IReadOnlyList<string> Match(string absolutePattern)
    {
        var results = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string pattern in ExpandBraces(absolutePattern))
        {
            if (!HasWildcards(pattern))
            {
                if (File.Exists(pattern))
                    results.Add(pattern);
                continue;
            }
            string[] segments = pattern.Split('/', StringSplitOptions.RemoveEmptyEntries);
            Walk("/", segments, 0, results);
        }
        return results.ToArray();
    }

    private static void Walk(string directory, string[] segments, int index, SortedSet<string> results)
    {
        string segment = segments[index];
        bool last = index == segments.Length - 1;
        IEnumerable<string> candidates;
        if (!HasWildcards(segment))
            candidates = [Path.Combine(directory, segment)];
        else
        {
            if (!Directory.Exists(directory))
                return;
            Regex regex = SegmentRegex(segment);
            try
            {
                candidates = Directory.EnumerateFileSystemEntries(directory)
                    .Where(p => regex.IsMatch(Path.GetFileName(p)))
                    .ToArray();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return;
            }
        }
        foreach (string candidate in candidates)
        {
            if (last)
            {
                if (File.Exists(candidate))
                    results.Add(candidate);
            }
            else if (Directory.Exists(candidate))
                Walk(candidate, segments, index + 1, results);
        }
    }

    private static Regex SegmentRegex(string segment)
    {
        var sb = new StringBuilder("^");
        if (segment[0] != '.')
            sb.Append(@"(?!\.)");
        for (int i = 0; i < segment.Length; i++)
        {
            char c = segment[i];
            switch (c)
            {
                case '*': sb.Append(".*"); break;
                case '?': sb.Append('.'); break;
                case '[':
                    int close = i + 2 < segment.Length ? segment.IndexOf(']', i + 2) : -1;
                    if (close < 0)
                        goto default;
                    string set = segment[(i + 1)..close];
                    sb.Append('[').Append(set[0] == '!' ? "^" + Regex.Escape(set[1..]).Replace(@"\-", "-") : Regex.Escape(set).Replace(@"\-", "-")).Append(']');
                    i = close;
                    break;
                default: sb.Append(Regex.Escape(c.ToString())); break;
            }
        }
        try
        {
            return new Regex(sb.Append('$').ToString(), RegexOptions.CultureInvariant);
        }
        catch (ArgumentException)
        {
            // A set glob(3) would reject ([z-a]): match the segment literally, as glob does with what it cannot parse.
            return new Regex("^" + Regex.Escape(segment) + "$", RegexOptions.CultureInvariant);
        }
    }

    /// <summary><c>a{b,c}d</c> becomes <c>abd</c>, <c>acd</c>; nested braces work; an unmatched brace is literal.</summary>
    internal static IReadOnlyList<string> ExpandBraces(string pattern)
    {
        var output = new List<string>();
        var pending = new Stack<string>();
        pending.Push(pattern);
        while (pending.Count > 0 && output.Count < MaxAlternatives)
        {
            string p = pending.Pop();
            int open = p.IndexOf('{');
            int close = open < 0 ? -1 : MatchingBrace(p, open);
            if (close < 0)
            {
                output.Add(p);
                continue;
            }
            string inner = p[(open + 1)..close];
            foreach (string alternative in SplitTopLevel(inner).Reverse())
                pending.Push(p[..open] + alternative + p[(close + 1)..]);
        }
        return output;
    }

    private static int MatchingBrace(string p, int open)
    {
        int depth = 0;
        for (int i = open; i < p.Length; i++)
        {
            if (p[i] == '{') depth++;
            else if (p[i] == '}' && --depth == 0) return i;
        }
        return -1;
    }

    private static IEnumerable<string> SplitTopLevel(string inner)
    {
        int depth = 0, start = 0;
        for (int i = 0; i < inner.Length; i++)
        {
            if (inner[i] == '{') depth++;
            else if (inner[i] == '}') depth--;
            else if (inner[i] == ',' && depth == 0)
            {
                yield return inner[start..i];
                start = i + 1;
            }
        }
        yield return inner[start..];
    }
}
