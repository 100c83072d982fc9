using LvsPS.Native.Health;
using LvsPS.Native.Health.Engine;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Netlink;
using LvsPS.Native.RouteNetlink;
using LvsPS.Native.Runtime;
using LvsPS.Native.Vrrp;

namespace LvsPS.Native.Configuration.Director;

/// <summary>
/// A whole configuration run as a director in this process, as keepalived runs it: the IPVS table
/// (lvs_flush first when asked, lvs_timeouts), one health engine per virtual_server (all sharing a
/// pool of at most 4 loop threads), and the
/// VRRP instances with their sync groups and the sync daemon. Everything is validated before
/// anything is touched, so a configuration that cannot run changes nothing. Stop: VRRP hands over,
/// checks stop, then every configured service is removed (or the whole table flushed with
/// lvs_flush_on_stop), as keepalived does. <see cref="Reload(DirectorConfiguration)"/> sends only the difference, keeps
/// what did not change running untouched and drains what was removed (partial: DirectorReload.cs).
/// </summary>
public sealed partial class RunningDirector : IWorker
{
    public const string WorkerKind = "director";

    private readonly DirectorRunOptions _options;
    private readonly Dictionary<string, VrrpInstance> _instances = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HealthEngine> _engines = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _sync = new();
    private HealthLoopPool? _healthLoops;
    private Task? _stopping;
    private IReadOnlyList<StaticAddress> _staticAddresses = [];

    private RunningDirector(DirectorConfiguration configuration, DirectorRunOptions options, IReadOnlyList<string> notes)
    {
        Configuration = configuration;
        _options = options;
        Notes = notes;
        Table = DirectorIpvsTable.Initial(configuration);
    }

    public string Kind => WorkerKind;
    public string Name => _options.Name;
    public string? NetworkNamespace => _options.NetworkNamespace;
    public string? SourcePath => _options.SourcePath;
    public ShutdownStage ShutdownStage => ShutdownStage.Other;
    public bool IsRunning => !_stopped.Task.IsCompleted && _stopping is null;
    public DateTimeOffset StartedAt { get; } = DateTimeOffset.Now;
    /// <summary>The configuration it runs (the last one reloaded).</summary>
    public DirectorConfiguration Configuration { get; private set; }
    /// <summary>What LvsPS leaves out of the configuration (checkers and options it does not run).</summary>
    public IReadOnlyList<string> Notes { get; private set; }
    /// <summary>The IPVS services the configuration asks for (at start, or at the last reload).</summary>
    public IReadOnlyList<VirtualService> Table { get; private set; }
    /// <summary>What the kernel refused at start (the rest runs).</summary>
    public IReadOnlyList<string> StartErrors { get; private set; } = [];
    /// <summary>One health engine per virtual_server that has checks (named DIRECTOR/VIRTUAL-SERVER), so a reload restarts only the changed ones.</summary>
    public IReadOnlyList<HealthEngine> HealthEngines { get { lock (_sync) return _engines.Values.ToArray(); } }
    public IReadOnlyList<VrrpInstance> VrrpInstances { get { lock (_sync) return _instances.Values.ToArray(); } }
    /// <summary>The static_ipaddress addresses this director holds (removed at stop; as with keepalived, also ones an interface had before the start).</summary>
    public IReadOnlyList<StaticAddress> StaticAddresses { get { lock (_sync) return _staticAddresses; } }
    public Task Completion => _stopped.Task;

    /// <summary>
    /// Starts <paramref name="configuration"/>. Throws (with nothing changed) when a part cannot
    /// run: a check or VRRP instance that is not valid, an interface that is missing, IPVS that is
    /// not there; once IPVS has been changed, a later failure stops what started and removes the
    /// configured services again before the exception propagates.
    /// </summary>
    public static RunningDirector Start(DirectorConfiguration configuration, DirectorRunOptions options)
    {
        var notes = new List<string>();
        Prepared prepared = Prepare(configuration, options, notes);
        var director = new RunningDirector(configuration, options, notes);
        using (IIpvsClient client = options.OpenIpvs(options.NetworkNamespace))
            director.BuildTable(client);
        try
        {
            director.AddStaticAddresses(prepared.StaticAddresses);
            foreach ((string id, IReadOnlyList<HealthCheckedService> services) in prepared.Checks)
                director.StartChecks(id, services);
            foreach (DirectorVrrpInstance i in prepared.Vrrp)
                director.StartInstance(i);
            director.StartDrainPolling();
        }
        catch
        {
            director.StopAsync().GetAwaiter().GetResult();
            throw;
        }
        return director;
    }

