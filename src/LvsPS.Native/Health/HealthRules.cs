namespace LvsPS.Native.Health;

/// <summary>keepalived's rules for what a script's exit code and a tracked file's number mean.</summary>
public static class HealthRules
{
    /// <summary>
    /// MISC_CHECK: exit 0 passes; with misc_dynamic 2-255 pass and ask for weight exit - 2; anything
    /// else (1, other codes, a timeout or a signal: null) fails.
    /// </summary>
    public static bool ScriptPasses(int? exitCode, bool dynamic)
        => exitCode == 0 || (dynamic && exitCode is >= 2 and <= 255);

    /// <summary>The weight a passing dynamic script asks for: exit - 2; null for exit 0 (the configured weight).</summary>
    public static long? ScriptWeight(int exitCode) => exitCode == 0 ? null : exitCode - 2;

    /// <summary>The fault status of a tracked file (keepalived's IPVS_WEIGHT_FAULT).</summary>
    public const int FileFault = int.MinValue;

    /// <summary>
    /// FILE_CHECK: weight 0 - a non-zero value is a fault (with reverse: zero is); otherwise
    /// value × weight (negated with reverse), clamped to 32 bits, where int.MinValue is a fault.
    /// </summary>
    public static int FileStatus(long value, int weight, bool reverse)
    {
        if (weight == 0)
            return (value != 0) != reverse ? FileFault : 0;
        long status = value * weight * (reverse ? -1 : 1);
        return (int)Math.Clamp(status, int.MinValue, int.MaxValue);
    }

    /// <summary>
    /// keepalived reads a tracked file with strtol(text, NULL, 0): optional sign, 0x for hex, a
    /// leading 0 for octal, digits up to the first other character; nothing readable is 0. Values
    /// outside -2^31..2^31 are ignored (null).
    /// </summary>
    public static long? ParseFileValue(ReadOnlySpan<char> text)
    {
        int i = 0;
        while (i < text.Length && char.IsWhiteSpace(text[i]))
            i++;
        bool negative = false;
        if (i < text.Length && text[i] is '+' or '-')
            negative = text[i++] == '-';
        int radix = 10;
        if (i + 1 < text.Length && text[i] == '0' && text[i + 1] is 'x' or 'X' && i + 2 < text.Length && Uri.IsHexDigit(text[i + 2]))
        {
            radix = 16;
            i += 2;
        }
        else if (i < text.Length && text[i] == '0')
            radix = 8;
        long value = 0;
        for (; i < text.Length; i++)
        {
            int digit = text[i] switch
            {
                >= '0' and <= '9' => text[i] - '0',
                >= 'a' and <= 'f' => text[i] - 'a' + 10,
                >= 'A' and <= 'F' => text[i] - 'A' + 10,
                _ => 99,
            };
            if (digit >= radix)
                break;
            value = value * radix + digit;
            if (value > (long)int.MaxValue + 1 + 1)
                return null;
        }
        value = negative ? -value : value;
        return value < int.MinValue || value > (long)int.MaxValue + 1 ? null : value;
    }
}
