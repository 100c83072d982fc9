using System.Buffers.Binary;
using System.Net;
using LvsPS.Native.Namespaces;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace LvsPS.Host.Tests.Infrastructure;

/// <summary>One frame seen on the wire, with the kernel's receive time (CLOCK_REALTIME, Unix seconds).</summary>
public sealed record CapturedFrame(double Time, byte[] Data)
{
    private const ushort EthArp = 0x0806, EthIPv4 = 0x0800;

    private ushort EtherType => Data.Length >= 14 ? BinaryPrimitives.ReadUInt16BigEndian(Data.AsSpan(12)) : (ushort)0;

    /// <summary>An ARP request with sender = target = <paramref name="vip"/> (keepalived's and LvsPS's gratuitous ARP).</summary>
    public bool IsGratuitousArp(IPAddress vip)
        => EtherType == EthArp && Data.Length >= 42 && BinaryPrimitives.ReadUInt16BigEndian(Data.AsSpan(20)) == 1
           && new IPAddress(Data.AsSpan(28, 4)).Equals(vip) && new IPAddress(Data.AsSpan(38, 4)).Equals(vip);

    /// <summary>An IPv4 VRRP advert (protocol 112): its source address, VRID and priority.</summary>
    public bool IsVrrpAdvert(out IPAddress source, out int vrid, out int priority)
    {
        source = IPAddress.None;
        vrid = priority = -1;
        if (EtherType != EthIPv4 || Data.Length < 34 || Data[23] != 112)
            return false;
        int ihl = (Data[14] & 0x0f) * 4;
        if (Data.Length < 14 + ihl + 4)
            return false;
        source = new IPAddress(Data.AsSpan(26, 4));
        vrid = Data[14 + ihl + 1];
        priority = Data[14 + ihl + 2];
        return true;
    }

    public bool IsVrrpAdvertFrom(IPAddress from) => IsVrrpAdvert(out IPAddress s, out _, out _) && s.Equals(from);
}

/// <summary>
/// A packet observer: an AF_PACKET socket (ETH_P_ALL) bound to one interface in a namespace,
/// with kernel receive timestamps (SO_TIMESTAMPNS), read by a thread of its own until disposed.
/// Unlike tcpdump there is no ring block to retire and no process to stop: every frame the
/// kernel delivered is in <see cref="Frames"/> as soon as the socket has it.
/// </summary>
public sealed unsafe class PacketCapture : IDisposable
{
    private const int SO_TIMESTAMPNS = 35; // asm-generic/socket.h: SO_TIMESTAMPNS_OLD; SCM_TIMESTAMPNS is the same
    private const ushort ETH_P_ALL = 0x0003;

    private readonly int _fd;
    private readonly List<CapturedFrame> _frames = new();
    private readonly Thread _thread;
    private volatile bool _stop;

    public PacketCapture(string networkNamespace, string interfaceName)
    {
        int ifindex = int.Parse(Sh.Run("ip", "-n", networkNamespace, "-o", "link", "show", "dev", interfaceName).Split(':')[0]);
        _fd = NetworkNamespace.Run(networkNamespace, () => Open(ifindex));
        _thread = new Thread(Read) { IsBackground = true, Name = $"capture:{networkNamespace}/{interfaceName}" };
        _thread.Start();
    }

    private static int Open(int ifindex)
    {
        int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, BinaryPrimitives.ReverseEndianness(ETH_P_ALL));
        if (fd < 0)
            throw new InvalidOperationException($"socket(AF_PACKET): errno {errno}");
        int one = 1;
        if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(int)) < 0)
            throw new InvalidOperationException($"setsockopt(SO_TIMESTAMPNS): errno {errno}");
        byte* sa = stackalloc byte[20];
        new Span<byte>(sa, 20).Clear();
        *(ushort*)sa = (ushort)AF_PACKET;
        *(ushort*)(sa + 2) = BinaryPrimitives.ReverseEndianness(ETH_P_ALL);
        *(int*)(sa + 4) = ifindex;
        if (bind(fd, (sockaddr*)sa, 20) < 0)
            throw new InvalidOperationException($"bind(AF_PACKET, ifindex {ifindex}): errno {errno}");
        return fd;
    }

    /// <summary>The frames seen so far, oldest first.</summary>
    public IReadOnlyList<CapturedFrame> Frames
    {
        get { lock (_frames) return _frames.ToArray(); }
    }

    /// <summary>Waits until a frame received at or after <paramref name="since"/> matches; null on timeout.</summary>
    public CapturedFrame? WaitFor(Func<CapturedFrame, bool> match, TimeSpan timeout, double since = 0)
    {
        CapturedFrame? found = null;
        Sh.Eventually(() => (found = Frames.FirstOrDefault(f => f.Time >= since && match(f))) != null, timeout, 10);
        return found;
    }

    public static double UnixNow() => (DateTime.UtcNow - DateTime.UnixEpoch).TotalSeconds;

    private void Read()
    {
        var buffer = new byte[2048];
        var control = new byte[64];
        pollfd pfd = new() { fd = _fd, events = 1 /* POLLIN */ };
        while (!_stop)
        {
            if (poll(&pfd, 1, 50) <= 0)
                continue;
            while (true)
            {
                long n;
                double time = 0;
                fixed (byte* b = buffer)
                fixed (byte* c = control)
                {
                    iovec iov = new() { iov_base = b, iov_len = (size_t)buffer.Length };
                    msghdr msg = new() { msg_iov = &iov, msg_iovlen = 1, msg_control = c, msg_controllen = (uint)control.Length };
                    n = recvmsg(_fd, &msg, MSG_DONTWAIT);
                    if (n < 0)
                        break;
                    // One cmsghdr {len u64, level i32, type i32} then struct timespec {sec i64, nsec i64}.
                    var cm = control.AsSpan(0, (int)(uint)msg.msg_controllen);
                    while (cm.Length >= 32)
                    {
                        int len = (int)BinaryPrimitives.ReadUInt64LittleEndian(cm);
                        if (len < 16 || len > cm.Length)
                            break;
                        if (BinaryPrimitives.ReadInt32LittleEndian(cm[8..]) == SOL_SOCKET && BinaryPrimitives.ReadInt32LittleEndian(cm[12..]) == SO_TIMESTAMPNS)
                            time = BinaryPrimitives.ReadInt64LittleEndian(cm[16..]) + BinaryPrimitives.ReadInt64LittleEndian(cm[24..]) / 1e9;
                        cm = cm[Math.Min((len + 7) & ~7, cm.Length)..];
                    }
                }
                var frame = new CapturedFrame(time == 0 ? UnixNow() : time, buffer.AsSpan(0, (int)n).ToArray());
                lock (_frames)
                    _frames.Add(frame);
            }
        }
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join(2000);
        close(_fd);
    }
}
