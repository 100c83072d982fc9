using System.Management.Automation;
using LvsPS.Health;
using LvsPS.Native.Health;
using LvsPS.Native.Health.Engine;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Text;
using LvsPS.Vrrp;

namespace LvsPS.Commands;

/// <summary>Starts health checks on the real servers of virtual services, with keepalived's rules: a dead real server leaves IPVS.</summary>
/// <remarks>
/// <para>Start-LvsHealthCheck checks every real server of the services given (or the real servers piped from
/// Get-LvsRealServer) in the background of this pwsh process and changes IPVS as keepalived's checker does:
/// a real server whose check fails Retry + 1 times in a row is removed (ipvsadm -Ln no longer lists it; with -InhibitOnFailure its weight goes
/// to 0 instead) and comes back with its weight after one pass. Every real server starts in service; the first
/// failure takes it out at once (-Alpha: it starts out and joins after its first pass).</para>
/// <para>The check: -Type Tcp (the default: the connection completes), Http and Https (GET -Url, status codes
/// -StatusCode, MD5 -Digest of the body, -VirtualHost, -HttpProtocol, keepalived's request byte for byte), Dns,
/// Smtp, Udp, Ping (ICMP/ICMPv6 echo), Script (-Command or -ScriptBlock; exit 0 passes, -DynamicWeight takes the
/// weight from the exit code) or File (a number in -Path changes the weight). The type follows from the options
/// when omitted. Several checks per real server: build them with New-LvsHealthCheck and pass -Check; the real
/// server is alive while all of them pass. keepalived's defaults apply: -Interval 60 s, -Retry 1 (Dns 3,
/// Script 0), -DelayBeforeRetry 1 s (Http 3 s), -ConnectTimeout 5 s (each connect, write and read).</para>
/// <para>For the service: -Quorum and -Hysteresis (the sum of live weights it needs), -SorryServer (weight 1
/// while the quorum is lost; the alive real servers are taken out meanwhile), -OnRealServerUp/-Down and
/// -OnQuorumUp/-Down (a command line or a script block, not awaited), -Omega (the down actions also run at
/// stop), -HaSuspend (checks pause while the service address is on no local interface), -VrrpInstance (checks
/// pause while that Start-LvsVrrpInstance instance is not master), -SlowStart (a returning real server's weight
/// climbs from 1 over that many seconds). A real server shared by several services piped together is probed
/// once.</para>
/// <para>The checks run until Stop-LvsHealthCheck (or pwsh exits: IPVS is then left as it is). -Wait blocks
/// until Ctrl+C, for a systemd unit. Get-LvsHealthCheck shows state, last result and latency; Wait-LvsHealthCheck
/// waits for a state. Bad parameters (a port out of range, status code 99, a script that does not exist, an
/// Https option on a Tcp check, a real server already checked) stop the command before anything starts.</para>
/// </remarks>
/// <example title="keepalived's TCP_CHECK on every real server of a service">
/// <code>Start-LvsHealthCheck tcp/10.0.0.3:80 -Interval 2 -ConnectTimeout 1</code>
/// <para>Connects to each real server every 2 s. A real server that refuses or does not answer within 1 s twice in
/// a row (retry 1) is removed from IPVS (ipvsadm -Ln no longer lists it) and added back after one good connect.</para>
/// </example>
/// <example title="HTTP_GET with a status code and a digest, inhibit instead of removal">
/// <code>Start-LvsHealthCheck tcp/10.0.0.3:80 -Url /health -StatusCode 200,204 -Digest 9a0364b9e99bb480dd25e1f0284c8555 -VirtualHost www.example.org -InhibitOnFailure -Name web</code>
/// <para>GETs /health with Host: www.example.org; a real server passes with status 200 or 204 and a body whose MD5 is
/// the one given (Test-LvsHealthCheck or keepalived's genhash print it). A failing one stays in IPVS with weight 0,
/// so its established connections drain, and gets its weight back when it passes again.</para>
/// </example>
/// <example title="Two checks per real server, a quorum and a sorry server">
/// <code>
/// $checks = (New-LvsHealthCheck -Url /ready -Interval 1), (New-LvsHealthCheck -Command '/usr/local/bin/db-ok' -Interval 5)
/// Get-LvsRealServer tcp/10.0.0.3:80 | Start-LvsHealthCheck -Check $checks -Quorum 2 -SorryServer 10.0.0.99:80 -OnQuorumDown { param($event) Add-Content /var/log/lvs.log "quorum lost: $args" }
/// </code>
/// <para>A real server is alive while both its HTTP check and its script pass. While the live weight is below 2,
/// the sorry server 10.0.0.99:80 serves alone and the script block logs it.</para>
/// </example>
/// <example title="A different check per real server">
/// <code>
/// $web = New-LvsHealthCheck -Url /health -Interval 2
/// Start-LvsHealthCheck tcp/10.0.0.3:80 -RealServerCheck @{ '10.0.0.7' = $web; '10.0.0.8' = $web, (New-LvsHealthCheck -Command /usr/local/bin/cache-ok) } -Quorum 1
/// </code>
/// <para>10.0.0.7 gets the HTTP check, 10.0.0.8 the HTTP check and a script; other real servers of the service have no
/// check (none of -Check or the check options is given) and stay in service, as a keepalived real_server without a checker.
/// The quorum counts all of them.</para>
/// </example>
/// <example title="As a systemd service next to VRRP">
/// <code>Start-LvsHealthCheck tcp/10.0.0.3:80 -Url /health -VrrpInstance VI_1 -Wait</code>
/// <para>Checks only while the VRRP instance VI_1 of this pwsh is master, and blocks until the unit stops.</para>
/// </example>
/// <input type="LvsPS.VirtualServiceIdentity">Services (identity text or Get-LvsVirtualService objects).</input>
/// <input type="LvsPS.LvsRealServer">Real servers from Get-LvsRealServer.</input>
/// <output type="LvsPS.Health.LvsHealthCheck">One object per real server and check, as Get-LvsHealthCheck shows them.</output>
/// <seealso cref="GetLvsHealthCheckCommand"/>
/// <seealso cref="StopLvsHealthCheckCommand"/>
/// <seealso cref="WaitLvsHealthCheckCommand"/>
/// <seealso cref="NewLvsHealthCheckCommand"/>
/// <seealso cref="TestLvsHealthCheckCommand"/>
[Cmdlet(VerbsLifecycle.Start, "LvsHealthCheck", DefaultParameterSetName = ServiceSet, SupportsShouldProcess = true)]
[OutputType(typeof(LvsHealthCheck))]
public sealed class StartLvsHealthCheckCommand : HealthCheckDefinitionCmdletBase
{
    private const string ServiceSet = "Service", RealServerSet = "RealServer";
    private readonly List<(string? Ns, RealServer RealServer)> _realServers = new();
    private readonly List<(string? Ns, VirtualServiceKey Key)> _services = new();

