using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace LvsPS.Native.Vrrp;

/// <summary>
/// The Internet checksum (RFC 1071) as VRRP uses it: v2 over the VRRP message alone (RFC 3768
/// 5.3.8), v3 also over the IPv4 or IPv6 pseudo-header (RFC 5798 5.2.8) with the packet's
/// actual destination, which is the peer's address in unicast mode.
/// </summary>
internal static class VrrpChecksum
{
    public const byte IpProtocol = 112;

    /// <summary>The checksum to put in the message (its checksum field must be zero, or the result is 0 for a correct one).</summary>
    public static ushort Compute(int version, ReadOnlySpan<byte> message, IPAddress source, IPAddress destination)
    {
        uint sum = version == 3 ? PseudoHeaderSum(message.Length, source, destination) : 0;
        sum = Add(sum, message);
        return Fold(sum);
    }

    /// <summary>True when the message, checksum field included, sums to 0xffff.</summary>
    public static bool IsValid(int version, ReadOnlySpan<byte> message, IPAddress source, IPAddress destination)
        => Compute(version, message, source, destination) == 0;

    internal static uint PseudoHeaderSum(int length, IPAddress source, IPAddress destination)
    {
        Span<byte> pseudo = stackalloc byte[40];
        int n;
        if (source.AddressFamily == AddressFamily.InterNetwork)
        {
            // src(4) dst(4) zero(1) protocol(1) length(2)
            source.TryWriteBytes(pseudo, out _);
            destination.TryWriteBytes(pseudo[4..], out _);
            pseudo[8] = 0;
            pseudo[9] = IpProtocol;
            BinaryPrimitives.WriteUInt16BigEndian(pseudo[10..], (ushort)length);
            n = 12;
        }
        else
        {
            // src(16) dst(16) upper-layer length(4) zero(3) next header(1)
            source.TryWriteBytes(pseudo, out _);
            destination.TryWriteBytes(pseudo[16..], out _);
            BinaryPrimitives.WriteUInt32BigEndian(pseudo[32..], (uint)length);
            pseudo[36] = pseudo[37] = pseudo[38] = 0;
            pseudo[39] = IpProtocol;
            n = 40;
        }
        return Add(0, pseudo[..n]);
    }

    internal static uint Add(uint sum, ReadOnlySpan<byte> data)
    {
        int i = 0;
        for (; i + 1 < data.Length; i += 2)
            sum += (uint)(data[i] << 8 | data[i + 1]);
        if (i < data.Length)
            sum += (uint)(data[i] << 8);
        return sum;
    }

    internal static ushort Fold(uint sum)
    {
        while (sum > 0xffff)
            sum = (sum & 0xffff) + (sum >> 16);
        return (ushort)~sum;
    }
}
