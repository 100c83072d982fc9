using System.Net;

namespace LvsPS.Native.RouteNetlink;

/// <summary>One network interface of a namespace, from an RTM_NEWLINK dump reply.</summary>
public sealed record NetworkLink
{
    public required int Index { get; init; }
    public required string Name { get; init; }
    /// <summary>The IFF_* flags (if.h).</summary>
    public uint Flags { get; init; }
    /// <summary>The ARPHRD_* hardware type (if_arp.h): 1 Ethernet, 768 ipip, 772 loopback.</summary>
    public ushort HardwareType { get; init; }
    /// <summary>The rtnetlink link kind (IFLA_INFO_KIND): "veth", "ipip", "bridge", "dummy"; null for lo and physical NICs.</summary>
    public string? Kind { get; init; }
    /// <summary>The link-layer address (IFLA_ADDRESS): the MAC of an Ethernet link; empty when the link has none.</summary>
    public byte[] HardwareAddress { get; init; } = [];

    public bool IsUp => (Flags & Interop.if_link_h.IFF_UP) != 0;
    /// <summary>Up and with carrier (IFF_RUNNING or IFF_LOWER_UP): what VRRP tracks, as keepalived does.</summary>
    public bool HasCarrier => IsUp && (Flags & (Interop.if_link_h.IFF_RUNNING | Interop.if_link_h.IFF_LOWER_UP)) != 0;
    public bool IsLoopback => (Flags & Interop.if_link_h.IFF_LOOPBACK) != 0;
    /// <summary>True when the interface answers ARP at all (not lo, not NOARP devices such as ipip tunnels).</summary>
    public bool UsesArp => !IsLoopback && (Flags & Interop.if_link_h.IFF_NOARP) == 0;
    public bool IsIpipTunnel => Kind == "ipip" || HardwareType == Interop.if_link_h.ARPHRD_TUNNEL;

    public override string ToString() => Name;
}

/// <summary>One address of an interface, from an RTM_NEWADDR dump reply (what ip addr shows).</summary>
public sealed record InterfaceAddress
{
    public required int InterfaceIndex { get; init; }
    public required IPAddress Address { get; init; }
    public required int PrefixLength { get; init; }
    /// <summary>RT_SCOPE_*: 0 global, 253 link, 254 host.</summary>
    public byte Scope { get; init; }
    /// <summary>IFA_F_* flags (IFA_FLAGS when present, else ifa_flags).</summary>
    public uint Flags { get; init; }
    /// <summary>The IPv4 label (IFA_LABEL), usually the interface name; null for IPv6.</summary>
    public string? Label { get; init; }

    /// <summary>IFA_F_SECONDARY: not the primary address of its prefix on the interface.</summary>
    public bool IsSecondary => (Flags & Interop.if_addr_h.IFA_F_SECONDARY) != 0;

    /// <summary>A /32 or /128: an address that covers only itself, as a VIP should.</summary>
    public bool IsHostPrefix => PrefixLength == (Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);

    /// <summary>True when <paramref name="other"/> lies in this address's prefix (a connected network).</summary>
    public bool Contains(IPAddress other) => IpPrefix.Contains(Address, PrefixLength, other);

    public override string ToString() => $"{Address}/{PrefixLength}";
}

/// <summary>One route of the main table, from an RTM_NEWROUTE dump reply.</summary>
public sealed record RouteEntry
{
    /// <summary>The destination prefix; null with PrefixLength 0 is the default route.</summary>
    public IPAddress? Destination { get; init; }
    public int PrefixLength { get; init; }
    public IPAddress? Gateway { get; init; }
    public int OutputInterfaceIndex { get; init; }
    public uint Table { get; init; }
    /// <summary>RTN_*: 1 unicast, 2 local.</summary>
    public byte Type { get; init; }
    public byte Family { get; init; }

    public bool IsDefault => PrefixLength == 0;

    public override string ToString() => $"{(IsDefault ? "default" : $"{Destination}/{PrefixLength}")}{(Gateway is null ? "" : $" via {Gateway}")} oif {OutputInterfaceIndex}";
}

/// <summary>Prefix arithmetic on IPAddress (both families).</summary>
public static class IpPrefix
{
    public static bool Contains(IPAddress network, int prefixLength, IPAddress address)
    {
        if (network.AddressFamily != address.AddressFamily)
            return false;
        byte[] a = network.GetAddressBytes(), b = address.GetAddressBytes();
        int full = prefixLength / 8, rest = prefixLength % 8;
        for (int i = 0; i < full && i < a.Length; i++)
            if (a[i] != b[i])
                return false;
        if (rest == 0 || full >= a.Length)
            return true;
        int mask = 0xff << (8 - rest) & 0xff;
        return (a[full] & mask) == (b[full] & mask);
    }

    public static int HostLength(IPAddress address) => address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
}
