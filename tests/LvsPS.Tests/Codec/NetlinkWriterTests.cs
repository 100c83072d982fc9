using LvsPS.Native.Interop;
using LvsPS.Native.Netlink;
using LvsPS.Tests.Support;

namespace LvsPS.Tests.Codec;

/// <summary>The writer's bytes, checked against netlink's TLV layout by hand.</summary>
public sealed class NetlinkWriterTests
{
    private static string Write(Action<NetlinkWriter> write)
    {
        var w = new NetlinkWriter(16); // small, so growing is exercised too
        write(w);
        return Hex.Format(w.WrittenSpan);
    }

    [Fact]
    public void Scalars_are_host_order_and_padded_to_four_bytes()
    {
        Assert.Equal("05000100" + "ab000000", Write(w => w.WriteUInt8(1, 0xab)));
        Assert.Equal("06000200" + "3412" + "0000", Write(w => w.WriteUInt16(2, 0x1234)));
        Assert.Equal("06000300" + "1234" + "0000", Write(w => w.WriteUInt16BigEndian(3, 0x1234)));
        Assert.Equal("08000400" + "78563412", Write(w => w.WriteUInt32(4, 0x12345678)));
        Assert.Equal("0c000500" + "0807060504030201", Write(w => w.WriteUInt64(5, 0x0102030405060708)));
    }

    [Fact]
    public void Strings_carry_their_nul_and_bytes_are_verbatim()
    {
        Assert.Equal("08000600" + "77727200", Write(w => w.WriteString(6, "wrr")));
        Assert.Equal("07000600" + "736800" + "00", Write(w => w.WriteString(6, "sh")));
        Assert.Equal("05000600" + "00" + "000000", Write(w => w.WriteString(6, "")));
        Assert.Equal("07000700" + "010203" + "00", Write(w => w.WriteBytes(7, new byte[] { 1, 2, 3 })));
        Assert.Equal("04000700", Write(w => w.WriteBytes(7, ReadOnlySpan<byte>.Empty)));
    }

    [Fact]
    public void Nests_get_the_nested_flag_and_their_patched_length()
    {
        string hex = Write(w =>
        {
            int outer = w.BeginNested(1);
            w.WriteUInt8(2, 7);
            int inner = w.BeginNested(3);
            w.WriteUInt32(4, 9);
            w.EndNested(inner);
            w.EndNested(outer);
            w.WriteUInt16(5, 1);
        });
        Assert.Equal(
            "18000180" +            // outer: 24 bytes, type 1 | NLA_F_NESTED
            "05000200" + "07000000" +
            "0c000380" +            // inner: 12 bytes
            "08000400" + "09000000" +
            "06000500" + "01000000", hex);
    }

    [Fact]
    public void Messages_get_their_length_patched_and_flags_added()
    {
        var w = new NetlinkWriter();
        int first = w.BeginMessage(0x20, 0x1, 0x01020304);
        w.WriteGenericHeader(5, 1);
        w.WriteUInt8(9, 1);
        w.EndMessage(first);
        int second = w.BeginMessage(0x21, 0x1, 7);
        w.EndMessage(second);
        w.AddMessageFlags(second, 0x4);
        Assert.Equal(
            "1c000000" + "2000" + "0100" + "04030201" + "00000000" + "05010000" + "05000900" + "01000000" +
            "10000000" + "2100" + "0500" + "07000000" + "00000000", Hex.Format(w.WrittenSpan));
    }

    [Fact]
    public void Truncate_drops_an_unfinished_message_and_reset_empties()
    {
        var w = new NetlinkWriter();
        int m = w.BeginMessage(0x20, 1, 1);
        w.EndMessage(m);
        int start = w.Length;
        w.BeginMessage(0x20, 1, 2);
        w.WriteUInt32(1, 1);
        w.Truncate(start);
        Assert.Equal(16, w.Length);
        w.Reset();
        Assert.Equal(0, w.Length);
        Assert.True(w.WrittenSpan.IsEmpty);
    }

    [Fact]
    public void Growing_keeps_what_was_written()
    {
        var w = new NetlinkWriter(4);
        for (uint i = 0; i < 1000; i++)
            w.WriteUInt32(1, i);
        Assert.Equal(8000, w.Length);
        var r = new NetlinkAttributeReader(w.WrittenSpan);
        uint expected = 0;
        while (r.MoveNext())
            Assert.Equal(expected++, r.GetUInt32());
        Assert.Equal(1000u, expected);
        Assert.Null(r.Error);
    }

    private struct ThreeBytes
    {
        public byte A, B, C;
    }

    [Fact]
    public void Fixed_headers_are_written_as_their_struct_in_host_order_and_padded()
    {
        Assert.Equal("0a180000" + "fe000000" + "01000000",
            Write(w => w.WriteStruct(new rtmsg { rtm_family = 10, rtm_dst_len = 24, rtm_table = 0xfe, rtm_type = 0, rtm_flags = 1 })));
        Assert.Equal("00000000" + "07000000" + "01000000" + "01000000",
            Write(w => w.WriteStruct(new ifinfomsg { ifi_index = 7, ifi_flags = 1, ifi_change = 1 })));
        Assert.Equal("010203" + "00", Write(w => w.WriteStruct(new ThreeBytes { A = 1, B = 2, C = 3 })));
    }

    [Fact]
    public void A_reused_buffer_leaves_no_stale_bytes_in_a_header()
    {
        var w = new NetlinkWriter(16);
        w.WriteUInt64(0xffff, ulong.MaxValue);
        w.WriteUInt32(0xffff, uint.MaxValue);
        w.Reset();
        w.WriteStruct(new ThreeBytes { A = 9 });
        w.WriteGenericHeader(1, 2);
        Assert.Equal("09000000" + "01020000", Hex.Format(w.WrittenSpan));
    }
}
