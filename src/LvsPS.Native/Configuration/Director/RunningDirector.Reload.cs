using LvsPS.Native.DesiredState;
using LvsPS.Native.Health;
using LvsPS.Native.Health.Engine;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Netlink;
using LvsPS.Native.RouteNetlink;
using LvsPS.Native.Runtime;
using LvsPS.Native.Vrrp;

namespace LvsPS.Native.Configuration.Director;

/// <summary>The outcome of a reload: the plan that was carried out and what the kernel refused of it.</summary>
public sealed record DirectorReloadResult(DirectorReloadPlan Plan, IReadOnlyList<string> Errors, IReadOnlyList<string> Notes);

public sealed partial class RunningDirector
{
    private readonly List<DirectorDrain> _drains = new();
    private readonly object _reloading = new();
    private Timer? _drainTimer;
    private int _polling;

    /// <summary>Real servers and services removed by a reload that still wait for their connections to end.</summary>
    public IReadOnlyList<DirectorDrain> PendingDrains { get { lock (_sync) return _drains.ToArray(); } }
    public int Reloads { get; private set; }

    /// <summary>What <see cref="Reload(DirectorConfiguration)"/> would do, changing nothing. Throws as <see cref="Start"/> does for a configuration that cannot run.</summary>
    public DirectorReloadPlan PlanReload(DirectorConfiguration next)
    {
        using IIpvsClient client = _options.OpenIpvs(NetworkNamespace);
        DirectorReloadPlan plan = PlanAgainst(client, next, client.GetVirtualServices(includeRealServers: false));
        Prepared prepared = Prepare(next, _options, new List<string>(), Checked(plan));
        return WithStaticAddresses(plan, prepared);
    }

    /// <summary>
    /// Runs <paramref name="next"/> instead of the current configuration, sending only the
    /// difference: unchanged virtual servers and VRRP instances keep running untouched (states,
    /// timers); changed ones are edited in place and their checks (or instance) restarted; removed
    /// real servers and services are drained. A configuration that cannot run throws before
    /// anything changes.
    /// </summary>
    public DirectorReloadResult Reload(DirectorConfiguration next) => Reload(next, _ => true)!;

    /// <summary>
    /// <see cref="Reload(DirectorConfiguration)"/>, asking <paramref name="approve"/> with the plan before anything changes
    /// (planned once: -WhatIf and -Confirm see the plan that is carried out); null when it says no.
    /// </summary>
    public DirectorReloadResult? Reload(DirectorConfiguration next, Func<DirectorReloadPlan, bool> approve) => Reload(() => next, approve);

    /// <summary>
    /// <see cref="Reload(DirectorConfiguration, Func{DirectorReloadPlan, bool})"/> of the configuration <paramref name="read"/>
    /// returns, read on the caller's thread while the kernel's services are dumped on another (a 10,000-service table takes
    /// about as long to dump as its file to read); null when <paramref name="read"/> returns null (a file with errors:
    /// nothing changes) or <paramref name="approve"/> says no. What <paramref name="read"/> throws propagates as it is.
    /// </summary>
    public DirectorReloadResult? Reload(Func<DirectorConfiguration?> read, Func<DirectorReloadPlan, bool> approve)
    {
        lock (_reloading)
        {
            if (!IsRunning)
                throw new InvalidOperationException($"The director '{Name}' is stopped.");
            using IIpvsClient client = _options.OpenIpvs(NetworkNamespace);
            Task<IReadOnlyList<VirtualService>> kernel = Task.Run(() => client.GetVirtualServices(includeRealServers: false));
            DirectorConfiguration? next;
            try
            {
                next = read();
            }
            finally
            {
                // The client is used (and disposed) only once its dump has ended.
                ((IAsyncResult)kernel).AsyncWaitHandle.WaitOne();
                _ = kernel.Exception;
            }
            if (next is null)
                return null;
            // Planned first (it only reads the kernel): only what it restarts or starts is prepared, before anything changes.
            DirectorReloadPlan plan = PlanAgainst(client, next, kernel.GetAwaiter().GetResult());
            var notes = new List<string>();
            Prepared prepared = Prepare(next, _options, notes, Checked(plan));
            plan = WithStaticAddresses(plan, prepared);
            if (!approve(plan))
                return null;

            foreach (string name in plan.StoppedInstances)
                if (Take(_instances, name) is { } instance)
                    instance.StopAsync().GetAwaiter().GetResult();
            foreach (string id in plan.StoppedChecks.Concat(plan.RestartedChecks))
                if (Take(_engines, id) is { } engine)
                    engine.StopAsync(HealthStopMode.Leave).GetAwaiter().GetResult();

            var errors = new List<string>();
            try
            {
                if (!plan.Ipvs.IsEmpty)
                    errors.AddRange(new PlanApplier(client).Apply(plan.Ipvs).Outcomes.Where(o => o.Status != StepStatus.Applied).Select(NotApplied));
                if (plan.Timeouts is { } t)
                    client.SetTimeouts(t);
            }
            catch (Exception e) when (e is IpvsException or NetlinkException or IpvsValidationException)
            {
                errors.Add(e.Message);
            }
            ReloadStaticAddresses(plan.StaticAddresses, prepared.StaticAddresses, errors);
            IReadOnlyList<VirtualService> table = DirectorIpvsTable.Initial(next);
            lock (_sync)
            {
                // A drain ends when the new file names the real server or service again.
                _drains.RemoveAll(d => plan.Drains.Any(p => p.Service == d.Service && SameTarget(p, d)) || StillWanted(d, table));
                _drains.AddRange(plan.Drains);
                Configuration = next;
                Table = table;
                Notes = notes;
            }
            foreach (string id in plan.RestartedChecks.Concat(plan.StartedChecks))
                if (prepared.Checks.TryGetValue(id, out IReadOnlyList<HealthCheckedService>? services))
                    StartChecks(id, services);
            foreach (DirectorVrrpInstance i in prepared.Vrrp.Where(i => plan.StartedInstances.Contains(i.Options.Name)))
                StartInstance(i);
            foreach (VrrpInstanceTuning tuning in plan.TunedInstances)
                Tune(tuning, prepared);
            Reloads++;
            return new DirectorReloadResult(plan, errors, notes);
        }
    }

