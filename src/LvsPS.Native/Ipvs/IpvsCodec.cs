using System.Buffers.Binary;
using System.Net;
using LvsPS.Native.Interop;
using LvsPS.Native.Netlink;
using static LvsPS.Native.Interop.ip_vs_h;

namespace LvsPS.Native.Ipvs;

/// <summary>
/// The IPVS attribute encoding, in one place: ports and tunnel ports big-endian, everything
/// else host order; service flags as the {flags, mask} pair; IPv4 netmask in network order,
/// IPv6 netmask as a prefix length.
/// </summary>
internal static class IpvsCodec
{
    /// <summary>Service flags that the kernel adds itself and that must not be read as settings.</summary>
    private const uint KernelOnlyServiceFlags = IP_VS_SVC_F_HASHED;

    public static void BeginRequest(NetlinkWriter w, ushort family, byte command, ushort flags, uint sequence, out int message)
    {
        message = w.BeginMessage(family, flags, sequence);
        w.WriteGenericHeader(command, IPVS_GENL_VERSION);
    }

    public static void WriteServiceKey(NetlinkWriter w, VirtualServiceKey key)
    {
        w.WriteUInt16(IPVS_SVC_ATTR_AF, (ushort)key.Family);
        if (key.IsFirewallMark)
        {
            w.WriteUInt32(IPVS_SVC_ATTR_FWMARK, key.FirewallMark);
            return;
        }
        w.WriteUInt16(IPVS_SVC_ATTR_PROTOCOL, (ushort)key.Protocol);
        WriteAddress(w, IPVS_SVC_ATTR_ADDR, key.Address!);
        w.WriteUInt16BigEndian(IPVS_SVC_ATTR_PORT, key.Port);
    }

    /// <summary>The nested IPVS_CMD_ATTR_SERVICE with only the key (for dest requests, delete, zero).</summary>
    public static void WriteServiceKeyNest(NetlinkWriter w, VirtualServiceKey key)
    {
        int nest = w.BeginNested(IPVS_CMD_ATTR_SERVICE);
        WriteServiceKey(w, key);
        w.EndNested(nest);
    }

    /// <summary>The nested IPVS_CMD_ATTR_SERVICE with every setting NEW/SET_SERVICE need.</summary>
    public static void WriteService(NetlinkWriter w, VirtualService s)
    {
        int nest = w.BeginNested(IPVS_CMD_ATTR_SERVICE);
        WriteServiceKey(w, s.Key);
        w.WriteString(IPVS_SVC_ATTR_SCHED_NAME, s.Scheduler);
        if (s.PersistenceEngine != null)
            w.WriteString(IPVS_SVC_ATTR_PE_NAME, s.PersistenceEngine);
        Span<byte> flags = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(flags, ServiceFlags(s));
        BinaryPrimitives.WriteUInt32LittleEndian(flags[4..], uint.MaxValue);
        w.WriteBytes(IPVS_SVC_ATTR_FLAGS, flags);
        w.WriteUInt32(IPVS_SVC_ATTR_TIMEOUT, s.Persistent ? s.PersistenceTimeout : 0);
        w.WriteUInt32(IPVS_SVC_ATTR_NETMASK, EncodeNetmask(s.Key.Family, s.EffectivePrefixLength));
        w.EndNested(nest);
    }

    public static uint ServiceFlags(VirtualService s)
        => (s.Persistent ? IP_VS_SVC_F_PERSISTENT : 0) | (s.OnePacket ? IP_VS_SVC_F_ONEPACKET : 0) | (uint)s.SchedulerFlags;

