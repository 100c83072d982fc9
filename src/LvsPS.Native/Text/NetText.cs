using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LvsPS.Native.Text;

/// <summary>
/// The one strict reader of address text in LvsPS: cmdlet arguments, ipvsadm rules, JSON
/// configuration, keepalived.conf. IPv4 is four decimal parts (10.0.0.3); the inet_aton forms
/// that other tools accept (10.1, 0x0a.1, 012.0.0.1, 167772161) are refused with one message.
/// IPv6 with a port is written in brackets ([2001:db8::1]:53). IPv4-mapped IPv6 addresses
/// (::ffff:10.0.0.3) are read as the IPv4 address. Surrounding white space is ignored.
/// </summary>
public static class NetText
{
    /// <summary>An address alone: 10.0.0.3, 2001:db8::3 (or [2001:db8::3]).</summary>
    public static bool TryParseAddress(string? text, out IPAddress? address, out string? error)
        => Try(ReadAddress(text, out address), out error);

    /// <exception cref="NetTextException">The text is not an address.</exception>
    public static IPAddress ParseAddress(string? text)
        => ReadAddress(text, out IPAddress? address) is { } e ? throw e : address!;

    /// <summary>An address with an optional prefix length: 10.0.0.3/24, 2001:db8::/32; the length is the host's (32, 128) when none is written.</summary>
    public static bool TryParsePrefix(string? text, out NetPrefix prefix, out string? error)
        => Try(ReadPrefix(text, out prefix), out error);

    /// <exception cref="NetTextException">The text is not an address with an optional prefix length.</exception>
    public static NetPrefix ParsePrefix(string? text)
        => ReadPrefix(text, out NetPrefix prefix) is { } e ? throw e : prefix;

    /// <summary>
    /// An address with an optional port: 10.0.0.7, 10.0.0.7:8080, 2001:db8::7, [2001:db8::7]:80.
    /// With <paramref name="requirePort"/>, the port must be there; an IPv6 address without
    /// brackets is then refused with the bracketed form it probably meant.
    /// </summary>
    public static bool TryParseEndpoint(string? text, bool requirePort, out NetEndpoint endpoint, out string? error)
        => Try(ReadEndpoint(text, requirePort, NetTextKind.Endpoint, out endpoint), out error);

    /// <exception cref="NetTextException">The text is not an address with a port (or without one, unless required).</exception>
    public static NetEndpoint ParseEndpoint(string? text, bool requirePort = false)
        => ReadEndpoint(text, requirePort, NetTextKind.Endpoint, out NetEndpoint endpoint) is { } e ? throw e : endpoint;

    /// <summary>A virtual service: tcp/10.0.0.3:80, udp/[2001:db8::1]:53, sctp/10.0.0.3:9, fwmark/3, fwmark/3/ipv6.</summary>
    public static bool TryParseServiceIdentity(string? text, out Ipvs.VirtualServiceKey? key, out string? error)
        => Try(ServiceIdentityText.Read(text, out key), out error);

    /// <exception cref="NetTextException">The text is not a virtual service.</exception>
    public static Ipvs.VirtualServiceKey ParseServiceIdentity(string? text)
        => ServiceIdentityText.Read(text, out Ipvs.VirtualServiceKey? key) is { } e ? throw e : key!;

    /// <summary>10.0.0.7:80 or [2001:db8::7]:80: the form every reader here takes back.</summary>
    public static string FormatEndpoint(IPAddress address, ushort port)
        => address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";

    /// <summary>The full width of the address's family: 32 or 128.</summary>
    public static int HostPrefixLength(IPAddress address) => address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;

    /// <exception cref="NetTextException">Thrown by the Parse forms; the Try forms return its message.</exception>
    internal static NetTextException? ReadAddress(string? text, out IPAddress? address)
    {
        address = null;
        string t = (text ?? "").Trim();
        if (t.StartsWith('['))
        {
            // Brackets alone are harmless ([2001:db8::3]); a port after them is not an address.
            if (ReadEndpoint(t, requirePort: false, NetTextKind.Address, out NetEndpoint endpoint) is { } e)
                return e;
            if (endpoint.Port is not null)
                return UnexpectedPort(NetTextKind.Address, t);
            address = endpoint.Address;
            return null;
        }
        if (t.Contains('/'))
            return Error(NetTextKind.Address, NetTextProblem.UnexpectedPrefixLength, t,
                $"'{MessageText.Printable(t)}' has a prefix length; an address alone is expected here.");
        if (t.Count(c => c == ':') == 1 && ReadEndpoint(t, requirePort: false, NetTextKind.Address, out _) is null)
            return UnexpectedPort(NetTextKind.Address, t);
        return AddressText.TryParse(t, NetTextKind.Address, out address);
    }

