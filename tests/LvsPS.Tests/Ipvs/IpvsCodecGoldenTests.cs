using System.Net;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Netlink;
using LvsPS.Tests.Support;

namespace LvsPS.Tests.Ipvs;

/// <summary>
/// Requests built by hand from include/uapi/linux/ip_vs.h and the rules in ip_vs_ctl.c:
/// AF/PROTOCOL u16, ADDR raw, PORT be16, FWMARK u32, FLAGS {u32 flags, u32 mask}, NETMASK u32
/// (network-order mask for IPv4, prefix length for IPv6), dest FWD_METHOD/WEIGHT/thresholds u32,
/// TUN_TYPE u8, TUN_PORT be16, TUN_FLAGS u16. Header: len, family 0x20, REQUEST|ACK, seq 0x01020304.
/// </summary>
public sealed class IpvsCodecGoldenTests
{
    private const ushort Family = 0x20;
    private const ushort RequestAck = 0x5;
    private static readonly VirtualServiceKey Tcp = VirtualServiceKey.Parse("tcp/10.0.0.3:80");

    private static string Encode(byte command, Action<NetlinkWriter> attributes)
    {
        var w = new NetlinkWriter();
        IpvsCodec.BeginRequest(w, Family, command, RequestAck, 0x01020304, out int m);
        attributes(w);
        w.EndMessage(m);
        return Hex.Format(w.WrittenSpan);
    }

    private static void Same(string expectedHex, string actual) => Assert.Equal(Hex.Format(Hex.Parse(expectedHex)), actual);

    [Fact]
    public void New_service_tcp_wrr_persistent_20()
    {
        var s = new VirtualService { Key = Tcp, Scheduler = "wrr", Persistent = true, PersistenceTimeout = 20 };
        Same(@"
            5c000000 2000 0500 04030201 00000000    // nlmsghdr: 92 bytes
            01010000                                // genl: NEW_SERVICE, version 1
            48000180                                // CMD_ATTR_SERVICE | NLA_F_NESTED, 72 bytes
              06000100 0200 0000                    // AF = AF_INET
              06000200 0600 0000                    // PROTOCOL = TCP (u16)
              08000300 0a000003                     // ADDR 10.0.0.3
              06000400 0050 0000                    // PORT 80, big-endian
              08000600 77727200                     // SCHED_NAME ""wrr\0""
              0c000700 01000000 ffffffff            // FLAGS {PERSISTENT, mask all}
              08000800 14000000                     // TIMEOUT 20
              08000900 ffffffff                     // NETMASK 255.255.255.255",
            Encode(1, w => IpvsCodec.WriteService(w, s)));
    }

    [Fact]
    public void New_service_ipv4_netmask_is_the_mask_in_network_order()
    {
        var s = new VirtualService { Key = Tcp, Scheduler = "rr", Persistent = true, PersistenceTimeout = 300, PersistencePrefixLength = 24, OnePacket = true };
        string hex = Encode(1, w => IpvsCodec.WriteService(w, s));
        Assert.EndsWith(Hex.Format(Hex.Parse("0c000700 05000000 ffffffff  08000800 2c010000  08000900 ffffff00")), hex);
    }

    [Fact]
    public void New_service_ipv6_udp_sh_with_flags()
    {
        var s = new VirtualService
        {
            Key = VirtualServiceKey.Parse("udp/[2001:db8::1]:53"), Scheduler = "sh",
            SchedulerFlags = SchedulerFlags.Flag1 | SchedulerFlags.Flag2,
        };
        Same(@"
            68000000 2000 0500 04030201 00000000
            01010000
            54000180
              06000100 0a00 0000                    // AF = AF_INET6
              06000200 1100 0000                    // PROTOCOL = UDP
              14000300 20010db8 00000000 00000000 00000001
              06000400 0035 0000                    // PORT 53
              07000600 736800 00                    // ""sh\0""
              0c000700 18000000 ffffffff            // SCHED1|SCHED2 (sh-fallback, sh-port)
              08000800 00000000                     // TIMEOUT 0 (not persistent)
              08000900 80000000                     // NETMASK = prefix 128 (the kernel refuses 0 for IPv6)",
            Encode(1, w => IpvsCodec.WriteService(w, s)));
    }

    [Fact]
    public void New_service_fwmark_has_no_protocol_address_or_port()
    {
        var s = new VirtualService { Key = VirtualServiceKey.ForFirewallMark(42), Scheduler = "mh" };
        Same(@"
            4c000000 2000 0500 04030201 00000000
            01010000
            38000180
              06000100 0200 0000
              08000500 2a000000                     // FWMARK 42
              07000600 6d6800 00
              0c000700 00000000 ffffffff
              08000800 00000000
              08000900 ffffffff",
            Encode(1, w => IpvsCodec.WriteService(w, s)));
    }

