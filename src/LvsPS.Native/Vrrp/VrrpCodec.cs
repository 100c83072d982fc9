using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace LvsPS.Native.Vrrp;

/// <summary>
/// Encodes and decodes VRRP messages (the IP payload). Decoding treats every byte as hostile:
/// it never throws and answers with a <see cref="VrrpDropReason"/> instead.
/// </summary>
internal static class VrrpCodec
{
    /// <summary>The VRRP message for <paramref name="advert"/>, checksummed for the given IP source and destination.</summary>
    public static byte[] Encode(VrrpAdvertisement advert, IPAddress source, IPAddress destination)
    {
        int addressLength = advert.AddressFamily == AddressFamily.InterNetworkV6 ? 16 : 4;
        int length = VrrpAdvertisement.HeaderLength + advert.Addresses.Count * addressLength
            + (advert.Version == 2 ? VrrpAdvertisement.AuthenticationDataLength : 0);
        var m = new byte[length];
        m[0] = (byte)(advert.Version << 4 | VrrpAdvertisement.TypeAdvertisement);
        m[1] = advert.VirtualRouterId;
        m[2] = advert.Priority;
        m[3] = (byte)advert.Addresses.Count;
        if (advert.Version == 2)
        {
            m[4] = (byte)advert.AuthenticationType;
            m[5] = (byte)(advert.IntervalCentiseconds / 100);
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(m.AsSpan(4), (ushort)(advert.IntervalCentiseconds & 0x0fff));
        }
        int offset = VrrpAdvertisement.HeaderLength;
        foreach (IPAddress a in advert.Addresses)
        {
            a.TryWriteBytes(m.AsSpan(offset), out int written);
            offset += written;
        }
        if (advert.Version == 2)
            advert.AuthenticationData.Span[..Math.Min(8, advert.AuthenticationData.Length)].CopyTo(m.AsSpan(offset));
        BinaryPrimitives.WriteUInt16BigEndian(m.AsSpan(6), VrrpChecksum.Compute(advert.Version, m, source, destination));
        return m;
    }

    /// <summary>
    /// Decodes a VRRP message received from <paramref name="source"/> to <paramref name="destination"/>:
    /// version, type, length against the address count, and checksum. Never throws.
    /// </summary>
    public static VrrpDropReason TryDecode(ReadOnlySpan<byte> message, IPAddress source, IPAddress destination, out VrrpAdvertisement? advert)
    {
        advert = null;
        if (message.Length < VrrpAdvertisement.HeaderLength)
            return VrrpDropReason.Truncated;
        int version = message[0] >> 4;
        bool ipv6 = source.AddressFamily == AddressFamily.InterNetworkV6;
        if (version is not (2 or 3) || (version == 2 && ipv6))
            return VrrpDropReason.BadVersion;
        if ((message[0] & 0x0f) != VrrpAdvertisement.TypeAdvertisement)
            return VrrpDropReason.BadType;
        int count = message[3];
        int addressLength = ipv6 ? 16 : 4;
        int expected = VrrpAdvertisement.HeaderLength + count * addressLength + (version == 2 ? VrrpAdvertisement.AuthenticationDataLength : 0);
        if (message.Length != expected)
            return VrrpDropReason.AddressCountMismatch;
        if (!VrrpChecksum.IsValid(version, message, source, destination))
            return VrrpDropReason.BadChecksum;
        var addresses = new IPAddress[count];
        for (int i = 0; i < count; i++)
            addresses[i] = new IPAddress(message.Slice(VrrpAdvertisement.HeaderLength + i * addressLength, addressLength));
        if (version == 2)
        {
            byte[] auth = message[^VrrpAdvertisement.AuthenticationDataLength..].ToArray();
            advert = new VrrpAdvertisement(2, message[1], message[2], message[5] * 100, addresses, (VrrpAuthenticationType)message[4], auth);
        }
        else
        {
            int interval = BinaryPrimitives.ReadUInt16BigEndian(message[4..]) & 0x0fff;
            advert = new VrrpAdvertisement(3, message[1], message[2], interval, addresses);
        }
        return VrrpDropReason.None;
    }
}

/// <summary>What a raw socket delivered: the IP facts VRRP checks, and the VRRP message.</summary>
public readonly ref struct VrrpIpPacket
{
    public VrrpIpPacket(IPAddress source, IPAddress destination, int hopLimit, ReadOnlySpan<byte> payload)
    {
        Source = source;
        Destination = destination;
        HopLimit = hopLimit;
        Payload = payload;
    }

    public IPAddress Source { get; }
    public IPAddress Destination { get; }
    /// <summary>TTL (IPv4) or hop limit (IPv6).</summary>
    public int HopLimit { get; }
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>
    /// Splits what an IPv4 raw socket returns (the IP header, then the payload). The payload is
    /// bounded by the header's total length. Never throws.
    /// </summary>
    public static VrrpDropReason TryParseIPv4(ReadOnlySpan<byte> datagram, out VrrpIpPacket packet)
    {
        packet = default;
        if (datagram.Length < 20)
            return VrrpDropReason.Truncated;
        int headerLength = (datagram[0] & 0x0f) * 4;
        if (datagram[0] >> 4 != 4 || headerLength < 20 || headerLength > datagram.Length || datagram[9] != VrrpChecksum.IpProtocol)
            return VrrpDropReason.BadIpHeader;
        int total = BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]);
        // The kernel may hand raw sockets a total length already in host order or trimmed; trust the smaller.
        if (total < headerLength)
            return VrrpDropReason.BadIpHeader;
        int end = Math.Min(total, datagram.Length);
        packet = new VrrpIpPacket(new IPAddress(datagram.Slice(12, 4)), new IPAddress(datagram.Slice(16, 4)), datagram[8], datagram[headerLength..end]);
        return VrrpDropReason.None;
    }
}
