using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using LvsPS.Native.Interop;

namespace LvsPS.Native.Netlink;

/// <summary>
/// Appends netlink messages and their attributes to one growable buffer, so that many
/// requests can leave in a single sendmsg. Lengths are patched when a message or a nest ends.
/// </summary>
internal sealed class NetlinkWriter
{
    private byte[] _buffer;
    private int _length;

    public NetlinkWriter(int capacity = 4096) => _buffer = new byte[capacity];

    public int Length => _length;
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);
    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _length);
    public void Reset() => _length = 0;

    /// <summary>Starts a message; returns its offset for <see cref="EndMessage"/>.</summary>
    public int BeginMessage(ushort type, ushort flags, uint sequence)
    {
        int start = _length;
        Span<byte> h = Grow(nlmsghdr.Size);
        BinaryPrimitives.WriteUInt32LittleEndian(h, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], type);
        BinaryPrimitives.WriteUInt16LittleEndian(h[6..], flags);
        BinaryPrimitives.WriteUInt32LittleEndian(h[8..], sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(h[12..], 0);
        return start;
    }

    public void WriteGenericHeader(byte command, byte version)
        => WriteStruct(new genlmsghdr { cmd = command, version = version });

    /// <summary>
    /// Appends a family's fixed header (genlmsghdr, ifaddrmsg, ifinfomsg, rtmsg) as its C struct
    /// lays it out, in host byte order like the kernel reads it, zero-padded to the netlink alignment.
    /// </summary>
    public void WriteStruct<T>(in T header) where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>();
        Span<byte> span = Grow(netlink_h.Align(size));
        span[size..].Clear();
        MemoryMarshal.Write(span, in header);
    }

    public void EndMessage(int start)
        => BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(start), (uint)(_length - start));

    /// <summary>Sets more header flags on the message that starts at <paramref name="start"/>.</summary>
    public void AddMessageFlags(int start, ushort flags)
    {
        Span<byte> field = _buffer.AsSpan(start + 6, 2);
        BinaryPrimitives.WriteUInt16LittleEndian(field, (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(field) | flags));
    }

    /// <summary>Drops everything written since <paramref name="start"/> (a message that could not be completed).</summary>
    public void Truncate(int start) => _length = start;

    public int BeginNested(ushort type)
    {
        int start = _length;
        WriteHeader(type | netlink_h.NLA_F_NESTED, 0);
        return start;
    }

    public void EndNested(int start)
        => BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(start), (ushort)(_length - start));

    public void WriteUInt8(ushort type, byte value) => WritePayload(type, 1)[0] = value;
    public void WriteUInt16(ushort type, ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(WritePayload(type, 2), value);
    public void WriteUInt16BigEndian(ushort type, ushort value) => BinaryPrimitives.WriteUInt16BigEndian(WritePayload(type, 2), value);
    public void WriteUInt32(ushort type, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(WritePayload(type, 4), value);
    public void WriteUInt64(ushort type, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(WritePayload(type, 8), value);
    public void WriteBytes(ushort type, ReadOnlySpan<byte> value) => value.CopyTo(WritePayload(type, value.Length));

    /// <summary>A NUL-terminated string attribute (NLA_NUL_STRING / NLA_STRING both accept it).</summary>
    public void WriteString(ushort type, string value)
    {
        int n = Encoding.ASCII.GetByteCount(value);
        Span<byte> p = WritePayload(type, n + 1);
        Encoding.ASCII.GetBytes(value, p);
        p[n] = 0;
    }

    private Span<byte> WritePayload(ushort type, int payloadLength)
    {
        WriteHeader(type, payloadLength);
        int padded = netlink_h.Align(payloadLength);
        Span<byte> span = Grow(padded);
        span[payloadLength..].Clear();
        return span[..payloadLength];
    }

    private void WriteHeader(int type, int payloadLength)
    {
        Span<byte> h = Grow(4);
        BinaryPrimitives.WriteUInt16LittleEndian(h, (ushort)(4 + payloadLength));
        BinaryPrimitives.WriteUInt16LittleEndian(h[2..], (ushort)type);
    }

    private Span<byte> Grow(int count)
    {
        if (_length + count > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        Span<byte> span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
