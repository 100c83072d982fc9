namespace LvsPS.Native.Interop;

/// <summary>
/// Constants of include/uapi/linux/rtnetlink.h (line numbers from linux-libc-dev 6.1). Route
/// netlink is NETLINK_ROUTE (netlink_h.NETLINK_ROUTE); its messages carry a fixed family header
/// (ifaddrmsg, ifinfomsg, rtmsg) between the nlmsghdr and the attributes.
/// </summary>
internal static class rtnetlink_h
{
    public const ushort RTM_NEWLINK = 16;          // rtnetlink.h:28
    public const ushort RTM_DELLINK = 17;          // rtnetlink.h:30
    public const ushort RTM_GETLINK = 18;          // rtnetlink.h:32
    public const ushort RTM_NEWADDR = 20;          // rtnetlink.h:37
    public const ushort RTM_DELADDR = 21;          // rtnetlink.h:39
    public const ushort RTM_GETADDR = 22;          // rtnetlink.h:41
    public const ushort RTM_NEWROUTE = 24;         // rtnetlink.h:44
    public const ushort RTM_GETROUTE = 26;         // rtnetlink.h:48

    // enum rtattr_type_t, rtnetlink.h:360
    public const ushort RTA_DST = 1;               // rtnetlink.h:362
    public const ushort RTA_OIF = 4;               // rtnetlink.h:365
    public const ushort RTA_GATEWAY = 5;           // rtnetlink.h:366
    public const ushort RTA_PREFSRC = 7;           // rtnetlink.h:368
    public const ushort RTA_TABLE = 15;            // rtnetlink.h:376

    public const byte RTN_UNICAST = 1;             // rtnetlink.h:255
    public const byte RTN_LOCAL = 2;               // rtnetlink.h:256
    public const byte RT_SCOPE_UNIVERSE = 0;       // rtnetlink.h:321
    public const byte RT_SCOPE_LINK = 253;         // rtnetlink.h:324
    public const byte RT_SCOPE_HOST = 254;         // rtnetlink.h:325
    public const byte RT_TABLE_MAIN = 254;         // rtnetlink.h:352

    // include/uapi/linux/netlink.h:76-78, the "new request" flags of route netlink.
    public const ushort NLM_F_REPLACE = 0x100;
    public const ushort NLM_F_EXCL = 0x200;
    public const ushort NLM_F_CREATE = 0x400;

    // include/linux/socket.h
    public const byte AF_UNSPEC = 0, AF_INET = 2, AF_INET6 = 10;
}

/// <summary>Constants of include/uapi/linux/if_addr.h (linux-libc-dev 6.1).</summary>
internal static class if_addr_h
{
    // enum at if_addr.h:26
    public const ushort IFA_ADDRESS = 1;           // if_addr.h:28
    public const ushort IFA_LOCAL = 2;             // if_addr.h:29
    public const ushort IFA_LABEL = 3;             // if_addr.h:30
    public const ushort IFA_FLAGS = 8;             // if_addr.h:35 (u32, supersedes ifa_flags)

    public const uint IFA_F_SECONDARY = 0x01;      // if_addr.h (ifa_flags; IFA_F_TEMPORARY for IPv6)
    public const uint IFA_F_NODAD = 0x02;          // if_addr.h:48
    public const uint IFA_F_PERMANENT = 0x80;      // if_addr.h:54
}

/// <summary>Constants of include/uapi/linux/if_link.h, if.h and if_arp.h (linux-libc-dev 6.1).</summary>
internal static class if_link_h
{
    public const ushort IFLA_ADDRESS = 1;          // if_link.h:298
    public const ushort IFLA_IFNAME = 3;           // if_link.h:300
    public const ushort IFLA_MTU = 4;              // if_link.h:301
    public const ushort IFLA_LINKINFO = 18;        // if_link.h:323
    public const ushort IFLA_INFO_KIND = 1;        // if_link.h:575
    public const ushort IFLA_INFO_DATA = 2;        // if_link.h:576

    public const uint IFF_UP = 1 << 0;             // if.h:83
    public const uint IFF_LOOPBACK = 1 << 3;       // if.h:86
    public const uint IFF_RUNNING = 1 << 6;        // if.h:89
    public const uint IFF_NOARP = 1 << 7;
    public const uint IFF_LOWER_UP = 1 << 16;      // if.h (net_device_flags: driver signals L1 up)          // if.h:90

    public const ushort ARPHRD_ETHER = 1;          // if_arp.h:31
    public const ushort ARPHRD_TUNNEL = 768;       // if_arp.h:66 (ipip)
    public const ushort ARPHRD_LOOPBACK = 772;     // if_arp.h:70

    /// <summary>IFNAMSIZ (if.h:31) including the NUL.</summary>
    public const int IFNAMSIZ = 16;
}

/// <summary>struct ifaddrmsg (if_addr.h:8), 8 bytes.</summary>
internal struct ifaddrmsg
{
    public const int Size = 8;
    public byte ifa_family;
    public byte ifa_prefixlen;
    public byte ifa_flags;
    public byte ifa_scope;
    public uint ifa_index;
}

/// <summary>struct ifinfomsg (rtnetlink.h:557), 16 bytes.</summary>
internal struct ifinfomsg
{
    public const int Size = 16;
    public byte ifi_family;
    public byte __ifi_pad;
    public ushort ifi_type;
    public int ifi_index;
    public uint ifi_flags;
    public uint ifi_change;
}

/// <summary>struct rtmsg (rtnetlink.h:237), 12 bytes.</summary>
internal struct rtmsg
{
    public const int Size = 12;
    public byte rtm_family;
    public byte rtm_dst_len;
    public byte rtm_src_len;
    public byte rtm_tos;
    public byte rtm_table;
    public byte rtm_protocol;
    public byte rtm_scope;
    public byte rtm_type;
    public uint rtm_flags;
}