    internal static NetTextException? ReadPrefix(string? text, out NetPrefix prefix)
    {
        prefix = default;
        string t = (text ?? "").Trim();
        int slash = t.IndexOf('/');
        string addressText = slash < 0 ? t : t[..slash];
        if (AddressText.TryParse(addressText, NetTextKind.Prefix, out IPAddress? address) is { } e)
            return e;
        int width = HostPrefixLength(address!);
        int length = width;
        if (slash >= 0 && (!int.TryParse(t.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out length) || length > width))
            return Error(NetTextKind.Prefix, NetTextProblem.BadPrefixLength, t,
                $"'{MessageText.Printable(t)}': the prefix length of an {(width == 32 ? "IPv4" : "IPv6")} address is a whole number from 0 to {width}.");
        prefix = new NetPrefix(address!, length);
        return null;
    }

    internal static NetTextException? ReadEndpoint(string? text, bool requirePort, NetTextKind expected, out NetEndpoint endpoint)
    {
        endpoint = default;
        string t = (text ?? "").Trim();
        string host = t;
        string? portText = null;
        if (t.StartsWith('['))
        {
            int close = t.IndexOf(']');
            if (close < 0)
                return Error(expected, NetTextProblem.Brackets, t, $"'{MessageText.Printable(t)}' has a '[' without its ']'.");
            host = t[1..close];
            string after = t[(close + 1)..];
            if (after.Length > 0)
            {
                if (after[0] != ':')
                    return Error(expected, NetTextProblem.TrailingText, t, $"'{MessageText.Printable(t)}': '{MessageText.Printable(after)}' after the address is not ':port'.");
                portText = after[1..];
            }
            if (!host.Contains(':'))
                return Error(expected, NetTextProblem.Brackets, t,
                    $"'{MessageText.Printable(t)}': brackets enclose IPv6 addresses only; an IPv4 address is written without them ({host}{(portText is null ? "" : ":" + portText)}).");
        }
        else if (t.Count(c => c == ':') == 1)
        {
            int colon = t.IndexOf(':');
            portText = t[(colon + 1)..];
            host = t[..colon];
        }
        if (AddressText.TryParse(host, expected, out IPAddress? address) is { } e)
            return e;
        ushort? port = null;
        if (portText is not null)
        {
            if (!ushort.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out ushort p))
                return Error(expected, NetTextProblem.BadPort, t, $"'{MessageText.Printable(t)}': '{MessageText.Printable(portText)}' is not a port (a whole number from 0 to 65535).");
            port = p;
        }
        else if (requirePort)
            return MissingPort(expected, t, address!);
        endpoint = new NetEndpoint(address!, port);
        return null;
    }

    private static NetTextException MissingPort(NetTextKind expected, string text, IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && !text.StartsWith('['))
            return Error(expected, NetTextProblem.IPv6NeedsBrackets, text,
                $"'{MessageText.Printable(text)}' has no port that can be told apart from the IPv6 address: an IPv6 address with a port is written in brackets, such as {BracketedGuess(text)}.");
        return Error(expected, NetTextProblem.MissingPort, text,
            $"'{MessageText.Printable(text)}' has no port: write address:port, such as 10.0.0.3:80 or [2001:db8::1]:53.");
    }

    /// <summary>
    /// What an unbracketed IPv6 address with a port probably meant: 2001:db8::1:80 is a valid
    /// address by itself, so its last group is taken as the port when the rest is an address too.
    /// </summary>
    internal static string BracketedGuess(string text)
    {
        int last = text.LastIndexOf(':');
        return last > 0 && AddressText.TryParse(text[..last], NetTextKind.Endpoint, out IPAddress? a) is null
            && a!.AddressFamily == AddressFamily.InterNetworkV6
            && ushort.TryParse(text.AsSpan(last + 1), NumberStyles.None, CultureInfo.InvariantCulture, out ushort p)
            ? FormatEndpoint(a, p) : $"[{MessageText.Printable(text)}]:80";
    }

    private static NetTextException UnexpectedPort(NetTextKind expected, string text)
        => Error(expected, NetTextProblem.UnexpectedPort, text, $"'{MessageText.Printable(text)}' has a port; an address alone is expected here.");

    internal static NetTextException Error(NetTextKind expected, NetTextProblem problem, string text, string message)
        => new(expected, problem, MessageText.Printable(text), message);

    private static bool Try(NetTextException? error, out string? message)
    {
        message = error?.Message;
        return error is null;
    }
}
