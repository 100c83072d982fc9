using LvsPS.Native.Ipvs;

namespace LvsPS.Native.Configuration.Director;

/// <summary>
/// Diffs a new configuration against the running one AND the kernel, keepalived's identities:
/// a virtual server is its address/protocol/port, fwmark/family or group name; a real server its
/// address and port. A virtual server whose definition is the same keeps its checks running
/// untouched (keepalived restarts every timer); one that changed is updated in place in IPVS
/// (services and real servers that stay are edited, not re-created) and its checks restart;
/// removed real servers and services are drained (weight 0, removed when their connections end)
/// where keepalived deletes them at once. What the kernel shows differently from the last
/// configuration (a service removed or edited by hand) is put back and reported.
/// </summary>
public static class DirectorReloadPlanner
{
    /// <param name="old">The configuration that runs.</param>
    /// <param name="next">The configuration to run instead.</param>
    /// <param name="kernel">The kernel's services; their RealServers are used unless <paramref name="realServersOf"/> is given.</param>
    /// <param name="realServersOf">Reads the real servers of one service, asked only for the services a reload changes (one dump each).</param>
    /// <param name="drainTimeout">How long removed real servers and services drain at most.</param>
    /// <param name="now">The drains' start.</param>
    public static DirectorReloadPlan Plan(DirectorConfiguration old, DirectorConfiguration next, IReadOnlyList<VirtualService> kernel,
        TimeSpan drainTimeout, DateTimeOffset now, Func<VirtualServiceKey, IReadOnlyList<RealServer>>? realServersOf = null)
    {
        var inKernel = new KernelTable(kernel, realServersOf);
        var oldById = old.VirtualServers.ToDictionary(v => Id(v, old));
        var nextById = next.VirtualServers.ToDictionary(v => Id(v, next));
        var changes = new List<IpvsChange>();
        var drains = new List<DirectorDrain>();
        var repairs = new List<string>();
        var restarted = new List<string>();
        var stopped = new List<string>();
        var started = new List<string>();
        int unchanged = 0;
        DateTimeOffset deadline = now + drainTimeout;

        foreach ((string id, VirtualServerDefinition vs) in oldById)
        {
            if (nextById.ContainsKey(id))
                continue;
            stopped.Add(id);
            foreach (VirtualServiceKey key in DirectorIpvsTable.Keys(vs, old))
                DrainService(key, inKernel, changes, drains, deadline);
        }
        foreach ((string id, VirtualServerDefinition vs) in nextById)
        {
            IReadOnlyList<VirtualService> desired = DirectorIpvsTable.Keys(vs, next).Select(k => DirectorIpvsTable.Service(vs, k)).ToArray();
            if (!oldById.TryGetValue(id, out VirtualServerDefinition? before))
            {
                started.Add(id);
                foreach (VirtualService s in desired)
                    Converge(s, vs, inKernel, null, changes, drains, deadline);
                continue;
            }
            bool same = DirectorReloadPlan.SameDefinition(before, vs) && SameGroup(before, old, vs, next);
            if (same)
            {
                unchanged++;
                foreach (VirtualService s in desired)
                    Repair(s, inKernel, changes, repairs);
                continue;
            }
            restarted.Add(id);
            var oldKeys = DirectorIpvsTable.Keys(before, old).ToHashSet();
            foreach (VirtualService s in desired)
                Converge(s, vs, inKernel, oldKeys.Contains(s.Key) ? before : null, changes, drains, deadline);
            foreach (VirtualServiceKey gone in oldKeys.Except(desired.Select(s => s.Key)))
                DrainService(gone, inKernel, changes, drains, deadline);
        }

        var oldInstances = old.VrrpInstances.ToDictionary(i => i.Name);
        var stoppedInstances = new List<string>();
        var startedInstances = new List<string>();
        foreach (VrrpInstanceDefinition i in next.VrrpInstances)
        {
            if (oldInstances.TryGetValue(i.Name, out VrrpInstanceDefinition? was) && SameInstance(was, old, i, next))
            {
                unchanged++;
                continue;
            }
            if (was is not null)
                stoppedInstances.Add(i.Name);
            startedInstances.Add(i.Name);
        }
        stoppedInstances.AddRange(old.VrrpInstances.Select(i => i.Name).Where(n => next.VrrpInstances.All(i => i.Name != n)));

        LvsTimeoutSettings? t = next.Global.LvsTimeouts;
        return new DirectorReloadPlan
        {
            Changes = changes,
            Drains = drains,
            RestartedChecks = restarted,
            StoppedChecks = stopped,
            StartedChecks = started,
            StoppedInstances = stoppedInstances,
            StartedInstances = startedInstances,
            Timeouts = t is not null && !DirectorReloadPlan.SameDefinition(t, old.Global.LvsTimeouts) ? new IpvsTimeouts(t.TcpSeconds ?? 0, t.TcpFinSeconds ?? 0, t.UdpSeconds ?? 0) : null,
            Repairs = repairs,
            Unchanged = unchanged,
        };
    }