    /// <summary>Sets a running instance's priority or preemption in place; one that is not running (any more) starts from the new file.</summary>
    private void Tune(VrrpInstanceTuning tuning, Prepared prepared)
    {
        VrrpInstance? instance;
        lock (_sync)
            _instances.TryGetValue(tuning.Name, out instance);
        if (instance is not null && TryTune(instance, tuning))
            return;
        Take(_instances, tuning.Name);
        StartInstance(prepared.Vrrp.Single(i => i.Options.Name == tuning.Name));
    }

    private static bool TryTune(VrrpInstance instance, VrrpInstanceTuning tuning)
    {
        try
        {
            if (tuning.Priority is { } priority)
                instance.SetPriority(priority);
            if (tuning.Preempt is { } preempt)
                instance.SetPreempt(preempt, tuning.PreemptDelay);
            return true;
        }
        catch (WorkerStoppedException)
        {
            return false;
        }
    }

    /// <summary>The virtual servers whose checks a plan (re)starts.</summary>
    private static HashSet<string> Checked(DirectorReloadPlan plan) => plan.RestartedChecks.Concat(plan.StartedChecks).ToHashSet(StringComparer.Ordinal);

    /// <summary>Against the kernel's services (one dump, without real servers); real servers read only for the services the reload touches.</summary>
    private DirectorReloadPlan PlanAgainst(IIpvsClient client, DirectorConfiguration next, IReadOnlyList<VirtualService> kernel)
        => DirectorReloadPlanner.Plan(Configuration, next, kernel, _options.DrainTimeout, DateTimeOffset.Now, client.GetRealServers);

    /// <summary>The plan with the addresses when the old or new file has static ones.</summary>
    private DirectorReloadPlan WithStaticAddresses(DirectorReloadPlan plan, Prepared prepared)
    {
        IReadOnlyList<StaticAddress> owned = StaticAddresses;
        if (owned.Count == 0 && prepared.StaticAddresses.Count == 0)
            return plan;
        using IRouteNetlink route = _options.OpenRoute(NetworkNamespace);
        return plan with { StaticAddresses = DirectorStaticAddresses.Plan(owned, prepared.StaticAddresses, route.GetAddresses()) };
    }

    /// <summary>keepalived's reload: the director's addresses the new file drops are removed, the new file's missing ones added.</summary>
    private void ReloadStaticAddresses(StaticAddressPlan plan, IReadOnlyList<StaticAddress> wanted, List<string> errors)
    {
        IReadOnlyList<StaticAddress> owned = StaticAddresses;
        if (owned.Count == 0 && wanted.Count == 0)
            return;
        try
        {
            using IRouteNetlink route = _options.OpenRoute(NetworkNamespace);
            owned = DirectorStaticAddresses.Apply(route, plan, owned, wanted, errors);
        }
        catch (NetlinkException e)
        {
            errors.Add($"static_ipaddress: {e.Message}");
        }
        lock (_sync)
            _staticAddresses = owned;
    }

    private static string NotApplied(StepOutcome o) => o.Status switch
    {
        StepStatus.HeldBack => $"{o.Step.Target}: held back, as it would have left its service without a real server taking connections after an addition failed",
        _ => o.Error?.Message ?? $"{o.Step.Target}: {o.Status}",
    };

