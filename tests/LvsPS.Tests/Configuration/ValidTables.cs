using System.Net;
using CsCheck;
using LvsPS.Native.Configuration;
using LvsPS.Native.Ipvs;

namespace LvsPS.Tests.Configuration;

/// <summary>Generators of tables the client would accept (every service and real server passes IpvsValidation).</summary>
internal static class ValidTables
{
    private static readonly Gen<IPAddress> IPv4 = Gen.Byte.Array[4].Select(b => new IPAddress(b));
    private static readonly Gen<IPAddress> IPv6 = Gen.Byte.Array[16].Select(b => new IPAddress(b)).Where(a => !a.IsIPv4MappedToIPv6);

    private static Gen<IPAddress> AddressOf(IpFamily family) => family == IpFamily.IPv6 ? IPv6 : IPv4;

    private static readonly Gen<VirtualServiceKey> Key = Gen.Frequency(
        (3, Gen.Select(Gen.OneOf(IpvsProtocol.Tcp, IpvsProtocol.Udp, IpvsProtocol.Sctp), Gen.OneOf(IPv4, IPv6), Gen.UShort,
            (p, a, port) => VirtualServiceKey.ForAddress(p, a, port))),
        (1, Gen.Select(Gen.UInt[1, uint.MaxValue], Gen.OneOf(IpFamily.IPv4, IpFamily.IPv6), (m, f) => VirtualServiceKey.ForFirewallMark(m, f))));

    public static readonly Gen<VirtualService> ServiceSettings =
        from key in Key
        from scheduler in Gen.OneOf(Schedulers.Names.ToArray())
        from flagBits in Gen.Int[0, 7]
        from persistent0 in Gen.Bool
        from timeout in Gen.UInt[1, uint.MaxValue]
        from prefix in key.Family == IpFamily.IPv6 ? Gen.Int[1, 127] : Gen.Int[0, 31]
        from hasPrefix in Gen.Bool
        from onePacket in Gen.Bool
        from sip in Gen.Bool
        let persistent = persistent0 || (!key.IsFirewallMark && key.Port == 0)
        let flags = (SchedulerFlags)(flagBits << 3) & (scheduler is "sh" or "mh" ? (SchedulerFlags)0x38 : SchedulerFlags.Flag3)
        select new VirtualService
        {
            Key = key,
            Scheduler = scheduler,
            SchedulerFlags = flags,
            Persistent = persistent,
            PersistenceTimeout = persistent ? timeout : 0,
            // ipvsadm-save writes -M only for persistent services.
            PersistencePrefixLength = persistent && hasPrefix ? prefix : null,
            OnePacket = onePacket,
            PersistenceEngine = persistent && sip ? "sip" : null,
        };

    public static Gen<RealServer> RealServerOf(VirtualServiceKey service) =>
        from forwarding in Gen.OneOf(ForwardingMethod.Masquerade, ForwardingMethod.Route, ForwardingMethod.Tunnel)
        from otherFamily in Gen.Int[0, 4].Select(i => i == 0 && forwarding == ForwardingMethod.Tunnel)
        from address in AddressOf(otherFamily ? (service.Family == IpFamily.IPv4 ? IpFamily.IPv6 : IpFamily.IPv4) : service.Family)
        from port in Gen.UShort
        from weight in Gen.UInt[0, IpvsValidation.MaxWeight]
        from upper in Gen.UInt[0, int.MaxValue]
        from lower in Gen.UInt[0, int.MaxValue]
        from tunnelType in Gen.Enum<TunnelType>()
        from tunnelPort in Gen.UShort[1, ushort.MaxValue]
        from checksum in Gen.Enum<TunnelChecksum>()
        let tunnel = forwarding == ForwardingMethod.Tunnel
        select new RealServer
        {
            VirtualService = service,
            Address = address,
            Port = forwarding == ForwardingMethod.Masquerade || service.IsFirewallMark ? port : service.Port,
            Forwarding = forwarding,
            Weight = weight,
            UpperThreshold = Math.Max(upper, lower),
            LowerThreshold = Math.Min(upper, lower),
            TunnelType = tunnel ? tunnelType : TunnelType.Ipip,
            TunnelPort = tunnel && tunnelType == TunnelType.Gue ? tunnelPort : (ushort)0,
            TunnelChecksum = !tunnel ? TunnelChecksum.NoChecksum
                : tunnelType == TunnelType.Ipip ? TunnelChecksum.NoChecksum
                : tunnelType == TunnelType.Gre && checksum == TunnelChecksum.RemoteChecksum ? TunnelChecksum.Checksum
                : checksum,
        };

    public static readonly Gen<VirtualService> Service =
        from s in ServiceSettings
        from dests in RealServerOf(s.Key).List[0, 5]
        select s with { RealServers = dests.DistinctBy(d => (d.Address, d.Port)).ToArray() };

    public static readonly Gen<IReadOnlyList<VirtualService>> Table =
        Service.List[0, 6].Select(l => (IReadOnlyList<VirtualService>)l.DistinctBy(s => s.Key).ToArray());

    private static Gen<T?> Maybe<T>(Gen<T> gen) where T : struct
        => Gen.Select(Gen.Bool, gen, (has, v) => has ? v : (T?)null);

    public static readonly Gen<SyncDaemon> Daemon =
        from state in Gen.OneOf(SyncDaemonState.Master, SyncDaemonState.Backup)
        from ifn in Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789.-_"], 1, 15]
        from syncId in Gen.UInt[0, 255]
        from maxlen in Maybe(Gen.UShort[1, ushort.MaxValue])
        from v6 in Gen.Bool
        from mcast in Gen.Byte.Array[15].Select(b => v6
            ? new IPAddress(new byte[] { 0xff }.Concat(b).ToArray())
            : new IPAddress(new byte[] { (byte)(0xe0 | (b[0] & 0x0f)), b[1], b[2], b[3] })).Null()
        from port in Maybe(Gen.UShort[1, ushort.MaxValue])
        from ttl in Maybe(Gen.Byte[1, 255])
        select new SyncDaemon { State = state, Interface = ifn, SyncId = syncId, MaxLength = maxlen, MulticastGroup = mcast, Port = port, Ttl = ttl };

    /// <summary>Asserts two tables hold the same services with the same real servers, in the same order.</summary>
    public static void AssertSame(IReadOnlyList<VirtualService> expected, IReadOnlyList<VirtualService> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i] with { RealServers = Array.Empty<RealServer>() }, actual[i] with { RealServers = Array.Empty<RealServer>() });
            Assert.Equal(expected[i].RealServers, actual[i].RealServers);
        }
    }
}
