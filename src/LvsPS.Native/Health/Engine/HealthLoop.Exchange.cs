using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace LvsPS.Native.Health.Engine;

/// <summary>
/// Connections that the loop's thread carries out itself, as keepalived does: a non-blocking
/// connect, the socket in the loop's epoll set until it is writable, SO_ERROR; then, for an HTTP
/// check, the request written and the answer read as it comes into a sink, until the server
/// closes. Each step (connect, write, read) gets the whole timeout again, as keepalived's
/// connect_timeout; the timeouts are the loop's own deadlines. No task, timer, thread-pool hop or
/// second thread per probe: at thousands of checks per second those cost more than the connections.
/// </summary>
internal sealed unsafe partial class HealthLoop
{
    private const int SOL_SOCKET_ = 1, SO_BINDTODEVICE_ = 25, SO_MARK_ = 36, SO_ERROR_ = 4; // asm-generic/socket.h
    private int _epoll = -1, _wakeFd = -1;
    private bool _wakePending; // under _gate: the eventfd holds a wake the loop has not read yet
    private const int MSG_DONTWAIT_ = 0x40, MSG_NOSIGNAL_ = 0x4000; // linux/socket.h
    private const int ReadBuffer = 16 * 1024;
    // By serial, not by descriptor: a number closed and reused within one epoll_wait batch must not take the old one's event.
    private readonly Dictionary<ulong, PendingConnect> _connects = new();
    private ulong _serial;
    private const ulong WakeSerial = ulong.MaxValue;
    private readonly PriorityQueue<PendingConnect, TimeSpan> _connectDeadlines = new();
    private byte[]? _readBuffer;

    /// <summary>A connection in flight: the member told, its token, when it started, the step under way and when its time is up.</summary>
    private sealed class PendingConnect(int fd, IHealthLoopMember member, int token, long started, TimeSpan timeout, byte[]? request, ILoopSink? sink)
    {
        public int Fd = fd;
        public ulong Serial;
        public readonly IHealthLoopMember Member = member;
        public readonly int Token = token;
        public readonly long Started = started;
        public readonly TimeSpan Timeout = timeout;
        public readonly byte[]? Request = request;
        public readonly ILoopSink? Sink = sink;
        public int Sent;
        public string Step = "connect";
        public TimeSpan Deadline;
    }

    private void OpenEpoll()
    {
        _epoll = epoll_create1(EPOLL_CLOEXEC);
        if (_epoll < 0)
            throw new InvalidOperationException($"epoll_create1: {Netlink.Errno.Describe(errno)}");
        _wakeFd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (_wakeFd < 0)
            throw new InvalidOperationException($"eventfd: {Netlink.Errno.Describe(errno)}");
        var ev = new epoll_event { events = EPOLLIN };
        ev.data.u64 = WakeSerial;
        if (epoll_ctl(_epoll, EPOLL_CTL_ADD, _wakeFd, &ev) < 0)
            throw new InvalidOperationException($"epoll_ctl: {Netlink.Errno.Describe(errno)}");
    }

    /// <summary>Under <see cref="_gate"/>, while the loop is not closed: makes its wait return.</summary>
    private void WakeLocked()
    {
        if (_wakePending || _wakeFd < 0)
            return;
        _wakePending = true;
        ulong one = 1;
        write(_wakeFd, &one, 8);
    }

    /// <summary>
    /// On the loop's thread: connects to <paramref name="target"/> with the connection options, each
    /// step within <paramref name="timeout"/>; with a <paramref name="request"/>, writes it and feeds
    /// the answer to <paramref name="sink"/> until the server closes. Returns null while under way
    /// (the member's <see cref="IHealthLoopMember.Connected"/> is called later, on this thread), else
    /// the outcome at once (0: connected; an errno).
    /// </summary>
    public int? Connect(IHealthLoopMember member, int token, IPEndPoint target, HealthConnection options, TimeSpan timeout, byte[]? request = null, ILoopSink? sink = null)
    {
        Debug.Assert(IsOnLoopThread);
        int family = target.AddressFamily == AddressFamily.InterNetworkV6 ? AF_INET6 : AF_INET;
        int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
        if (fd < 0)
            return errno;
        int rc = Prepare(fd, family, options);
        if (rc == 0)
        {
            byte* address = stackalloc byte[28];
            int length = Sockaddr(new Span<byte>(address, 28), target.Address, target.Port);
            rc = connect(fd, (sockaddr*)address, (uint)length) == 0 ? 0 : errno;
        }
        // Connected at once (loopback): a request is written when the socket shows writable, as after a connect under way.
        if (rc != EINPROGRESS && !(rc == 0 && request is not null))
        {
            close(fd);
            return rc;
        }
        var pending = new PendingConnect(fd, member, token, Stopwatch.GetTimestamp(), timeout, request, sink) { Serial = ++_serial };
        var ev = new epoll_event { events = EPOLLOUT };
        ev.data.u64 = pending.Serial;
        if (epoll_ctl(_epoll, EPOLL_CTL_ADD, fd, &ev) < 0)
        {
            rc = errno;
            close(fd);
            return rc;
        }
        _connects.Add(pending.Serial, pending);
        Arm(pending, "connect");
        return null;
    }

