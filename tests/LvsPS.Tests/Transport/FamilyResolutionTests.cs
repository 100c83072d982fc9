using System.Text;
using LvsPS.Native.GenericNetlink;
using LvsPS.Native.Interop;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Netlink;
using LvsPS.Tests.Support;

namespace LvsPS.Tests.Transport;

public sealed class FamilyResolutionTests
{
    [Fact]
    public void The_family_id_from_CTRL_GETFAMILY_is_used_for_every_IPVS_request()
    {
        var kernel = new FakeKernel { IpvsFamily = 0x1234 };
        using IpvsClient client = kernel.Open();

        SentMessage lookup = Assert.Single(FakeNetlinkSocket.Parse(kernel.Socket.Sent[0]));
        Assert.Equal(genetlink_h.GENL_ID_CTRL, lookup.Type);
        Assert.Equal(netlink_h.NLM_F_REQUEST | netlink_h.NLM_F_ACK, lookup.Flags);
        Assert.Equal((genetlink_h.CTRL_CMD_GETFAMILY, (byte)1), (lookup.Command, lookup.Version));
        Attr name = Assert.Single(Attrs.Parse(lookup.Attributes));
        Assert.Equal((genetlink_h.CTRL_ATTR_FAMILY_NAME, "IPVS\0"), (name.RawType, Encoding.ASCII.GetString(name.Payload)));

        client.Flush();
        SentMessage flush = Assert.Single(kernel.IpvsRequests);
        Assert.Equal((0x1234, ip_vs_h.IPVS_CMD_FLUSH), (flush.Type, flush.Command));
    }

    [Fact]
    public void Resolution_is_cached_per_connection()
    {
        var kernel = new FakeKernel();
        var families = new GenericNetlinkFamilies(new NetlinkConnection(kernel.Socket, 100));
        Assert.Equal(FakeKernel.DefaultIpvsFamily, families.Resolve("IPVS"));
        Assert.Equal(FakeKernel.DefaultIpvsFamily, families.Resolve("IPVS"));
        Assert.Single(kernel.Socket.Sent);
    }

    [Fact]
    public void ENOENT_for_the_family_means_IPVS_is_not_available()
    {
        var kernel = new FakeKernel { HasIpvs = false };
        var e = Assert.Throws<IpvsNotAvailableException>(() => IpvsClient.Open(kernel.Socket));
        var inner = Assert.IsType<GenericNetlinkFamilyNotFoundException>(e.InnerException);
        Assert.Equal("IPVS", inner.Family);
        Assert.DoesNotContain("modprobe", e.Message); // what to do is the cmdlet layer's advice
        Assert.True(kernel.Socket.Disposed, "the socket must be closed when Open fails");
    }

    [Fact]
    public void A_reply_without_a_family_id_is_a_protocol_error()
    {
        var socket = new FakeNetlinkSocket();
        socket.Respond = d =>
        {
            SentMessage m = FakeNetlinkSocket.Parse(d)[0];
            return new[] { Replies.Genl(genetlink_h.GENL_ID_CTRL, 0, m.Sequence, 1, w => w.WriteString(genetlink_h.CTRL_ATTR_FAMILY_NAME, "IPVS")), Replies.Ack(m) };
        };
        var e = Assert.Throws<NetlinkException>(() => IpvsClient.Open(socket));
        Assert.Equal(Errno.EPROTO, e.Errno);
        Assert.True(socket.Disposed);
    }

    [Fact]
    public void Other_errors_of_the_lookup_are_not_mistaken_for_a_missing_family()
    {
        var socket = new FakeNetlinkSocket { Respond = d => new[] { Replies.Error(FakeNetlinkSocket.Parse(d)[0], Errno.EPERM) } };
        var e = Assert.Throws<NetlinkException>(() => IpvsClient.Open(socket));
        Assert.Equal(Errno.EPERM, e.Errno);
    }
}