    private T? Take<T>(Dictionary<string, T> map, string key) where T : class
    {
        lock (_sync)
            return map.Remove(key, out T? value) ? value : null;
    }

    private static bool SameTarget(DirectorDrain a, DirectorDrain b)
        => a.RealServer is null ? b.RealServer is null : b.RealServer is not null && DirectorReloadPlan.Same(a.RealServer, b.RealServer);

    private static bool StillWanted(DirectorDrain d, IReadOnlyList<VirtualService> table)
        => table.FirstOrDefault(s => s.Key == d.Service) is { } s && (d.RealServer is null || s.RealServers.Any(r => DirectorReloadPlan.Same(r, d.RealServer)));

    private void StartDrainPolling() => _drainTimer = new Timer(_ => { RestoreStaticAddresses(); PollDrains(); }, null, _options.DrainPoll, _options.DrainPoll);

    /// <summary>
    /// keepalived puts a static address deleted by hand back at once (its netlink monitor, reinstate_static_address;
    /// not with no_track): the director looks at each poll. Skipped while a reload or the stop holds the addresses.
    /// </summary>
    private void RestoreStaticAddresses()
    {
        if (StaticAddresses.All(a => !a.Tracked) || !Monitor.TryEnter(_reloading))
            return;
        try
        {
            StaticAddress[] tracked = StaticAddresses.Where(a => a.Tracked).ToArray();
            if (tracked.Length == 0 || !IsRunning)
                return;
            using IRouteNetlink route = _options.OpenRoute(NetworkNamespace);
            StaticAddressPlan missing = DirectorStaticAddresses.Plan(tracked, tracked, route.GetAddresses());
            foreach (StaticAddress a in missing.Add)
            {
                try
                {
                    route.AddAddress(a.InterfaceIndex, a.Address, a.PrefixLength, a.Scope, a.Label);
                    Interlocked.Increment(ref _staticAddressesRestored);
                }
                catch (NetlinkException)
                {
                    // Tried again at the next poll (EEXIST: back already).
                }
            }
        }
        catch (Exception e) when (e is NetlinkException or ObjectDisposedException)
        {
            // Tried again at the next poll.
        }
        finally
        {
            Monitor.Exit(_reloading);
        }
    }

    private int _staticAddressesRestored;

    /// <summary>Static addresses put back after they were deleted from their interface behind the director's back.</summary>
    public int StaticAddressesRestored => Volatile.Read(ref _staticAddressesRestored);

    private void StopDrainPolling() => _drainTimer?.Dispose();

    /// <summary>Removes what drained: no connection left (active or inactive), or past its deadline.</summary>
    private void PollDrains()
    {
        if (PendingDrains.Count == 0 || Interlocked.Exchange(ref _polling, 1) == 1)
            return;
        // Never while a reload runs (it is tried again at the next poll): IPVS dumps its services in parts and skips those
        // removed between two parts, which the reload would take for services removed by hand and add back (EEXIST: the
        // bench's back-to-back reloads showed both); and a drain the reload ends must not be carried out meanwhile.
        if (!Monitor.TryEnter(_reloading))
        {
            Volatile.Write(ref _polling, 0);
            return;
        }
        try
        {
            using IIpvsClient client = _options.OpenIpvs(NetworkNamespace);
            foreach (IGrouping<VirtualServiceKey, DirectorDrain> service in PendingDrains.GroupBy(d => d.Service))
            {
                VirtualService? now = client.GetVirtualService(service.Key);
                foreach (DirectorDrain d in service)
                {
                    bool late = DateTimeOffset.Now >= d.Deadline;
                    if (now is null)
                        Done(d);
                    else if (d.RealServer is null)
                    {
                        if (late || now.RealServers.All(r => r.ActiveConnections + r.InactiveConnections == 0))
                        {
                            client.RemoveVirtualService(now.Key);
                            Done(d);
                        }
                    }
                    else if (now.RealServers.FirstOrDefault(r => DirectorReloadPlan.Same(r, d.RealServer)) is not { } rs)
                        Done(d);
                    else if (late || rs.ActiveConnections + rs.InactiveConnections == 0)
                    {
                        client.RemoveRealServer(now.Key, rs.Address, rs.Port);
                        Done(d);
                    }
                }
            }
        }
        catch (Exception e) when (e is IpvsException or NetlinkException or IpvsValidationException or ObjectDisposedException)
        {
            // Tried again at the next poll.
        }
        finally
        {
            Monitor.Exit(_reloading);
            Volatile.Write(ref _polling, 0);
        }
    }

    private void Done(DirectorDrain d)
    {
        lock (_sync)
            _drains.Remove(d);
    }
}