    /// <summary>Everything a configuration runs, mapped and validated (throws before anything is touched).</summary>
    private sealed record Prepared(IReadOnlyDictionary<string, IReadOnlyList<HealthCheckedService>> Checks, IReadOnlyList<DirectorVrrpInstance> Vrrp,
        IReadOnlyList<StaticAddress> StaticAddresses);

    /// <summary>
    /// Maps and validates the checks of the virtual servers (by id) in <paramref name="checkedIds"/>, all when null, the
    /// VRRP instances and the static addresses. A reload passes those it restarts or starts: the others run on untouched,
    /// validated when they started (their definitions are the same), and only their notes are written again.
    /// </summary>
    private static Prepared Prepare(DirectorConfiguration configuration, DirectorRunOptions options, List<string> notes, IReadOnlySet<string>? checkedIds = null)
    {
        string? networkNamespace = options.NetworkNamespace;
        var checks = new Dictionary<string, IReadOnlyList<HealthCheckedService>>(StringComparer.Ordinal);
        foreach (VirtualServerDefinition vs in configuration.VirtualServers)
        {
            if (checkedIds is not null && !checkedIds.Contains(DirectorReloadPlanner.Id(vs, configuration)))
            {
                DirectorHealthChecks.AddNotes(vs, configuration, notes);
                continue;
            }
            HealthCheckedService[] services = DirectorIpvsTable.Keys(vs, configuration).Select(k => DirectorHealthChecks.Service(vs, k, configuration, notes)).ToArray();
            foreach (HealthCheckedService s in services)
                HealthCheckValidation.Validate(s);
            // Without checkers, a sorry server or quorum actions nothing can change: no engine (and no thread) for it.
            if (services.Any(s => s.SorryServer is not null || s.QuorumUp is not null || s.QuorumDown is not null || s.RealServers.Any(r => r.Checks.Count > 0)))
                checks[DirectorReloadPlanner.Id(vs, configuration)] = services;
        }
        IReadOnlyList<DirectorVrrpInstance> vrrp = DirectorVrrp.Instances(configuration, networkNamespace, notes);
        foreach (DirectorVrrpInstance i in vrrp)
            i.Options.Validate();
        if (vrrp.Count == 0 && configuration.StaticAddresses.Count == 0)
            return new Prepared(checks, vrrp, []);
        using IRouteNetlink route = options.OpenRoute(networkNamespace);
        CheckInterfaces(vrrp, route, networkNamespace);
        return new Prepared(checks, vrrp, DirectorStaticAddresses.Resolve(configuration, route, networkNamespace, notes));
    }

    /// <summary>A missing interface is found before IPVS is touched (the instances open their sockets only later).</summary>
    private static void CheckInterfaces(IReadOnlyList<DirectorVrrpInstance> vrrp, IRouteNetlink route, string? networkNamespace)
    {
        if (vrrp.Count == 0)
            return;
        IReadOnlyList<NetworkLink> links = route.GetLinks();
        foreach (VrrpInstanceOptions o in vrrp.Select(i => i.Options))
            if (!links.Any(l => l.Name == o.Interface))
                throw new VrrpValidationException(VrrpRule.InterfaceNotFound,
                    $"vrrp_instance {o.Name}: the interface '{o.Interface}' does not exist{(networkNamespace is null ? "" : $" in network namespace '{networkNamespace}'")}. Nothing was started or changed.");
    }

    private void BuildTable(IIpvsClient client)
    {
        GlobalSettings global = Configuration.Global;
        if (global.LvsFlush)
            client.Flush();
        if (global.LvsTimeouts is { } t)
            client.SetTimeouts(new IpvsTimeouts(t.TcpSeconds ?? 0, t.TcpFinSeconds ?? 0, t.UdpSeconds ?? 0));
        StartErrors = DirectorTableBuilder.Converge(client, Table);
    }

