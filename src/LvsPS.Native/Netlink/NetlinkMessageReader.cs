using System.Buffers.Binary;
using LvsPS.Native.Interop;

namespace LvsPS.Native.Netlink;

/// <summary>Iterates the netlink messages in one received datagram.</summary>
internal ref struct NetlinkMessageReader
{
    private ReadOnlySpan<byte> _rest;

    public NetlinkMessageReader(ReadOnlySpan<byte> datagram)
    {
        _rest = datagram;
        Type = 0; Flags = 0; Sequence = 0; PortId = 0;
        Payload = default;
        Error = null;
    }

    public ushort Type { get; private set; }
    public ushort Flags { get; private set; }
    public uint Sequence { get; private set; }
    public uint PortId { get; private set; }
    /// <summary>Everything after the 16-byte nlmsghdr.</summary>
    public ReadOnlySpan<byte> Payload { get; private set; }
    public string? Error { get; private set; }

    public bool MoveNext()
    {
        if (Error != null || _rest.Length < nlmsghdr.Size)
            return false;
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(_rest);
        if (length < nlmsghdr.Size || length > _rest.Length)
        {
            Error = $"message length {length} does not fit the {_rest.Length} bytes left";
            return false;
        }
        Type = BinaryPrimitives.ReadUInt16LittleEndian(_rest[4..]);
        Flags = BinaryPrimitives.ReadUInt16LittleEndian(_rest[6..]);
        Sequence = BinaryPrimitives.ReadUInt32LittleEndian(_rest[8..]);
        PortId = BinaryPrimitives.ReadUInt32LittleEndian(_rest[12..]);
        Payload = _rest[nlmsghdr.Size..(int)length];
        int advance = Math.Min(netlink_h.Align((int)length), _rest.Length);
        _rest = _rest[advance..];
        return true;
    }
}

/// <summary>Decodes the body of an NLMSG_ERROR message (struct nlmsgerr and extended-ACK TLVs).</summary>
internal static class NetlinkErrorMessage
{
    /// <summary>Returns the (negative or zero) error code, and the extended-ACK text if any.</summary>
    public static int Decode(ReadOnlySpan<byte> payload, ushort flags, out string? message)
        => Decode(payload, flags, out message, out _);

    /// <summary>
    /// Returns the (negative or zero) error code, the extended-ACK text and the byte offset in the
    /// request of the attribute the kernel objected to (NLMSGERR_ATTR_OFFS), when it sent them.
    /// </summary>
    public static int Decode(ReadOnlySpan<byte> payload, ushort flags, out string? message, out int? offset)
    {
        message = null;
        offset = null;
        if (payload.Length < 4)
            return -71; // EPROTO: a truncated error message
        int error = BinaryPrimitives.ReadInt32LittleEndian(payload);
        if ((flags & netlink_h.NLM_F_ACK_TLVS) == 0 || payload.Length < 4 + nlmsghdr.Size)
            return error;
        // The echoed request: only its header when NLM_F_CAPPED, else the whole message.
        uint echoed = (flags & netlink_h.NLM_F_CAPPED) != 0
            ? nlmsghdr.Size
            : BinaryPrimitives.ReadUInt32LittleEndian(payload[4..]);
        if (echoed < nlmsghdr.Size || echoed > payload.Length - 4)
            return error; // a garbage echoed length: keep the errno, skip the text
        int tlvStart = Math.Min(4 + netlink_h.Align((int)echoed), payload.Length);
        var r = new NetlinkAttributeReader(payload[tlvStart..]);
        while (r.MoveNext())
        {
            if (r.Type == netlink_h.NLMSGERR_ATTR_MSG)
                message = r.GetString();
            else if (r.Type == netlink_h.NLMSGERR_ATTR_OFFS && r.Payload.Length >= 4)
                offset = (int)Math.Min(r.GetUInt32(), int.MaxValue);
        }
        return error;
    }
}
