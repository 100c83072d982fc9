using LvsPS.Native.Netlink;
using LvsPS.Tests.Support;

namespace LvsPS.Tests.Codec;

/// <summary>The attribute and message readers on well-formed, truncated and malformed input.</summary>
public sealed class NetlinkReaderTests
{
    [Fact]
    public void Reads_each_width_and_masks_the_nested_and_byteorder_bits()
    {
        byte[] bytes = Hex.Parse(@"
            05000100 ab000000               // u8
            06000240 5000 0000              // u16, NLA_F_NET_BYTEORDER set
            06000300 0050 0000              // be16 port 80
            08000400 78563412               // u32
            0c000500 0807060504030201       // u64
            08000600 77727200               // string
            0c000780 08000100 2a000000      // nest with one u32");
        var r = new NetlinkAttributeReader(bytes);
        var seen = new List<ushort>();
        while (r.MoveNext())
        {
            seen.Add(r.Type);
            switch (r.Type)
            {
                case 1: Assert.Equal(0xab, r.GetUInt8()); break;
                case 2: Assert.Equal(0x50, r.GetUInt16()); break;
                case 3: Assert.Equal(80, r.GetUInt16BigEndian()); break;
                case 4: Assert.Equal(0x12345678u, r.GetUInt32()); break;
                case 5: Assert.Equal(0x0102030405060708ul, r.GetUInt64()); break;
                case 6: Assert.Equal("wrr", r.GetString()); break;
                case 7:
                    var n = r.Nested();
                    Assert.True(n.MoveNext());
                    Assert.Equal(1, n.Type);
                    Assert.Equal(42u, n.GetUInt32());
                    Assert.False(n.MoveNext());
                    break;
            }
        }
        Assert.Equal(new ushort[] { 1, 2, 3, 4, 5, 6, 7 }, seen);
        Assert.Null(r.Error);
    }

    [Fact]
    public void The_last_attribute_may_omit_its_padding()
    {
        var r = new NetlinkAttributeReader(Hex.Parse("05000100 ab"));
        Assert.True(r.MoveNext());
        Assert.Equal(0xab, r.GetUInt8());
        Assert.False(r.MoveNext());
        Assert.Null(r.Error);
    }

    [Theory]
    [InlineData("08000100 0000", "does not fit")]          // length beyond the buffer
    [InlineData("03000100", "does not fit")]               // length below the header size
    [InlineData("08000100 00000000 ff000200 00", "does not fit")] // a good one, then a bad one
    public void A_truncated_or_malformed_attribute_stops_with_an_error(string hex, string message)
    {
        var r = new NetlinkAttributeReader(Hex.Parse(hex));
        while (r.MoveNext()) { }
        Assert.Contains(message, r.Error);
        Assert.False(r.MoveNext()); // stays stopped
    }

    [Fact]
    public void A_payload_too_short_for_its_width_sets_the_error_and_returns_zero()
    {
        var r = new NetlinkAttributeReader(Hex.Parse("06000100 0102 0000 08000200 01000000"));
        Assert.True(r.MoveNext());
        Assert.Equal(0u, r.GetUInt32());
        Assert.Contains("expected 4", r.Error);
        Assert.False(r.MoveNext()); // the first error ends the iteration
    }

    [Fact]
    public void Fewer_than_four_trailing_bytes_end_the_iteration_quietly()
    {
        // The kernel's nla_for_each_attr ignores such a remainder too.
        var r = new NetlinkAttributeReader(Hex.Parse("05000100 01000000 0000"));
        Assert.True(r.MoveNext());
        Assert.False(r.MoveNext());
        Assert.Null(r.Error);
    }

    [Fact]
    public void Strings_without_nul_are_read_whole()
    {
        var r = new NetlinkAttributeReader(Hex.Parse("06000100 7368 0000"));
        Assert.True(r.MoveNext());
        Assert.Equal("sh", r.GetString());
    }

    [Fact]
    public void Message_reader_walks_aligned_messages_and_reports_each_header()
    {
        byte[] datagram = Hex.Parse(@"
            15000000 2000 0200 07000000 39300000 01010000 ab000000   // 21 bytes + 3 padding
            14000000 0300 0200 08000000 39300000 00000000");
        var m = new NetlinkMessageReader(datagram);
        Assert.True(m.MoveNext());
        Assert.Equal((0x20, 0x2, 7u, 12345u, 5), (m.Type, m.Flags, m.Sequence, m.PortId, m.Payload.Length));
        Assert.True(m.MoveNext());
        Assert.Equal((3, 8u, 4), (m.Type, m.Sequence, m.Payload.Length));
        Assert.False(m.MoveNext());
        Assert.Null(m.Error);
    }

    [Theory]
    [InlineData("0f000000 0300 0200 08000000 00000000")]           // shorter than nlmsghdr
    [InlineData("18000000 0300 0200 08000000 00000000 00000000")]  // longer than the datagram
    [InlineData("ffffffff 0300 0200 08000000 00000000")]
    public void Message_reader_stops_with_an_error_on_bad_lengths(string hex)
    {
        var m = new NetlinkMessageReader(Hex.Parse(hex));
        Assert.False(m.MoveNext());
        Assert.Contains("does not fit", m.Error);
    }
}