    public static uint EncodeNetmask(IpFamily family, int prefix)
    {
        if (family == IpFamily.IPv6)
            return (uint)prefix;
        uint hostOrder = prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);
        return BinaryPrimitives.ReverseEndianness(hostOrder); // the bytes in memory are the mask in network order
    }

    public static int DecodeNetmask(IpFamily family, uint value)
        => family == IpFamily.IPv6 ? (int)value : System.Numerics.BitOperations.PopCount(value);

    /// <summary>The nested IPVS_CMD_ATTR_DEST: the full settings, or only the address and port for a delete.</summary>
    public static void WriteDest(NetlinkWriter w, RealServer d, bool full)
    {
        int nest = w.BeginNested(IPVS_CMD_ATTR_DEST);
        WriteAddress(w, IPVS_DEST_ATTR_ADDR, d.Address);
        w.WriteUInt16BigEndian(IPVS_DEST_ATTR_PORT, d.Port);
        w.WriteUInt16(IPVS_DEST_ATTR_ADDR_FAMILY, (ushort)d.Family);
        if (full)
        {
            w.WriteUInt32(IPVS_DEST_ATTR_FWD_METHOD, (uint)d.Forwarding);
            w.WriteUInt32(IPVS_DEST_ATTR_WEIGHT, d.Weight);
            w.WriteUInt32(IPVS_DEST_ATTR_U_THRESH, d.UpperThreshold);
            w.WriteUInt32(IPVS_DEST_ATTR_L_THRESH, d.LowerThreshold);
            if (d.Forwarding == ForwardingMethod.Tunnel)
            {
                w.WriteUInt8(IPVS_DEST_ATTR_TUN_TYPE, (byte)d.TunnelType);
                w.WriteUInt16BigEndian(IPVS_DEST_ATTR_TUN_PORT, d.TunnelPort);
                w.WriteUInt16(IPVS_DEST_ATTR_TUN_FLAGS, (ushort)d.TunnelChecksum);
            }
        }
        w.EndNested(nest);
    }

    private static void WriteAddress(NetlinkWriter w, ushort type, IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        VirtualServiceKey.Normalize(address).TryWriteBytes(bytes, out int written); // ::ffff:a.b.c.d as 4 bytes, matching its AF_INET
        w.WriteBytes(type, bytes[..written]);
    }

    /// <summary>Decodes a NEW_SERVICE reply (GET_SERVICE doit or dump); null when the message carries no service.</summary>
    public static VirtualService? ReadService(ReadOnlySpan<byte> genlPayload, string? networkNamespace)
    {
        var top = new NetlinkAttributeReader(genlPayload[Math.Min(genetlink_h.GENL_HDRLEN, genlPayload.Length)..]);
        while (top.MoveNext())
            if (top.Type == IPVS_CMD_ATTR_SERVICE)
                return DecodeService(top.Nested(), networkNamespace);
        return null;
    }

    private static VirtualService? DecodeService(NetlinkAttributeReader r, string? ns)
    {
        IpFamily family = IpFamily.IPv4;
        IpvsProtocol protocol = IpvsProtocol.FirewallMark;
        ReadOnlySpan<byte> address = default;
        ushort port = 0;
        uint mark = 0, flags = 0, timeout = 0, netmask = uint.MaxValue;
        string scheduler = "", pe = "";
        IpvsStatistics? stats = null, stats64 = null;
        while (r.MoveNext())
        {
            switch (r.Type)
            {
                case IPVS_SVC_ATTR_AF: family = (IpFamily)r.GetUInt16(); break;
                case IPVS_SVC_ATTR_PROTOCOL: protocol = (IpvsProtocol)r.GetUInt16(); break;
                case IPVS_SVC_ATTR_ADDR: address = r.Payload; break;
                case IPVS_SVC_ATTR_PORT: port = r.GetUInt16BigEndian(); break;
                case IPVS_SVC_ATTR_FWMARK: mark = r.GetUInt32(); break;
                case IPVS_SVC_ATTR_SCHED_NAME: scheduler = r.GetString(); break;
                case IPVS_SVC_ATTR_FLAGS: flags = r.GetUInt32(); break; // the first u32 of {flags, mask}
                case IPVS_SVC_ATTR_TIMEOUT: timeout = r.GetUInt32(); break;
                case IPVS_SVC_ATTR_NETMASK: netmask = r.GetUInt32(); break;
                case IPVS_SVC_ATTR_PE_NAME: pe = r.GetString(); break;
                case IPVS_SVC_ATTR_STATS: stats = DecodeStats(r.Nested()); break;
                case IPVS_SVC_ATTR_STATS64: stats64 = DecodeStats(r.Nested()); break;
            }
        }
        if (r.Error != null)
            throw NetlinkException.Malformed("read an IPVS service", r.Error!);
        if (mark == 0 && protocol is not (IpvsProtocol.Tcp or IpvsProtocol.Udp or IpvsProtocol.Sctp))
            throw NetlinkException.Malformed("read an IPVS service", $"neither a firewall mark nor a known protocol ({(ushort)protocol})");
        VirtualServiceKey key = mark != 0
            ? VirtualServiceKey.ForFirewallMark(mark, family)
            : VirtualServiceKey.ForAddress(protocol, ToAddress(address, family), port);
        flags &= ~KernelOnlyServiceFlags;
        int prefix = DecodeNetmask(family, netmask);
        bool persistent = (flags & IP_VS_SVC_F_PERSISTENT) != 0;
        return new VirtualService
        {
            Key = key,
            Scheduler = scheduler,
            SchedulerFlags = (SchedulerFlags)(flags & (IP_VS_SVC_F_SCHED1 | IP_VS_SVC_F_SCHED2 | IP_VS_SVC_F_SCHED3)),
            Persistent = persistent,
            PersistenceTimeout = timeout,
            PersistencePrefixLength = prefix == (family == IpFamily.IPv6 ? 128 : 32) ? null : prefix,
            OnePacket = (flags & IP_VS_SVC_F_ONEPACKET) != 0,
            PersistenceEngine = pe.Length == 0 ? null : pe,
            Statistics = stats64 ?? stats,
            NetworkNamespace = ns,
        };
    }

    /// <summary>Decodes a NEW_DEST reply of a GET_DEST dump.</summary>
    public static RealServer? ReadDest(ReadOnlySpan<byte> genlPayload, VirtualServiceKey service, string? networkNamespace)
    {
        var top = new NetlinkAttributeReader(genlPayload[Math.Min(genetlink_h.GENL_HDRLEN, genlPayload.Length)..]);
        while (top.MoveNext())
            if (top.Type == IPVS_CMD_ATTR_DEST)
                return DecodeDest(top.Nested(), service, networkNamespace);
        return null;
    }

    private static RealServer DecodeDest(NetlinkAttributeReader r, VirtualServiceKey service, string? ns)
    {
        ReadOnlySpan<byte> address = default;
        IpFamily family = service.Family;
        ushort port = 0, tunPort = 0, tunFlags = 0;
        uint fwd = 0, weight = 0, upper = 0, lower = 0, active = 0, inactive = 0, persist = 0;
        byte tunType = 0;
        IpvsStatistics? stats = null, stats64 = null;
        while (r.MoveNext())
        {
            switch (r.Type)
            {
                case IPVS_DEST_ATTR_ADDR: address = r.Payload; break;
                case IPVS_DEST_ATTR_PORT: port = r.GetUInt16BigEndian(); break;
                case IPVS_DEST_ATTR_FWD_METHOD: fwd = r.GetUInt32() & IP_VS_CONN_F_FWD_MASK; break;
                case IPVS_DEST_ATTR_WEIGHT: weight = r.GetUInt32(); break;
                case IPVS_DEST_ATTR_U_THRESH: upper = r.GetUInt32(); break;
                case IPVS_DEST_ATTR_L_THRESH: lower = r.GetUInt32(); break;
                case IPVS_DEST_ATTR_ACTIVE_CONNS: active = r.GetUInt32(); break;
                case IPVS_DEST_ATTR_INACT_CONNS: inactive = r.GetUInt32(); break;
                case IPVS_DEST_ATTR_PERSIST_CONNS: persist = r.GetUInt32(); break;
                case IPVS_DEST_ATTR_ADDR_FAMILY: family = (IpFamily)r.GetUInt16(); break;
                case IPVS_DEST_ATTR_TUN_TYPE: tunType = r.GetUInt8(); break;
                case IPVS_DEST_ATTR_TUN_PORT: tunPort = r.GetUInt16BigEndian(); break;
                case IPVS_DEST_ATTR_TUN_FLAGS: tunFlags = r.GetUInt16(); break;
                case IPVS_DEST_ATTR_STATS: stats = DecodeStats(r.Nested()); break;
                case IPVS_DEST_ATTR_STATS64: stats64 = DecodeStats(r.Nested()); break;
            }
        }
        if (r.Error != null)
            throw NetlinkException.Malformed("read an IPVS real server", r.Error!);
        bool tunnel = fwd == IP_VS_CONN_F_TUNNEL;
        return new RealServer
        {
            VirtualService = service,
            Address = ToAddress(address, family),
            Port = port,
            Forwarding = (ForwardingMethod)fwd,
            Weight = weight,
            UpperThreshold = upper,
            LowerThreshold = lower,
            TunnelType = tunnel ? (TunnelType)tunType : TunnelType.Ipip,
            TunnelPort = tunnel ? tunPort : (ushort)0,
            TunnelChecksum = tunnel ? (TunnelChecksum)tunFlags : TunnelChecksum.NoChecksum,
            ActiveConnections = active,
            InactiveConnections = inactive,
            PersistentConnections = persist,
            Statistics = stats64 ?? stats,
            NetworkNamespace = ns,
        };
    }

    /// <summary>STATS (u32 counters and rates, u64 bytes) and STATS64 (all u64, with PAD attributes) share the ids.</summary>
    private static IpvsStatistics DecodeStats(NetlinkAttributeReader r)
    {
        ulong conns = 0, inPkts = 0, outPkts = 0, inBytes = 0, outBytes = 0, cps = 0, inPps = 0, outPps = 0, inBps = 0, outBps = 0;
        while (r.MoveNext())
        {
            ulong v = r.Payload.Length >= 8 ? r.GetUInt64() : r.Payload.Length >= 4 ? r.GetUInt32() : 0;
            switch (r.Type)
            {
                case IPVS_STATS_ATTR_CONNS: conns = v; break;
                case IPVS_STATS_ATTR_INPKTS: inPkts = v; break;
                case IPVS_STATS_ATTR_OUTPKTS: outPkts = v; break;
                case IPVS_STATS_ATTR_INBYTES: inBytes = v; break;
                case IPVS_STATS_ATTR_OUTBYTES: outBytes = v; break;
                case IPVS_STATS_ATTR_CPS: cps = v; break;
                case IPVS_STATS_ATTR_INPPS: inPps = v; break;
                case IPVS_STATS_ATTR_OUTPPS: outPps = v; break;
                case IPVS_STATS_ATTR_INBPS: inBps = v; break;
                case IPVS_STATS_ATTR_OUTBPS: outBps = v; break;
            }
        }
        return new IpvsStatistics
        {
            Connections = conns, InPackets = inPkts, OutPackets = outPkts, InBytes = inBytes, OutBytes = outBytes,
            ConnectionsPerSecond = cps, InPacketsPerSecond = inPps, OutPacketsPerSecond = outPps,
            InBytesPerSecond = inBps, OutBytesPerSecond = outBps,
        };
    }

    private static IPAddress ToAddress(ReadOnlySpan<byte> bytes, IpFamily family)
    {
        int length = family == IpFamily.IPv6 ? 16 : 4;
        if (bytes.Length < length)
            throw NetlinkException.Malformed("read an IPVS address", $"a {bytes.Length}-byte address for family {family}");
        return new IPAddress(bytes[..length]);
    }

    /// <summary>GET_INFO reply (cmd SET_INFO).</summary>
    public static IpvsInfo ReadInfo(ReadOnlySpan<byte> genlPayload)
    {
        uint version = 0, size = 0;
        var r = new NetlinkAttributeReader(genlPayload[Math.Min(genetlink_h.GENL_HDRLEN, genlPayload.Length)..]);
        while (r.MoveNext())
        {
            if (r.Type == IPVS_INFO_ATTR_VERSION) version = r.GetUInt32();
            else if (r.Type == IPVS_INFO_ATTR_CONN_TAB_SIZE) size = r.GetUInt32();
        }
        return new IpvsInfo(new Version((int)(version >> 16) & 0xff, (int)(version >> 8) & 0xff, (int)version & 0xff), size);
    }

    /// <summary>GET_CONFIG reply (cmd SET_CONFIG).</summary>
    public static IpvsTimeouts ReadTimeouts(ReadOnlySpan<byte> genlPayload)
    {
        uint tcp = 0, fin = 0, udp = 0;
        var r = new NetlinkAttributeReader(genlPayload[Math.Min(genetlink_h.GENL_HDRLEN, genlPayload.Length)..]);
        while (r.MoveNext())
        {
            switch (r.Type)
            {
                case IPVS_CMD_ATTR_TIMEOUT_TCP: tcp = r.GetUInt32(); break;
                case IPVS_CMD_ATTR_TIMEOUT_TCP_FIN: fin = r.GetUInt32(); break;
                case IPVS_CMD_ATTR_TIMEOUT_UDP: udp = r.GetUInt32(); break;
            }
        }
        return new IpvsTimeouts(tcp, fin, udp);
    }
}
