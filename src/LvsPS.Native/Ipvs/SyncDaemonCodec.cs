using System.Net;
using System.Net.Sockets;
using LvsPS.Native.Interop;
using LvsPS.Native.Netlink;
using static LvsPS.Native.Interop.ip_vs_h;

namespace LvsPS.Native.Ipvs;

/// <summary>
/// The encoding of IPVS_CMD_ATTR_DAEMON, in one place. Unlike service and real-server ports, the
/// daemon's MCAST_PORT is host order: ip_vs_genl_new_daemon reads it with nla_get_u16 and
/// ip_vs_genl_fill_daemon writes it with nla_put_u16 (ipvsadm's libipvs does the same; the lab
/// confirms: ipvsadm --mcast-port 8849 reads back as 8849). STATE and SYNC_ID are u32, SYNC_MAXLEN
/// u16, MCAST_TTL u8, MCAST_GROUP a 4-byte in_addr, MCAST_GROUP6 a 16-byte in6_addr.
/// </summary>
internal static class SyncDaemonCodec
{
    /// <summary>The nested IPVS_CMD_ATTR_DAEMON for NEW_DAEMON: the required three, then what was given.</summary>
    public static void WriteDaemon(NetlinkWriter w, SyncDaemon d)
    {
        int nest = w.BeginNested(IPVS_CMD_ATTR_DAEMON);
        w.WriteUInt32(IPVS_DAEMON_ATTR_STATE, (uint)d.State);
        w.WriteString(IPVS_DAEMON_ATTR_MCAST_IFN, d.Interface);
        w.WriteUInt32(IPVS_DAEMON_ATTR_SYNC_ID, d.SyncId);
        if (d.MaxLength is { } maxlen)
            w.WriteUInt16(IPVS_DAEMON_ATTR_SYNC_MAXLEN, maxlen);
        if (d.MulticastGroup is { } group)
        {
            IPAddress g = VirtualServiceKey.Normalize(group);
            w.WriteBytes(g.AddressFamily == AddressFamily.InterNetworkV6 ? IPVS_DAEMON_ATTR_MCAST_GROUP6 : IPVS_DAEMON_ATTR_MCAST_GROUP, g.GetAddressBytes());
        }
        if (d.Port is { } port)
            w.WriteUInt16(IPVS_DAEMON_ATTR_MCAST_PORT, port);
        if (d.Ttl is { } ttl)
            w.WriteUInt8(IPVS_DAEMON_ATTR_MCAST_TTL, ttl);
        w.EndNested(nest);
    }

    /// <summary>The nested IPVS_CMD_ATTR_DAEMON for DEL_DAEMON: only the state.</summary>
    public static void WriteDaemonState(NetlinkWriter w, SyncDaemonState state)
    {
        int nest = w.BeginNested(IPVS_CMD_ATTR_DAEMON);
        w.WriteUInt32(IPVS_DAEMON_ATTR_STATE, (uint)state);
        w.EndNested(nest);
    }

    /// <summary>Decodes one NEW_DAEMON message of a GET_DAEMON dump; null when it carries no daemon.</summary>
    public static SyncDaemon? ReadDaemon(ReadOnlySpan<byte> genlPayload, string? networkNamespace)
    {
        var top = new NetlinkAttributeReader(genlPayload[Math.Min(genetlink_h.GENL_HDRLEN, genlPayload.Length)..]);
        while (top.MoveNext())
            if (top.Type == IPVS_CMD_ATTR_DAEMON)
                return DecodeDaemon(top.Nested(), networkNamespace);
        return null;
    }

    private static SyncDaemon? DecodeDaemon(NetlinkAttributeReader r, string? ns)
    {
        uint state = 0, syncId = 0;
        string ifn = "";
        ushort? maxlen = null, port = null;
        byte? ttl = null;
        IPAddress? group = null;
        while (r.MoveNext())
        {
            switch (r.Type)
            {
                case IPVS_DAEMON_ATTR_STATE: state = r.GetUInt32(); break;
                case IPVS_DAEMON_ATTR_MCAST_IFN: ifn = r.GetString(); break;
                case IPVS_DAEMON_ATTR_SYNC_ID: syncId = r.GetUInt32(); break;
                case IPVS_DAEMON_ATTR_SYNC_MAXLEN: maxlen = r.GetUInt16(); break;
                case IPVS_DAEMON_ATTR_MCAST_PORT: port = r.GetUInt16(); break;
                case IPVS_DAEMON_ATTR_MCAST_TTL: ttl = r.GetUInt8(); break;
                case IPVS_DAEMON_ATTR_MCAST_GROUP when r.Payload.Length >= 4: group = new IPAddress(r.Payload[..4]); break;
                case IPVS_DAEMON_ATTR_MCAST_GROUP6 when r.Payload.Length >= 16: group = new IPAddress(r.Payload[..16]); break;
            }
        }
        if (r.Error != null)
            throw NetlinkException.Malformed("read an IPVS sync daemon", r.Error!);
        if (state is not ((uint)SyncDaemonState.Master or (uint)SyncDaemonState.Backup))
            return null;
        return new SyncDaemon
        {
            State = (SyncDaemonState)state,
            Interface = ifn,
            SyncId = syncId,
            MaxLength = maxlen,
            MulticastGroup = group,
            Port = port,
            Ttl = ttl,
            NetworkNamespace = ns,
        };
    }
}
