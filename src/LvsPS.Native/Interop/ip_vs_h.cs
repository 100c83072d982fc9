namespace LvsPS.Native.Interop;

/// <summary>Constants of include/uapi/linux/ip_vs.h (line numbers from the 6.1 header).</summary>
internal static class ip_vs_h
{
    public const string IPVS_GENL_NAME = "IPVS";
    public const byte IPVS_GENL_VERSION = 0x1;

    public const uint IP_VS_SVC_F_PERSISTENT = 0x0001;   // ip_vs.h:21
    public const uint IP_VS_SVC_F_HASHED = 0x0002;       // ip_vs.h:22 (kernel-internal)
    public const uint IP_VS_SVC_F_ONEPACKET = 0x0004;    // ip_vs.h:23
    public const uint IP_VS_SVC_F_SCHED1 = 0x0008;       // ip_vs.h:24
    public const uint IP_VS_SVC_F_SCHED2 = 0x0010;       // ip_vs.h:25
    public const uint IP_VS_SVC_F_SCHED3 = 0x0020;       // ip_vs.h:26

    public const uint IP_VS_CONN_F_MASQ = 0x0000;        // ip_vs.h:77
    public const uint IP_VS_CONN_F_LOCALNODE = 0x0001;   // ip_vs.h:78
    public const uint IP_VS_CONN_F_TUNNEL = 0x0002;      // ip_vs.h:79
    public const uint IP_VS_CONN_F_DROUTE = 0x0003;      // ip_vs.h:80
    public const uint IP_VS_CONN_F_FWD_MASK = 0x0007;    // ip_vs.h:76

    public const int IP_VS_SCHEDNAME_MAXLEN = 16;        // ip_vs.h:115
    public const int IP_VS_PENAME_MAXLEN = 16;           // ip_vs.h:116
    public const int IP_VS_IFNAME_MAXLEN = 16;           // ip_vs.h:117

    // enum IPVS_CMD_* (ip_vs.h:303)
    public const byte IPVS_CMD_NEW_SERVICE = 1;
    public const byte IPVS_CMD_SET_SERVICE = 2;
    public const byte IPVS_CMD_DEL_SERVICE = 3;
    public const byte IPVS_CMD_GET_SERVICE = 4;
    public const byte IPVS_CMD_NEW_DEST = 5;
    public const byte IPVS_CMD_SET_DEST = 6;
    public const byte IPVS_CMD_DEL_DEST = 7;
    public const byte IPVS_CMD_GET_DEST = 8;
    public const byte IPVS_CMD_NEW_DAEMON = 9;
    public const byte IPVS_CMD_DEL_DAEMON = 10;
    public const byte IPVS_CMD_GET_DAEMON = 11;
    public const byte IPVS_CMD_SET_CONFIG = 12;
    public const byte IPVS_CMD_GET_CONFIG = 13;
    public const byte IPVS_CMD_SET_INFO = 14;
    public const byte IPVS_CMD_GET_INFO = 15;
    public const byte IPVS_CMD_ZERO = 16;
    public const byte IPVS_CMD_FLUSH = 17;

    // enum IPVS_CMD_ATTR_* (ip_vs.h:335)
    public const ushort IPVS_CMD_ATTR_SERVICE = 1;
    public const ushort IPVS_CMD_ATTR_DEST = 2;
    public const ushort IPVS_CMD_ATTR_DAEMON = 3;
    public const ushort IPVS_CMD_ATTR_TIMEOUT_TCP = 4;
    public const ushort IPVS_CMD_ATTR_TIMEOUT_TCP_FIN = 5;
    public const ushort IPVS_CMD_ATTR_TIMEOUT_UDP = 6;

