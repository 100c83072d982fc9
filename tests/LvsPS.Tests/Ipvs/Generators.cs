using System.Net;
using CsCheck;
using LvsPS.Native.Ipvs;

namespace LvsPS.Tests.Ipvs;

/// <summary>Random IPVS model values.</summary>
internal static class Generators
{
    public static readonly Gen<IPAddress> IPv4 = Gen.Byte.Array[4].Select(b => new IPAddress(b));

    /// <summary>IPv6 without the v4-mapped range (those are IPv4 by the model's rules).</summary>
    public static readonly Gen<IPAddress> IPv6 = Gen.Byte.Array[16].Select(b => new IPAddress(b)).Where(a => !a.IsIPv4MappedToIPv6);

    public static readonly Gen<IPAddress> Address = Gen.OneOf(IPv4, IPv6);

    public static readonly Gen<VirtualServiceKey> Key = Gen.Frequency(
        (3, Gen.Select(Gen.OneOf(IpvsProtocol.Tcp, IpvsProtocol.Udp, IpvsProtocol.Sctp), Address, Gen.UShort,
            (p, a, port) => VirtualServiceKey.ForAddress(p, a, port))),
        (1, Gen.Select(Gen.UInt[1, uint.MaxValue], Gen.OneOf(IpFamily.IPv4, IpFamily.IPv6),
            (m, f) => VirtualServiceKey.ForFirewallMark(m, f))));

    public static readonly Gen<VirtualService> Service =
        from key in Key
        from scheduler in Gen.OneOf(Schedulers.Names.ToArray())
        from flags in Gen.Int[0, 7].Select(i => (SchedulerFlags)(i << 3))
        from persistent in Gen.Bool
        from timeout in Gen.UInt
        // null = host granularity; an explicit full-length prefix reads back as null too, so leave it out.
        from prefix in key.Family == IpFamily.IPv6 ? Gen.Int[1, 127] : Gen.Int[0, 31]
        from hasPrefix in Gen.Bool
        from onePacket in Gen.Bool
        from sip in Gen.Bool
        select new VirtualService
        {
            Key = key,
            Scheduler = scheduler,
            SchedulerFlags = flags,
            Persistent = persistent,
            PersistenceTimeout = persistent ? timeout : 0, // only sent for persistent services
            PersistencePrefixLength = hasPrefix ? prefix : null,
            OnePacket = onePacket,
            PersistenceEngine = sip ? "sip" : null,
        };

    public static readonly Gen<RealServer> RealServer =
        from key in Key
        from address in Address
        from port in Gen.UShort
        from forwarding in Gen.OneOf(ForwardingMethod.Masquerade, ForwardingMethod.Local, ForwardingMethod.Tunnel, ForwardingMethod.Route)
        from weight in Gen.UInt
        from upper in Gen.UInt
        from lower in Gen.UInt
        from tunnelType in Gen.Enum<TunnelType>()
        from tunnelPort in Gen.UShort
        from checksum in Gen.Enum<TunnelChecksum>()
        let tunnel = forwarding == ForwardingMethod.Tunnel
        select new RealServer
        {
            VirtualService = key,
            Address = address,
            Port = port,
            Forwarding = forwarding,
            Weight = weight,
            UpperThreshold = upper,
            LowerThreshold = lower,
            TunnelType = tunnel ? tunnelType : TunnelType.Ipip,
            TunnelPort = tunnel ? tunnelPort : (ushort)0,
            TunnelChecksum = tunnel ? checksum : TunnelChecksum.NoChecksum,
        };
}
