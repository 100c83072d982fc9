namespace LvsPS.Native.Ipvs;

/// <summary>The kernel's EINVAL to a sync daemon start, explained by the real servers that cause it.</summary>
internal static class SyncDaemonRefusal
{
    /// <summary>
    /// Everything else the kernel checks with EINVAL is validated before sending, so the cause is the
    /// mixed-family rule; the message names the real servers that break it when the table shows them.
    /// </summary>
    public static IpvsException InvalidStart(string target, int errno, IReadOnlyList<RealServer> mixedFamily, Exception? inner)
    {
        IpvsException basic = IpvsException.From(IpvsOperation.StartSyncDaemon, errno, target, inner: inner);
        if (mixedFamily.Count == 0)
            return basic;
        string list = string.Join(", ", mixedFamily.Take(5).Select(d => d.ToString())) + (mixedFamily.Count > 5 ? $" and {mixedFamily.Count - 5} more" : "");
        return new IpvsException(IpvsOperation.StartSyncDaemon, errno, target, $"{basic.Message} They are: {list}.", inner, basic.Scheduler);
    }
}
