using System.Net;
using LvsPS.Native.Interop;
using LvsPS.Native.Ipvs;
using LvsPS.Tests.Support;

namespace LvsPS.Tests.Ipvs;

/// <summary>The real kernel's replies (Golden/*.reply.hex, Debian 6.1 under the lab) decode to what ipvsadm set up.</summary>
public sealed class KernelCaptureDecodeTests
{
    private static readonly VirtualServiceKey Tcp = VirtualServiceKey.Parse("tcp/10.0.0.3:80");
    private static readonly VirtualServiceKey Udp6 = VirtualServiceKey.Parse("udp/[2001:db8::1]:53");
    private static readonly VirtualServiceKey Mark42 = VirtualServiceKey.ForFirewallMark(42);

    private static List<VirtualService> DecodeServices(string capture)
    {
        IReadOnlyList<byte[]> messages = Golden.Messages(capture);
        var services = new List<VirtualService>();
        foreach (byte[] m in messages.Take(messages.Count - 1))
        {
            Assert.Equal(Golden.CapturedIpvsFamily, BitConverter.ToUInt16(m, 4));
            Assert.Equal(ip_vs_h.IPVS_CMD_NEW_SERVICE, m[16]);
            services.Add(Assert.IsType<VirtualService>(IpvsCodec.ReadService(m[16..], "lab")));
        }
        Assert.Equal(netlink_h.NLMSG_DONE, BitConverter.ToUInt16(messages[^1], 4));
        return services;
    }

    [Fact]
    public void Service_dump_decodes_every_field()
    {
        List<VirtualService> services = DecodeServices("dump-services.reply");
        Assert.Equal(3, services.Count);
        // The dump order depends on a per-boot hash: match by key.
        VirtualService tcp = Assert.Single(services, s => s.Key == Tcp);
        Assert.Equal(("wrr", SchedulerFlags.None, true, 20u, (int?)null, false, (string?)null, "lab"),
            (tcp.Scheduler, tcp.SchedulerFlags, tcp.Persistent, tcp.PersistenceTimeout, tcp.PersistencePrefixLength, tcp.OnePacket, tcp.PersistenceEngine, tcp.NetworkNamespace));
        Assert.Equal(new IpvsStatistics(), tcp.Statistics);

        VirtualService udp6 = Assert.Single(services, s => s.Key == Udp6);
        Assert.Equal(IpFamily.IPv6, udp6.Key.Family);
        // 0x1a from the kernel = SCHED1|SCHED2 plus the internal HASHED bit, which must not show.
        Assert.Equal(("sh", SchedulerFlags.Flag1 | SchedulerFlags.Flag2, false, 0u, (int?)null, false),
            (udp6.Scheduler, udp6.SchedulerFlags, udp6.Persistent, udp6.PersistenceTimeout, udp6.PersistencePrefixLength, udp6.OnePacket));
        Assert.Equal(new[] { "sh-fallback", "sh-port" }, Schedulers.FormatFlags(udp6.Scheduler, udp6.SchedulerFlags));

        VirtualService mark = Assert.Single(services, s => s.Key == Mark42);
        Assert.Equal(("mh", SchedulerFlags.None, false, 0u, (int?)null), (mark.Scheduler, mark.SchedulerFlags, mark.Persistent, mark.PersistenceTimeout, mark.PersistencePrefixLength));
        Assert.Equal("fwmark/42", mark.Key.ToString());
    }

    [Fact]
    public void Service_dump_with_traffic_carries_the_counters()
    {
        VirtualService tcp = Assert.Single(DecodeServices("dump-services-stats.reply"), s => s.Key == Tcp);
        Assert.Equal(new IpvsStatistics { Connections = 2, InPackets = 5, InBytes = 300, InBytesPerSecond = 22 }, tcp.Statistics);
    }

