using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Tmds.Linux;

using static LvsPS.Native.Vrrp.VrrpNative;

namespace LvsPS.Native.Vrrp;

/// <summary>
/// The raw IP socket (protocol 112) of one instance, bound to its interface. IPv4 builds its
/// own IP header (IP_HDRINCL, as keepalived: TOS 0xc0, TTL 255, the chosen source); IPv6 sets
/// hop limit 255 and the source by IPV6_PKTINFO, and reads the hop limit and destination back
/// from ancillary data. Multicast mode joins 224.0.0.18 / ff02::12 on the interface.
/// </summary>
internal sealed unsafe class VrrpSocket : IDisposable
{
    private readonly bool _ipv6;
    private readonly int _ifindex;
    private readonly byte[] _buffer = new byte[65536];
    private readonly byte[] _control = new byte[256];
    private int _fd;

    private VrrpSocket(int fd, bool ipv6, int ifindex)
    {
        _fd = fd;
        _ipv6 = ipv6;
        _ifindex = ifindex;
    }

    public int FileDescriptor => _fd;

    /// <summary>Opens the socket in the calling thread's network namespace.</summary>
    public static VrrpSocket Open(AddressFamily family, string interfaceName, int ifindex, bool multicast, IPAddress? bindAddress)
    {
        bool ipv6 = family == AddressFamily.InterNetworkV6;
        int fd = OpenSocket(ipv6 ? AF_INET6 : AF_INET, SOCK_RAW | SOCK_NONBLOCK, VrrpChecksum.IpProtocol, "AF_INET, SOCK_RAW, 112");
        try
        {
            BindToDevice(fd, interfaceName);
            SetInt(fd, SOL_SOCKET, SO_RCVBUF, 1 << 20, "SO_RCVBUF");
            Span<byte> mreq = stackalloc byte[20];
            mreq.Clear();
            if (!ipv6)
            {
                SetInt(fd, SOL_IP, IP_HDRINCL, 1, "IP_HDRINCL");
                SetInt(fd, SOL_IP, IP_MULTICAST_TTL, 255, "IP_MULTICAST_TTL");
                SetInt(fd, SOL_IP, IP_TTL, 255, "IP_TTL");
                SetInt(fd, SOL_IP, IP_MULTICAST_LOOP, 0, "IP_MULTICAST_LOOP");
                // struct ip_mreqn { imr_multiaddr, imr_address, imr_ifindex }
                VrrpInstanceOptions.MulticastGroupV4.TryWriteBytes(mreq, out _);
                BinaryPrimitives.WriteInt32LittleEndian(mreq[8..], ifindex);
                SetBytes(fd, SOL_IP, IP_MULTICAST_IF, mreq[..12], "IP_MULTICAST_IF");
                if (multicast)
                    SetBytes(fd, SOL_IP, IP_ADD_MEMBERSHIP, mreq[..12], "IP_ADD_MEMBERSHIP");
            }
            else
            {
                SetInt(fd, SOL_IPV6, IPV6_MULTICAST_HOPS, 255, "IPV6_MULTICAST_HOPS");
                SetInt(fd, SOL_IPV6, IPV6_UNICAST_HOPS, 255, "IPV6_UNICAST_HOPS");
                SetInt(fd, SOL_IPV6, IPV6_MULTICAST_LOOP, 0, "IPV6_MULTICAST_LOOP");
                SetInt(fd, SOL_IPV6, IPV6_MULTICAST_IF, ifindex, "IPV6_MULTICAST_IF");
                SetInt(fd, SOL_IPV6, IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO");
                SetInt(fd, SOL_IPV6, IPV6_RECVHOPLIMIT, 1, "IPV6_RECVHOPLIMIT");
                // struct ipv6_mreq { ipv6mr_multiaddr, ipv6mr_interface }
                VrrpInstanceOptions.MulticastGroupV6.TryWriteBytes(mreq, out _);
                BinaryPrimitives.WriteInt32LittleEndian(mreq[16..], ifindex);
                if (multicast)
                    SetBytes(fd, SOL_IPV6, IPV6_ADD_MEMBERSHIP, mreq, "IPV6_ADD_MEMBERSHIP");
            }
            if (bindAddress != null)
            {
                // Unicast mode: a bound raw socket only sees packets to that address.
                Span<byte> sa = stackalloc byte[28];
                int len = WriteSockaddr(sa, bindAddress, bindAddress.IsIPv6LinkLocal ? ifindex : 0);
                fixed (byte* p = sa)
                    Check(LibC.bind(fd, (sockaddr*)p, (uint)len), $"bind({bindAddress})");
            }
            return new VrrpSocket(fd, ipv6, ifindex);
        }
        catch
        {
            LibC.close(fd);
            throw;
        }
    }

    /// <summary>Sends a VRRP message from <paramref name="source"/> to <paramref name="destination"/>.</summary>
    public void Send(ReadOnlySpan<byte> message, IPAddress source, IPAddress destination)
    {
        Span<byte> sa = stackalloc byte[28];
        int saLength = WriteSockaddr(sa, destination, destination.IsIPv6LinkLocal || destination.IsIPv6Multicast ? _ifindex : 0);
        if (!_ipv6)
        {
            Span<byte> packet = stackalloc byte[20 + message.Length];
            packet[0] = 0x45;
            packet[1] = IPTOS_PREC_INTERNETCONTROL;
            BinaryPrimitives.WriteUInt16BigEndian(packet[2..], (ushort)packet.Length);
            packet[4..8].Clear(); // id and fragment: the kernel fills a zero id
            packet[8] = 255;
            packet[9] = VrrpChecksum.IpProtocol;
            packet[10] = packet[11] = 0; // the kernel computes the header checksum
            source.TryWriteBytes(packet[12..], out _);
            destination.TryWriteBytes(packet[16..], out _);
            message.CopyTo(packet[20..]);
            fixed (byte* p = packet)
            fixed (byte* a = sa)
                Check((int)LibC.sendto(_fd, p, (size_t)packet.Length, 0, (sockaddr*)a, (uint)saLength), $"sendto({destination})");
            return;
        }
        // IPv6: the source and interface by IPV6_PKTINFO (struct in6_pktinfo { addr, ifindex }).
        Span<byte> control = stackalloc byte[40];
        control.Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(control, 16 + 20);
        BinaryPrimitives.WriteInt32LittleEndian(control[8..], SOL_IPV6);
        BinaryPrimitives.WriteInt32LittleEndian(control[12..], IPV6_PKTINFO);
        source.TryWriteBytes(control[16..], out _);
        BinaryPrimitives.WriteInt32LittleEndian(control[32..], _ifindex);
        fixed (byte* p = message)
        fixed (byte* a = sa)
        fixed (byte* c = control)
        {
            iovec iov = new() { iov_base = p, iov_len = (size_t)message.Length };
            msghdr msg = new() { msg_name = a, msg_namelen = (uint)saLength, msg_iov = &iov, msg_iovlen = 1, msg_control = c, msg_controllen = 40u };
            Check((int)LibC.sendmsg(_fd, &msg, 0), $"sendmsg({destination})");
        }
    }

    public delegate void PacketHandler(in VrrpIpPacket packet, VrrpDropReason parseResult);

    /// <summary>Reads every queued datagram without blocking; returns how many.</summary>
    public int ReceiveAll(PacketHandler handler)
    {
        int count = 0;
        while (true)
        {
            if (_ipv6 ? !ReceiveIPv6(handler) : !ReceiveIPv4(handler))
                return count;
            count++;
        }
    }

    private bool ReceiveIPv4(PacketHandler handler)
    {
        long n;
        fixed (byte* p = _buffer)
            n = LibC.recv(_fd, p, (size_t)_buffer.Length, MSG_DONTWAIT);
        if (n < 0)
            return RetryOrStop();
        VrrpDropReason r = VrrpIpPacket.TryParseIPv4(_buffer.AsSpan(0, (int)n), out VrrpIpPacket packet);
        handler(packet, r);
        return true;
    }

    private bool ReceiveIPv6(PacketHandler handler)
    {
        Span<byte> from = stackalloc byte[28];
        long n;
        fixed (byte* p = _buffer)
        fixed (byte* f = from)
        fixed (byte* c = _control)
        {
            iovec iov = new() { iov_base = p, iov_len = (size_t)_buffer.Length };
            msghdr msg = new() { msg_name = f, msg_namelen = 28, msg_iov = &iov, msg_iovlen = 1, msg_control = c, msg_controllen = (uint)_control.Length };
            n = LibC.recvmsg(_fd, &msg, MSG_DONTWAIT);
            if (n < 0)
                return RetryOrStop();
            int controlLength = (int)(uint)msg.msg_controllen;
            IPAddress source = new(from.Slice(8, 16));
            IPAddress destination = IPAddress.IPv6None;
            int hopLimit = -1;
            ReadOnlySpan<byte> cmsgs = _control.AsSpan(0, Math.Min(controlLength, _control.Length));
            while (cmsgs.Length >= 16)
            {
                int len = (int)BinaryPrimitives.ReadUInt64LittleEndian(cmsgs);
                if (len < 16 || len > cmsgs.Length)
                    break;
                int level = BinaryPrimitives.ReadInt32LittleEndian(cmsgs[8..]);
                int type = BinaryPrimitives.ReadInt32LittleEndian(cmsgs[12..]);
                ReadOnlySpan<byte> data = cmsgs[16..len];
                if (level == SOL_IPV6 && type == IPV6_PKTINFO && data.Length >= 16)
                    destination = new IPAddress(data[..16]);
                else if (level == SOL_IPV6 && type == IPV6_HOPLIMIT && data.Length >= 4)
                    hopLimit = BinaryPrimitives.ReadInt32LittleEndian(data);
                cmsgs = cmsgs[Math.Min((len + 7) & ~7, cmsgs.Length)..];
            }
            var packet = new VrrpIpPacket(source, destination, hopLimit, _buffer.AsSpan(0, (int)n));
            handler(packet, VrrpDropReason.None);
            return true;
        }
    }

    private static bool RetryOrStop()
    {
        int e = LibC.errno;
        if (e == Netlink.Errno.EAGAIN || e == Netlink.Errno.EINTR)
            return false;
        throw new VrrpSocketException(e, "recv(VRRP)");
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
