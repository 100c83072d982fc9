using System.Diagnostics;
using System.Management.Automation;
using LvsPS.Health;
using LvsPS.Native.Health;
using LvsPS.Native.Health.Engine;
using LvsPS.Native.Text;

namespace LvsPS.Commands;

/// <summary>Selects running health checks by -Name, -VirtualService and real-server -Address (the shared part of Get-, Stop- and Wait-LvsHealthCheck).</summary>
public abstract class HealthCheckSelectorCmdletBase : LvsCmdletBase
{
    /// <summary>The names of the sets of checks (Start-LvsHealthCheck -Name); wildcards allowed. All when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    /// <summary>Only the checks of this virtual service.</summary>
    [Parameter]
    [VirtualServiceTransformation]
    public VirtualServiceIdentity? VirtualService { get; set; }

    /// <summary>Only the checks of these real servers: addresses, with :port to tell two ports apart.</summary>
    [Parameter]
    [EndpointTransformation]
    [ValidateNotNullOrEmpty]
    public string[]? Address { get; set; }

    /// <summary>The engines the selection names; a -Name without wildcards that matches none is written as an error.</summary>
    protected IEnumerable<HealthEngine> Engines()
    {
        var found = new List<HealthEngine>();
        if (Name is null)
            found.AddRange(HealthCheckRegistry.All);
        else
            foreach (string n in Name)
            {
                var pattern = new WildcardPattern(n, WildcardOptions.IgnoreCase);
                HealthEngine[] matches = HealthCheckRegistry.All.Where(e => pattern.IsMatch(e.Name)).ToArray();
                if (matches.Length == 0 && !WildcardPattern.ContainsWildcardCharacters(n))
                    WriteError(ErrorMapper.Record(ErrorMapper.HealthCheckNotFound, new ItemNotFoundException($"No health checks are named '{n}'."), n));
                found.AddRange(matches);
            }
        return found.Distinct().Where(e => !IsBound(nameof(NetworkNamespace)) || e.NetworkNamespace == NetworkNamespace);
    }

    protected bool Selected(LvsHealthCheck row)
    {
        if (VirtualService is not null && row.VirtualService != VirtualService.Key.ToString())
            return false;
        if (Address is null)
            return true;
        NetEndpoint rs = NetText.ParseEndpoint(row.RealServer, requirePort: true);
        return Address.Select(a => NetText.ParseEndpoint(a)).Any(e => e.Address.Equals(rs.Address) && (e.Port is null || e.Port == rs.Port));
    }

    protected IEnumerable<LvsHealthCheck> Rows(HealthEngine engine) => LvsHealthCheck.From(engine.GetStatus()).Where(Selected);
}

/// <summary>Shows the running health checks: state, last result, latency and what IPVS holds, per real server and check.</summary>
/// <remarks>
/// <para>One object per real server and check of every set of checks started with Start-LvsHealthCheck in this
/// pwsh: State (Up, Down, or Unknown before the first result), the real server's Alive state and its Weight in
/// IPVS (what ipvsadm -Ln shows), the last result's Reason and Latency, ConsecutiveFailures, Transitions and LastChange. It is read from
/// the running checks at once (no log to grep, no SIGUSR1). Stop-LvsHealthCheck removes a set from the list.</para>
/// </remarks>
/// <example title="Which real servers are down, and why">
/// <code>Get-LvsHealthCheck -State Down | Format-List VirtualService, RealServer, Reason, LastChange</code>
/// <para>Lists the failing checks with the reason of their last failure, such as "connection refused" or
/// "status 503 is not one of 200-299".</para>
/// </example>
/// <example title="The checks of one service">
/// <code>Get-LvsHealthCheck -VirtualService tcp/10.0.0.3:80</code>
/// <para>A table grouped by service: each real server's check type, state (Paused while ha_suspend or a VRRP
/// backup holds the checks), weight in IPVS, last latency, failures in a row and the reason of the last result.</para>
/// </example>
/// <output type="LvsPS.Health.LvsHealthCheck">One object per real server and check.</output>
/// <seealso cref="StartLvsHealthCheckCommand"/>
/// <seealso cref="WaitLvsHealthCheckCommand"/>
[Cmdlet(VerbsCommon.Get, "LvsHealthCheck")]
[OutputType(typeof(LvsHealthCheck))]
public sealed class GetLvsHealthCheckCommand : HealthCheckSelectorCmdletBase
{
    /// <summary>Only checks in this state: Up, Down or Unknown.</summary>
    [Parameter]
    public HealthState State { get; set; }

