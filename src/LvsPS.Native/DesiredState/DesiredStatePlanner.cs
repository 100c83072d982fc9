using LvsPS.Native.Ipvs;

namespace LvsPS.Native.DesiredState;

/// <summary>
/// Turns (current, desired) into an <see cref="IpvsPlan"/> that never leaves a service unserved on the
/// way, whatever prefix of it is applied (a batch is not a transaction, a process can be killed):
/// <list type="number">
/// <item>the timeouts, when desired and different;</item>
/// <item>sync daemons stopped (for good with replace, or to restart them with other settings): a running
/// daemon refuses mixed-family real servers, and the kernel cannot change one in place;</item>
/// <item>new services, each followed by its real servers;</item>
/// <item>kept services whose settings differ, edited in place (SET_SERVICE: connections survive);</item>
/// <item>real servers added to kept services;</item>
/// <item>kept real servers edited in place whose new weight is above 0;</item>
/// <item>— then, only after the kernel has answered all of the above (<see cref="PlanStep.AfterAnswers"/>) —
/// kept real servers edited down to weight 0;</item>
/// <item>with replace, real servers removed from kept services;</item>
/// <item>with replace, services removed (each with its real servers, in one request);</item>
/// <item>sync daemons started.</item>
/// </list>
/// So a kept service gains its new real servers and weights before it loses old ones, and a real server
/// or service whose identity is unchanged is always edited in place, never removed and added again.
/// Objects are matched by identity (service key; address and port) and compared by settings only
/// (<see cref="IpvsSettings"/>); planning again after applying yields nothing.
/// </summary>
public static class DesiredStatePlanner
{
    public static IpvsPlan Plan(IpvsSnapshot current, IpvsSnapshot desired, bool replace)
    {
        var currentByKey = new Dictionary<VirtualServiceKey, VirtualService>();
        foreach (VirtualService s in current.Services)
            currentByKey.TryAdd(s.Key, s);
        var desiredByKey = new Dictionary<VirtualServiceKey, VirtualService>();
        foreach (VirtualService s in desired.Services)
            if (!desiredByKey.TryAdd(s.Key, s))
                throw new ArgumentException($"The desired table lists the virtual service {s.Key} twice.", nameof(desired));

        var before = new List<PlanStep>();
        var newServices = new List<PlanStep>();
        var editServices = new List<PlanStep>();
        var addRealServers = new List<PlanStep>();
        var raiseRealServers = new List<PlanStep>();
        var quiesceRealServers = new List<PlanStep>();
        var removeRealServers = new List<PlanStep>();
        var removeServices = new List<PlanStep>();
        var after = new List<PlanStep>();
        var kept = new Dictionary<VirtualServiceKey, KeptService>();
        int unchanged = 0;

        if (desired.Timeouts is { } timeouts)
        {
            if (current.Timeouts is { } now && IpvsSettings.Satisfies(now, timeouts))
                unchanged++;
            else
                before.Add(new SetTimeoutsStep(timeouts, current.Timeouts));
        }
        if (desired.SyncDaemons is { } daemons)
            unchanged += PlanSyncDaemons(current.SyncDaemons ?? Array.Empty<SyncDaemon>(), daemons, replace, before, after);

        foreach (VirtualService want in desired.Services)
        {
            Dictionary<(System.Net.IPAddress, ushort), RealServer> wantedRealServers = Distinct(want);
            if (!currentByKey.TryGetValue(want.Key, out VirtualService? cur))
            {
                newServices.Add(new ChangeStep(IpvsChange.Add(IpvsSettings.ToSend(want))));
                foreach (RealServer d in wantedRealServers.Values)
                    newServices.Add(new ChangeStep(IpvsChange.Add(IpvsSettings.ToSend(d, want.Key))));
                continue;
            }
            kept[want.Key] = new KeptService(RealServerCounts.Of(cur.RealServers), RealServerCounts.Of(wantedRealServers.Values));
            var existingByEndpoint = new Dictionary<(System.Net.IPAddress, ushort), RealServer>();
            foreach (RealServer c in cur.RealServers)
                existingByEndpoint.TryAdd(Endpoint(c), c);
            if (IpvsSettings.Same(cur, want))
                unchanged++;
            else
                editServices.Add(new ChangeStep(IpvsChange.Update(IpvsSettings.ToSend(want))));
            foreach (RealServer d in wantedRealServers.Values)
            {
                if (!existingByEndpoint.TryGetValue(Endpoint(d), out RealServer? existing))
                    addRealServers.Add(new ChangeStep(IpvsChange.Add(IpvsSettings.ToSend(d, want.Key))));
                else if (IpvsSettings.Same(existing, d))
                    unchanged++;
                else
                    (d.Weight > 0 ? raiseRealServers : quiesceRealServers).Add(new ChangeStep(IpvsChange.Update(IpvsSettings.ToSend(d, want.Key)), existing));
            }
            if (replace)
                foreach (RealServer d in cur.RealServers)
                    if (!wantedRealServers.ContainsKey(Endpoint(d)))
                        removeRealServers.Add(new ChangeStep(IpvsChange.Remove(IpvsSettings.ToSend(d, cur.Key)), d));
        }
        if (replace)
            foreach (VirtualService cur in current.Services)
                if (!desiredByKey.ContainsKey(cur.Key))
                    removeServices.Add(new ChangeStep(IpvsChange.Remove(IpvsSettings.ToSend(cur)), RealServersRemovedWithIt: cur.RealServers.Count));

        List<PlanStep> reducing = [.. quiesceRealServers, .. removeRealServers, .. removeServices];
        if (reducing.Count > 0)
            reducing[0] = reducing[0] with { AfterAnswers = true };
        return new IpvsPlan
        {
            Steps = [.. before, .. newServices, .. editServices, .. addRealServers, .. raiseRealServers, .. reducing, .. after],
            Unchanged = unchanged,
            KeptServices = kept,
        };
    }