    // enum IPVS_SVC_ATTR_* (ip_vs.h:353)
    public const ushort IPVS_SVC_ATTR_AF = 1;
    public const ushort IPVS_SVC_ATTR_PROTOCOL = 2;
    public const ushort IPVS_SVC_ATTR_ADDR = 3;
    public const ushort IPVS_SVC_ATTR_PORT = 4;
    public const ushort IPVS_SVC_ATTR_FWMARK = 5;
    public const ushort IPVS_SVC_ATTR_SCHED_NAME = 6;
    public const ushort IPVS_SVC_ATTR_FLAGS = 7;
    public const ushort IPVS_SVC_ATTR_TIMEOUT = 8;
    public const ushort IPVS_SVC_ATTR_NETMASK = 9;
    public const ushort IPVS_SVC_ATTR_STATS = 10;
    public const ushort IPVS_SVC_ATTR_PE_NAME = 11;
    public const ushort IPVS_SVC_ATTR_STATS64 = 12;

    // enum IPVS_DEST_ATTR_* (ip_vs.h:382)
    public const ushort IPVS_DEST_ATTR_ADDR = 1;
    public const ushort IPVS_DEST_ATTR_PORT = 2;
    public const ushort IPVS_DEST_ATTR_FWD_METHOD = 3;
    public const ushort IPVS_DEST_ATTR_WEIGHT = 4;
    public const ushort IPVS_DEST_ATTR_U_THRESH = 5;
    public const ushort IPVS_DEST_ATTR_L_THRESH = 6;
    public const ushort IPVS_DEST_ATTR_ACTIVE_CONNS = 7;
    public const ushort IPVS_DEST_ATTR_INACT_CONNS = 8;
    public const ushort IPVS_DEST_ATTR_PERSIST_CONNS = 9;
    public const ushort IPVS_DEST_ATTR_STATS = 10;
    public const ushort IPVS_DEST_ATTR_ADDR_FAMILY = 11;
    public const ushort IPVS_DEST_ATTR_STATS64 = 12;
    public const ushort IPVS_DEST_ATTR_TUN_TYPE = 13;
    public const ushort IPVS_DEST_ATTR_TUN_PORT = 14;
    public const ushort IPVS_DEST_ATTR_TUN_FLAGS = 15;

    // enum IPVS_DAEMON_ATTR_* (ip_vs.h:419)
    public const ushort IPVS_DAEMON_ATTR_STATE = 1;
    public const ushort IPVS_DAEMON_ATTR_MCAST_IFN = 2;
    public const ushort IPVS_DAEMON_ATTR_SYNC_ID = 3;
    public const ushort IPVS_DAEMON_ATTR_SYNC_MAXLEN = 4;
    public const ushort IPVS_DAEMON_ATTR_MCAST_GROUP = 5;
    public const ushort IPVS_DAEMON_ATTR_MCAST_GROUP6 = 6;
    public const ushort IPVS_DAEMON_ATTR_MCAST_PORT = 7;
    public const ushort IPVS_DAEMON_ATTR_MCAST_TTL = 8;

    // enum IPVS_STATS_ATTR_* (ip_vs.h:440)
    public const ushort IPVS_STATS_ATTR_CONNS = 1;
    public const ushort IPVS_STATS_ATTR_INPKTS = 2;
    public const ushort IPVS_STATS_ATTR_OUTPKTS = 3;
    public const ushort IPVS_STATS_ATTR_INBYTES = 4;
    public const ushort IPVS_STATS_ATTR_OUTBYTES = 5;
    public const ushort IPVS_STATS_ATTR_CPS = 6;
    public const ushort IPVS_STATS_ATTR_INPPS = 7;
    public const ushort IPVS_STATS_ATTR_OUTPPS = 8;
    public const ushort IPVS_STATS_ATTR_INBPS = 9;
    public const ushort IPVS_STATS_ATTR_OUTBPS = 10;
    public const ushort IPVS_STATS_ATTR_PAD = 11;

    // enum IPVS_INFO_ATTR_* (ip_vs.h:460)
    public const ushort IPVS_INFO_ATTR_VERSION = 1;
    public const ushort IPVS_INFO_ATTR_CONN_TAB_SIZE = 2;
}
