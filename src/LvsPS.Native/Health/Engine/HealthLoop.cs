using System.Diagnostics;

namespace LvsPS.Native.Health.Engine;

/// <summary>
/// One thread, inside a network namespace, that does the work of one or many health engines: the
/// actions posted to it in order, and each engine's due work (probes to start, suspension polls)
/// when its deadline comes. An engine's state is only ever touched on its loop's thread, so it
/// needs no locks. Nothing on the loop waits for a probe, so a hung probe delays no other engine's:
/// TCP and HTTP connections are the loop's own non-blocking sockets in its epoll set
/// (HealthLoop.Exchange.cs), whose eventfd also wakes it for posted work; the other probes
/// (HTTPS, DNS, SMTP, UDP, ping, scripts) are tasks whose results are posted back.
/// </summary>
internal sealed partial class HealthLoop : IDisposable
{
    private readonly object _gate = new();
    private Queue<(IHealthLoopMember Member, Action Action)> _inbox = new(), _draining = new();
    private readonly PriorityQueue<(IHealthLoopMember Member, long Version), TimeSpan> _timers = new();
    private readonly HashSet<IHealthLoopMember> _members = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Thread _thread;
    private bool _closing, _closed;
    // Loop thread only: the members are being stopped; one that joins now (its start was posted just before the close) stops at once.
    private bool _ending;
    private int _engines;

    /// <param name="threadName">The thread's name (Linux shows its first 15 characters).</param>
    /// <param name="networkNamespace">Joined by the thread before anything runs (null: this process's).</param>
    public HealthLoop(string threadName, string? networkNamespace)
    {
        NetworkNamespace = networkNamespace;
        _thread = new Thread(Run) { Name = threadName, IsBackground = true };
        _thread.Start();
    }

    public string? NetworkNamespace { get; }
    /// <summary>Engines given this loop (by the pool, or starting on it) and not yet stopped: what the pool balances.</summary>
    public int EngineCount => Volatile.Read(ref _engines);
    public int ManagedThreadId => _thread.ManagedThreadId;
    public bool IsOnLoopThread => Environment.CurrentManagedThreadId == _thread.ManagedThreadId;
    /// <summary>Completes once the thread is in its namespace; faults with what stopped it from getting there.</summary>
    public Task Ready => _ready.Task;
    /// <summary>Completes when the thread has ended.</summary>
    public Task Completion => _ended.Task;

    /// <summary>Runs <paramref name="action"/> on the loop's thread, then lets <paramref name="member"/> schedule its next run. False once the loop has ended: the action will never run.</summary>
    public bool Post(IHealthLoopMember member, Action action)
    {
        lock (_gate)
        {
            if (_closed)
                return false;
            _inbox.Enqueue((member, action));
            WakeLocked();
        }
        return true;
    }

    internal void Enter() => Interlocked.Increment(ref _engines);
    internal void Leave() => Interlocked.Decrement(ref _engines);

    /// <summary>On the loop's thread: <paramref name="member"/> is run by its deadlines from now on, and told when the loop ends.</summary>
    internal void Join(IHealthLoopMember member)
    {
        Debug.Assert(IsOnLoopThread);
        if (_ending)
        {
            Guard(member, member.LoopEnding);
            return;
        }
        _members.Add(member);
        Refresh(member);
    }

    /// <summary>On the loop's thread: <paramref name="member"/> is no longer run (entries already queued for it are ignored).</summary>
    internal void Part(IHealthLoopMember member)
    {
        Debug.Assert(IsOnLoopThread);
        _members.Remove(member);
        member.LoopVersion++;
        DropConnects(member);
    }

    /// <summary>Ends the loop: its members stop as told by <see cref="IHealthLoopMember.LoopEnding"/>, then the thread ends (see <see cref="Completion"/>).</summary>
    public void BeginClose()
    {
        lock (_gate)
        {
            _closing = true;
            if (!_closed)
                WakeLocked();
        }
    }

    /// <summary><see cref="BeginClose"/>, then waits (at most 10 s) for the thread to end, unless called on the loop's own thread.</summary>
    public void Dispose()
    {
        BeginClose();
        if (!IsOnLoopThread)
            _ended.Task.Wait(TimeSpan.FromSeconds(10));
    }

    private TimeSpan Now => _clock.Elapsed;
    /// <summary>epoll_wait takes at most int.MaxValue ms; waking early is harmless.</summary>
    private static readonly TimeSpan LongestWait = TimeSpan.FromMinutes(10);

