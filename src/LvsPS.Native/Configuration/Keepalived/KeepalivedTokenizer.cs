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
