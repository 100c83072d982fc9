using System.Text;

namespace LvsPS.Native.Configuration;

/// <summary>One logical line of a rules file: its words and the (first) physical line it started on.</summary>
internal readonly record struct IpvsadmRuleLine(long LineNumber, IReadOnlyList<string> Words);

/// <summary>
/// Splits a rules file into logical lines of words, as a shell would for the simple cases people
/// write: blanks separate words, '…' and "…" quote, a trailing backslash continues the line,
/// and '#' starts a comment at the beginning of a word.
/// </summary>
internal static class IpvsadmRuleTokenizer
{
    public static IEnumerable<IpvsadmRuleLine> Lines(TextReader reader, string? fileName)
    {
        long physical = 0;
        long start = 0;
        var pending = new StringBuilder();
        string? text;
        while ((text = reader.ReadLine()) != null)
        {
            physical++;
            if (pending.Length == 0)
                start = physical;
            if (text.EndsWith('\\') && !text.EndsWith("\\\\", StringComparison.Ordinal))
            {
                pending.Append(text, 0, text.Length - 1).Append(' ');
                continue;
            }
            pending.Append(text);
            List<string> words = Split(pending.ToString(), fileName, start);
            pending.Clear();
            if (words.Count > 0)
                yield return new IpvsadmRuleLine(start, words);
        }
        if (pending.Length > 0)
        {
            List<string> words = Split(pending.ToString(), fileName, start);
            if (words.Count > 0)
                yield return new IpvsadmRuleLine(start, words);
        }
    }

    public static List<string> Split(string line, string? fileName, long lineNumber)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        bool inWord = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (char.IsWhiteSpace(c))
            {
                if (inWord)
                    words.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
            else if (c == '#' && !inWord)
            {
                break;
            }
            else if (c is '\'' or '"')
            {
                int close = line.IndexOf(c, i + 1);
                if (close < 0)
                    throw new ConfigurationFormatException(fileName, lineNumber, $"the quote {c} opened at column {i + 1} is not closed.");
                word.Append(line, i + 1, close - i - 1);
                inWord = true;
                i = close;
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }
        if (inWord)
            words.Add(word.ToString());
        return words;
    }
}
