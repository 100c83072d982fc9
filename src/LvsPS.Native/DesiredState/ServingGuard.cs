using LvsPS.Native.Ipvs;

namespace LvsPS.Native.DesiredState;

/// <summary>
/// Keeps count, while a plan is applied, of the real servers each kept service has (and of those with a
/// weight above 0), from the current table and the kernel's answers; and tells a step that would take a
/// kept service's last real server (or last serving one) while the desired table gives it some. With the
/// planner's order that happens only when an addition before it failed or was declined.
/// </summary>
internal sealed class ServingGuard
{
    private readonly IReadOnlyDictionary<VirtualServiceKey, KeptService> _kept;
    private readonly Dictionary<VirtualServiceKey, RealServerCounts> _live;

    public ServingGuard(IReadOnlyDictionary<VirtualServiceKey, KeptService> kept)
    {
        _kept = kept;
        _live = kept.ToDictionary(k => k.Key, k => k.Value.Current);
    }

    /// <summary>The kernel applied this step.</summary>
    public void Applied(ChangeStep step) => Shift(_live, step);

    /// <summary>A scratch copy for a batch being put together: its steps are assumed to succeed (a failure only leaves more).</summary>
    public Prediction Predict() => new(this);

    internal sealed class Prediction(ServingGuard guard)
    {
        private readonly Dictionary<VirtualServiceKey, RealServerCounts> _counts = new(guard._live);

        public void Assume(ChangeStep step) => Shift(_counts, step);

        public bool WouldUnserve(ChangeStep step)
        {
            if (!guard._kept.TryGetValue(step.Service, out KeptService kept) || !_counts.TryGetValue(step.Service, out RealServerCounts now))
                return false;
            RealServerCounts after = Shifted(now, step);
            return (kept.Desired.All > 0 && now.All > 0 && after.All == 0)
                || (kept.Desired.Serving > 0 && now.Serving > 0 && after.Serving == 0);
        }
    }

    private static void Shift(Dictionary<VirtualServiceKey, RealServerCounts> counts, ChangeStep step)
    {
        if (counts.TryGetValue(step.Service, out RealServerCounts now))
            counts[step.Service] = Shifted(now, step);
    }

    private static RealServerCounts Shifted(RealServerCounts c, ChangeStep step)
    {
        int wasServing = step.Before is { Weight: > 0 } ? 1 : 0;
        return step.Change.Kind switch
        {
            IpvsChangeKind.AddRealServer => new(c.All + 1, c.Serving + (step.Change.RealServer!.Weight > 0 ? 1 : 0)),
            IpvsChangeKind.UpdateRealServer => c with { Serving = c.Serving - wasServing + (step.Change.RealServer!.Weight > 0 ? 1 : 0) },
            IpvsChangeKind.RemoveRealServer => new(c.All - 1, c.Serving - wasServing),
            _ => c,
        };
    }
}
