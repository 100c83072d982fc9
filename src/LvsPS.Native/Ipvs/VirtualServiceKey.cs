using System.Net;
using System.Net.Sockets;
using LvsPS.Native.Text;

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

    public static string FormatEndpoint(IPAddress address, ushort port) => NetText.FormatEndpoint(address, port);

    public static string ProtocolName(IpvsProtocol protocol) => protocol switch
    {
        IpvsProtocol.Tcp => "tcp",
        IpvsProtocol.Udp => "udp",
        IpvsProtocol.Sctp => "sctp",
        _ => "fwmark",
    };

    /// <summary>Reads an identity with the strict parser (<see cref="NetText.ParseServiceIdentity"/>).</summary>
    /// <exception cref="NetTextException">The text is not a virtual service.</exception>
    public static VirtualServiceKey Parse(string text) => NetText.ParseServiceIdentity(text);

    /// <summary>Reads an identity with the strict parser (<see cref="NetText.TryParseServiceIdentity"/>).</summary>
    public static bool TryParse(string? text, out VirtualServiceKey? key, out string? error) => NetText.TryParseServiceIdentity(text, out key, out error);
}
