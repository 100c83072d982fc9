using CsCheck;
using LvsPS.Native.Netlink;

namespace LvsPS.Tests.Codec;

/// <summary>Whatever the writer writes, the reader reads back, at any nesting and alignment.</summary>
public sealed class CodecRoundTripProperties
{
    private enum Kind { U8, U16, Be16, U32, U64, Bytes, Text, Nest }

    private sealed record Item(Kind Kind, ushort Type, ulong Number, byte[] Bytes, string Text, Item[] Children);

    private static readonly Gen<ushort> AttrType = Gen.UShort[0, 0x3fff];

    private static readonly Gen<Item> Leaf =
        Gen.Select(Gen.Enum<Kind>().Where(k => k != Kind.Nest), AttrType, Gen.ULong, Gen.Byte.Array[0, 40],
                   Gen.String[Gen.Char['a', 'z'], 0, 20],
                   (k, t, n, b, s) => new Item(k, t, n, b, s, Array.Empty<Item>()));

    private static readonly Gen<Item> Tree = Gen.Recursive<Item>((depth, self) =>
        depth >= 3 ? Leaf : Gen.Frequency((4, Leaf), (1, Gen.Select(AttrType, self.Array[0, 5], (t, c) => new Item(Kind.Nest, t, 0, Array.Empty<byte>(), "", c)))));

    private static void Write(NetlinkWriter w, Item i)
    {
        switch (i.Kind)
        {
            case Kind.U8: w.WriteUInt8(i.Type, (byte)i.Number); break;
            case Kind.U16: w.WriteUInt16(i.Type, (ushort)i.Number); break;
            case Kind.Be16: w.WriteUInt16BigEndian(i.Type, (ushort)i.Number); break;
            case Kind.U32: w.WriteUInt32(i.Type, (uint)i.Number); break;
            case Kind.U64: w.WriteUInt64(i.Type, i.Number); break;
            case Kind.Bytes: w.WriteBytes(i.Type, i.Bytes); break;
            case Kind.Text: w.WriteString(i.Type, i.Text); break;
            case Kind.Nest:
                int n = w.BeginNested(i.Type);
                foreach (Item c in i.Children) Write(w, c);
                w.EndNested(n);
                break;
        }
    }

    private static void Check(NetlinkAttributeReader r, Item[] expected)
    {
        int k = 0;
        while (r.MoveNext())
        {
            Item i = expected[k++];
            Assert.Equal(i.Type, r.Type);
            switch (i.Kind)
            {
                case Kind.U8: Assert.Equal((byte)i.Number, r.GetUInt8()); Assert.Equal(1, r.Payload.Length); break;
                case Kind.U16: Assert.Equal((ushort)i.Number, r.GetUInt16()); break;
                case Kind.Be16: Assert.Equal((ushort)i.Number, r.GetUInt16BigEndian()); break;
                case Kind.U32: Assert.Equal((uint)i.Number, r.GetUInt32()); break;
                case Kind.U64: Assert.Equal(i.Number, r.GetUInt64()); break;
                case Kind.Bytes: Assert.Equal(i.Bytes, r.Payload.ToArray()); break;
                case Kind.Text: Assert.Equal(i.Text, r.GetString()); break;
                case Kind.Nest: Check(r.Nested(), i.Children); break;
            }
        }
        Assert.Null(r.Error);
        Assert.Equal(expected.Length, k);
    }

    [Fact]
    public void Attributes_round_trip_at_any_depth()
    {
        Tree.Array[0, 8].Sample(items =>
        {
            var w = new NetlinkWriter(8);
            foreach (Item i in items) Write(w, i);
            Assert.Equal(0, w.Length % 4);
            Check(new NetlinkAttributeReader(w.WrittenSpan), items);
        }, iter: 2000);
    }

    [Fact]
    public void Messages_round_trip_in_one_datagram()
    {
        Gen.Select(Gen.UShort[0x10, 0xffff], Gen.UShort, Gen.UInt, Tree.Array[0, 4]).Array[1, 6].Sample(messages =>
        {
            var w = new NetlinkWriter();
            foreach (var (type, flags, seq, attrs) in messages)
            {
                int m = w.BeginMessage(type, flags, seq);
                foreach (Item i in attrs) Write(w, i);
                w.EndMessage(m);
            }
            var r = new NetlinkMessageReader(w.WrittenSpan);
            foreach (var (type, flags, seq, attrs) in messages)
            {
                Assert.True(r.MoveNext());
                Assert.Equal((type, flags, seq), (r.Type, r.Flags, r.Sequence));
                Check(new NetlinkAttributeReader(r.Payload), attrs);
            }
            Assert.False(r.MoveNext());
            Assert.Null(r.Error);
        }, iter: 500);
    }
}
