using System.Buffers.Binary;

namespace LvsPS.Native.Health.Probes;

/// <summary>keepalived's DNS_CHECK query and its verdict on a reply (RFC 1035 4.1), pure.</summary>
public static class DnsMessage
{
    private const int HeaderLength = 12;

    /// <summary>A query with recursion desired for <paramref name="name"/> ("." = the root), class IN.</summary>
    public static byte[] Query(ushort id, string name, DnsRecordType type)
    {
        var bytes = new List<byte>(HeaderLength + name.Length + 6);
        Span<byte> header = stackalloc byte[HeaderLength];
        BinaryPrimitives.WriteUInt16BigEndian(header, id);
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], 0x0100); // RD
        BinaryPrimitives.WriteUInt16BigEndian(header[4..], 1);      // QDCOUNT
        bytes.AddRange(header.ToArray());
        foreach (string label in name.Trim('.').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(System.Text.Encoding.ASCII.GetBytes(label));
        }
        bytes.Add(0);
        bytes.Add((byte)((ushort)type >> 8));
        bytes.Add((byte)type);
        bytes.Add(0);
        bytes.Add(1); // IN
        return bytes.ToArray();
    }

    /// <summary>What a datagram is to the query it answers (or does not).</summary>
    public enum Reply { Ignore, Pass, Error }

    /// <summary>keepalived: too short, another id or not a response (QR clear) is ignored; RCODE 0 passes, any other fails.</summary>
    public static Reply Judge(ReadOnlySpan<byte> datagram, ushort id, out int rcode)
    {
        rcode = 0;
        if (datagram.Length < HeaderLength || BinaryPrimitives.ReadUInt16BigEndian(datagram) != id)
            return Reply.Ignore;
        ushort flags = BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]);
        if ((flags & 0x8000) == 0)
            return Reply.Ignore;
        rcode = flags & 0x000f;
        return rcode == 0 ? Reply.Pass : Reply.Error;
    }
}
