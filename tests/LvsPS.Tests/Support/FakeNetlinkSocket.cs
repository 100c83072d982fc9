using System.Buffers.Binary;
using LvsPS.Native.Netlink;

namespace LvsPS.Tests.Support;

/// <summary>One request as the fake saw it on the wire.</summary>
internal sealed record SentMessage(ushort Type, ushort Flags, uint Sequence, byte[] Raw)
{
    public byte Command => Raw[16];
    public byte Version => Raw[17];
    /// <summary>The attributes after nlmsghdr and genlmsghdr.</summary>
    public byte[] Attributes => Raw[20..];
}

/// <summary>
/// A scripted socket: records every datagram sent, and answers from a queue that
/// <see cref="Respond"/> can fill from what was sent (so replies can carry the request's
/// sequence number). Receiving from an empty queue fails the test instead of hanging.
/// </summary>
internal sealed class FakeNetlinkSocket : INetlinkSocket
{
    private readonly Queue<byte[]> _pending = new();

    public List<byte[]> Sent { get; } = new();
    public Func<byte[], IEnumerable<byte[]>>? Respond { get; set; }
    public bool Disposed { get; private set; }

    public void Enqueue(byte[] datagram) => _pending.Enqueue(datagram);

    public void Send(ReadOnlySpan<byte> datagram)
    {
        byte[] copy = datagram.ToArray();
        Sent.Add(copy);
        if (Respond != null)
            foreach (byte[] reply in Respond(copy))
                _pending.Enqueue(reply);
    }

    public int Receive(Span<byte> buffer)
    {
        if (!_pending.TryDequeue(out byte[]? datagram))
            throw new InvalidOperationException("The fake kernel has nothing more to send: the code under test waits for a reply that would never come.");
        if (datagram.Length > buffer.Length)
            throw new InvalidOperationException($"A {datagram.Length}-byte datagram does not fit the {buffer.Length}-byte receive buffer.");
        datagram.CopyTo(buffer);
        return datagram.Length;
    }

    public void Dispose() => Disposed = true;

    /// <summary>Splits a datagram into messages with an independent parser (not the one under test).</summary>
    public static List<SentMessage> Parse(byte[] datagram)
    {
        var messages = new List<SentMessage>();
        int offset = 0;
        while (offset < datagram.Length)
        {
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(datagram.AsSpan(offset));
            Assert.InRange(length, 16, datagram.Length - offset);
            byte[] raw = datagram[offset..(offset + length)];
            messages.Add(new SentMessage(
                BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(4)),
                BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(6)),
                BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(8)),
                raw));
            offset += (length + 3) & ~3;
        }
        return messages;
    }
}