    /// <summary>The step <paramref name="step"/> begins and gets the whole timeout (older deadlines of the connection go stale).</summary>
    private void Arm(PendingConnect pending, string step)
    {
        pending.Step = step;
        pending.Deadline = Now + pending.Timeout;
        _connectDeadlines.Enqueue(pending, pending.Deadline);
    }

    /// <summary>The socket is ready for the step under way: connect ended, room to write, or data (or the end) to read.</summary>
    private void OnReady(PendingConnect pending)
    {
        int fd = pending.Fd;
        if (pending.Step == "connect")
        {
            int error = 0;
            socklen_t size = sizeof(int);
            if (getsockopt(fd, SOL_SOCKET_, SO_ERROR_, &error, &size) < 0)
                error = errno;
            if (error != 0 || pending.Request is null)
            {
                Finish(pending, error, timedOut: false);
                return;
            }
            pending.Step = "write";
        }
        if (pending.Step == "write")
        {
            Send(pending);
            return;
        }
        byte[] buffer = _readBuffer ??= new byte[ReadBuffer];
        fixed (byte* p = buffer)
        {
            while (true)
            {
                long n = recv(fd, p, ReadBuffer, MSG_DONTWAIT_);
                if (n > 0)
                {
                    if (!pending.Sink!.Feed(new ReadOnlySpan<byte>(p, (int)n)))
                    {
                        Finish(pending, SinkRefused, timedOut: false);
                        return;
                    }
                    continue;
                }
                int error = n == 0 ? 0 : errno;
                if (error == EAGAIN || error == EINTR)
                {
                    Arm(pending, "read");
                    return;
                }
                Finish(pending, error, timedOut: false);
                return;
            }
        }
    }

    /// <summary><see cref="IHealthLoopMember.Connected"/>'s error when the sink refused what was read.</summary>
    public const int SinkRefused = -1;

    private void Send(PendingConnect pending)
    {
        byte[] request = pending.Request!;
        long n;
        fixed (byte* p = request)
            n = send(pending.Fd, p + pending.Sent, request.Length - pending.Sent, MSG_DONTWAIT_ | MSG_NOSIGNAL_);
        if (n < 0)
        {
            int error = errno;
            if (error == EAGAIN || error == EINTR)
                Arm(pending, "write");
            else
                Finish(pending, error, timedOut: false);
            return;
        }
        pending.Sent += (int)n;
        if (pending.Sent < request.Length)
        {
            Arm(pending, "write");
            return;
        }
        var ev = new epoll_event { events = EPOLLIN };
        ev.data.u64 = pending.Serial;
        if (epoll_ctl(_epoll, EPOLL_CTL_MOD, pending.Fd, &ev) < 0)
        {
            Finish(pending, errno, timedOut: false);
            return;
        }
        Arm(pending, "read");
    }

    /// <summary>keepalived's bind_if, fwmark, bindto and bind_port; 0 or the errno of the step that failed.</summary>
    private static int Prepare(int fd, int family, HealthConnection c)
    {
        if (c.BindInterface is { } dev)
        {
            Span<byte> name = stackalloc byte[dev.Length + 1];
            name.Clear();
            System.Text.Encoding.ASCII.GetBytes(dev, name);
            fixed (byte* p = name)
                if (setsockopt(fd, SOL_SOCKET_, SO_BINDTODEVICE_, p, (uint)name.Length) < 0)
                    return errno;
        }
        if (c.FirewallMark is { } mark && setsockopt(fd, SOL_SOCKET_, SO_MARK_, &mark, 4) < 0)
            return errno;
        if (c.BindAddress is not null || c.BindPort is not null)
        {
            IPAddress any = family == AF_INET6 ? IPAddress.IPv6Any : IPAddress.Any;
            byte* address = stackalloc byte[28];
            int length = Sockaddr(new Span<byte>(address, 28), c.BindAddress ?? any, c.BindPort ?? 0);
            if (bind(fd, (sockaddr*)address, (uint)length) < 0)
                return errno;
        }
        return 0;
    }

