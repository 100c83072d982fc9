using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace LvsPS.Native.Ipvs;

/// <summary>
/// What identifies a virtual service: protocol, address and port, or a firewall mark (with
/// its family). Text forms: <c>tcp/10.0.0.3:80</c>, <c>udp/[2001:db8::1]:53</c>,
/// <c>sctp/10.0.0.3:9</c>, <c>fwmark/3</c>, <c>fwmark/3/ipv6</c>.
/// </summary>
public sealed record VirtualServiceKey
{
    private VirtualServiceKey(IpvsProtocol protocol, IpFamily family, IPAddress? address, ushort port, uint mark)
    {
        Protocol = protocol;
        Family = family;
        Address = address;
        Port = port;
        FirewallMark = mark;
    }

    public IpvsProtocol Protocol { get; }
    public IpFamily Family { get; }
    public IPAddress? Address { get; }
    public ushort Port { get; }
    public uint FirewallMark { get; }
    public bool IsFirewallMark => Protocol == IpvsProtocol.FirewallMark;

    public static VirtualServiceKey ForAddress(IpvsProtocol protocol, IPAddress address, ushort port)
    {
        if (protocol == IpvsProtocol.FirewallMark)
            throw new ArgumentException("Use ForFirewallMark for firewall-mark services.", nameof(protocol));
        return new(protocol, FamilyOf(address), Normalize(address), port, 0);
    }

    public static VirtualServiceKey ForFirewallMark(uint mark, IpFamily family = IpFamily.IPv4)
    {
        if (mark == 0)
            throw new ArgumentOutOfRangeException(nameof(mark), "A firewall mark must be 1 or more.");
        return new(IpvsProtocol.FirewallMark, family, null, 0, mark);
    }

    public static IpFamily FamilyOf(IPAddress address) => address.AddressFamily switch
    {
        AddressFamily.InterNetwork => IpFamily.IPv4,
        AddressFamily.InterNetworkV6 when address.IsIPv4MappedToIPv6 => IpFamily.IPv4,
        AddressFamily.InterNetworkV6 => IpFamily.IPv6,
        _ => throw new ArgumentException($"'{address}' is neither IPv4 nor IPv6."),
    };

    /// <summary>IPv4-mapped IPv6 addresses become IPv4; IPv6 scope ids are dropped.</summary>
    internal static IPAddress Normalize(IPAddress address)
        => address.IsIPv4MappedToIPv6 ? address.MapToIPv4()
         : address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0 ? new IPAddress(address.GetAddressBytes())
         : address;

    public override string ToString()
    {
        if (IsFirewallMark)
            return Family == IpFamily.IPv6 ? $"fwmark/{FirewallMark}/ipv6" : $"fwmark/{FirewallMark}";
        return $"{ProtocolName(Protocol)}/{FormatEndpoint(Address!, Port)}";
    }

    public static string FormatEndpoint(IPAddress address, ushort port)
        => address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";

    public static string ProtocolName(IpvsProtocol protocol) => protocol switch
    {
        IpvsProtocol.Tcp => "tcp",
        IpvsProtocol.Udp => "udp",
        IpvsProtocol.Sctp => "sctp",
        _ => "fwmark",
    };

    public static VirtualServiceKey Parse(string text)
        => TryParse(text, out VirtualServiceKey? key, out string? error) ? key! : throw new FormatException(error);

    public static bool TryParse(string? text, out VirtualServiceKey? key, out string? error)
    {
        key = null;
        error = null;
        string s = (text ?? "").Trim();
        int slash = s.IndexOf('/');
        if (slash <= 0)
        {
            error = $"'{text}' is not a virtual service: use protocol/address:port (tcp/10.0.0.3:80, udp/[2001:db8::1]:53) or fwmark/N.";
            return false;
        }
        string scheme = s[..slash].ToLowerInvariant();
        string rest = s[(slash + 1)..];
        if (scheme is "fwmark" or "fwm" or "mark")
            return TryParseMark(text!, rest, out key, out error);
        IpvsProtocol protocol = scheme switch
        {
            "tcp" => IpvsProtocol.Tcp,
            "udp" => IpvsProtocol.Udp,
            "sctp" => IpvsProtocol.Sctp,
            _ => IpvsProtocol.FirewallMark,
        };
        if (protocol == IpvsProtocol.FirewallMark)
        {
            error = $"'{scheme}' in '{text}' is not a protocol: use tcp, udp, sctp or fwmark.";
            return false;
        }
        if (!TryParseEndpoint(rest, requirePort: true, out IPAddress? address, out ushort port, out error))
        {
            error = $"'{text}': {error}";
            return false;
        }
        key = ForAddress(protocol, address!, port);
        return true;
    }

    private static bool TryParseMark(string text, string rest, out VirtualServiceKey? key, out string? error)
    {
        key = null;
        error = null;
        string[] parts = rest.Split('/');
        IpFamily family = IpFamily.IPv4;
        if (parts.Length == 2)
        {
            switch (parts[1].ToLowerInvariant())
            {
                case "ipv6" or "inet6" or "6": family = IpFamily.IPv6; break;
                case "ipv4" or "inet" or "4": break;
                default:
                    error = $"'{text}': the family after the mark must be ipv4 or ipv6.";
                    return false;
            }
        }
        if (parts.Length > 2 || !uint.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out uint mark) || mark == 0)
        {
            error = $"'{text}': a firewall mark is a whole number from 1 to 4294967295 (fwmark/3, fwmark/3/ipv6).";
            return false;
        }
        key = ForFirewallMark(mark, family);
        return true;
    }

    /// <summary>Parses <c>10.0.0.7</c>, <c>10.0.0.7:80</c>, <c>2001:db8::7</c>, <c>[2001:db8::7]:80</c>. Port 0 when absent.</summary>
    public static bool TryParseEndpoint(string text, bool requirePort, out IPAddress? address, out ushort port, out string? error)
    {
        address = null;
        port = 0;
        error = null;
        string host = text.Trim();
        string? portText = null;
        if (host.StartsWith('['))
        {
            int close = host.IndexOf(']');
            if (close < 0) { error = "a '[' without its ']'"; return false; }
            string after = host[(close + 1)..];
            host = host[1..close];
            if (after.Length > 0)
            {
                if (after[0] != ':') { error = $"unexpected '{after}' after the address"; return false; }
                portText = after[1..];
            }
        }
        else if (host.Count(c => c == ':') == 1)
        {
            int colon = host.IndexOf(':');
            portText = host[(colon + 1)..];
            host = host[..colon];
        }
        if (!IPAddress.TryParse(host, out IPAddress? parsed) || parsed.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
            || (parsed.AddressFamily == AddressFamily.InterNetwork && host.Count(c => c == '.') != 3))
        {
            error = $"'{host}' is not an IPv4 or IPv6 address";
            return false;
        }
        if (portText != null)
        {
            if (!ushort.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port))
            {
                error = $"'{portText}' is not a port (0-65535)";
                return false;
            }
        }
        else if (requirePort)
        {
            error = "a port is required (10.0.0.3:80, [2001:db8::1]:53)";
            return false;
        }
        address = Normalize(parsed);
        return true;
    }
}
