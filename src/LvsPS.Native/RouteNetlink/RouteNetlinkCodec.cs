using System.Buffers.Binary;
using System.Net;
using LvsPS.Native.Interop;
using LvsPS.Native.Netlink;

namespace LvsPS.Native.RouteNetlink;

/// <summary>
/// Pure encoders and decoders of the route netlink messages LvsPS needs: addresses
/// (RTM_NEWADDR/DELADDR/GETADDR with ifaddrmsg), links (RTM_GETLINK, RTM_NEWLINK for ipip
/// tunnels and for bringing a link up, with ifinfomsg) and routes (RTM_GETROUTE with rtmsg).
/// </summary>
internal static class RouteNetlinkCodec
{
    /// <summary>
    /// RTM_NEWADDR or RTM_DELADDR for one address: IFA_LOCAL and IFA_ADDRESS both carry it (as ip addr add does on a
    /// non-point-to-point link); a scope (RT_SCOPE_*) and an IPv4 label (IFA_LABEL) as ip addr add's scope and label.
    /// </summary>
    public static void WriteAddress(NetlinkWriter w, ushort type, ushort flags, uint sequence, int interfaceIndex, IPAddress address, int prefixLength,
        byte scope = rtnetlink_h.RT_SCOPE_UNIVERSE, string? label = null)
    {
        byte family = FamilyOf(address);
        int start = w.BeginMessage(type, flags, sequence);
        w.WriteStruct(new ifaddrmsg
        {
            ifa_family = family,
            ifa_prefixlen = (byte)prefixLength,
            // IPv6 VIPs skip duplicate address detection: every real server holds the same VIP on purpose.
            ifa_flags = family == rtnetlink_h.AF_INET6 ? (byte)if_addr_h.IFA_F_NODAD : (byte)0,
            ifa_scope = scope,
            ifa_index = (uint)interfaceIndex,
        });
        byte[] bytes = address.GetAddressBytes();
        w.WriteBytes(if_addr_h.IFA_LOCAL, bytes);
        w.WriteBytes(if_addr_h.IFA_ADDRESS, bytes);
        if (label is not null && family == rtnetlink_h.AF_INET)
            w.WriteString(if_addr_h.IFA_LABEL, label);
        w.EndMessage(start);
    }

    /// <summary>A dump request: RTM_GETADDR, RTM_GETLINK or RTM_GETROUTE with its zeroed family header.</summary>
    public static void WriteDump(NetlinkWriter w, ushort type, ushort flags, uint sequence, byte family = rtnetlink_h.AF_UNSPEC)
    {
        int start = w.BeginMessage(type, flags, sequence);
        switch (type)
        {
            case rtnetlink_h.RTM_GETADDR: w.WriteStruct(new ifaddrmsg { ifa_family = family }); break;
            case rtnetlink_h.RTM_GETLINK: w.WriteStruct(new ifinfomsg { ifi_family = family }); break;
            case rtnetlink_h.RTM_GETROUTE: w.WriteStruct(new rtmsg { rtm_family = family }); break;
            default: throw new ArgumentOutOfRangeException(nameof(type));
        }
        w.EndMessage(start);
    }

    /// <summary>RTM_NEWLINK that creates an ipip tunnel device (ip link add NAME type ipip), with no remote: it decapsulates whatever arrives.</summary>
    public static void WriteNewIpipLink(NetlinkWriter w, ushort flags, uint sequence, string name)
    {
        int start = w.BeginMessage(rtnetlink_h.RTM_NEWLINK, flags, sequence);
        w.WriteStruct(new ifinfomsg());
        w.WriteString(if_link_h.IFLA_IFNAME, name);
        int info = w.BeginNested(if_link_h.IFLA_LINKINFO);
        w.WriteString(if_link_h.IFLA_INFO_KIND, "ipip");
        w.EndNested(info);
        w.EndMessage(start);
    }

    /// <summary>RTM_NEWLINK that sets or clears IFF_UP on an existing link (ip link set dev up/down).</summary>
    public static void WriteSetLinkUp(NetlinkWriter w, ushort flags, uint sequence, int interfaceIndex, bool up)
    {
        int start = w.BeginMessage(rtnetlink_h.RTM_NEWLINK, flags, sequence);
        w.WriteStruct(new ifinfomsg { ifi_index = interfaceIndex, ifi_flags = up ? if_link_h.IFF_UP : 0, ifi_change = if_link_h.IFF_UP });
        w.EndMessage(start);
    }