    /// <summary>static_ipaddress at start, whatever the VRRP states (keepalived); what the kernel refuses joins <see cref="StartErrors"/>.</summary>
    private void AddStaticAddresses(IReadOnlyList<StaticAddress> wanted)
    {
        if (wanted.Count == 0)
            return;
        using IRouteNetlink route = _options.OpenRoute(NetworkNamespace);
        var errors = new List<string>();
        StaticAddressPlan plan = DirectorStaticAddresses.Plan([], wanted, route.GetAddresses());
        IReadOnlyList<StaticAddress> owned = DirectorStaticAddresses.Apply(route, plan, [], wanted, errors);
        lock (_sync)
            _staticAddresses = owned;
        StartErrors = [.. StartErrors, .. errors];
    }

    /// <summary>A director's engines share a few loop threads (issue 12: 1,000 checked virtual servers, not 1,000 threads).</summary>
    private void StartChecks(string id, IReadOnlyList<HealthCheckedService> services)
    {
        HealthLoopPool pool;
        lock (_sync)
            pool = _healthLoops ??= new HealthLoopPool(Name, NetworkNamespace);
        var engine = new HealthEngine(services, new HealthEngineOptions
        {
            Name = $"{Name}/{id.Replace(' ', '-')}",
            NetworkNamespace = NetworkNamespace,
            Loop = pool.Next(),
            OpenIpvs = _options.OpenIpvs,
            IsVrrpMaster = name => VrrpInstances.FirstOrDefault(i => i.Name == name) is { } i ? i.State == VrrpState.Master : null,
        });
        engine.Start();
        lock (_sync)
            _engines[id] = engine;
        Register(engine);
    }

    private void StartInstance(DirectorVrrpInstance definition)
    {
        VrrpSyncGroup? group = definition.SyncGroup is null ? null : _options.SyncGroup?.Invoke(definition.SyncGroup) ?? new VrrpSyncGroup(definition.SyncGroup);
        VrrpInstance instance = VrrpInstance.Start(definition.Options, onStateChange: null, group);
        lock (_sync)
            _instances[instance.Name] = instance;
        Register(instance);
    }

    private void Register(IWorker worker)
    {
        if (_options.Register is { } register && !register(worker))
            throw new InvalidOperationException($"A {worker.Kind} named '{worker.Name}' is running already: stop it first, or give this director another name.");
    }

    /// <summary>VRRP instances stop (masters hand over), then the checks, then IPVS is cleaned as keepalived does at stop.</summary>
    public Task StopAsync()
    {
        lock (_sync)
            return _stopping ??= StopCoreAsync();
    }

    private async Task StopCoreAsync()
    {
        try
        {
            StopDrainPolling();
            await Task.WhenAll(VrrpInstances.Select(i => i.StopAsync())).ConfigureAwait(false);
            await Task.WhenAll(HealthEngines.Select(e => e.StopAsync(HealthStopMode.Leave))).ConfigureAwait(false);
            HealthLoopPool? loops;
            lock (_sync)
                loops = _healthLoops;
            if (loops is not null)
                await Task.Run(loops.Dispose).ConfigureAwait(false);
            await Task.Run(CleanTable).ConfigureAwait(false);
            await Task.Run(RemoveStaticAddresses).ConfigureAwait(false);
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    /// <summary>keepalived removes the static addresses it added when it stops (vrrp_daemon.c, "Clear static entries").</summary>
    private void RemoveStaticAddresses()
    {
        IReadOnlyList<StaticAddress> owned;
        lock (_reloading) // not while a poll puts one back
        lock (_sync)
            (owned, _staticAddresses) = (_staticAddresses, []);
        if (owned.Count == 0)
            return;
        try
        {
            using IRouteNetlink route = _options.OpenRoute(NetworkNamespace);
            DirectorStaticAddresses.RemoveAll(route, owned);
        }
        catch (NetlinkException)
        {
            // The namespace is gone: so are its addresses.
        }
    }

    private void CleanTable()
    {
        using IIpvsClient client = _options.OpenIpvs(NetworkNamespace);
        if (Configuration.Global.LvsFlushOnStop)
        {
            client.Flush();
            return;
        }
        try
        {
            IEnumerable<VirtualServiceKey> keys = Table.Select(s => s.Key).Concat(PendingDrains.Where(d => d.RealServer is null).Select(d => d.Service)).Distinct();
            client.Apply(keys.Select(k => IpvsChange.Remove(new VirtualService { Key = k })).ToArray());
        }
        catch (Exception e) when (e is IpvsException or NetlinkException)
        {
            // Stopping: what could not be removed stays, as after a killed keepalived.
        }
    }
}
