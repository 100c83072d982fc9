using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using LvsPS.Native.Interop;
using LvsPS.Native.Netlink;
using LvsPS.Native.RouteNetlink;
using LvsPS.Tests.Support;

namespace LvsPS.Tests.RouteNetlink;

/// <summary>What VRRP needs of the route netlink client: the MAC and carrier of a link, one family's addresses of one interface, idempotent VIP add/remove.</summary>
public sealed class RouteNetlinkVrrpUseTests
{
    private static SentMessage Parse(byte[] raw) => new(BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(4)), BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(6)), BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(8)), raw);

    private static byte[] NewLinkPayload(int index, uint flags, string name, byte[]? mac)
    {
        var w = new NetlinkWriter();
        w.WriteStruct(new ifinfomsg { ifi_type = if_link_h.ARPHRD_ETHER, ifi_index = index, ifi_flags = flags });
        w.WriteString(if_link_h.IFLA_IFNAME, name);
        if (mac != null)
            w.WriteBytes(if_link_h.IFLA_ADDRESS, mac);
        w.WriteUInt32(if_link_h.IFLA_MTU, 1500);
        return w.WrittenSpan.ToArray();
    }

    [Fact]
    public void A_link_carries_its_hardware_address_and_carrier()
    {
        byte[] mac = { 0x02, 0x00, 0x5e, 0x00, 0x01, 0x07 };
        NetworkLink up = RouteNetlinkCodec.ParseLink(NewLinkPayload(3, if_link_h.IFF_UP | if_link_h.IFF_LOWER_UP, "eth0", mac));
        Assert.Equal(mac, up.HardwareAddress);
        Assert.True(up.HasCarrier);
        NetworkLink noCarrier = RouteNetlinkCodec.ParseLink(NewLinkPayload(4, if_link_h.IFF_UP, "eth1", mac));
        Assert.True(noCarrier.IsUp);
        Assert.False(noCarrier.HasCarrier);
        NetworkLink down = RouteNetlinkCodec.ParseLink(NewLinkPayload(5, if_link_h.IFF_RUNNING, "eth2", null));
        Assert.False(down.HasCarrier);
        Assert.Empty(down.HardwareAddress);
    }

    [Fact]
    public void Addresses_of_one_interface_and_family_ask_the_kernel_for_that_family()
    {
        var socket = new FakeNetlinkSocket();
        socket.Respond = sent =>
        {
            uint seq = BinaryPrimitives.ReadUInt32LittleEndian(sent.AsSpan(8));
            return new[]
            {
                Replies.Datagram(
                    Replies.Message(rtnetlink_h.RTM_NEWADDR, netlink_h.NLM_F_MULTI, seq, RouteNetlinkCodecTests.NewAddrPayload(2, 24, 2, new byte[] { 10, 0, 0, 1 }, "eth0")),
                    Replies.Message(rtnetlink_h.RTM_NEWADDR, netlink_h.NLM_F_MULTI, seq, RouteNetlinkCodecTests.NewAddrPayload(2, 8, 1, new byte[] { 127, 0, 0, 1 }, "lo")),
                    Replies.Done(seq)),
            };
        };
        using var client = new RouteNetlinkClient(new NetlinkConnection(socket, 1));
        IReadOnlyList<InterfaceAddress> found = client.GetAddresses(2, AddressFamily.InterNetwork);
        Assert.Equal(new[] { "10.0.0.1/24" }, found.Select(a => a.ToString()));
        Assert.Equal(rtnetlink_h.AF_INET, socket.Sent.Single()[16]); // ifaddrmsg.ifa_family of the dump request
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(Errno.EEXIST, false)]
    public void Adding_a_VIP_that_is_there_is_not_an_error(int errno, bool added)
    {
        var socket = new FakeNetlinkSocket { Respond = sent => new[] { Replies.Error(Parse(sent), errno) } };
        using var client = new RouteNetlinkClient(new NetlinkConnection(socket, 1));
        Assert.Equal(added, client.TryAddAddress(2, IPAddress.Parse("10.0.0.100"), 32));
        Assert.Equal(rtnetlink_h.RTM_NEWADDR, Parse(socket.Sent.Single()).Type);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(99, false)] // EADDRNOTAVAIL
    [InlineData(Errno.ENODEV, false)]
    public void Removing_a_VIP_that_is_gone_is_not_an_error(int errno, bool removed)
    {
        var socket = new FakeNetlinkSocket { Respond = sent => new[] { Replies.Error(Parse(sent), errno) } };
        using var client = new RouteNetlinkClient(new NetlinkConnection(socket, 1));
        Assert.Equal(removed, client.TryRemoveAddress(2, IPAddress.Parse("2001:db8::100"), 128));
        Assert.Equal(rtnetlink_h.RTM_DELADDR, Parse(socket.Sent.Single()).Type);
    }

    [Fact]
    public void Other_refusals_still_throw()
    {
        var socket = new FakeNetlinkSocket { Respond = sent => new[] { Replies.Error(Parse(sent), Errno.EPERM) } };
        using var client = new RouteNetlinkClient(new NetlinkConnection(socket, 1));
        Assert.Equal(Errno.EPERM, Assert.Throws<NetlinkException>(() => client.TryAddAddress(2, IPAddress.Parse("10.0.0.100"), 32)).Errno);
    }
}