    /// <summary>The virtual services whose real servers to check: tcp/10.0.0.3:80, fwmark/3 or Get-LvsVirtualService objects. Every real server the kernel has for them now is checked.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ServiceSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, HelpMessage = "The virtual service whose real servers to check, such as tcp/10.0.0.3:80.")]
    [VirtualServiceTransformation]
    public VirtualServiceIdentity[] VirtualService { get; set; } = null!;

    /// <summary>Real servers to check, from Get-LvsRealServer.</summary>
    [Parameter(Mandatory = true, ParameterSetName = RealServerSet, ValueFromPipeline = true, HelpMessage = "Real servers from Get-LvsRealServer.")]
    public LvsRealServer[] InputObject { get; set; } = null!;

    /// <summary>Only these real servers of the services: addresses, with :port when a service has several on one address.</summary>
    [Parameter(ParameterSetName = ServiceSet)]
    [EndpointTransformation]
    [ValidateNotNullOrEmpty]
    public string[]? Address { get; set; }

    /// <summary>Checks built with New-LvsHealthCheck; each real server gets all of them (instead of the check options of this command).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public HealthCheck[]? Check { get; set; }

    /// <summary>Checks per real server: a hashtable from a real server's address (with :port to tell ports apart) to its checks from New-LvsHealthCheck, such as @{ '10.0.0.7' = $http; '10.0.0.8' = $tcp, $script }. Real servers it does not name get -Check or the check options (or no check: always alive). One set of checks, so quorum and sorry server see every real server.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public System.Collections.IDictionary? RealServerCheck { get; set; }