    protected override void ProcessRecord()
    {
        foreach (HealthEngine engine in Engines())
            foreach (LvsHealthCheck row in Rows(engine))
                if (!IsBound(nameof(State)) || row.State == State)
                    WriteObject(row);
    }
}

/// <summary>Stops running health checks; IPVS is left as it is unless -Restore or -Remove.</summary>
/// <remarks>
/// <para>Stop-LvsHealthCheck ends a set of checks started with Start-LvsHealthCheck: no more probes, scripts in
/// progress are terminated. By default the IPVS table (ipvsadm -Ln) stays as the checks left it (keepalived -I). -Restore puts
/// every real server back with its weight and takes the sorry server out; -Remove deletes every real server and
/// the sorry server, as keepalived does at shutdown. With -Omega at start, the down actions run (1 s each).</para>
/// </remarks>
/// <example title="Stop and put every real server back">
/// <code>Stop-LvsHealthCheck web -Restore</code>
/// <para>Ends the checks named web and gives every one of their real servers its weight again, so nothing stays
/// out of service once nothing watches it.</para>
/// </example>
/// <example title="Stop every set of checks of a service">
/// <code>Get-LvsHealthCheck -VirtualService tcp/10.0.0.3:80 | Stop-LvsHealthCheck</code>
/// <para>Stops each set that checks a real server of the service; IPVS stays as the checks left it.</para>
/// </example>
/// <input type="LvsPS.Health.LvsHealthCheck">Checks from Get-LvsHealthCheck (their set is stopped).</input>
/// <seealso cref="StartLvsHealthCheckCommand"/>
[Cmdlet(VerbsLifecycle.Stop, "LvsHealthCheck", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class StopLvsHealthCheckCommand : HealthCheckSelectorCmdletBase
{
    private readonly HashSet<HealthEngine> _stopped = new();

    /// <summary>Put every real server back at its weight and take the sorry server out.</summary>
    [Parameter]
    public SwitchParameter Restore { get; set; }

    /// <summary>Remove every real server and the sorry server from IPVS, as keepalived does when it stops.</summary>
    [Parameter]
    public SwitchParameter Remove { get; set; }

    protected override void ProcessRecord()
    {
        if (Restore && Remove)
            ThrowTerminatingError(ErrorMapper.Map(ErrorMapper.Invalid(ErrorMapper.HealthCheckOptionConflict, "-Restore and -Remove ask for two different ends of the real servers."), null).Record);
        HealthStopMode mode = Restore ? HealthStopMode.Restore : Remove ? HealthStopMode.Remove : HealthStopMode.Leave;
        foreach (HealthEngine engine in Engines())
        {
            if (_stopped.Contains(engine))
                continue;
            if ((VirtualService is not null || Address is not null) && !Rows(engine).Any())
                continue;
            string action = mode switch
            {
                HealthStopMode.Restore => "Stop health checks and restore every real server",
                HealthStopMode.Remove => "Stop health checks and remove every real server",
                _ => "Stop health checks (IPVS left as it is)",
            };
            if (!ShouldProcess(engine.Name, action))
                continue;
            _stopped.Add(engine);
            if (!engine.StopAsync(mode).Wait(TimeSpan.FromSeconds(30)))
                WriteWarning($"The health checks '{engine.Name}' did not finish stopping within 30 s.");
            else if (engine.GetStatus().Statistics.LastError is { } error)
                WriteVerbose($"{engine.Name}: last error: {error}");
            HealthCheckRegistry.Remove(engine);
        }
    }
}

/// <summary>Waits until the real servers of running health checks are Up (or Down).</summary>
/// <remarks>
/// <para>Wait-LvsHealthCheck returns the checks once every selected real server is in the state asked for
/// (its RealServerState: Up when all its checks pass, and back in ipvsadm -Ln), or writes HealthCheckWaitTimeout after -Timeout seconds.
/// Useful in runbooks and Pester tests: start the checks, then wait for the servers to be up before sending
/// traffic, or stop a server and wait for it to be taken out.</para>
/// </remarks>
/// <example title="Wait for every real server to pass">
/// <code>Start-LvsHealthCheck tcp/10.0.0.3:80 -Url /health -Interval 1 -Name web | Out-Null; Wait-LvsHealthCheck web -State Up -Timeout 30</code>
/// <para>Returns the checks once every real server of the service has passed its first check, or writes
/// HealthCheckWaitTimeout after 30 s naming the servers that are not up.</para>
/// </example>
/// <example title="Wait until a stopped server is out of service">
/// <code>Wait-LvsHealthCheck -Address 10.0.0.8 -State Down -Timeout 10</code>
/// <para>After stopping the web server on 10.0.0.8: returns once its checks have failed and it is out of IPVS
/// (or at weight 0 with -InhibitOnFailure).</para>
/// </example>
/// <output type="LvsPS.Health.LvsHealthCheck">The checks of the selected real servers once they are in the state.</output>
/// <seealso cref="StartLvsHealthCheckCommand"/>
/// <seealso cref="GetLvsHealthCheckCommand"/>
[Cmdlet(VerbsLifecycle.Wait, "LvsHealthCheck")]
[OutputType(typeof(LvsHealthCheck))]
public sealed class WaitLvsHealthCheckCommand : HealthCheckSelectorCmdletBase
{
    /// <summary>The state to wait for: Up (the default) or Down.</summary>
    [Parameter]
    public HealthState State { get; set; } = HealthState.Up;

    /// <summary>Seconds to wait at most, 60 by default.</summary>
    [Parameter]
    [ValidateRange(0, 86400)]
    public double Timeout { get; set; } = 60;

    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);

    protected override void ProcessRecord()
    {
        if (State == HealthState.Unknown)
            ThrowTerminatingError(ErrorMapper.Map(ErrorMapper.Invalid(ErrorMapper.HealthCheckOptionConflict, "-State Unknown cannot be waited for: it is where checks start, not where they end."), State).Record);
        HealthEngine[] engines = Engines().ToArray();
        // Woken by the engines' transitions (raised once IPVS holds the change), not by polling; a
        // second at most between looks, for an engine that stops without one.
        var changed = new SemaphoreSlim(0);
        void OnTransition(HealthEngine engine, HealthTransition transition) => changed.Release();
        foreach (HealthEngine engine in engines)
            engine.Transition += OnTransition;
        var sw = Stopwatch.StartNew();
        List<LvsHealthCheck> rows;
        try
        {
            while (true)
            {
                rows = engines.SelectMany(Rows).ToList();
                if (rows.Count > 0 && rows.All(r => r.RealServerState == State))
                {
                    WriteObject(rows, enumerateCollection: true);
                    return;
                }
                TimeSpan left = TimeSpan.FromSeconds(Timeout) - sw.Elapsed;
                if (left <= TimeSpan.Zero)
                    break;
                changed.Wait(left < OneSecond ? left : OneSecond, CancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            return;
        }
        finally
        {
            foreach (HealthEngine engine in engines)
                engine.Transition -= OnTransition;
        }
        string pending = rows.Count == 0 ? "no health check matches" : string.Join(", ", rows.Where(r => r.RealServerState != State).Select(r => $"{r.RealServer} is {r.RealServerState}").Distinct());
        WriteError(ErrorMapper.Record(ErrorMapper.HealthCheckWaitTimeout, new TimeoutException($"Not every real server is {State} after {Timeout} s: {pending}."),
            Name is null ? null : string.Join(",", Name)));
    }
}