    /// <summary>struct sockaddr_in (16 bytes) or sockaddr_in6 (28 bytes, scope id kept); returns the length.</summary>
    private static int Sockaddr(Span<byte> buffer, IPAddress address, int port)
    {
        buffer.Clear();
        BinaryPrimitives.WriteUInt16BigEndian(buffer[2..], (ushort)port);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(buffer, (ushort)AF_INET);
            address.TryWriteBytes(buffer[4..], out _);
            return 16;
        }
        BinaryPrimitives.WriteUInt16LittleEndian(buffer, (ushort)AF_INET6);
        address.TryWriteBytes(buffer[8..], out _);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[24..], (uint)address.ScopeId);
        return 28;
    }

    /// <summary>Waits for the eventfd, a connect or <paramref name="timeoutMs"/> (-1: no limit), and finishes the connects that are ready.</summary>
    private void Wait(int timeoutMs)
    {
        const int MaxEvents = 256;
        epoll_event* events = stackalloc epoll_event[MaxEvents];
        int n = epoll_wait(_epoll, events, MaxEvents, timeoutMs);
        for (int i = 0; i < n; i++)
        {
            ulong serial = events[i].data.u64;
            if (serial == WakeSerial)
            {
                ulong value;
                lock (_gate)
                {
                    read(_wakeFd, &value, 8);
                    _wakePending = false;
                }
                continue;
            }
            if (_connects.TryGetValue(serial, out PendingConnect? pending))
                OnReady(pending);
        }
    }

    /// <summary>Ends the connects whose time is up; returns when the next one is due (null: none in flight).</summary>
    private TimeSpan? ExpireConnects(TimeSpan now)
    {
        bool harvested = false;
        while (_connectDeadlines.TryPeek(out PendingConnect? pending, out TimeSpan due))
        {
            if (pending.Fd < 0 || due != pending.Deadline)
            {
                _connectDeadlines.Dequeue();
                continue;
            }
            if (due > now)
                return due;
            if (!harvested)
            {
                // A loop that fell behind must not fail a connect whose answer is waiting in the epoll set.
                harvested = true;
                Wait(0);
                continue;
            }
            _connectDeadlines.Dequeue();
            Finish(pending, ETIMEDOUT, timedOut: true);
        }
        return null;
    }

    private void Finish(PendingConnect pending, int error, bool timedOut)
    {
        _connects.Remove(pending.Serial);
        close(pending.Fd);
        pending.Fd = -1;
        if (!_members.Contains(pending.Member))
            return;
        TimeSpan took = Stopwatch.GetElapsedTime(pending.Started);
        Guard(pending.Member, () => pending.Member.Connected(pending.Token, error, timedOut ? pending.Step : null, pending.Timeout, took));
        if (_members.Contains(pending.Member))
            Refresh(pending.Member);
    }

    /// <summary>Closes the connects of <paramref name="member"/> (null: all); nobody is told.</summary>
    private void DropConnects(IHealthLoopMember? member)
    {
        foreach (PendingConnect pending in _connects.Values.Where(p => member is null || p.Member == member).ToArray())
        {
            _connects.Remove(pending.Serial);
            close(pending.Fd);
            pending.Fd = -1;
        }
    }

    private void CloseEpoll()
    {
        DropConnects(null);
        lock (_gate)
        {
            if (_wakeFd >= 0)
                close(_wakeFd);
            _wakeFd = -1;
        }
        if (_epoll >= 0)
            close(_epoll);
        _epoll = -1;
    }
}

/// <summary>Takes what a <see cref="HealthLoop.Connect"/> with a request reads; false refuses more (the connection ends).</summary>
internal interface ILoopSink
{
    bool Feed(ReadOnlySpan<byte> data);
}