    /// <summary>keepalived's identity of a virtual server (fwmark services also by family).</summary>
    public static string Id(VirtualServerDefinition vs, DirectorConfiguration configuration)
        => vs.Kind == VirtualServerHeadKind.FirewallMark ? $"{vs.DisplayName} {vs.Family}" : vs.DisplayName;

    private static bool SameGroup(VirtualServerDefinition before, DirectorConfiguration old, VirtualServerDefinition vs, DirectorConfiguration next)
        => vs.Kind != VirtualServerHeadKind.Group
        || DirectorReloadPlan.SameDefinition(old.VirtualServerGroups.FirstOrDefault(g => g.Name == before.GroupName), next.VirtualServerGroups.FirstOrDefault(g => g.Name == vs.GroupName));

    /// <summary>An instance is kept only when it, its vrrp_scripts, its sync group and the sync daemon are all the same.</summary>
    private static bool SameInstance(VrrpInstanceDefinition was, DirectorConfiguration old, VrrpInstanceDefinition now, DirectorConfiguration next)
    {
        static object Context(VrrpInstanceDefinition i, DirectorConfiguration c) => new
        {
            Scripts = c.VrrpScripts.Where(s => i.TrackScripts.Any(t => t.Name == s.Name)).ToArray(),
            Group = c.VrrpSyncGroups.FirstOrDefault(g => g.Instances.Contains(i.Name)),
            Sync = c.Global.LvsSyncDaemon?.VrrpInstance == i.Name ? c.Global.LvsSyncDaemon : null,
        };
        return DirectorReloadPlan.SameDefinition(was, now) && DirectorReloadPlan.SameDefinition(Context(was, old), Context(now, next));
    }

    /// <summary>A kept or new service: made to match the file; real servers the file dropped are drained.</summary>
    private static void Converge(VirtualService desired, VirtualServerDefinition vs, KernelTable inKernel, VirtualServerDefinition? before,
        List<IpvsChange> changes, List<DirectorDrain> drains, DateTimeOffset deadline)
    {
        if (!inKernel.TryGetFull(desired.Key, out VirtualService? current))
        {
            changes.Add(IpvsChange.Add(desired with { RealServers = [] }));
            changes.AddRange(desired.RealServers.Select(IpvsChange.Add));
            return;
        }
        if (!SameSettings(current, desired))
            changes.Add(IpvsChange.Update(desired with { RealServers = [] }));
        foreach (RealServer rs in desired.RealServers)
        {
            RealServer? now = current.RealServers.FirstOrDefault(r => DirectorReloadPlan.Same(r, rs));
            if (now is null)
                changes.Add(IpvsChange.Add(rs));
            else if (!SameAttributes(now, rs) || WeightChanged(before, rs))
                changes.Add(IpvsChange.Update(rs));
        }
        // Configured real servers out of the table (an alpha checker down, the sorry server) are the checks' business, not drained.
        RealServer[] configured = vs.RealServers.Append(vs.SorryServer).OfType<RealServerDefinition>().Select(r => DirectorIpvsTable.RealServer(r, desired.Key, r.Weight)).ToArray();
        foreach (RealServer gone in current.RealServers.Where(r => !configured.Any(d => DirectorReloadPlan.Same(d, r))))
        {
            if (gone.Weight != 0)
                changes.Add(IpvsChange.Update(gone with { Weight = 0 }));
            drains.Add(new DirectorDrain(desired.Key, gone with { Weight = 0 }, deadline));
        }
    }

