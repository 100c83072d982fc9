namespace LvsPS.Native.Interop;

/// <summary>Constants of include/uapi/linux/genetlink.h.</summary>
internal static class genetlink_h
{
    public const int GENL_HDRLEN = 4;               // struct genlmsghdr
    public const ushort GENL_ID_CTRL = 0x10;        // genetlink.h:30 (NLMSG_MIN_TYPE)
    public const byte CTRL_CMD_GETFAMILY = 3;       // genetlink.h:44
    public const ushort CTRL_ATTR_FAMILY_ID = 1;    // genetlink.h:59
    public const ushort CTRL_ATTR_FAMILY_NAME = 2;  // genetlink.h:60
    public const ushort CTRL_ATTR_VERSION = 3;      // genetlink.h:61
}

/// <summary>struct genlmsghdr: cmd, version, reserved u16.</summary>
internal struct genlmsghdr
{
    public byte cmd;
    public byte version;
    public ushort reserved;
}
