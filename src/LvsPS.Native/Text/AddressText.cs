using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace LvsPS.Native.Text;

/// <summary>
/// The grammar of one bare address. IPv4 is exactly four decimal parts, 0 to 255, without
/// leading zeros (what inet_pton accepts); IPv6 is what RFC 4291 writes, without a zone index.
/// IPAddress.TryParse alone is not enough: it also takes the inet_aton forms (10.1 as 10.0.0.1,
/// 012.0.0.1 as octal, 0x0a.1, 167772161) and brackets with a port ([::1]:80 as ::1).
/// </summary>
internal static class AddressText
{
    /// <summary>The address, or the problem and its message; IPv4-mapped IPv6 addresses become IPv4.</summary>
    public static NetTextException? TryParse(string text, NetTextKind expected, out IPAddress? address)
    {
        address = null;
        if (text.Length == 0)
            return NetText.Error(expected, NetTextProblem.Empty, text, "An address is required but the text is empty.");
        if (text.Contains(':'))
            return TryParseIPv6(text, expected, out address);
        if (TryParseDottedQuad(text, out address))
            return null;
        if (IPAddress.TryParse(text, out IPAddress? legacy) && legacy.AddressFamily == AddressFamily.InterNetwork)
            return Legacy(text, expected, legacy);
        return NotAnAddress(text, expected);
    }

    /// <summary>The one message for every inet_aton form, wherever an address is read.</summary>
    public static NetTextException Legacy(string text, NetTextKind expected, IPAddress readAs)
        => NetText.Error(expected, NetTextProblem.LegacyIPv4Form, text,
            $"'{MessageText.Printable(text)}' is not an IPv4 address in dotted-quad form (inet_aton would read it as {readAs}). " +
            "Write four decimal numbers from 0 to 255 without leading zeros, such as 10.0.0.1; " +
            "short, hexadecimal, octal and single-number forms (10.1, 0x0a.1, 012.0.0.1, 167772161) are refused.");

    public static NetTextException NotAnAddress(string text, NetTextKind expected)
        => NetText.Error(expected, NetTextProblem.NotAnAddress, text, $"'{MessageText.Printable(text)}' is not an IPv4 or IPv6 address.");

    private static NetTextException? TryParseIPv6(string text, NetTextKind expected, out IPAddress? address)
    {
        address = null;
        int zone = text.IndexOf('%');
        if (zone >= 0)
            return NetText.Error(expected, NetTextProblem.ZoneIndex, text,
                $"'{MessageText.Printable(text)}' carries an IPv6 zone index ('{MessageText.Printable(text[zone..])}'); an address here has none, its interface is given separately.");
        foreach (char c in text)
            if (!(char.IsAsciiHexDigit(c) || c is ':' or '.'))
                return NotAnAddress(text, expected);
        int lastColon = text.LastIndexOf(':');
        string tail = text[(lastColon + 1)..];
        if (tail.Contains('.') && !TryParseDottedQuad(tail, out _))
            return NotAnAddress(text, expected); // an embedded IPv4 address follows the IPv4 rules
        if (!IPAddress.TryParse(text, out IPAddress? parsed) || parsed.AddressFamily != AddressFamily.InterNetworkV6)
            return NotAnAddress(text, expected);
        address = parsed.IsIPv4MappedToIPv6 ? parsed.MapToIPv4() : parsed;
        return null;
    }

    /// <summary>Exactly four parts of one to three decimal digits, 0 to 255, no leading zeros.</summary>
    public static bool TryParseDottedQuad(string text, out IPAddress? address)
    {
        address = null;
        Span<byte> bytes = stackalloc byte[4];
        int part = 0, start = 0;
        for (int i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && text[i] != '.')
            {
                if (!char.IsAsciiDigit(text[i]))
                    return false;
                continue;
            }
            int length = i - start;
            if (part == 4 || length is 0 or > 3 || (length > 1 && text[start] == '0'))
                return false;
            int value = int.Parse(text.AsSpan(start, length), NumberStyles.None, CultureInfo.InvariantCulture);
            if (value > 255)
                return false;
            bytes[part++] = (byte)value;
            start = i + 1;
        }
        if (part != 4)
            return false;
        address = new IPAddress(bytes);
        return true;
    }
}
