using LvsPS.Native.Ipvs;

namespace LvsPS.Native.Operations;

/// <summary>How a wait for drained real servers is going: drained so far, active connections left on those still busy.</summary>
public readonly record struct DrainProgress(int Drained, int Total, ulong ActiveLeft, IReadOnlyList<RealServerRef> Busy, TimeSpan Remaining);

/// <summary>The end of a wait: each real server with its last reading (null: it is gone), drained or still busy.</summary>
public sealed record DrainResult(
    IReadOnlyList<(RealServerRef Target, RealServer? Last)> Drained,
    IReadOnlyList<(RealServerRef Target, RealServer? Last)> Busy,
    bool Cancelled);

/// <summary>
/// Waits until real servers have no active connection left (inactive entries such as TIME_WAIT do not count;
/// a real server that is gone counts as drained), polling the kernel with one real-server dump per service
/// concerned, until a timeout. Time and sleep are given, so tests need not wait.
/// </summary>
public sealed class DrainWatch
{
    private readonly Func<string?, IIpvsClient> _clients;
    private readonly TimeProvider _time;
    private readonly Action<TimeSpan, CancellationToken> _sleep;

    public DrainWatch(Func<string?, IIpvsClient> clients, TimeProvider? time = null, Action<TimeSpan, CancellationToken>? sleep = null)
    {
        _clients = clients;
        _time = time ?? TimeProvider.System;
        _sleep = sleep ?? ((span, ct) => ct.WaitHandle.WaitOne(span));
    }

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    public DrainResult Wait(IReadOnlyList<RealServerRef> targets, TimeSpan timeout, Action<DrainProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        long start = _time.GetTimestamp();
        var pending = new List<RealServerRef>(targets);
        var last = new Dictionary<RealServerRef, RealServer?>();
        var drained = new List<(RealServerRef, RealServer?)>();
        while (true)
        {
            foreach (IGrouping<(string?, VirtualServiceKey), RealServerRef> group in pending.GroupBy(t => (t.NetworkNamespace, t.Service)).ToList())
            {
                IReadOnlyList<RealServer> now = _clients(group.Key.Item1).GetRealServers(group.Key.Item2);
                foreach (RealServerRef t in group)
                {
                    RealServer? reading = now.FirstOrDefault(t.Is);
                    last[t] = reading;
                    if (reading is null || reading.ActiveConnections == 0)
                    {
                        pending.Remove(t);
                        drained.Add((t, reading));
                    }
                }
            }
            TimeSpan elapsed = _time.GetElapsedTime(start);
            if (pending.Count == 0 || elapsed >= timeout || cancellationToken.IsCancellationRequested)
                break;
            ulong active = pending.Aggregate(0UL, (sum, t) => sum + (last[t]?.ActiveConnections ?? 0));
            progress?.Invoke(new DrainProgress(drained.Count, targets.Count, active, pending.ToList(), timeout - elapsed));
            _sleep(PollInterval, cancellationToken);
        }
        return new DrainResult(drained, pending.Select(t => (t, last.GetValueOrDefault(t))).ToList(), cancellationToken.IsCancellationRequested && pending.Count > 0);
    }
}