    /// <summary>A name for this set of checks (Get-, Stop-, Wait-LvsHealthCheck -Name); default health1, health2, ...</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>A failing real server keeps its place in IPVS with weight 0 instead of being removed (keepalived's inhibit_on_failure).</summary>
    [Parameter]
    public SwitchParameter InhibitOnFailure { get; set; }

    /// <summary>The sum of the weights of live real servers each service needs (keepalived's quorum; default 1).</summary>
    [Parameter]
    [ValidateRange(1, uint.MaxValue)]
    [UnsignedTransformation(1, uint.MaxValue)]
    public uint Quorum { get; set; } = 1;

    /// <summary>The quorum is lost below Quorum - Hysteresis and regained at Quorum + Hysteresis (default 0).</summary>
    [Parameter]
    [UnsignedTransformation(0, uint.MaxValue)]
    public uint Hysteresis { get; set; }

    /// <summary>The real server that serves alone (weight 1) while the quorum is lost: address[:port] (keepalived's sorry_server).</summary>
    [Parameter]
    [EndpointTransformation]
    [ValidateNotNullOrEmpty]
    public string? SorryServer { get; set; }

    /// <summary>Keep the sorry server in IPVS with weight 0 while the quorum holds (keepalived's sorry_server_inhibit).</summary>
    [Parameter]
    public SwitchParameter SorryServerInhibit { get; set; }

    /// <summary>Runs when a real server comes back: a command line (keepalived's notify_up) or a script block, which gets the event name, the service and the real server as $args.</summary>
    [Parameter]
    public object? OnRealServerUp { get; set; }

    /// <summary>Runs when a real server goes down (keepalived's notify_down).</summary>
    [Parameter]
    public object? OnRealServerDown { get; set; }

    /// <summary>Runs when a service regains its quorum (keepalived's quorum_up).</summary>
    [Parameter]
    public object? OnQuorumUp { get; set; }

    /// <summary>Runs when a service loses its quorum (keepalived's quorum_down).</summary>
    [Parameter]
    public object? OnQuorumDown { get; set; }

    /// <summary>At stop, run -OnRealServerDown for each live real server and -OnQuorumDown, 1 s each (keepalived's omega).</summary>
    [Parameter]
    public SwitchParameter Omega { get; set; }

    /// <summary>Pause the checks (their state frozen) while the service address is on no local interface (keepalived's ha_suspend).</summary>
    [Parameter]
    public SwitchParameter HaSuspend { get; set; }

    /// <summary>Pause the checks while this VRRP instance of this pwsh (Start-LvsVrrpInstance) is not master.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? VrrpInstance { get; set; }

    /// <summary>Seconds over which a real server that comes back climbs from weight 1 to its weight (not at start).</summary>
    [Parameter]
    [ValidateRange(0, 86400)]
    public double SlowStart { get; set; }