    private void Run()
    {
        try
        {
            if (NetworkNamespace is { Length: > 0 } ns)
                Namespaces.NetworkNamespace.JoinOnThisThread(ns);
            OpenEpoll();
        }
        catch (Exception e)
        {
            lock (_gate)
                _closed = true;
            CloseEpoll();
            _ready.TrySetException(e);
            _ended.TrySetResult();
            return;
        }
        _ready.TrySetResult();
        try
        {
            Loop();
        }
        finally
        {
            lock (_gate)
                _closed = true;
            // What was posted before the close still runs (an answer someone waits for, a stop).
            DrainInbox();
            CloseEpoll();
            _ended.TrySetResult();
        }
    }

    private void Loop()
    {
        while (true)
        {
            bool closing;
            lock (_gate)
                closing = _closing;
            if (closing)
            {
                _ending = true;
                DrainInbox();
                foreach (IHealthLoopMember member in _members.ToArray())
                    Guard(member, member.LoopEnding);
                _members.Clear();
                return;
            }
            DrainInbox();
            TimeSpan now = Now;
            while (_timers.TryPeek(out (IHealthLoopMember Member, long Version) entry, out TimeSpan due) && due <= now)
            {
                _timers.Dequeue();
                if (entry.Version == entry.Member.LoopVersion && _members.Contains(entry.Member))
                    Refresh(entry.Member);
            }
            TimeSpan? next = NextDue();
            if (ExpireConnects(Now) is { } connectDue && (next is null || connectDue < next))
                next = connectDue;
            bool idle;
            lock (_gate)
                idle = _inbox.Count == 0 && !_closing;
            if (!idle)
                continue;
            if (next is null)
                Wait(-1);
            else if (next.Value - Now is { } wait && wait > TimeSpan.Zero)
                Wait((int)Math.Ceiling((wait < LongestWait ? wait : LongestWait).TotalMilliseconds));
            else
                Wait(0); // what is due runs at once, but sockets that are ready are not starved by it
        }
    }

    private void DrainInbox()
    {
        lock (_gate)
            (_inbox, _draining) = (_draining, _inbox);
        while (_draining.TryDequeue(out (IHealthLoopMember Member, Action Action) item))
        {
            Guard(item.Member, item.Action);
            if (_members.Contains(item.Member))
                Refresh(item.Member);
        }
    }

    /// <summary>Runs the member's due work and queues its next run (one live entry per member: a newer one makes older ones stale).</summary>
    private void Refresh(IHealthLoopMember member)
    {
        TimeSpan? wait = null;
        Guard(member, () => wait = member.RunDue());
        if (!_members.Contains(member))
            return;
        member.LoopVersion++;
        if (wait is { } w)
            _timers.Enqueue((member, member.LoopVersion), Now + (w > TimeSpan.Zero ? w : TimeSpan.Zero));
    }

    private TimeSpan? NextDue()
    {
        while (_timers.TryPeek(out (IHealthLoopMember Member, long Version) entry, out TimeSpan due))
        {
            if (entry.Version == entry.Member.LoopVersion && _members.Contains(entry.Member))
                return due;
            _timers.Dequeue();
        }
        return null;
    }

    /// <summary>A member's failure is its own: it is told, and the loop goes on with the others.</summary>
    private void Guard(IHealthLoopMember member, Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            _members.Remove(member);
            member.LoopVersion++;
            try
            {
                member.LoopFailed(e);
            }
            catch
            {
                // The member could not even record its failure; the loop must go on for the others.
            }
        }
    }
}

/// <summary>Work that a <see cref="HealthLoop"/> runs; every member is called on the loop's thread only.</summary>
internal interface IHealthLoopMember
{
    /// <summary>The loop's bookkeeping: bumped to make queued deadlines stale.</summary>
    long LoopVersion { get; set; }
    /// <summary>Does what is due now; returns how long until it is due again (null: only when something is posted).</summary>
    TimeSpan? RunDue();
    /// <summary>The loop is ending while the member still runs on it: stop now.</summary>
    void LoopEnding();
    /// <summary>Something the member ran on the loop threw: it no longer runs there.</summary>
    void LoopFailed(Exception error);
    /// <summary>
    /// A <see cref="HealthLoop.Connect"/> under way ended: <paramref name="error"/> 0 (connected, or the
    /// answer read to its end), an errno or <see cref="HealthLoop.SinkRefused"/>; <paramref name="timedOutStep"/>
    /// ("connect", "write", "read") when the step's <paramref name="timeout"/> ran out.
    /// </summary>
    void Connected(int token, int error, string? timedOutStep, TimeSpan timeout, TimeSpan took);
}
