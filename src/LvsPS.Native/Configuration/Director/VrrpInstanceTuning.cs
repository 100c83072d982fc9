namespace LvsPS.Native.Configuration.Director;

/// <summary>
/// A reload's change to a VRRP instance whose file changed only in priority or preemption
/// (nopreempt, preempt_delay): the running instance takes the new values in place and keeps its
/// state, where keepalived's reload restarts it. Null values are unchanged.
/// </summary>
public sealed record VrrpInstanceTuning(string Name, int? Priority, bool? Preempt, TimeSpan? PreemptDelay)
{
    /// <summary>
    /// The tuning from <paramref name="was"/> to <paramref name="now"/>, or null when more changed
    /// (<paramref name="sameOtherwise"/> compares the rest) or priority 255 is on either side (the
    /// address owner: the instance restarts).
    /// </summary>
    internal static VrrpInstanceTuning? Between(VrrpInstanceDefinition was, VrrpInstanceDefinition now, Func<VrrpInstanceDefinition, VrrpInstanceDefinition, bool> sameOtherwise)
    {
        if (was.Priority == 255 || now.Priority == 255 || !sameOtherwise(Untuned(was), Untuned(now)))
            return null;
        bool preemption = was.NoPreempt != now.NoPreempt || was.PreemptDelaySeconds != now.PreemptDelaySeconds;
        return new VrrpInstanceTuning(now.Name, was.Priority != now.Priority ? now.Priority : null,
            preemption ? !now.NoPreempt : null, preemption ? TimeSpan.FromSeconds(now.PreemptDelaySeconds ?? 0) : null);
    }

    private static VrrpInstanceDefinition Untuned(VrrpInstanceDefinition i) => i with { Priority = 0, NoPreempt = false, PreemptDelaySeconds = null };

    public override string ToString()
    {
        var parts = new List<string>();
        if (Priority is { } p)
            parts.Add($"priority {p}");
        if (Preempt is { } preempt)
            parts.Add(preempt ? $"preempt (delay {PreemptDelay?.TotalSeconds ?? 0} s)" : "nopreempt");
        return $"{Name}: {string.Join(", ", parts)}";
    }
}