    /// <summary>
    /// Stops (into <paramref name="before"/>) and starts (into <paramref name="after"/>) so that the desired daemons run: a
    /// running daemon that does not satisfy the desired one of its role is restarted; with <paramref name="replace"/>,
    /// daemons of roles not desired are stopped. Returns how many desired daemons already run as desired.
    /// </summary>
    private static int PlanSyncDaemons(IReadOnlyList<SyncDaemon> current, IReadOnlyList<SyncDaemon> desired, bool replace, List<PlanStep> before, List<PlanStep> after)
    {
        int satisfied = 0;
        foreach (SyncDaemon want in desired)
        {
            SyncDaemon? running = current.FirstOrDefault(c => c.State == want.State);
            if (running is not null && IpvsSettings.Satisfies(running, want))
            {
                satisfied++;
                continue;
            }
            if (running is not null)
                before.Add(new StopSyncDaemonStep(running.State, Restart: true));
            after.Add(new StartSyncDaemonStep(want with { NetworkNamespace = null }, Restart: running is not null));
        }
        if (replace)
            foreach (SyncDaemon running in current)
                if (!desired.Any(d => d.State == running.State))
                    before.Add(new StopSyncDaemonStep(running.State, Restart: false));
        return satisfied;
    }

    /// <summary>The desired real servers by endpoint, in their order (a Dictionary keeps it while nothing is removed).</summary>
    private static Dictionary<(System.Net.IPAddress, ushort), RealServer> Distinct(VirtualService s)
    {
        var seen = new Dictionary<(System.Net.IPAddress, ushort), RealServer>(s.RealServers.Count);
        foreach (RealServer d in s.RealServers)
            if (!seen.TryAdd(Endpoint(d), d))
                throw new ArgumentException($"The desired service {s.Key} lists the real server {VirtualServiceKey.FormatEndpoint(d.Address, d.Port)} twice.");
        return seen;
    }

    private static (System.Net.IPAddress, ushort) Endpoint(RealServer d) => (VirtualServiceKey.Normalize(d.Address), d.Port);
}
