namespace LvsPS.Native.Interop;

/// <summary>Constants of include/uapi/linux/netlink.h (line numbers from the 6.1 header).</summary>
internal static class netlink_h
{
    public const int AF_NETLINK = 16;
    public const int NETLINK_ROUTE = 0;            // netlink.h:9
    public const int NETLINK_GENERIC = 16;         // netlink.h:25

    public const ushort NLM_F_REQUEST = 0x01;      // netlink.h:62
    public const ushort NLM_F_MULTI = 0x02;        // netlink.h:63
    public const ushort NLM_F_ACK = 0x04;          // netlink.h:64
    public const ushort NLM_F_DUMP_INTR = 0x10;    // netlink.h:66
    public const ushort NLM_F_ROOT = 0x100;        // netlink.h:70
    public const ushort NLM_F_MATCH = 0x200;       // netlink.h:71
    public const ushort NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH; // netlink.h:73
    public const ushort NLM_F_CAPPED = 0x100;      // netlink.h:86 (in ACKs)
    public const ushort NLM_F_ACK_TLVS = 0x200;    // netlink.h:87 (in ACKs)

    public const ushort NLMSG_NOOP = 0x1;          // netlink.h:112
    public const ushort NLMSG_ERROR = 0x2;         // netlink.h:113
    public const ushort NLMSG_DONE = 0x3;          // netlink.h:114
    public const ushort NLMSG_OVERRUN = 0x4;       // netlink.h:115
    public const ushort NLMSG_MIN_TYPE = 0x10;

    public const int SOL_NETLINK = 270;
    public const int NETLINK_CAP_ACK = 10;         // netlink.h:172
    public const int NETLINK_EXT_ACK = 11;         // netlink.h:173

    public const ushort NLA_F_NESTED = 1 << 15;    // netlink.h:240
    public const ushort NLA_F_NET_BYTEORDER = 1 << 14; // netlink.h:241
    public const ushort NLA_TYPE_MASK = unchecked((ushort)~(NLA_F_NESTED | NLA_F_NET_BYTEORDER));

    /// <summary>NLMSG_ALIGNTO and NLA_ALIGNTO are both 4.</summary>
    public static int Align(int length) => (length + 3) & ~3;

    /// <summary>enum nlmsgerr_attrs: the extended-ACK message text.</summary>
    public const ushort NLMSGERR_ATTR_MSG = 1;
    /// <summary>netlink.h enum nlmsgerr_attrs: u32 offset of the offending attribute in the request.</summary>
    public const ushort NLMSGERR_ATTR_OFFS = 2;
}

/// <summary>struct nlmsghdr (16 bytes).</summary>
internal struct nlmsghdr
{
    public const int Size = 16;
    public uint nlmsg_len;
    public ushort nlmsg_type;
    public ushort nlmsg_flags;
    public uint nlmsg_seq;
    public uint nlmsg_pid;
}

/// <summary>struct sockaddr_nl (12 bytes).</summary>
internal struct sockaddr_nl
{
    public ushort nl_family;
    public ushort nl_pad;
    public uint nl_pid;
    public uint nl_groups;
}
