using LvsPS.Native.Interop;
using LvsPS.Native.Namespaces;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace LvsPS.Native.Netlink;

/// <summary>
/// An AF_NETLINK socket over Tmds.LibC. A socket belongs to the network namespace it was
/// created in, so a namespaced socket is created on a short-lived thread that first
/// joined the namespace (setns affects only the calling thread).
/// </summary>
internal sealed unsafe class NetlinkSocket : INetlinkSocket
{
    private const int SOCK_RAW = 3, SOCK_CLOEXEC = 0x80000, SOL_SOCKET = 1;
    private const int SO_SNDBUF = 7, SO_RCVBUF = 8, SO_RCVTIMEO = 20, SO_SNDBUFFORCE = 32, SO_RCVBUFFORCE = 33;

    /// <summary>Big enough for large dumps and a few thousand ACKs (needs root to exceed rmem_max).</summary>
    public const int ReceiveBufferBytes = 8 * 1024 * 1024;

    private int _fd;

    private NetlinkSocket(int fd) => _fd = fd;

    public static NetlinkSocket Open(int protocol, string? networkNamespace)
        => new(NetworkNamespace.Run(networkNamespace, () => Create(protocol)));

    private static int Create(int protocol)
    {
        int fd = socket(netlink_h.AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
        if (fd < 0)
            throw NetlinkException.FromErrno(errno, "socket(AF_NETLINK)");
        try
        {
            SetBuffer(fd, SO_RCVBUFFORCE, SO_RCVBUF, ReceiveBufferBytes);
            SetBuffer(fd, SO_SNDBUFFORCE, SO_SNDBUF, 1024 * 1024);
            SetInt(fd, netlink_h.SOL_NETLINK, netlink_h.NETLINK_EXT_ACK, 1);
            // ACKs without the echoed request: 36 bytes each instead of the request's size.
            SetInt(fd, netlink_h.SOL_NETLINK, netlink_h.NETLINK_CAP_ACK, 1);
            long* tv = stackalloc long[2] { 30, 0 };
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, tv, 16);
            sockaddr_nl addr = new() { nl_family = netlink_h.AF_NETLINK };
            if (bind(fd, (sockaddr*)&addr, (uint)sizeof(sockaddr_nl)) < 0)
                throw NetlinkException.FromErrno(errno, "bind(AF_NETLINK)");
            return fd;
        }
        catch
        {
            close(fd);
            throw;
        }
    }

    private static void SetBuffer(int fd, int forced, int plain, int bytes)
    {
        if (setsockopt(fd, SOL_SOCKET, forced, &bytes, sizeof(int)) < 0)
            setsockopt(fd, SOL_SOCKET, plain, &bytes, sizeof(int));
    }

    private static void SetInt(int fd, int level, int option, int value)
        => setsockopt(fd, level, option, &value, sizeof(int)); // best effort: older kernels lack some options

    public void Send(ReadOnlySpan<byte> datagram)
    {
        ObjectDisposedException.ThrowIf(_fd < 0, this);
        fixed (byte* p = datagram)
        {
            while (true)
            {
                long n = send(_fd, p, (size_t)datagram.Length, 0);
                if (n >= 0)
                    return;
                int e = errno;
                if (e != Errno.EINTR)
                    throw NetlinkException.FromErrno(e, "send(netlink)");
            }
        }
    }

    public int Receive(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_fd < 0, this);
        fixed (byte* p = buffer)
        {
            while (true)
            {
                long n = recv(_fd, p, (size_t)buffer.Length, 0);
                if (n >= 0)
                    return (int)n;
                int e = errno;
                if (e == Errno.EAGAIN)
                    throw new NetlinkException(NetlinkFailure.Transport, "recv(netlink)", Errno.ETIMEDOUT, "the kernel did not answer the netlink request within 30 s");
                if (e != Errno.EINTR)
                    throw NetlinkException.FromErrno(e, "recv(netlink)");
            }
        }
    }

    public void Dispose()
    {
        if (_fd >= 0)
        {
            close(_fd);
            _fd = -1;
        }
    }
}

/// <summary>The named network namespace does not exist (no /run/netns/NAME).</summary>
public sealed class NetworkNamespaceNotFoundException : Exception
{
    public NetworkNamespaceNotFoundException(string name, string path)
        : base($"Network namespace '{name}' was not found ({path} does not exist).")
        => Name = name;

    public string Name { get; }
}