    private static void DrainService(VirtualServiceKey key, KernelTable inKernel, List<IpvsChange> changes, List<DirectorDrain> drains, DateTimeOffset deadline)
    {
        if (!inKernel.TryGetFull(key, out VirtualService? current))
            return;
        changes.AddRange(current.RealServers.Where(r => r.Weight != 0).Select(r => IpvsChange.Update(r with { Weight = 0 })));
        drains.Add(new DirectorDrain(key, null, deadline));
    }

    /// <summary>An unchanged virtual server: its checks own the real servers' weights; the service itself is put back if edited or removed by hand.</summary>
    private static void Repair(VirtualService desired, KernelTable inKernel, List<IpvsChange> changes, List<string> repairs)
    {
        if (!inKernel.TryGetValue(desired.Key, out VirtualService? current))
        {
            repairs.Add($"service {desired.Key} was removed outside the director: added back with its real servers");
            changes.Add(IpvsChange.Add(desired with { RealServers = [] }));
            changes.AddRange(desired.RealServers.Select(IpvsChange.Add));
        }
        else if (!SameSettings(current, desired))
        {
            repairs.Add($"service {desired.Key} was changed outside the director (scheduler {current.Scheduler}{(current.Persistent ? $", persistent {current.PersistenceTimeout} s" : "")}): set back to the file");
            changes.Add(IpvsChange.Update(desired with { RealServers = [] }));
        }
    }

    private static bool SameSettings(VirtualService a, VirtualService b)
        => a.Scheduler == b.Scheduler && a.SchedulerFlags == b.SchedulerFlags && a.Persistent == b.Persistent
        && (!a.Persistent || a.PersistenceTimeout == b.PersistenceTimeout) && a.OnePacket == b.OnePacket;

    private static bool SameAttributes(RealServer a, RealServer b)
        => a.Forwarding == b.Forwarding && a.UpperThreshold == b.UpperThreshold && a.LowerThreshold == b.LowerThreshold
        && (a.Forwarding != ForwardingMethod.Tunnel || (a.TunnelType == b.TunnelType && a.TunnelPort == b.TunnelPort && a.TunnelChecksum == b.TunnelChecksum));

    private static bool WeightChanged(VirtualServerDefinition? before, RealServer rs)
        => before?.RealServers.FirstOrDefault(r => r.Address.Equals(rs.Address) && (r.Port == rs.Port || r.Forwarding is ForwardingMethod.Route or ForwardingMethod.Tunnel)) is not { } was
        || was.Weight != rs.Weight;

    /// <summary>The kernel's services, their real servers read only where a reload needs them.</summary>
    private sealed class KernelTable(IReadOnlyList<VirtualService> services, Func<VirtualServiceKey, IReadOnlyList<RealServer>>? realServersOf)
    {
        private readonly Dictionary<VirtualServiceKey, VirtualService> _services = services.ToDictionary(s => s.Key);

        public bool TryGetValue(VirtualServiceKey key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out VirtualService? service)
            => _services.TryGetValue(key, out service);

        public bool TryGetFull(VirtualServiceKey key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out VirtualService? service)
        {
            if (!_services.TryGetValue(key, out service))
                return false;
            if (realServersOf is not null)
                service = service with { RealServers = realServersOf(key) };
            return true;
        }
    }
}
