using System.Buffers.Binary;
using System.Net;
using LvsPS.Native.Interop;
using LvsPS.Native.Netlink;
using LvsPS.Native.RouteNetlink;
using LvsPS.Tests.Support;

namespace LvsPS.Tests.RouteNetlink;

/// <summary>Route netlink messages against bytes built by hand from the UAPI headers (if_addr.h, rtnetlink.h, if_link.h).</summary>
public sealed class RouteNetlinkCodecTests
{
    private static byte[] Build(Action<NetlinkWriter> write)
    {
        var w = new NetlinkWriter();
        write(w);
        return w.WrittenSpan.ToArray();
    }

    [Fact]
    public void RTM_NEWADDR_for_an_IPv4_VIP_on_lo()
    {
        const ushort flags = netlink_h.NLM_F_REQUEST | netlink_h.NLM_F_ACK | rtnetlink_h.NLM_F_CREATE | rtnetlink_h.NLM_F_EXCL;
        byte[] bytes = Build(w => RouteNetlinkCodec.WriteAddress(w, rtnetlink_h.RTM_NEWADDR, flags, 7, 1, IPAddress.Parse("10.0.0.3"), 32));
        Assert.Equal(Hex.Parse(@"
            28000000 1400 0506 07000000 00000000   // nlmsghdr: len 40, RTM_NEWADDR (20), REQUEST|ACK|EXCL|CREATE, seq 7
            02 20 00 00 01000000                   // ifaddrmsg: AF_INET, /32, flags 0, scope universe, ifindex 1
            0800 0200 0a000003                     // IFA_LOCAL 10.0.0.3
            0800 0100 0a000003                     // IFA_ADDRESS 10.0.0.3"), bytes);
    }

    [Fact]
    public void RTM_NEWADDR_with_a_scope_and_a_label_as_ip_addr_add_sends_them()
    {
        const ushort flags = netlink_h.NLM_F_REQUEST | netlink_h.NLM_F_ACK | rtnetlink_h.NLM_F_CREATE | rtnetlink_h.NLM_F_EXCL;
        byte[] bytes = Build(w => RouteNetlinkCodec.WriteAddress(w, rtnetlink_h.RTM_NEWADDR, flags, 8, 2, IPAddress.Parse("192.168.200.16"), 24,
            rtnetlink_h.RT_SCOPE_LINK, "eth0:s"));
        Assert.Equal(Hex.Parse(@"
            34000000 1400 0506 08000000 00000000   // len 52, RTM_NEWADDR, REQUEST|ACK|EXCL|CREATE, seq 8
            02 18 00 fd 02000000                   // AF_INET, /24, flags 0, scope link (253), ifindex 2
            0800 0200 c0a8c810                     // IFA_LOCAL 192.168.200.16
            0800 0100 c0a8c810                     // IFA_ADDRESS
            0b00 0300 657468303a7300 00            // IFA_LABEL ""eth0:s"" with its NUL, padded"), bytes);
    }

    [Fact]
    public void RTM_DELADDR_for_an_IPv6_VIP_skips_DAD()
    {
        byte[] bytes = Build(w => RouteNetlinkCodec.WriteAddress(w, rtnetlink_h.RTM_DELADDR, netlink_h.NLM_F_REQUEST | netlink_h.NLM_F_ACK, 9, 5, IPAddress.Parse("2001:db8::3"), 128));
        Assert.Equal(Hex.Parse(@"
            40000000 1500 0500 09000000 00000000   // len 64, RTM_DELADDR (21), REQUEST|ACK, seq 9
            0a 80 02 00 05000000                   // AF_INET6, /128, IFA_F_NODAD, scope 0, ifindex 5
            1400 0200 20010db8000000000000000000000003
            1400 0100 20010db8000000000000000000000003"), bytes);
    }

    [Fact]
    public void RTM_GETADDR_dump_request_is_a_zeroed_ifaddrmsg()
    {
        byte[] bytes = Build(w => RouteNetlinkCodec.WriteDump(w, rtnetlink_h.RTM_GETADDR, netlink_h.NLM_F_REQUEST | netlink_h.NLM_F_DUMP, 3));
        Assert.Equal(Hex.Parse("18000000 1600 0103 03000000 00000000  0000000000000000"), bytes);
    }

    [Fact]
    public void RTM_NEWLINK_creating_an_ipip_tunnel()
    {
        byte[] bytes = Build(w => RouteNetlinkCodec.WriteNewIpipLink(w, 0x605, 4, "tun9"));
        Assert.Equal(Hex.Parse(@"
            3c000000 1000 0506 04000000 00000000   // len 60, RTM_NEWLINK (16)
            00 00 0000 00000000 00000000 00000000  // ifinfomsg, all zero
            0900 0300 74756e3900 000000            // IFLA_IFNAME ""tun9""
            1000 1280                              // IFLA_LINKINFO (18) | NLA_F_NESTED, len 16
              0900 0100 6970697000 000000          //   IFLA_INFO_KIND ""ipip"""), bytes);
    }

    [Fact]
    public void RTM_NEWLINK_setting_a_link_up_changes_only_IFF_UP()
    {
        byte[] bytes = Build(w => RouteNetlinkCodec.WriteSetLinkUp(w, 0x5, 2, 7, up: true));
        Assert.Equal(Hex.Parse("20000000 1000 0500 02000000 00000000  00 00 0000 07000000 01000000 01000000"), bytes);
    }

    /// <summary>An RTM_NEWADDR dump entry as the kernel sends it: IFA_ADDRESS, IFA_LOCAL, IFA_LABEL, IFA_FLAGS, IFA_CACHEINFO.</summary>
    internal static byte[] NewAddrPayload(byte family, byte prefix, int index, byte[] address, string? label)
    {
        var w = new NetlinkWriter();
        w.WriteBytes(if_addr_h.IFA_ADDRESS, address);
        w.WriteBytes(if_addr_h.IFA_LOCAL, address);
        if (label != null)
            w.WriteString(if_addr_h.IFA_LABEL, label);
        w.WriteUInt32(if_addr_h.IFA_FLAGS, if_addr_h.IFA_F_PERMANENT);
        w.WriteBytes(6, new byte[16]); // IFA_CACHEINFO: not decoded, skipped
        byte[] head = { family, prefix, 0x80, 0, 0, 0, 0, 0 };
        BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(4), index);
        return head.Concat(w.WrittenSpan.ToArray()).ToArray();
    }

    [Fact]
    public void Parses_an_RTM_NEWADDR_dump_entry()
    {
        InterfaceAddress a = RouteNetlinkCodec.ParseAddress(NewAddrPayload(2, 24, 2, new byte[] { 10, 40, 0, 11 }, "eth0"))!;
        Assert.Equal((IPAddress.Parse("10.40.0.11"), 24, 2, "eth0", if_addr_h.IFA_F_PERMANENT), (a.Address, a.PrefixLength, a.InterfaceIndex, a.Label, a.Flags));
        Assert.False(a.IsHostPrefix);
        Assert.True(a.Contains(IPAddress.Parse("10.40.0.200")));
        Assert.False(a.Contains(IPAddress.Parse("10.40.1.1")));
    }

    [Fact]
    public void A_truncated_ifaddrmsg_is_a_protocol_error()
        => Assert.Equal(Errno.EPROTO, Assert.Throws<NetlinkException>(() => RouteNetlinkCodec.ParseAddress(new byte[] { 2, 32, 0 })).Errno);

    private static byte[] Message(ushort type, ushort flags, uint seq, byte[] payload)
    {
        byte[] m = new byte[16 + payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(m, (uint)m.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(m.AsSpan(4), type);
        BinaryPrimitives.WriteUInt16LittleEndian(m.AsSpan(6), flags);
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(8), seq);
        payload.CopyTo(m, 16);
        return m;
    }

    [Fact]
    public void The_client_collects_a_multipart_address_dump()
    {
        var socket = new FakeNetlinkSocket();
        socket.Respond = sent =>
        {
            uint seq = BinaryPrimitives.ReadUInt32LittleEndian(sent.AsSpan(8));
            byte[][] entries =
            {
                Message(rtnetlink_h.RTM_NEWADDR, netlink_h.NLM_F_MULTI, seq, NewAddrPayload(2, 8, 1, new byte[] { 127, 0, 0, 1 }, "lo")),
                Message(rtnetlink_h.RTM_NEWADDR, netlink_h.NLM_F_MULTI, seq, NewAddrPayload(2, 32, 1, new byte[] { 10, 0, 0, 3 }, "lo")),
                Message(rtnetlink_h.RTM_NEWADDR, netlink_h.NLM_F_MULTI, seq, NewAddrPayload(10, 128, 1, IPAddress.Parse("2001:db8::3").GetAddressBytes(), null)),
            };
            // The first two in one datagram, the third and NLMSG_DONE in the next, as a long dump would come.
            return new[] { entries[0].Concat(entries[1]).ToArray(), entries[2].Concat(Message(netlink_h.NLMSG_DONE, netlink_h.NLM_F_MULTI, seq, new byte[4])).ToArray() };
        };
        using var client = new RouteNetlinkClient(new NetlinkConnection(socket, 1));
        IReadOnlyList<InterfaceAddress> all = client.GetAddresses();
        Assert.Equal(new[] { "127.0.0.1/8", "10.0.0.3/32", "2001:db8::3/128" }, all.Select(a => a.ToString()));
        Assert.Equal(rtnetlink_h.RTM_GETADDR, BinaryPrimitives.ReadUInt16LittleEndian(socket.Sent.Single().AsSpan(4)));
    }
}