    [Fact]
    public void New_service_ipv6_fwmark_netmask_is_128()
    {
        var s = new VirtualService { Key = VirtualServiceKey.Parse("fwmark/7/ipv6"), Scheduler = "wlc", Persistent = true, PersistenceTimeout = 60, PersistencePrefixLength = 64 };
        string hex = Encode(1, w => IpvsCodec.WriteService(w, s));
        Assert.Contains(Hex.Format(Hex.Parse("06000100 0a00 0000 08000500 07000000")), hex);
        Assert.EndsWith(Hex.Format(Hex.Parse("08000800 3c000000 08000900 40000000")), hex);
        var host = s with { PersistencePrefixLength = null };
        Assert.EndsWith("0800090080000000", Encode(1, w => IpvsCodec.WriteService(w, host)));
    }

    [Fact]
    public void New_dest_direct_routing()
    {
        var d = new RealServer { VirtualService = Tcp, Address = IPAddress.Parse("10.0.0.7"), Port = 80, Forwarding = ForwardingMethod.Route, Weight = 1 };
        Same(@"
            74000000 2000 0500 04030201 00000000    // 116 bytes
            05010000                                // NEW_DEST
            24000180                                // the service key only
              06000100 0200 0000
              06000200 0600 0000
              08000300 0a000003
              06000400 0050 0000
            3c000280                                // CMD_ATTR_DEST | NLA_F_NESTED, 60 bytes
              08000100 0a000007                     // ADDR 10.0.0.7
              06000200 0050 0000                    // PORT 80 big-endian
              06000b00 0200 0000                    // ADDR_FAMILY AF_INET
              08000300 03000000                     // FWD_METHOD DROUTE
              08000400 01000000                     // WEIGHT 1
              08000500 00000000                     // U_THRESH
              08000600 00000000                     // L_THRESH",
            Encode(5, w => { IpvsCodec.WriteServiceKeyNest(w, Tcp); IpvsCodec.WriteDest(w, d, full: true); }));
    }

    [Fact]
    public void New_dest_gue_tunnel()
    {
        var d = new RealServer
        {
            VirtualService = Tcp, Address = IPAddress.Parse("10.0.0.8"), Port = 80, Forwarding = ForwardingMethod.Tunnel,
            Weight = 2, UpperThreshold = 100, LowerThreshold = 10, TunnelType = TunnelType.Gue, TunnelPort = 6080,
            TunnelChecksum = TunnelChecksum.NoChecksum,
        };
        Same(@"
            54000280
              08000100 0a000008
              06000200 0050 0000
              06000b00 0200 0000
              08000300 02000000                     // TUNNEL
              08000400 02000000
              08000500 64000000                     // U_THRESH 100
              08000600 0a000000                     // L_THRESH 10
              05000d00 01 000000                    // TUN_TYPE GUE (u8)
              06000e00 17c0 0000                    // TUN_PORT 6080 big-endian
              06000f00 0000 0000                    // TUN_FLAGS nocsum (u16)",
            Hex.Format(Build(w => IpvsCodec.WriteDest(w, d, full: true))));
    }

    [Fact]
    public void Del_dest_sends_only_address_port_and_family()
    {
        var d = new RealServer { VirtualService = Tcp, Address = IPAddress.Parse("2001:db8::7"), Port = 8080, Forwarding = ForwardingMethod.Tunnel, Weight = 5 };
        Same(@"
            28000280
              14000100 20010db8 00000000 00000000 00000007
              06000200 1f90 0000
              06000b00 0a00 0000",
            Hex.Format(Build(w => IpvsCodec.WriteDest(w, d, full: false))));
    }

    [Fact]
    public void Ipv4_mapped_real_server_addresses_are_sent_as_ipv4()
    {
        // ADDR_FAMILY says AF_INET, so the kernel reads the first 4 bytes of ADDR: a 16-byte
        // ::ffff:a.b.c.d there would become 0.0.0.0.
        var d = new RealServer { VirtualService = Tcp, Address = IPAddress.Parse("::ffff:10.0.0.7"), Port = 80 };
        List<Attr> dest = Attrs.Parse(Build(w => IpvsCodec.WriteDest(w, d, full: true)))[0].Children.ToList();
        Assert.Equal(Hex.Parse("0a000007"), Attrs.One(dest, 1).Payload);
        Assert.Equal(2, Attrs.One(dest, 11).U16);
    }

    private static byte[] Build(Action<NetlinkWriter> write)
    {
        var w = new NetlinkWriter();
        write(w);
        return w.WrittenSpan.ToArray();
    }
}
