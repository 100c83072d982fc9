using System.Diagnostics;

namespace LvsPS.Native.Runtime;

/// <summary>
/// A script run every <see cref="Interval"/> whose results feed a <see cref="RiseFallCounter"/>
/// (keepalived's vrrp_script, a VRRP track script): the first run at once, then start to start
/// every interval; a run still going when the next is due makes that one skipped, as keepalived
/// does; each run times out after <see cref="ScriptRunOptions.Timeout"/> (keepalived: the
/// interval when no timeout is given) and counts as a failure. No thread: timers and the
/// async runner. <see cref="Changed"/> is raised when the counter goes up or down.
/// </summary>
public sealed class PeriodicScript
{
    private readonly CancellationTokenSource _stop = new();
    private readonly object _lock = new();
    private Task _loop = Task.CompletedTask;
    private ScriptResult? _last;

    public PeriodicScript(string name, IScript script, TimeSpan interval, RiseFallCounter counter, ScriptRunOptions? options = null)
    {
        if (interval <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "The interval must be positive.");
        Name = name;
        Script = script;
        Interval = interval;
        Counter = counter;
        Options = options ?? new ScriptRunOptions { Timeout = interval };
    }

    public string Name { get; }
    public IScript Script { get; }
    public TimeSpan Interval { get; }
    public ScriptRunOptions Options { get; }
    /// <summary>Read it under no lock only from <see cref="Changed"/>; elsewhere use <see cref="IsUp"/>.</summary>
    public RiseFallCounter Counter { get; }

    public bool IsUp
    {
        get { lock (_lock) return Counter.IsUp; }
    }

    public ScriptResult? LastResult
    {
        get { lock (_lock) return _last; }
    }

    public long Runs { get; private set; }
    /// <summary>Runs not started because the previous one was still going.</summary>
    public long Skipped { get; private set; }

    /// <summary>Raised (on a pool thread) with the new state when the counter changes.</summary>
    public event Action<PeriodicScript, bool>? Changed;

    public void Start()
    {
        lock (_lock)
            if (_loop.IsCompleted && !_stop.IsCancellationRequested)
                _loop = Task.Run(LoopAsync);
    }

    /// <summary>Stops the schedule; a run in progress is terminated (SIGTERM, SIGKILL after the kill delay). Completes when nothing runs.</summary>
    public async Task StopAsync()
    {
        _stop.Cancel();
        Task loop;
        lock (_lock)
            loop = _loop;
        await loop.ConfigureAwait(false);
    }

    private async Task LoopAsync()
    {
        CancellationToken token = _stop.Token;
        long epoch = Stopwatch.GetTimestamp();
        long slot = 0;
        while (!token.IsCancellationRequested)
        {
            ScriptResult result = await Script.RunAsync(Array.Empty<object?>(), Options, token).ConfigureAwait(false);
            if (result.Outcome == ScriptOutcome.Canceled || token.IsCancellationRequested)
                return;
            Record(result);
            (long next, long skipped) = NextSlot(slot, Stopwatch.GetElapsedTime(epoch), Interval);
            Skipped += skipped;
            slot = next;
            TimeSpan wait = slot * Interval - Stopwatch.GetElapsedTime(epoch);
            try
            {
                if (wait > TimeSpan.Zero)
                    await Task.Delay(wait, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// The schedule, pure: runs start at slot × interval from the first; after the run of
    /// <paramref name="slot"/> ended at <paramref name="now"/>, the next is the first slot after now,
    /// and the slots in between are skipped (keepalived skips a run while the last one is going).
    /// </summary>
    public static (long Next, long Skipped) NextSlot(long slot, TimeSpan now, TimeSpan interval)
    {
        long next = Math.Max(slot + 1, now.Ticks / interval.Ticks + 1);
        return (next, next - slot - 1);
    }

    private void Record(ScriptResult result)
    {
        bool changed;
        bool up;
        lock (_lock)
        {
            Runs++;
            _last = result;
            changed = Counter.Record(result.Succeeded);
            up = Counter.IsUp;
        }
        if (changed)
            Changed?.Invoke(this, up);
    }
}