    /// <summary>Decodes an RTM_NEWADDR payload (after nlmsghdr); null when it carries no address.</summary>
    public static InterfaceAddress? ParseAddress(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < ifaddrmsg.Size)
            throw NetlinkException.Malformed("RTM_NEWADDR", $"{payload.Length} bytes, shorter than ifaddrmsg");
        byte family = payload[0];
        int prefix = payload[1];
        uint flags = payload[2];
        byte scope = payload[3];
        int index = (int)BinaryPrimitives.ReadUInt32LittleEndian(payload[4..]);
        IPAddress? local = null, address = null;
        string? label = null;
        var r = new NetlinkAttributeReader(payload[ifaddrmsg.Size..]);
        while (r.MoveNext())
        {
            switch (r.Type)
            {
                case if_addr_h.IFA_LOCAL: local = ToAddress(family, r.Payload); break;
                case if_addr_h.IFA_ADDRESS: address = ToAddress(family, r.Payload); break;
                case if_addr_h.IFA_LABEL: label = r.GetString(); break;
                case if_addr_h.IFA_FLAGS: flags = r.GetUInt32(); break;
            }
        }
        ThrowIfMalformed(r.Error, "RTM_NEWADDR");
        // IFA_LOCAL is the interface's own address; IFA_ADDRESS is the peer on point-to-point links.
        IPAddress? own = local ?? address;
        return own is null ? null : new InterfaceAddress { InterfaceIndex = index, Address = own, PrefixLength = prefix, Scope = scope, Flags = flags, Label = label };
    }

    /// <summary>Decodes an RTM_NEWLINK payload.</summary>
    public static NetworkLink ParseLink(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < ifinfomsg.Size)
            throw NetlinkException.Malformed("RTM_NEWLINK", $"{payload.Length} bytes, shorter than ifinfomsg");
        ushort hardware = BinaryPrimitives.ReadUInt16LittleEndian(payload[2..]);
        int index = BinaryPrimitives.ReadInt32LittleEndian(payload[4..]);
        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(payload[8..]);
        string name = "";
        string? kind = null;
        byte[] hardwareAddress = [];
        var r = new NetlinkAttributeReader(payload[ifinfomsg.Size..]);
        while (r.MoveNext())
        {
            switch (r.Type)
            {
                case if_link_h.IFLA_IFNAME: name = r.GetString(); break;
                case if_link_h.IFLA_ADDRESS: hardwareAddress = r.Payload.ToArray(); break;
                case if_link_h.IFLA_LINKINFO:
                    var info = r.Nested();
                    while (info.MoveNext())
                        if (info.Type == if_link_h.IFLA_INFO_KIND)
                            kind = info.GetString();
                    break;
            }
        }
        ThrowIfMalformed(r.Error, "RTM_NEWLINK");
        return new NetworkLink { Index = index, Name = name, Flags = flags, HardwareType = hardware, Kind = kind, HardwareAddress = hardwareAddress };
    }

    /// <summary>Decodes an RTM_NEWROUTE payload.</summary>
    public static RouteEntry ParseRoute(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < rtmsg.Size)
            throw NetlinkException.Malformed("RTM_NEWROUTE", $"{payload.Length} bytes, shorter than rtmsg");
        byte family = payload[0];
        int dstLength = payload[1];
        uint table = payload[4];
        byte type = payload[7];
        IPAddress? dst = null, gateway = null;
        int oif = 0;
        var r = new NetlinkAttributeReader(payload[rtmsg.Size..]);
        while (r.MoveNext())
        {
            switch (r.Type)
            {
                case rtnetlink_h.RTA_DST: dst = ToAddress(family, r.Payload); break;
                case rtnetlink_h.RTA_GATEWAY: gateway = ToAddress(family, r.Payload); break;
                case rtnetlink_h.RTA_OIF: oif = (int)r.GetUInt32(); break;
                case rtnetlink_h.RTA_TABLE: table = r.GetUInt32(); break;
            }
        }
        ThrowIfMalformed(r.Error, "RTM_NEWROUTE");
        return new RouteEntry { Family = family, Destination = dst, PrefixLength = dstLength, Gateway = gateway, OutputInterfaceIndex = oif, Table = table, Type = type };
    }

    public static byte FamilyOf(IPAddress address) => address.AddressFamily switch
    {
        System.Net.Sockets.AddressFamily.InterNetwork => rtnetlink_h.AF_INET,
        System.Net.Sockets.AddressFamily.InterNetworkV6 => rtnetlink_h.AF_INET6,
        _ => throw new ArgumentException($"{address} is neither IPv4 nor IPv6", nameof(address)),
    };

    private static IPAddress? ToAddress(byte family, ReadOnlySpan<byte> bytes) => family switch
    {
        rtnetlink_h.AF_INET when bytes.Length >= 4 => new IPAddress(bytes[..4]),
        rtnetlink_h.AF_INET6 when bytes.Length >= 16 => new IPAddress(bytes[..16]),
        _ => null,
    };

    private static void ThrowIfMalformed(string? error, string what)
    {
        if (error != null)
            throw NetlinkException.Malformed(what, error);
    }
}
