using LvsPS.Native.Interop;
using LvsPS.Native.Netlink;
using LvsPS.Tests.Support;

namespace LvsPS.Tests.Transport;

/// <summary>One request, its replies and its ACK over <see cref="NetlinkConnection.Execute"/>.</summary>
public sealed class ExecuteTests
{
    private static void Build(NetlinkWriter w, ushort flags, uint seq)
    {
        int m = w.BeginMessage(0x20, flags, seq);
        w.WriteGenericHeader(16, 1);
        w.EndMessage(m);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Extended_ack_text_surfaces_in_the_exception(bool capped)
    {
        var socket = new FakeNetlinkSocket { Respond = d => new[] { Replies.Error(FakeNetlinkSocket.Parse(d)[0], Errno.EINVAL, capped, "Attribute failed policy validation", 20) } };
        var connection = new NetlinkConnection(socket, 1);
        var e = Assert.Throws<NetlinkException>(() => connection.Execute(Build, null, "zero IPVS counters"));
        Assert.Equal((Errno.EINVAL, NetlinkFailure.KernelRefusal, "zero IPVS counters"), (e.Errno, e.Failure, e.Operation));
        Assert.Equal(("Attribute failed policy validation", (int?)20), (e.ExtendedAckMessage, e.ExtendedAckOffset));
        Assert.Equal("zero IPVS counters: the kernel refused it with EINVAL: Invalid argument (the kernel says: 'Attribute failed policy validation', at byte 20 of the request)", e.Message);
    }

    [Fact]
    public void A_failed_send_is_a_transport_failure_not_a_refusal()
    {
        var socket = new FakeNetlinkSocket { Respond = _ => throw NetlinkException.FromErrno(Errno.ENOBUFS, "send(netlink)") };
        var connection = new NetlinkConnection(socket, 1);
        var e = Assert.Throws<NetlinkException>(() => connection.Execute(Build, null, "zero IPVS counters"));
        Assert.Equal((NetlinkFailure.Transport, false), (e.Failure, e.IsKernelRefusal));
    }

    [Fact]
    public void Stale_replies_with_other_sequence_numbers_are_ignored()
    {
        var replies = new List<(ushort, uint)>();
        var socket = new FakeNetlinkSocket();
        socket.Respond = d =>
        {
            SentMessage m = FakeNetlinkSocket.Parse(d)[0];
            SentMessage stale = m with { Sequence = m.Sequence - 1 };
            return new[]
            {
                Replies.Error(stale, Errno.EEXIST),                                        // an abandoned request's failure
                Replies.Datagram(
                    Replies.Genl(0x20, 0, m.Sequence + 5, 1, w => w.WriteUInt32(1, 99)),  // a reply for someone else
                    Replies.Genl(0x20, 0, m.Sequence, 1, w => w.WriteUInt32(1, 7))),
                Replies.Ack(m),
            };
        };
        var connection = new NetlinkConnection(socket, 41);
        connection.Execute(Build, (payload, type) => replies.Add((type, new NetlinkAttributeReader(payload[4..]) is var r && r.MoveNext() ? r.GetUInt32() : 0)), "test");
        Assert.Equal(new[] { ((ushort)0x20, 7u) }, replies);
        Assert.Equal(42u, FakeNetlinkSocket.Parse(socket.Sent[0])[0].Sequence);
    }

    [Fact]
    public void Requests_ask_for_an_ack_and_sequence_numbers_increase()
    {
        var socket = new FakeNetlinkSocket { Respond = d => new[] { Replies.Ack(FakeNetlinkSocket.Parse(d)[0]) } };
        var connection = new NetlinkConnection(socket, 10);
        connection.Execute(Build, null, "a");
        connection.Execute(Build, null, "b");
        List<SentMessage> sent = socket.Sent.Select(d => Assert.Single(FakeNetlinkSocket.Parse(d))).ToList();
        Assert.Equal(new uint[] { 11, 12 }, sent.Select(m => m.Sequence));
        Assert.All(sent, m => Assert.Equal(netlink_h.NLM_F_REQUEST | netlink_h.NLM_F_ACK, m.Flags));
    }

    [Fact]
    public void A_malformed_reply_is_EPROTO()
    {
        var socket = new FakeNetlinkSocket { Respond = _ => new[] { Hex.Parse("ff000000 0200 0000 01000000 00000000") } };
        var e = Assert.Throws<NetlinkException>(() => new NetlinkConnection(socket, 1).Execute(Build, null, "test"));
        Assert.Equal(Errno.EPROTO, e.Errno);
        Assert.Contains("malformed", e.Message);
    }
}
