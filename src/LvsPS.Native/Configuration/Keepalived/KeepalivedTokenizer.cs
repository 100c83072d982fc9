using System.Buffers;
using System.Text;

namespace LvsPS.Native.Configuration.Keepalived;

/// <summary>
/// Splits a line into words as keepalived 2.2.7 does: spaces and tabs separate; double quotes
/// make one word of what they enclose (spaces kept) and a closing quote ends the word
/// (<c>"r"r</c> is <c>r</c>, <c>r</c>); <c>'</c> and <c>;</c> are ordinary characters; <c>\#</c> and
/// <c>\!</c> are the literal characters.
/// </summary>
internal static class KeepalivedTokenizer
{
    private static readonly SearchValues<char> Special = SearchValues.Create("\"\\");

    /// <summary>The words of a line as its keyword and arguments; false when the line holds no word.</summary>
    public static bool TryStatement(string line, WordPool pool, out string keyword, out string[] arguments, out bool unclosedQuote)
        => TryStatement(line, pool, out keyword, out arguments, out unclosedQuote, out _);

    /// <summary>As above; <c>plain</c>: the words are pieces of the line as it is (no quote or escape undone).</summary>
    public static bool TryStatement(string line, WordPool pool, out string keyword, out string[] arguments, out bool unclosedQuote, out bool plain)
    {
        plain = line.AsSpan().IndexOfAny(Special) < 0;
        if (!plain)
        {
            List<string> words = Tokenize(line, out unclosedQuote);
            keyword = words.Count > 0 ? words[0] : "";
            arguments = words.Count > 1 ? words.GetRange(1, words.Count - 1).ToArray() : [];
            return words.Count > 0;
        }
        // Words separated by spaces and tabs, nothing else to undo: each is a piece of the line.
        unclosedQuote = false;
        ReadOnlySpan<char> rest = line;
        keyword = NextWord(line, ref rest, pool) ?? "";
        if (keyword.Length == 0)
        {
            arguments = [];
            return false;
        }
        int count = 0;
        for (ReadOnlySpan<char> probe = rest; NextWordRange(ref probe) >= 0;)
            count++;
        arguments = count == 0 ? [] : new string[count];
        for (int i = 0; i < count; i++)
            arguments[i] = NextWord(line, ref rest, pool)!;
        return true;
    }

    /// <summary>The next word of <paramref name="rest"/> (a tail of <paramref name="line"/>), or null at the end.</summary>
    private static string? NextWord(string line, ref ReadOnlySpan<char> rest, WordPool pool)
    {
        int length = NextWordRange(ref rest);
        return length < 0 ? null : length == line.Length ? line : pool.Get(line.AsSpan(line.Length - rest.Length - length, length));
    }

    /// <summary>Skips blanks and one word; its length, or -1 when there is none.</summary>
    private static int NextWordRange(ref ReadOnlySpan<char> rest)
    {
        int start = rest.IndexOfAnyExcept(' ', '\t');
        if (start < 0)
        {
            rest = default;
            return -1;
        }
        rest = rest[start..];
        int length = rest.IndexOfAny(' ', '\t');
        if (length < 0)
            length = rest.Length;
        rest = rest[length..];
        return length;
    }

    public static List<string> Tokenize(string line, out bool unclosedQuote)
    {
        var tokens = new List<string>();
        var current = new StringBuilder();
        bool inWord = false;
        unclosedQuote = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (c == '"')
            {
                if (inWord)
                    Flush();
                int close = line.IndexOf('"', i + 1);
                if (close < 0)
                {
                    unclosedQuote = true;
                    close = line.Length;
                }
                tokens.Add(Unescape(line[(i + 1)..close]));
                i = close;
                continue;
            }
            if (c is ' ' or '\t')
            {
                if (inWord)
                    Flush();
                continue;
            }
            if (c == '\\' && i + 1 < line.Length && line[i + 1] is '#' or '!')
                c = line[++i];
            current.Append(c);
            inWord = true;
        }
        if (inWord)
            Flush();
        return tokens;

        void Flush()
        {
            tokens.Add(current.ToString());
            current.Clear();
            inWord = false;
        }
    }

    private static string Unescape(string quoted) => quoted.Replace("\\#", "#").Replace("\\!", "!");
}
