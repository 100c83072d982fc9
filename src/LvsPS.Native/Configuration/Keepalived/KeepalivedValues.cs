using System.Globalization;
using System.Net;

namespace LvsPS.Native.Configuration.Keepalived;

/// <summary>
/// Reads the values of statements as keepalived does (booleans on/off/true/false/yes/no, whole
/// numbers in a range, timers in seconds with microsecond resolution, addresses) and reports a
/// bad one at its line; the caller keeps the default.
/// </summary>
internal sealed class KeepalivedValues(DiagnosticBag diagnostics)
{
    public DiagnosticBag Diagnostics { get; } = diagnostics;

    /// <summary>No word means true.</summary>
    public bool Bool(KeepalivedStatement s, int index = 0)
    {
        if (s.Arguments.Count <= index)
            return true;
        switch (s.Arguments[index].ToLowerInvariant())
        {
            case "on" or "true" or "yes": return true;
            case "off" or "false" or "no": return false;
        }
        Diagnostics.Warn(DiagnosticCodes.InvalidValue, s.Location, $"{s.Keyword}: '{s.Arguments[index]}' is not on/off, true/false or yes/no; taken as on.");
        return true;
    }

    public string? Word(KeepalivedStatement s, int index = 0)
    {
        if (s.Arguments.Count > index)
            return s.Arguments[index];
        Diagnostics.Warn(DiagnosticCodes.MissingValue, s.Location, $"{s.Keyword} needs a value; the line is ignored.");
        return null;
    }

    public long? Integer(KeepalivedStatement s, long min, long max, int index = 0)
    {
        string? word = Word(s, index);
        if (word == null)
            return null;
        if (long.TryParse(word, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value) && value >= min && value <= max)
            return value;
        Diagnostics.Warn(DiagnosticCodes.InvalidValue, s.Location, $"{s.Keyword} '{word}' is not a whole number in [{min}, {max}]; the line is ignored.");
        return null;
    }

    /// <summary>Seconds with up to six decimals (keepalived keeps microseconds).</summary>
    public double? Timer(KeepalivedStatement s, double min = 0, double max = 4294.967295 * 1000, int index = 0)
    {
        string? word = Word(s, index);
        if (word == null)
            return null;
        if (double.TryParse(word, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value) && value >= min && value <= max)
            return Math.Round(value, 6);
        Diagnostics.Warn(DiagnosticCodes.InvalidValue, s.Location,
            $"{s.Keyword} '{word}' is not a number of seconds in [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}]; the line is ignored.");
        return null;
    }

    public IPAddress? Address(KeepalivedStatement s, string word, string what)
    {
        if (TryAddress(word, out IPAddress? address))
            return address;
        Diagnostics.Warn(DiagnosticCodes.InvalidValue, s.Location, $"{what} '{word}' is not an IP address (IPv4 as four dotted numbers, or IPv6).");
        return null;
    }

    /// <summary>The project's one strict address parser (IPv4 as four dotted decimal numbers, as keepalived's inet_pton; IPv6), without brackets.</summary>
    public static bool TryAddress(string word, out IPAddress? address)
    {
        address = null;
        return !word.StartsWith('[') && Text.NetText.TryParseAddress(word, out address, out _);
    }

    public ushort? Port(KeepalivedStatement s, string word)
    {
        if (ushort.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out ushort port))
            return port;
        Diagnostics.Warn(DiagnosticCodes.InvalidValue, s.Location, $"{s.Keyword}: port '{word}' is not a number from 0 to 65535.");
        return null;
    }

    /// <summary>
    /// A script line as one command string: a single (quoted) word is the command as written;
    /// several words are joined, those holding spaces in single quotes (the script parser's quoting).
    /// </summary>
    public static string Script(KeepalivedStatement s, int from = 0)
        => s.Arguments.Count - from == 1 ? s.Arguments[from] : string.Join(' ', s.Arguments.Skip(from).Select(a => a.Contains(' ') ? $"'{a}'" : a));

    public void Unknown(KeepalivedStatement s, string block)
    {
        Diagnostics.Warn(DiagnosticCodes.UnknownKeyword, s.Location, $"unknown keyword '{s.Keyword}' in {block}; the line is ignored.");
        if (s.HasBlock)
            Diagnostics.Warn(DiagnosticCodes.UnknownBlockSkipped, s.Location,
                $"the block of '{s.Keyword}' is skipped whole ({Count(s.Block!)} statements); keepalived would read its lines as part of {block}.");
    }

    private static int Count(IReadOnlyList<KeepalivedStatement> block) => block.Sum(s => 1 + (s.Block == null ? 0 : Count(s.Block)));

    /// <summary>A statement that must not have a block but has one: its block is skipped.</summary>
    public void NoBlock(KeepalivedStatement s)
    {
        if (s.HasBlock)
            Diagnostics.Warn(DiagnosticCodes.UnexpectedBlock, s.Location, $"'{s.Keyword}' takes no block; its block is skipped.");
    }
}
