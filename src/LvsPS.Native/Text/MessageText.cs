using System.Globalization;
using System.Text;

namespace LvsPS.Native.Text;

/// <summary>
/// The one escaper for text from outside (files, command lines, rows, servers' answers) put into a message:
/// a hostile or corrupted value must not move the cursor, recolour, clear or reorder the terminal that shows
/// the error. Control characters (C0, DEL, C1), format characters (the bidirectional marks, embeddings,
/// overrides and isolates such as U+202E, zero-width characters, U+FEFF), line and paragraph separators and
/// unpaired surrogates are written as escapes: \xHH below U+0100, \uHHHH above, upper-case hex (\x1B, \u202E).
/// Everything else, non-ASCII letters included, is kept as it is.
/// </summary>
public static class MessageText
{
    /// <summary>The text with every character that could act on a terminal written as an escape.</summary>
    public static string Printable(string text)
    {
        int first = 0;
        while (first < text.Length && !NeedsEscape(text, first))
            first++;
        if (first == text.Length)
            return text;
        var sb = new StringBuilder(text.Length + 16).Append(text, 0, first);
        for (int i = first; i < text.Length; i++)
        {
            char c = text[i];
            if (!NeedsEscape(text, i))
                sb.Append(c);
            else if (c < 0x100)
                sb.Append("\\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            else
                sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>Whether the character at <paramref name="i"/> is escaped; a surrogate is kept only as half of a pair.</summary>
    private static bool NeedsEscape(string text, int i)
    {
        char c = text[i];
        if (c is >= ' ' and < '\x7f')
            return false;
        if (char.IsHighSurrogate(c))
            return i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]);
        if (char.IsLowSurrogate(c))
            return i == 0 || !char.IsHighSurrogate(text[i - 1]);
        return CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
    }
}
