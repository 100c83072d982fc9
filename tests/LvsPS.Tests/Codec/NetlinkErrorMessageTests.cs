using LvsPS.Native.Interop;
using LvsPS.Native.Netlink;
using LvsPS.Tests.Support;

namespace LvsPS.Tests.Codec;

/// <summary>struct nlmsgerr and its extended-ACK TLVs (include/uapi/linux/netlink.h).</summary>
public sealed class NetlinkErrorMessageTests
{
    private static readonly SentMessage Request = new(0x20, 5, 9, Hex.Parse(@"
        20000000 2000 0500 09000000 00000000 01010000
        0c000180 08000500 2a000000                      // a 32-byte request"));

    private static int Decode(byte[] message, out string? text)
    {
        var m = new NetlinkMessageReader(message);
        Assert.True(m.MoveNext());
        Assert.Equal(netlink_h.NLMSG_ERROR, m.Type);
        return NetlinkErrorMessage.Decode(m.Payload, m.Flags, out text);
    }

    [Fact]
    public void An_ack_is_error_zero()
    {
        Assert.Equal(0, Decode(Replies.Ack(Request), out string? text));
        Assert.Null(text);
    }

    [Fact]
    public void The_captured_kernel_ack_decodes_as_zero()
    {
        // From Golden/ipvsadm-add-service-tcp-wrr-p20.reply.hex: capped, 36 bytes.
        byte[] ack = Hex.Parse("2400000002000001b783046bb900007e000000006800000020000500b783046bb900007e");
        Assert.Equal(0, Decode(ack, out string? text));
        Assert.Null(text);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Extended_ack_text_is_found_after_the_echoed_request(bool capped)
    {
        byte[] reply = Replies.Error(Request, Errno.EINVAL, capped, extAck: "Unknown scheduler");
        Assert.Equal(-Errno.EINVAL, Decode(reply, out string? text));
        Assert.Equal("Unknown scheduler", text);
    }

    [Fact]
    public void A_payload_shorter_than_the_error_code_is_EPROTO()
    {
        var m = new NetlinkMessageReader(Replies.Message(netlink_h.NLMSG_ERROR, 0, 1, new byte[] { 0xef, 0xff }));
        Assert.True(m.MoveNext());
        Assert.Equal(-Errno.EPROTO, NetlinkErrorMessage.Decode(m.Payload, m.Flags, out _));
    }

    [Theory]
    [InlineData("ffffffff")] // echoed nlmsg_len -1
    [InlineData("9cffffff")] // -100
    [InlineData("ffffff7f")] // int.MaxValue: aligning it overflows
    [InlineData("00000080")]
    public void A_garbage_echoed_length_keeps_the_error_and_does_not_throw(string echoedLength)
    {
        byte[] payload = Hex.Parse("eaffffff" + echoedLength + "2000 0500 09000000 00000000 08000100 41420000");
        Assert.Equal(-Errno.EINVAL, NetlinkErrorMessage.Decode(payload, netlink_h.NLM_F_ACK_TLVS, out _));
    }
}
