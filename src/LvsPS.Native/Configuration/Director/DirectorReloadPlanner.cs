using LvsPS.Native.DesiredState;
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
/// configuration (a service removed or edited by hand) is put back and reported. The IPVS part is
/// the desired-state planner's (<see cref="DesiredStatePlanner"/>, without removals) over only the
/// services the reload touches: its order keeps every service served while the plan is applied.
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
        var table = new TouchedTable();
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
                DrainService(key, inKernel, table, drains, deadline);
        }
        foreach ((string id, VirtualServerDefinition vs) in nextById)
        {
            if (!oldById.TryGetValue(id, out VirtualServerDefinition? before))
            {
                started.Add(id);
                foreach (VirtualService s in Desired(vs, next))
                    Converge(s, vs, inKernel, null, table, drains, deadline);
                continue;
            }
            bool same = DirectorReloadPlan.SameDefinition(before, vs) && SameGroup(before, old, vs, next);
            if (same)
            {
                unchanged++;
                foreach (VirtualServiceKey key in DirectorIpvsTable.Keys(vs, next))
                    Repair(vs, key, inKernel, table, repairs);
                continue;
            }
            IReadOnlyList<VirtualService> desired = Desired(vs, next);
            restarted.Add(id);
            var oldKeys = DirectorIpvsTable.Keys(before, old).ToHashSet();
            foreach (VirtualService s in desired)
                Converge(s, vs, inKernel, oldKeys.Contains(s.Key) ? before : null, table, drains, deadline);
            foreach (VirtualServiceKey gone in oldKeys.Except(desired.Select(s => s.Key)))
                DrainService(gone, inKernel, table, drains, deadline);
        }
        // Nothing is removed here (replace: false): what goes is drained at weight 0, removed by the drain poll.
        // A service drained whole that the new file names again (under another virtual_server) stays.
        drains.RemoveAll(d => d.RealServer is null && !table.IsDrainedWhole(d.Service));
        IpvsPlan ipvs = DesiredStatePlanner.Plan(new IpvsSnapshot { Services = table.Current }, new IpvsSnapshot { Services = table.Desired }, replace: false);

        var oldInstances = old.VrrpInstances.ToDictionary(i => i.Name);
        var stoppedInstances = new List<string>();
        var startedInstances = new List<string>();
        var tunedInstances = new List<VrrpInstanceTuning>();
        foreach (VrrpInstanceDefinition i in next.VrrpInstances)
        {
            if (oldInstances.TryGetValue(i.Name, out VrrpInstanceDefinition? was) && SameInstance(was, old, i, next))
            {
                unchanged++;
                continue;
            }
            if (was is not null && VrrpInstanceTuning.Between(was, i, (a, b) => SameInstance(a, old, b, next)) is { } tuning)
            {
                tunedInstances.Add(tuning);
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
            Ipvs = ipvs,
            Drains = drains,
            RestartedChecks = restarted,
            StoppedChecks = stopped,
            StartedChecks = started,
            StoppedInstances = stoppedInstances,
            StartedInstances = startedInstances,
            TunedInstances = tunedInstances,
            Timeouts = t is not null && !DirectorReloadPlan.SameDefinition(t, old.Global.LvsTimeouts) ? new IpvsTimeouts(t.TcpSeconds ?? 0, t.TcpFinSeconds ?? 0, t.UdpSeconds ?? 0) : null,
            Repairs = repairs,
            Unchanged = unchanged,
        };
    }

    private static VirtualService[] Desired(VirtualServerDefinition vs, DirectorConfiguration configuration)
        => DirectorIpvsTable.Keys(vs, configuration).Select(k => DirectorIpvsTable.Service(vs, k)).ToArray();

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

    /// <summary>
    /// A kept or new service: made to match the file, except that a kept real server keeps the weight its checks gave it
    /// unless the file changed it; real servers the file dropped go to weight 0 and are drained.
    /// </summary>
    private static void Converge(VirtualService desired, VirtualServerDefinition vs, KernelTable inKernel, VirtualServerDefinition? before,
        TouchedTable table, List<DirectorDrain> drains, DateTimeOffset deadline)
    {
        if (!inKernel.TryGetFull(desired.Key, out VirtualService? current))
        {
            table.Want(desired);
            return;
        }
        var realServers = new List<RealServer>();
        foreach (RealServer rs in desired.RealServers)
        {
            RealServer? now = current.RealServers.FirstOrDefault(r => DirectorReloadPlan.Same(r, rs));
            realServers.Add(now is null || !SameAttributes(now, rs) || WeightChanged(before, rs) ? rs : rs with { Weight = now.Weight });
        }
        // Configured real servers out of the table (an alpha checker down, the sorry server) are the checks' business, not drained.
        RealServer[] configured = vs.RealServers.Append(vs.SorryServer).OfType<RealServerDefinition>().Select(r => DirectorIpvsTable.RealServer(r, desired.Key, r.Weight)).ToArray();
        foreach (RealServer gone in current.RealServers.Where(r => !configured.Any(d => DirectorReloadPlan.Same(d, r))))
        {
            realServers.Add(gone with { Weight = 0 });
            drains.Add(new DirectorDrain(desired.Key, gone with { Weight = 0 }, deadline));
        }
        table.Have(current);
        table.Want(desired with { RealServers = realServers });
    }

    private static void DrainService(VirtualServiceKey key, KernelTable inKernel, TouchedTable table, List<DirectorDrain> drains, DateTimeOffset deadline)
    {
        if (!inKernel.TryGetFull(key, out VirtualService? current))
            return;
        table.Have(current);
        table.Want(current with { RealServers = current.RealServers.Select(r => r with { Weight = 0 }).ToArray() }, drainedWhole: true);
        drains.Add(new DirectorDrain(key, null, deadline));
    }

    /// <summary>An unchanged virtual server: its checks own the real servers' weights; the service itself is put back if edited or removed by hand.</summary>
    private static void Repair(VirtualServerDefinition vs, VirtualServiceKey key, KernelTable inKernel, TouchedTable table, List<string> repairs)
    {
        if (!inKernel.TryGetValue(key, out VirtualService? current))
        {
            repairs.Add($"service {key} was removed outside the director: added back with its real servers");
            table.Want(DirectorIpvsTable.Service(vs, key));
            return;
        }
        // Its real servers are neither read nor compared: both sides without them.
        VirtualService bare = DirectorIpvsTable.Service(vs, key, withRealServers: false);
        if (!IpvsSettings.Same(current, bare))
        {
            repairs.Add($"service {key} was changed outside the director (scheduler {current.Scheduler}{(current.Persistent ? $", persistent {current.PersistenceTimeout} s" : "")}): set back to the file");
            table.Have(current with { RealServers = [] });
            table.Want(bare);
            return;
        }
        table.Keep(current.RealServers.Count == 0 ? current : current with { RealServers = [] }, bare);
    }

    private static bool SameAttributes(RealServer a, RealServer b)
        => a.Forwarding == b.Forwarding && a.UpperThreshold == b.UpperThreshold && a.LowerThreshold == b.LowerThreshold
        && (a.Forwarding != ForwardingMethod.Tunnel || (a.TunnelType == b.TunnelType && a.TunnelPort == b.TunnelPort && a.TunnelChecksum == b.TunnelChecksum));

    private static bool WeightChanged(VirtualServerDefinition? before, RealServer rs)
        => before?.RealServers.FirstOrDefault(r => r.Address.Equals(rs.Address) && (r.Port == rs.Port || r.Forwarding is ForwardingMethod.Route or ForwardingMethod.Tunnel)) is not { } was
        || was.Weight != rs.Weight;

    /// <summary>The services a reload touches, as the kernel has them and as they are to be: the two sides given to the planner.</summary>
    /// <remarks>
    /// A service kept as it runs (unchanged, and the kernel agrees) is set aside rather than given to the planner, which
    /// would find nothing to do for it: 99 services of 100 in a large reload. Should the new file name it again under another
    /// virtual_server, it joins the table first, as it would have been.
    /// </remarks>
    private sealed class TouchedTable
    {
        private readonly Dictionary<VirtualServiceKey, VirtualService> _current = new();
        private readonly Dictionary<VirtualServiceKey, VirtualService> _desired = new();
        private readonly Dictionary<VirtualServiceKey, (VirtualService Current, VirtualService Desired)> _kept = new();
        private readonly HashSet<VirtualServiceKey> _drainedWhole = new();

        public IReadOnlyList<VirtualService> Current => _current.Values.ToArray();
        public IReadOnlyList<VirtualService> Desired => _desired.Values.ToArray();

        public void Have(VirtualService current)
        {
            Join(current.Key);
            _current.TryAdd(current.Key, current);
        }

        /// <summary>A service whose kernel settings are already the desired ones, real servers aside (both sides without them).</summary>
        public void Keep(VirtualService current, VirtualService desired)
        {
            if (_current.ContainsKey(desired.Key) || _desired.ContainsKey(desired.Key) || _kept.ContainsKey(desired.Key))
            {
                Have(current);
                Want(desired);
                return;
            }
            _kept[desired.Key] = (current, desired);
        }

        private void Join(VirtualServiceKey key)
        {
            if (!_kept.Remove(key, out (VirtualService Current, VirtualService Desired) kept))
                return;
            _current.TryAdd(key, kept.Current);
            _desired[key] = kept.Desired;
        }

        /// <summary>The last word on a service wins: a virtual_server of the new file over the drain of a removed one with the same service.</summary>
        public void Want(VirtualService desired, bool drainedWhole = false)
        {
            Join(desired.Key);
            _desired[desired.Key] = desired;
            if (drainedWhole)
                _drainedWhole.Add(desired.Key);
            else
                _drainedWhole.Remove(desired.Key);
        }

        public bool IsDrainedWhole(VirtualServiceKey key) => _drainedWhole.Contains(key);
    }

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
