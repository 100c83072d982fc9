using System.Buffers.Binary;
using System.Text;
using LvsPS.Native.Interop;

namespace LvsPS.Native.Netlink;

/// <summary>
/// Iterates the attributes of one level: <c>while (r.MoveNext()) switch (r.Type)</c>.
/// A truncated or malformed attribute stops the iteration and is kept as <see cref="Error"/>;
/// unknown types are simply skipped by the caller.
/// </summary>
internal ref struct NetlinkAttributeReader
{
    private ReadOnlySpan<byte> _rest;

    public NetlinkAttributeReader(ReadOnlySpan<byte> attributes)
    {
        _rest = attributes;
        Type = 0;
        Payload = default;
        Error = null;
    }

    /// <summary>The attribute type without the NESTED and NET_BYTEORDER bits.</summary>
    public ushort Type { get; private set; }
    public ReadOnlySpan<byte> Payload { get; private set; }
    public string? Error { get; private set; }

    public bool MoveNext()
    {
        if (Error != null || _rest.Length < 4)
            return false;
        int length = BinaryPrimitives.ReadUInt16LittleEndian(_rest);
        if (length < 4 || length > _rest.Length)
        {
            Error = $"attribute length {length} does not fit the {_rest.Length} bytes left";
            return false;
        }
        Type = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(_rest[2..]) & netlink_h.NLA_TYPE_MASK);
        Payload = _rest[4..length];
        int advance = Math.Min(netlink_h.Align(length), _rest.Length);
        _rest = _rest[advance..];
        return true;
    }

    public readonly NetlinkAttributeReader Nested() => new(Payload);

    public byte GetUInt8() => Payload.Length >= 1 ? Payload[0] : Bad<byte>(1);
    public ushort GetUInt16() => Payload.Length >= 2 ? BinaryPrimitives.ReadUInt16LittleEndian(Payload) : Bad<ushort>(2);
    public ushort GetUInt16BigEndian() => Payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(Payload) : Bad<ushort>(2);
    public uint GetUInt32() => Payload.Length >= 4 ? BinaryPrimitives.ReadUInt32LittleEndian(Payload) : Bad<uint>(4);
    public ulong GetUInt64() => Payload.Length >= 8 ? BinaryPrimitives.ReadUInt64LittleEndian(Payload) : Bad<ulong>(8);

    public string GetString()
    {
        ReadOnlySpan<byte> p = Payload;
        int nul = p.IndexOf((byte)0);
        return Encoding.ASCII.GetString(nul >= 0 ? p[..nul] : p);
    }

    private T Bad<T>(int width) where T : struct
    {
        Error ??= $"attribute {Type} has {Payload.Length} bytes, expected {width}";
        return default;
    }
}
