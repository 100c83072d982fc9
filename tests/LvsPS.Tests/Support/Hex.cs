namespace LvsPS.Tests.Support;

/// <summary>Hex text with spaces, newlines and // comments allowed, so hand-built expectations can be annotated.</summary>
internal static class Hex
{
    public static byte[] Parse(string text)
    {
        var digits = new System.Text.StringBuilder();
        foreach (string line in text.Split('\n'))
        {
            int comment = line.IndexOf("//", StringComparison.Ordinal);
            foreach (char c in comment >= 0 ? line[..comment] : line)
                if (Uri.IsHexDigit(c))
                    digits.Append(c);
                else if (!char.IsWhiteSpace(c))
                    throw new FormatException($"'{c}' in hex text");
        }
        return Convert.FromHexString(digits.ToString());
    }

    public static string Format(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
}
