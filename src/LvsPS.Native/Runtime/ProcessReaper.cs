using Tmds.Linux;
using static LvsPS.Native.Runtime.ProcessNative;

namespace LvsPS.Native.Runtime;

/// <summary>One spawned process being waited for.</summary>
internal sealed class ProcessWatch(int pid)
{
    private readonly TaskCompletionSource<int?> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Pid { get; } = pid;
    /// <summary>The wait status once it exited; null when someone else reaped it (a process that ignores SIGCHLD reaps every child).</summary>
    public Task<int?> Exited => _exit.Task;
    /// <summary>Set once the runner sent SIGTERM: whatever is left of the process group is killed before the leader is reaped (while its zombie still pins the group id).</summary>
    public volatile bool KillGroupOnExit;
    internal int PidFd = -1;

    internal void Complete(int? status) => _exit.TrySetResult(status);
}

/// <summary>
/// Waits for every spawned process on ONE thread, whatever the number of runs: a pidfd per
/// process (Linux 5.3+) in an epoll set, or where pidfd_open is refused, waitpid(WNOHANG)
/// every 10 ms. The thread starts with the first run and ends 2 s after the last (at once
/// on shutdown), so an idle runtime holds no thread. .NET's own SIGCHLD handling reaps only the children it started.
/// </summary>
internal sealed unsafe class ProcessReaper
{
    public static ProcessReaper Instance { get; } = new();

    /// <summary>How long the thread waits for the next run before it ends (checks every second reuse it).</summary>
    public const int IdleLingerMilliseconds = 2000;

    private readonly object _lock = new();
    private readonly Dictionary<int, ProcessWatch> _byPidFd = new();
    private readonly List<ProcessWatch> _polled = new();
    private int _epoll = -1;
    private int _wake = -1;
    private bool _threadRunning;
    private bool _release;
    private TaskCompletionSource _threadEnded = Ended();

    /// <summary>The number of processes not reaped yet.</summary>
    public int Count
    {
        get { lock (_lock) return _byPidFd.Count + _polled.Count; }
    }

    public ProcessWatch Watch(int pid)
    {
        var watch = new ProcessWatch(pid);
        int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
        lock (_lock)
        {
            OpenEpoll();
            if (pidfd >= 0 && _epoll >= 0 && Add(pidfd) == 0)
            {
                watch.PidFd = pidfd;
                _byPidFd[pidfd] = watch;
            }
            else
            {
                if (pidfd >= 0)
                    close(pidfd);
                _polled.Add(watch);
            }
            _release = false;
            if (!_threadRunning)
            {
                _threadRunning = true;
                _threadEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                new Thread(Run) { IsBackground = true, Name = "lvsps-reaper" }.Start();
            }
        }
        return watch;
    }

    /// <summary>Ends the thread as soon as no process is left (at shutdown) instead of after the idle linger; completes when it ended.</summary>
    public Task ReleaseThreadAsync()
    {
        lock (_lock)
        {
            _release = true;
            if (_wake >= 0)
            {
                ulong one = 1;
                LibC.write(_wake, &one, 8);
            }
            return _threadEnded.Task;
        }
    }

    private static TaskCompletionSource Ended()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        done.SetResult();
        return done;
    }

    private void OpenEpoll()
    {
        if (_epoll >= 0)
            return;
        _epoll = LibC.epoll_create1(LibC.EPOLL_CLOEXEC);
        _wake = LibC.eventfd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK);
        if (_epoll >= 0 && _wake >= 0)
            Add(_wake);
    }

    private int Add(int fd)
    {
        var ev = new epoll_event { events = LibC.EPOLLIN };
        ev.data.fd = fd;
        return LibC.epoll_ctl(_epoll, LibC.EPOLL_CTL_ADD, fd, &ev);
    }

    private void Run()
    {
        const int MaxEvents = 64;
        epoll_event* events = stackalloc epoll_event[MaxEvents];
        long idleSince = 0;
        while (true)
        {
            int timeout;
            lock (_lock)
            {
                bool idle = _byPidFd.Count == 0 && _polled.Count == 0;
                idleSince = !idle ? 0 : idleSince == 0 ? Environment.TickCount64 : idleSince;
                if (idle && (_release || Environment.TickCount64 - idleSince >= IdleLingerMilliseconds))
                {
                    _threadRunning = false;
                    _threadEnded.TrySetResult();
                    return;
                }
                timeout = _polled.Count > 0 ? 10 : idle ? IdleLingerMilliseconds : 1000;
            }
            int n = _epoll >= 0 ? LibC.epoll_wait(_epoll, events, MaxEvents, timeout) : 0;
            if (_epoll < 0)
                Thread.Sleep(timeout);
            for (int i = 0; i < n; i++)
                OnReady(events[i].data.fd);
            PollTheRest();
        }
    }

    private void OnReady(int fd)
    {
        if (fd == _wake)
        {
            ulong value;
            LibC.read(_wake, &value, 8);
            return;
        }
        ProcessWatch? watch;
        lock (_lock)
            _byPidFd.Remove(fd, out watch);
        if (watch is null)
            return;
        LibC.epoll_ctl(_epoll, LibC.EPOLL_CTL_DEL, fd, null);
        close(fd);
        Reap(watch);
    }

    /// <summary>The fallback without pidfds: a child that has exited is reaped by waitpid(WNOHANG).</summary>
    private void PollTheRest()
    {
        ProcessWatch[] polled;
        lock (_lock)
            polled = _polled.ToArray();
        foreach (ProcessWatch watch in polled)
        {
            int rc = waitpid(watch.Pid, out int status, WNOHANG);
            if (rc == 0)
                continue;
            lock (_lock)
                _polled.Remove(watch);
            if (watch.KillGroupOnExit)
                kill(-watch.Pid, SIGKILL);
            watch.Complete(rc == watch.Pid ? status : null);
        }
    }

    private static void Reap(ProcessWatch watch)
    {
        if (watch.KillGroupOnExit)
            kill(-watch.Pid, SIGKILL);
        int rc;
        int status;
        do
            rc = waitpid(watch.Pid, out status, 0);
        while (rc < 0 && LastErrno == EINTR);
        watch.Complete(rc == watch.Pid ? status : null);
    }
}
