using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Tmds.Linux;

using static LvsPS.Native.Vrrp.VrrpNative;

namespace LvsPS.Native.Vrrp;

/// <summary>
/// Tells the segment that the VIPs moved, from an AF_PACKET socket: a gratuitous ARP request
/// per IPv4 VIP (sender = target = VIP, target MAC ff:ff:ff:ff:ff:ff, broadcast; as keepalived)
/// and an unsolicited neighbour advertisement per IPv6 VIP (from the VIP to ff02::1, hop limit
/// 255, Override flag, target link-layer address option; RFC 4861 7.2.6).
/// </summary>
internal sealed unsafe class VrrpAnnouncer : IDisposable
{
    private static readonly byte[] Broadcast = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    private static readonly byte[] AllNodesMac = { 0x33, 0x33, 0, 0, 0, 1 };
    private static readonly IPAddress AllNodes = IPAddress.Parse("ff02::1");

    private readonly int _ifindex;
    private readonly byte[] _mac;
    private int _fd;

    private VrrpAnnouncer(int fd, int ifindex, byte[] mac)
    {
        _fd = fd;
        _ifindex = ifindex;
        _mac = mac;
    }

    /// <summary>Opens the packet socket in the calling thread's namespace (protocol 0: it sends only).</summary>
    public static VrrpAnnouncer Open(int ifindex, byte[] mac)
        => new(OpenSocket(AF_PACKET, SOCK_RAW, 0, "AF_PACKET"), ifindex, mac);

    public void Announce(IPAddress vip)
    {
        if (_mac.Length != 6)
            return; // not Ethernet (lo, tun): nothing to announce
        byte[] frame = vip.AddressFamily == AddressFamily.InterNetwork ? GratuitousArp(_mac, vip) : UnsolicitedNeighborAdvertisement(_mac, vip);
        Span<byte> sa = stackalloc byte[20];
        bool v4 = vip.AddressFamily == AddressFamily.InterNetwork;
        int len = WriteSockaddrLl(sa, v4 ? ETH_P_ARP : ETH_P_IPV6, _ifindex, v4 ? Broadcast : AllNodesMac);
        fixed (byte* p = frame)
        fixed (byte* a = sa)
            Check((int)LibC.sendto(_fd, p, (size_t)frame.Length, 0, (sockaddr*)a, (uint)len), $"sendto(AF_PACKET, {vip})");
    }

    /// <summary>Ethernet + ARP request, padded to the 60-byte minimum frame.</summary>
    public static byte[] GratuitousArp(ReadOnlySpan<byte> mac, IPAddress vip)
    {
        var f = new byte[60];
        Broadcast.CopyTo(f, 0);
        mac.CopyTo(f.AsSpan(6));
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(12), ETH_P_ARP);
        Span<byte> arp = f.AsSpan(14);
        BinaryPrimitives.WriteUInt16BigEndian(arp, 1);          // hardware: Ethernet
        BinaryPrimitives.WriteUInt16BigEndian(arp[2..], 0x0800); // protocol: IPv4
        arp[4] = 6;
        arp[5] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(arp[6..], 1);      // request
        mac.CopyTo(arp[8..]);
        vip.TryWriteBytes(arp[14..], out _);
        Broadcast.CopyTo(arp[18..]);
        vip.TryWriteBytes(arp[24..], out _);
        return f;
    }

    /// <summary>Ethernet + IPv6 + ICMPv6 neighbour advertisement (Override set, Solicited clear).</summary>
    public static byte[] UnsolicitedNeighborAdvertisement(ReadOnlySpan<byte> mac, IPAddress vip)
    {
        const int icmpLength = 32;
        var f = new byte[14 + 40 + icmpLength];
        AllNodesMac.CopyTo(f, 0);
        mac.CopyTo(f.AsSpan(6));
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(12), ETH_P_IPV6);
        Span<byte> ip = f.AsSpan(14);
        ip[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], icmpLength);
        ip[6] = 58;   // ICMPv6
        ip[7] = 255;  // hop limit
        vip.TryWriteBytes(ip[8..], out _);
        AllNodes.TryWriteBytes(ip[24..], out _);
        Span<byte> na = ip[40..];
        na[0] = 136;  // neighbour advertisement
        na[4] = 0x20; // Override
        vip.TryWriteBytes(na[8..], out _);
        na[24] = 2;   // target link-layer address option, 1 × 8 bytes
        na[25] = 1;
        mac.CopyTo(na[26..]);
        Span<byte> pseudo = stackalloc byte[40];
        vip.TryWriteBytes(pseudo, out _);
        AllNodes.TryWriteBytes(pseudo[16..], out _);
        BinaryPrimitives.WriteUInt32BigEndian(pseudo[32..], icmpLength);
        pseudo[39] = 58;
        uint sum = VrrpChecksum.Add(VrrpChecksum.Add(0, pseudo), na[..icmpLength]);
        BinaryPrimitives.WriteUInt16BigEndian(na[2..], VrrpChecksum.Fold(sum));
        return f;
    }

    public void Dispose()
    {
        if (_fd >= 0)
        {
            LibC.close(_fd);
            _fd = -1;
        }
    }
}