    /// <summary>Block until Ctrl+C (for a systemd unit or a scheduled job); the checks stop then, leaving IPVS as it is.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == RealServerSet)
        {
            foreach (LvsRealServer piped in InputObject)
            {
                if (piped.InputError is { } invalid)
                    WriteFailure(invalid, piped.Target);
                else
                    _realServers.Add((ResolveNamespace(piped.Record.NetworkNamespace), piped.Record));
            }
            return;
        }
        foreach (VirtualServiceIdentity id in VirtualService)
            _services.Add((ResolveNamespace(id.NetworkNamespace), id.Key));
    }

    protected override void EndProcessing()
    {
        try
        {
            Run();
        }
        finally
        {
            base.EndProcessing();
        }
    }

    private void Run()
    {
        if (Check is not null && DescribesCheck)
            Stop(ErrorMapper.Invalid(ErrorMapper.HealthCheckOptionConflict, "Give either -Check (checks from New-LvsHealthCheck) or check options such as -Type and -Url, not both."), null);
        HealthCheck[] checks;
        HealthCommand? up, down, quorumUp, quorumDown;
        try
        {
            checks = Check ?? (RealServerCheck is not null && !DescribesCheck ? Array.Empty<HealthCheck>() : new[] { BuildCheck() });
            _perRealServer = PerRealServer();
            up = ToHealthCommand(OnRealServerUp, "-OnRealServerUp");
            down = ToHealthCommand(OnRealServerDown, "-OnRealServerDown");
            quorumUp = ToHealthCommand(OnQuorumUp, "-OnQuorumUp");
            quorumDown = ToHealthCommand(OnQuorumDown, "-OnQuorumDown");
        }
        catch (Exception e) when (ErrorMapper.IsMapped(e))
        {
            Stop(e, null);
            return;
        }
        var byNamespace = Gather().GroupBy(x => x.Ns).ToList();
        if (byNamespace.Count == 0)
            Stop(ErrorMapper.Invalid(ErrorMapper.NoRealServerToCheck, "There is no real server to check: the services have none (add them with Add-LvsRealServer) or -Address matched none."), null);
        if (byNamespace.Count > 1)
            Stop(ErrorMapper.Invalid(ErrorMapper.HealthCheckOptionConflict, "The real servers come from several network namespaces; start one set of checks per namespace (-NetworkNamespace)."), null);
        string? ns = byNamespace[0].Key;
        foreach ((NetEndpoint endpoint, _) in _perRealServer)
            if (!byNamespace[0].Any(x => Matches(endpoint, x.RealServer)))
                Stop(ErrorMapper.Invalid(ErrorMapper.InvalidHealthCheck, $"-RealServerCheck names {endpoint}, which is no real server of the services checked; give the address of one (Get-LvsRealServer lists them)."), endpoint.ToString());
        var services = byNamespace[0].GroupBy(x => x.RealServer.VirtualService).Select(g => Service(g.Key, g.Select(x => x.RealServer), checks, up, down, quorumUp, quorumDown)).ToList();
        foreach (HealthCheckedService s in services)
            foreach (HealthCheckedRealServer rs in s.RealServers)
                if (HealthCheckRegistry.Checking(ns, s.Service.ToString(), rs.Endpoint) is { } other)
                    Stop(ErrorMapper.Invalid(ErrorMapper.HealthCheckExists, $"The real server {s.Service} -> {rs.Endpoint} is checked by '{other.Name}' already; stop it first (Stop-LvsHealthCheck {other.Name})."), rs.Endpoint);
        string name = Name ?? HealthCheckRegistry.NextName();
        if (HealthCheckRegistry.Find(name) is { IsRunning: true })
            Stop(ErrorMapper.Invalid(ErrorMapper.HealthCheckExists, $"Health checks named '{name}' are running already; pick another -Name or stop them (Stop-LvsHealthCheck {name})."), name);
        HealthEngine engine;
        try
        {
            engine = new HealthEngine(services, new HealthEngineOptions
            {
                Name = name,
                NetworkNamespace = ns,
                OpenIpvs = IpvsClients.OpenerForThisRunspace(),
                IsVrrpMaster = instance => VrrpRegistry.Find(instance) is { IsRunning: true } i ? i.State == Native.Vrrp.VrrpState.Master : null,
            });
        }
        catch (HealthCheckDefinitionException e)
        {
            Stop(e, e.Target);
            return;
        }
        int count = services.Sum(s => s.RealServers.Count);
        string what = string.Join(", ", services.SelectMany(s => s.RealServers).SelectMany(r => r.Checks).Select(c => c.Describe()).Distinct());
        if (what.Length == 0)
            what = "no check (always alive)";
        if (!ShouldProcess($"{string.Join(", ", services.Select(s => s.Service))} ({count} real server{(count == 1 ? "" : "s")})", $"Start health checks '{name}': {what}"))
            return;
        if (!HealthCheckRegistry.TryAdd(engine))
            Stop(ErrorMapper.Invalid(ErrorMapper.HealthCheckExists, $"Health checks named '{name}' are running already."), name);
        try
        {
            engine.Start();
        }
        catch (Exception e)
        {
            HealthCheckRegistry.Remove(engine);
            Stop(e, ns);
            return;
        }
        WriteVerbose($"Health checks '{name}' started: {engine.CheckCount} distinct check(s) for {count} real server(s) in {(ns is null ? "the current namespace" : $"namespace '{ns}'")}.");
        WriteObject(LvsHealthCheck.From(engine.GetStatus()), enumerateCollection: true);
        if (Wait)
        {
            try
            {
                engine.Completion.Wait(CancellationToken);
            }
            catch (OperationCanceledException)
            {
                engine.StopAsync(HealthStopMode.Leave).Wait(TimeSpan.FromSeconds(10));
            }
        }
    }

    private List<(NetEndpoint Endpoint, HealthCheck[] Checks)> _perRealServer = new();

    private List<(NetEndpoint, HealthCheck[])> PerRealServer()
    {
        var list = new List<(NetEndpoint, HealthCheck[])>();
        if (RealServerCheck is null)
            return list;
        foreach (System.Collections.DictionaryEntry entry in RealServerCheck)
        {
            string key = Convert.ToString(entry.Key is PSObject k ? k.BaseObject : entry.Key, System.Globalization.CultureInfo.InvariantCulture) ?? "";
            NetEndpoint endpoint = NetText.ParseEndpoint(key);
            object? value = entry.Value is PSObject v ? v.BaseObject : entry.Value;
            HealthCheck[] checks = value switch
            {
                HealthCheck one => new[] { one },
                IEnumerable<object> many => many.Select(o => o is PSObject p ? p.BaseObject : o).Select(o => o as HealthCheck
                    ?? throw ErrorMapper.Invalid(ErrorMapper.InvalidHealthCheck, $"-RealServerCheck '{key}': {o?.GetType().Name ?? "null"} is not a check from New-LvsHealthCheck.")).ToArray(),
                _ => throw ErrorMapper.Invalid(ErrorMapper.InvalidHealthCheck, $"-RealServerCheck '{key}': give checks from New-LvsHealthCheck."),
            };
            list.Add((endpoint, checks));
        }
        return list;
    }

    private HealthCheck[] ChecksOf(RealServer rs, HealthCheck[] others)
    {
        foreach ((NetEndpoint endpoint, HealthCheck[] checks) in _perRealServer)
            if (Matches(endpoint, rs))
                return checks;
        return others;
    }

    private static bool Matches(NetEndpoint endpoint, RealServer rs) => endpoint.Address.Equals(rs.Address) && (endpoint.Port is null || endpoint.Port == rs.Port);

    private IEnumerable<(string? Ns, RealServer RealServer)> Gather()
    {
        foreach ((string? ns, RealServer rs) in _realServers)
            yield return (ns, rs);
        foreach ((string? ns, VirtualServiceKey key) in _services.Distinct())
        {
            IReadOnlyList<RealServer> all = Client(ns).GetRealServers(key);
            if (all.Count == 0 && Client(ns).GetVirtualService(key, includeRealServers: false) is null)
            {
                WriteError(ErrorMapper.ServiceNotFound(key, key.ToString()));
                continue;
            }
            foreach (RealServer rs in all.Where(Selected))
                yield return (ns, rs);
        }
    }

    private bool Selected(RealServer rs)
    {
        if (Address is null)
            return true;
        return Address.Any(text => Matches(NetText.ParseEndpoint(text), rs));
    }

    private HealthCheckedService Service(VirtualServiceKey key, IEnumerable<RealServer> realServers, HealthCheck[] checks,
        HealthCommand? up, HealthCommand? down, HealthCommand? quorumUp, HealthCommand? quorumDown)
    {
        RealServer[] list = realServers.DistinctBy(r => r.Endpoint).ToArray();
        RealServer? sorry = null;
        if (SorryServer is not null)
        {
            NetEndpoint e = NetText.ParseEndpoint(SorryServer);
            sorry = new RealServer
            {
                VirtualService = key,
                Address = e.Address,
                Port = e.Port ?? key.Port,
                Forwarding = list.Length > 0 ? list[0].Forwarding : ForwardingMethod.Route,
                Weight = 1,
            };
        }
        return new HealthCheckedService(key)
        {
            RealServers = list.Select(r => new HealthCheckedRealServer(r with { NetworkNamespace = null }) { Checks = ChecksOf(r, checks), NotifyUp = up, NotifyDown = down }).ToArray(),
            InhibitOnFailure = InhibitOnFailure,
            Quorum = Quorum,
            Hysteresis = Hysteresis,
            QuorumUp = quorumUp,
            QuorumDown = quorumDown,
            SorryServer = sorry,
            SorryServerInhibit = SorryServerInhibit,
            Omega = Omega,
            HaSuspend = HaSuspend,
            SuspendUnlessVrrpMaster = VrrpInstance,
            SlowStart = IsBound(nameof(SlowStart)) ? TimeSpan.FromSeconds(SlowStart) : null,
        };
    }

    /// <summary>Stops the command: nothing has started.</summary>
    private void Stop(Exception e, object? target)
    {
        (ErrorRecord record, _) = ErrorMapper.Map(e, target);
        ThrowTerminatingError(record);
    }
}
