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
/// (lvs_flush first when asked, lvs_timeouts), one health engine for every virtual_server, and the
/// VRRP instances with their sync groups and the sync daemon. Everything is validated before
/// anything is touched, so a configuration that cannot run changes nothing. Stop: VRRP hands over,
/// checks stop, then every configured service is removed (or the whole table flushed with
/// lvs_flush_on_stop), as keepalived does.
/// </summary>
public sealed class RunningDirector : IWorker
{
    public const string WorkerKind = "director";

    private readonly DirectorRunOptions _options;
    private readonly List<VrrpInstance> _instances = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _sync = new();
    private Task? _stopping;

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
    public DirectorConfiguration Configuration { get; }
    /// <summary>What LvsPS leaves out of the configuration (checkers and options it does not run).</summary>
    public IReadOnlyList<string> Notes { get; }
    /// <summary>The IPVS services the configuration asked for at start.</summary>
    public IReadOnlyList<VirtualService> Table { get; }
    /// <summary>What the kernel refused at start (the rest runs).</summary>
    public IReadOnlyList<string> StartErrors { get; private set; } = [];
    public HealthEngine? Health { get; private set; }
    public IReadOnlyList<VrrpInstance> VrrpInstances { get { lock (_sync) return _instances.ToArray(); } }
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
        IReadOnlyList<HealthCheckedService> checkedServices = DirectorHealthChecks.Services(configuration, notes);
        foreach (HealthCheckedService s in checkedServices)
            HealthCheckValidation.Validate(s);
        IReadOnlyList<DirectorVrrpInstance> vrrp = DirectorVrrp.Instances(configuration, options.NetworkNamespace, notes);
        foreach (DirectorVrrpInstance i in vrrp)
            i.Options.Validate();
        CheckInterfaces(vrrp, options.NetworkNamespace);
        if (configuration.StaticAddresses.Count > 0)
            notes.Add($"static_ipaddress: {configuration.StaticAddresses.Count} address(es) not added by LvsPS (add them with ip addr).");

        var director = new RunningDirector(configuration, options, notes);
        using (IIpvsClient client = options.OpenIpvs(options.NetworkNamespace))
            director.BuildTable(client);
        try
        {
            if (checkedServices.Count > 0)
                director.StartHealth(checkedServices);
            foreach (DirectorVrrpInstance i in vrrp)
                director.StartInstance(i);
        }
        catch
        {
            director.StopAsync().GetAwaiter().GetResult();
            throw;
        }
        return director;
    }

    /// <summary>A missing interface is found before IPVS is touched (the instances open their sockets only later).</summary>
    private static void CheckInterfaces(IReadOnlyList<DirectorVrrpInstance> vrrp, string? networkNamespace)
    {
        if (vrrp.Count == 0)
            return;
        using RouteNetlinkClient links = RouteNetlinkClient.Open(networkNamespace);
        foreach (VrrpInstanceOptions o in vrrp.Select(i => i.Options))
            if (links.FindLink(o.Interface) is null)
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

    private void StartHealth(IReadOnlyList<HealthCheckedService> services)
    {
        var engine = new HealthEngine(services, new HealthEngineOptions
        {
            Name = Name,
            NetworkNamespace = NetworkNamespace,
            OpenIpvs = _options.OpenIpvs,
            IsVrrpMaster = name => VrrpInstances.FirstOrDefault(i => i.Name == name) is { } i ? i.State == VrrpState.Master : null,
        });
        engine.Start();
        Health = engine;
        Register(engine);
    }

    private void StartInstance(DirectorVrrpInstance definition)
    {
        VrrpSyncGroup? group = definition.SyncGroup is null ? null : _options.SyncGroup?.Invoke(definition.SyncGroup) ?? new VrrpSyncGroup(definition.SyncGroup);
        VrrpInstance instance = VrrpInstance.Start(definition.Options, onStateChange: null, group);
        lock (_sync)
            _instances.Add(instance);
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
            await Task.WhenAll(VrrpInstances.Select(i => i.StopAsync())).ConfigureAwait(false);
            if (Health is { } engine)
                await engine.StopAsync(HealthStopMode.Leave).ConfigureAwait(false);
            await Task.Run(CleanTable).ConfigureAwait(false);
        }
        finally
        {
            _stopped.TrySetResult();
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
            client.Apply(Table.Select(s => IpvsChange.Remove(s with { RealServers = [] })).ToArray());
        }
        catch (Exception e) when (e is IpvsException or NetlinkException)
        {
            // Stopping: what could not be removed stays, as after a killed keepalived.
        }
    }
}
