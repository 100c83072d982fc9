using System.Buffers.Binary;
using System.Net;
using LvsPS.Native.Netlink;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace LvsPS.Native.Vrrp;

/// <summary>A socket call failed; <see cref="Errno"/> is positive (EPERM when not root).</summary>
public sealed class VrrpSocketException : Exception
{
    public VrrpSocketException(int errno, string operation)
        : base($"{operation}: {Netlink.Errno.Describe(errno)}{(errno is Netlink.Errno.EPERM or Netlink.Errno.EACCES ? ". Raw sockets need CAP_NET_RAW, and address changes CAP_NET_ADMIN." : "")}")
        => Errno = errno;

    public int Errno { get; }
}

/// <summary>
/// Socket constants of the uapi headers (linux/in.h, linux/in6.h, linux/if_ether.h,
/// asm-generic/socket.h) and the byte layouts of the small structs VRRP passes to the kernel.
/// </summary>
internal static unsafe class VrrpNative
{
    public const int AF_INET = 2, AF_INET6 = 10, AF_PACKET = 17;
    public const int SOCK_RAW = 3, SOCK_NONBLOCK = 0x800, SOCK_CLOEXEC = 0x80000;
    public const int SOL_SOCKET = 1, SO_RCVBUF = 8, SO_BINDTODEVICE = 25;          // asm-generic/socket.h
    public const int SOL_IP = 0, IP_TOS = 1, IP_TTL = 2, IP_HDRINCL = 3;          // linux/in.h
    public const int IP_MULTICAST_IF = 32, IP_MULTICAST_TTL = 33, IP_MULTICAST_LOOP = 34, IP_ADD_MEMBERSHIP = 35;
    public const int SOL_IPV6 = 41, IPV6_UNICAST_HOPS = 16, IPV6_MULTICAST_IF = 17;  // linux/in6.h
    public const int IPV6_MULTICAST_HOPS = 18, IPV6_MULTICAST_LOOP = 19, IPV6_ADD_MEMBERSHIP = 20;
    public const int IPV6_RECVPKTINFO = 49, IPV6_PKTINFO = 50, IPV6_RECVHOPLIMIT = 51, IPV6_HOPLIMIT = 52;
    public const ushort ETH_P_ARP = 0x0806, ETH_P_IPV6 = 0x86DD;                   // linux/if_ether.h
    public const int MSG_DONTWAIT = 0x40, EFD_CLOEXEC = 0x80000, EFD_NONBLOCK = 0x800;
    public const short POLLIN = 1;
    public const byte IPTOS_PREC_INTERNETCONTROL = 0xc0;

    public static void Check(int result, string operation)
    {
        if (result < 0)
            throw new VrrpSocketException(errno, operation);
    }

    public static void SetInt(int fd, int level, int option, int value, string name)
        => Check(setsockopt(fd, level, option, &value, sizeof(int)), $"setsockopt({name})");

    public static void SetBytes(int fd, int level, int option, ReadOnlySpan<byte> value, string name)
    {
        fixed (byte* p = value)
            Check(setsockopt(fd, level, option, p, (uint)value.Length), $"setsockopt({name})");
    }

    public static void BindToDevice(int fd, string device)
    {
        byte[] name = System.Text.Encoding.ASCII.GetBytes(device + "\0");
        SetBytes(fd, SOL_SOCKET, SO_BINDTODEVICE, name, "SO_BINDTODEVICE");
    }

    /// <summary>struct sockaddr_in (16 bytes) or sockaddr_in6 (28 bytes) for an address; returns the length.</summary>
    public static int WriteSockaddr(Span<byte> buffer, IPAddress address, int scopeId = 0)
    {
        buffer[..28].Clear();
        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(buffer, AF_INET);
            address.TryWriteBytes(buffer[4..], out _);
            return 16;
        }
        BinaryPrimitives.WriteUInt16LittleEndian(buffer, AF_INET6);
        address.TryWriteBytes(buffer[8..], out _);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[24..], (uint)scopeId);
        return 28;
    }

    /// <summary>struct sockaddr_ll (20 bytes) to send a frame to <paramref name="mac"/> on an interface.</summary>
    public static int WriteSockaddrLl(Span<byte> buffer, ushort protocol, int ifindex, ReadOnlySpan<byte> mac)
    {
        buffer[..20].Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(buffer, AF_PACKET);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[2..], protocol);
        BinaryPrimitives.WriteInt32LittleEndian(buffer[4..], ifindex);
        buffer[11] = (byte)mac.Length;
        mac.CopyTo(buffer[12..]);
        return 20;
    }

    public static int OpenSocket(int domain, int type, int protocol, string name)
    {
        int fd = socket(domain, type | SOCK_CLOEXEC, protocol);
        Check(fd, $"socket({name})");
        return fd;
    }
}
