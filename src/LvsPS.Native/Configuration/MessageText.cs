using System.Globalization;
using System.Text;

namespace LvsPS.Native.Configuration;

/// <summary>
/// Text from a file, made safe to put in a message: control characters (C0, DEL, C1), line and
/// paragraph separators and the bidirectional overrides are written as escapes (\x1B, \u202E), so a
/// hostile file cannot move the cursor, recolour or reorder the terminal that shows the error.
/// </summary>
public static class MessageText
{
    public static string Printable(string text)
    {
        int first = 0;
        while (first < text.Length && !NeedsEscape(text[first]))
            first++;
        if (first == text.Length)
            return text;
        var sb = new StringBuilder(text.Length + 16).Append(text, 0, first);
        for (int i = first; i < text.Length; i++)
        {
            char c = text[i];
            if (!NeedsEscape(c))
                sb.Append(c);
            else if (c < 0x100)
                sb.Append("\\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            else
                sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    private static bool NeedsEscape(char c)
        => c < 0x20 || c is (>= '\x7f' and <= '\x9f') or '\u2028' or '\u2029' or (>= '\u202a' and <= '\u202e') or (>= '\u2066' and <= '\u2069') or '\u200e' or '\u200f' or '\u061c';
}
