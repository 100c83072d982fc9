using System.Buffers.Binary;

namespace LvsPS.Native.Health.Probes;

/// <summary>ICMP and ICMPv6 echo messages (RFC 792, RFC 4443), pure.</summary>
public static class IcmpEcho
{
    public const byte EchoRequest = 8, EchoReply = 0, Echo6Request = 128, Echo6Reply = 129;

    /// <summary>An echo request; the ICMPv6 checksum is left 0 for the kernel to fill (raw ICMPv6 sockets always do).</summary>
    public static byte[] Request(bool v6, ushort id, ushort sequence, int payload = 16)
    {
        var packet = new byte[8 + payload];
        packet[0] = v6 ? Echo6Request : EchoRequest;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), id);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(6), sequence);
        for (int i = 0; i < payload; i++)
            packet[8 + i] = (byte)('A' + i % 26);
        if (!v6)
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), Checksum(packet));
        return packet;
    }

    /// <summary>
    /// The (id, sequence) of an echo reply, or null. An IPv4 raw socket hands over the IP header
    /// too; an ICMPv6 one does not.
    /// </summary>
    public static (ushort Id, ushort Sequence)? ParseReply(ReadOnlySpan<byte> datagram, bool v6)
    {
        if (!v6)
        {
            if (datagram.Length < 20)
                return null;
            int ihl = (datagram[0] & 0x0f) * 4;
            if (ihl < 20 || datagram.Length < ihl + 8)
                return null;
            datagram = datagram[ihl..];
        }
        if (datagram.Length < 8 || datagram[0] != (v6 ? Echo6Reply : EchoReply))
            return null;
        return (BinaryPrimitives.ReadUInt16BigEndian(datagram[4..]), BinaryPrimitives.ReadUInt16BigEndian(datagram[6..]));
    }

    /// <summary>The Internet checksum (RFC 1071) of the message with its checksum field taken as 0.</summary>
    public static ushort Checksum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        for (int i = 0; i + 1 < data.Length; i += 2)
            sum += i == 2 ? 0u : BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        if ((data.Length & 1) != 0)
            sum += (uint)data[^1] << 8;
        while (sum >> 16 != 0)
            sum = (sum & 0xffff) + (sum >> 16);
        return (ushort)~sum;
    }
}
