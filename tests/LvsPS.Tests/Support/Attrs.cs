using System.Buffers.Binary;

namespace LvsPS.Tests.Support;

/// <summary>One attribute as on the wire: raw type (flags included) and payload.</summary>
internal sealed record Attr(ushort RawType, byte[] Payload)
{
    public ushort Type => (ushort)(RawType & 0x3fff);
    public bool NestedFlag => (RawType & 0x8000) != 0;
    public ushort U16 => BinaryPrimitives.ReadUInt16LittleEndian(Payload);
    public uint U32 => BinaryPrimitives.ReadUInt32LittleEndian(Payload);
    public IReadOnlyList<Attr> Children => Attrs.Parse(Payload);
}

/// <summary>A strict, independent attribute parser for checking what the encoder wrote.</summary>
internal static class Attrs
{
    public static List<Attr> Parse(ReadOnlySpan<byte> bytes)
    {
        var list = new List<Attr>();
        int offset = 0;
        while (offset < bytes.Length)
        {
            Assert.True(bytes.Length - offset >= 4, $"{bytes.Length - offset} stray bytes after the attributes");
            int length = BinaryPrimitives.ReadUInt16LittleEndian(bytes[offset..]);
            Assert.InRange(length, 4, bytes.Length - offset);
            list.Add(new Attr(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(offset + 2)..]), bytes[(offset + 4)..(offset + length)].ToArray()));
            int padded = (length + 3) & ~3;
            Assert.True(padded <= bytes.Length - offset || offset + length == bytes.Length, "padding missing in the middle");
            for (int i = offset + length; i < Math.Min(offset + padded, bytes.Length); i++)
                Assert.True(bytes[i] == 0, "padding must be zero");
            offset += padded;
        }
        return list;
    }

    public static Attr One(IEnumerable<Attr> attrs, ushort type) => Assert.Single(attrs, a => a.Type == type);

    /// <summary>type → payload, asserting each type occurs once.</summary>
    public static Dictionary<ushort, byte[]> ToMap(IEnumerable<Attr> attrs)
    {
        var map = new Dictionary<ushort, byte[]>();
        foreach (Attr a in attrs)
            Assert.True(map.TryAdd(a.Type, a.Payload), $"attribute {a.Type} occurs twice");
        return map;
    }
}
