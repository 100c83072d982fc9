using System.Buffers.Binary;
using LvsPS.Native.Interop;
using LvsPS.Native.Netlink;

namespace LvsPS.Fuzz.Targets;

/// <summary>
/// The kernel's side of a netlink socket, played from a fuzz input: a series of datagrams, each
/// prefixed by its length (u16, little endian; the last one is cut to what is left). Each message's
/// sequence number is rebased on the request just sent: its two low bits are kept as an offset, so 0
/// answers the (first) request and 1–3 answer the next ones of a batch or are stale. When the input
/// runs out, <see cref="ScriptExhaustedException"/> ends the exchange (a real kernel would block).
/// </summary>
internal sealed class ScriptedKernel : INetlinkSocket
{
    private byte[] _script = [];
    private int _position;
    private uint _requestSequence;

    /// <summary>Starts a new exchange: one kernel and connection serve every input (a connection's 320 KiB of buffers per input would dominate the run).</summary>
    public void Load(ReadOnlySpan<byte> script)
    {
        _script = script.ToArray();
        _position = 0;
    }

    /// <summary>Frames datagrams the way this class reads them (for seeds).</summary>
    public static byte[] Frame(IEnumerable<byte[]> datagrams)
    {
        var output = new MemoryStream();
        Span<byte> length = stackalloc byte[2];
        foreach (byte[] d in datagrams)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)d.Length);
            output.Write(length);
            output.Write(d);
        }
        return output.ToArray();
    }

    public void Send(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length >= nlmsghdr.Size)
            _requestSequence = BinaryPrimitives.ReadUInt32LittleEndian(datagram[8..]);
    }

    public int Receive(Span<byte> buffer)
    {
        if (_position + 2 > _script.Length)
            throw new ScriptExhaustedException();
        int length = Math.Min(BinaryPrimitives.ReadUInt16LittleEndian(_script.AsSpan(_position)), _script.Length - _position - 2);
        length = Math.Min(length, buffer.Length);
        Span<byte> datagram = buffer[..length];
        _script.AsSpan(_position + 2, length).CopyTo(datagram);
        _position += 2 + length;
        Rebase(datagram);
        return length;
    }

    private void Rebase(Span<byte> datagram)
    {
        int offset = 0;
        while (offset + nlmsghdr.Size <= datagram.Length)
        {
            Span<byte> sequence = datagram.Slice(offset + 8, 4);
            BinaryPrimitives.WriteUInt32LittleEndian(sequence, _requestSequence + (BinaryPrimitives.ReadUInt32LittleEndian(sequence) & 3));
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(datagram[offset..]);
            if (length < nlmsghdr.Size || length > datagram.Length - offset)
                break;
            offset += netlink_h.Align((int)length);
        }
    }

    public void Dispose() { }
}

/// <summary>The scripted kernel has nothing more to say: the end of a fuzz input, not a finding.</summary>
internal sealed class ScriptExhaustedException : Exception
{
    public ScriptExhaustedException() : base("the fuzz input has no more datagrams") { }
}