    private static List<RealServer> DecodeDests(string capture, VirtualServiceKey key)
    {
        IReadOnlyList<byte[]> messages = Golden.Messages(capture);
        Assert.Equal(netlink_h.NLMSG_DONE, BitConverter.ToUInt16(messages[^1], 4));
        return messages.Take(messages.Count - 1).Select(m =>
        {
            Assert.Equal(ip_vs_h.IPVS_CMD_NEW_DEST, m[16]);
            return Assert.IsType<RealServer>(IpvsCodec.ReadDest(m[16..], key, null));
        }).ToList();
    }

    [Fact]
    public void Dest_dump_decodes_every_field_newest_first()
    {
        List<RealServer> dests = DecodeDests("dump-dests-tcp.reply", Tcp);
        Assert.Equal(2, dests.Count);
        RealServer gue = dests[0], dr = dests[1];

        Assert.Equal(IPAddress.Parse("10.0.0.8"), gue.Address);
        Assert.Equal((80, ForwardingMethod.Tunnel, 2u, 100u, 10u, TunnelType.Gue, (ushort)6080, TunnelChecksum.NoChecksum),
            (gue.Port, gue.Forwarding, gue.Weight, gue.UpperThreshold, gue.LowerThreshold, gue.TunnelType, gue.TunnelPort, gue.TunnelChecksum));
        Assert.Equal((0u, 0u, 0u), (gue.ActiveConnections, gue.InactiveConnections, gue.PersistentConnections));
        Assert.Equal(Tcp, gue.VirtualService);
        Assert.Equal("tcp/10.0.0.3:80 -> 10.0.0.8:80", gue.ToString());

        Assert.Equal(IPAddress.Parse("10.0.0.7"), dr.Address);
        Assert.Equal((80, ForwardingMethod.Route, 1u, 0u, 0u, TunnelType.Ipip, (ushort)0),
            (dr.Port, dr.Forwarding, dr.Weight, dr.UpperThreshold, dr.LowerThreshold, dr.TunnelType, dr.TunnelPort));
        Assert.Equal(IpFamily.IPv4, dr.Family);
        Assert.Equal(new IpvsStatistics(), dr.Statistics);
    }

    [Fact]
    public void Dest_dump_with_traffic_carries_connections_and_counters()
    {
        RealServer gue = DecodeDests("dump-dests-tcp-stats.reply", Tcp)[0];
        Assert.Equal((2u, 0u, 1u), (gue.ActiveConnections, gue.InactiveConnections, gue.PersistentConnections));
        Assert.Equal(new IpvsStatistics { Connections = 2, InPackets = 5, InBytes = 300, InBytesPerSecond = 22 }, gue.Statistics);
    }

    [Theory]
    [InlineData("dump-dests-udp6.reply")]
    [InlineData("dump-dests-fwmark42.reply")]
    public void Empty_dest_dumps_are_a_bare_done(string capture)
    {
        byte[] done = Golden.Single(capture);
        Assert.Equal(20, done.Length);
        Assert.Equal(netlink_h.NLMSG_DONE, BitConverter.ToUInt16(done, 4));
        Assert.Equal(netlink_h.NLM_F_MULTI, BitConverter.ToUInt16(done, 6));
        Assert.Equal(0, BitConverter.ToInt32(done, 16));
    }

    [Fact]
    public void Get_info_reply_decodes()
    {
        IReadOnlyList<byte[]> messages = Golden.Messages("get-info.reply");
        Assert.Equal(ip_vs_h.IPVS_CMD_SET_INFO, messages[0][16]);
        IpvsInfo info = IpvsCodec.ReadInfo(messages[0][16..]);
        Assert.Equal(new IpvsInfo(new Version(1, 2, 1), 4096), info);
        Assert.Equal(netlink_h.NLMSG_ERROR, BitConverter.ToUInt16(messages[1], 4));
    }

    [Fact]
    public void Kernel_nests_have_no_nested_flag_and_still_decode()
    {
        // The kernel sends CMD_ATTR_SERVICE as type 0x0001, ipvsadm as 0x8001: the reader masks both.
        byte[] m = Golden.Messages("dump-services.reply")[0];
        Assert.Equal(0x0001, BitConverter.ToUInt16(m, 22));
        Assert.NotNull(IpvsCodec.ReadService(m[16..], null));
    }
}
