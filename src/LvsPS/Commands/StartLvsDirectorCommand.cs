using System.Management.Automation;
using System.Runtime.InteropServices;
using LvsPS.Keepalived;
using LvsPS.Native.Configuration.Director;
using LvsPS.Native.Configuration.Keepalived;
using LvsPS.Runtime;
using LvsPS.Vrrp;

namespace LvsPS.Commands;

/// <summary>Runs a keepalived.conf as a director in this process: its IPVS table, health checks and VRRP instances.</summary>
/// <remarks>
/// <para>What keepalived does with the file, in one PowerShell process: the IPVS table is built (after flushing the whole
/// table when global_defs has lvs_flush; lvs_timeouts set), every virtual_server's real servers are health-checked by
/// one health engine per virtual_server (Get-LvsHealthCheck -Name 'NAME/*' shows them), and every vrrp_instance runs with its sync group,
/// track scripts, notify scripts and the lvs_sync_daemon (Get-LvsVrrpInstance shows them). A service that exists
/// already is set to the file (keepalived would keep its old scheduler and weights); services the file does not name
/// are left alone. ipvsadm -Ln in the namespace shows the table as keepalived would have built it.</para>
/// <para>The file is read and every check and VRRP instance validated before anything is touched: a file with errors,
/// a missing interface or a check that cannot run changes nothing and says why. What LvsPS does not run
/// (BFD_CHECK, auth_type AH) is written as a warning. static_ipaddress addresses are added at start whatever the VRRP
/// states and removed at stop, as keepalived does (also one its interface had before the start).</para>
/// <para>Stop-LvsDirector, Remove-Module, the end of pwsh, or SIGTERM/Ctrl+C under -Wait stop it as keepalived stops:
/// VRRP masters hand over (priority 0), checks stop, then every service of the file is removed, or the whole table
/// flushed with lvs_flush_on_stop, and the static addresses the director added are removed. A killed process leaves
/// its rules, as a killed keepalived does.</para>
/// <para>-Wait keeps the command running until the director stops (for systemd: see examples/lvsps-director.service);
/// SIGTERM and SIGINT stop it; SIGHUP reloads the file as Update-LvsDirector does (only the difference is sent).</para>
/// </remarks>
/// <example title="Run keepalived.conf as a service">
/// <code>
/// Start-LvsDirector /etc/keepalived/keepalived.conf -Wait
/// </code>
/// <para>What a systemd unit runs (pwsh -NoProfile -Command ...); SIGTERM stops the director and cleans IPVS.</para>
/// </example>
/// <example title="See what a file would start">
/// <code>
/// Start-LvsDirector ./keepalived.conf -WhatIf
/// </code>
/// <para>Says how many services, real servers, checks and VRRP instances it would start, and changes nothing.</para>
/// </example>
/// <example title="A director in a namespace, then stop it">
/// <code>
/// $d = Start-LvsDirector ./lb.conf -NetworkNamespace lb1 -Name lb1
/// Get-LvsHealthCheck -Name lb1
/// Stop-LvsDirector lb1
/// </code>
/// <para>Runs the file in network namespace lb1 and stops it again, removing its services.</para>
/// </example>
/// <input type="System.String">The file, by property name (Path or FullName).</input>
/// <output type="LvsPS.Native.Configuration.Director.RunningDirector">The running director.</output>
/// <seealso cref="StopLvsDirectorCommand"/>
/// <seealso cref="GetLvsDirectorCommand"/>
/// <seealso cref="TestLvsKeepalivedConfigurationCommand"/>
[Cmdlet(VerbsLifecycle.Start, "LvsDirector", SupportsShouldProcess = true)]
[OutputType(typeof(RunningDirector))]
public sealed class StartLvsDirectorCommand : KeepalivedCmdletBase
{
    /// <summary>The director's name (Get-/Stop-LvsDirector; its health checks carry it too); the file's name without extension by default.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>Keep running until the director stops; SIGTERM, SIGINT and Ctrl+C stop it, SIGHUP reloads the file (for systemd).</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>On reload, how long a removed real server or service is drained at weight 0 (its connections finish) before it is removed anyway, in seconds.</summary>
    [Parameter]
    [ValidateRange(0.0, 86400.0)]
    public double DrainTimeout { get; set; } = 300;

    protected override void ProcessRecord()
    {
        using DirectorSignals? signals = Wait ? new DirectorSignals() : null;
        KeepalivedReadResult result = Read(out string file);
        if (!Report(result, file))
            ThrowTerminatingError(ErrorMapper.Record(ErrorMapper.DirectorNotStarted,
                new InvalidOperationException($"{file} has errors (written above); nothing was started or changed."), file));
        DirectorConfiguration configuration = result.Configuration;
        string name = Name ?? System.IO.Path.GetFileNameWithoutExtension(file);
        if (DirectorRegistry.IsNameTaken(name))
            ThrowTerminatingError(ErrorMapper.Record(ErrorMapper.DirectorExists,
                new InvalidOperationException($"A director named '{name}' is running already."), name));
        string? ns = ResolveNamespace(null);
        if (!ShouldProcess(Describe(configuration, name, file, ns), "Start director"))
            return;
        RunningDirector director;
        try
        {
            director = RunningDirector.Start(configuration, new DirectorRunOptions
            {
                Name = name,
                NetworkNamespace = ns,
                OpenIpvs = IpvsClients.OpenerForThisRunspace(),
                Register = DirectorRegistry.TryAdd,
                SyncGroup = VrrpRegistry.SyncGroup,
                SourcePath = file,
                DrainTimeout = TimeSpan.FromSeconds(DrainTimeout),
            });
        }
        catch (Exception e) when (ErrorMapper.IsMapped(e) || e is InvalidOperationException)
        {
            ThrowTerminatingError(ErrorMapper.IsMapped(e) ? ErrorMapper.Map(e, name).Record
                : ErrorMapper.Record(ErrorMapper.DirectorExists, e, name));
            return;
        }
        DirectorRegistry.TryAdd(director);
        foreach (string note in director.Notes)
            WriteWarning(note);
        foreach (string error in director.StartErrors)
            WriteError(ErrorMapper.Record(ErrorMapper.DirectorNotStarted, new InvalidOperationException(error), name));
        WriteVerbose($"Director '{name}' started from {file}: {director.Table.Count} service(s), {director.HealthEngines.Sum(e => e.CheckCount)} check(s), {director.VrrpInstances.Count} VRRP instance(s).");
        WriteObject(director);
        if (signals is not null)
            WaitForStop(director, signals);
    }

    private void ReloadFromFile(RunningDirector director)
    {
        WriteVerbose($"SIGHUP: reloading {director.SourcePath}.");
        DirectorReloads.Apply(this, director, () =>
        {
            KeepalivedReadResult result = Read(out string file);
            if (Report(result, file))
                return result.Configuration;
            WriteError(ErrorMapper.Record(ErrorMapper.DirectorNotStarted, new InvalidOperationException($"{file} has errors (written above); the director runs on unchanged."), director.Name));
            return null;
        });
    }

    private static string Describe(DirectorConfiguration c, string name, string file, string? ns)
    {
        IReadOnlyList<Native.Ipvs.VirtualService> table = DirectorIpvsTable.Initial(c);
        int realServers = table.Sum(s => s.RealServers.Count);
        int checks = c.VirtualServers.Sum(v => v.RealServers.Sum(r => r.Checkers.Count));
        return $"director '{name}' from {file}{(ns is null ? "" : $" in namespace '{ns}'")}: {table.Count} IPVS service(s) with {realServers} real server(s)"
            + $"{(c.Global.LvsFlush ? " after flushing the whole IPVS table (lvs_flush)" : "")}, {checks} checker(s), {c.VrrpInstances.Count} VRRP instance(s)"
            + (c.StaticAddresses.Count == 0 ? "" : $", static address(es) {string.Join(", ", c.StaticAddresses.Select(a => a.Device is null ? $"{a}" : $"{a} dev {a.Device}"))} added");
    }

    /// <summary>
    /// Until the director stops, SIGTERM/SIGINT arrive, or Ctrl+C; then it stops in order (nothing is
    /// written after Ctrl+C). SIGHUP reloads the file on this thread, so what the reload did is written.
    /// </summary>
    private void WaitForStop(RunningDirector director, DirectorSignals signals)
    {
        try
        {
            WriteVerbose($"Director '{director.Name}' runs until SIGTERM, SIGINT or Ctrl+C; SIGHUP reloads {director.SourcePath}.");
            while (WaitHandle.WaitAny([signals.Stop, ((IAsyncResult)director.Completion).AsyncWaitHandle, CancellationToken.WaitHandle, signals.HangUp]) == 3)
                ReloadFromFile(director);
        }
        finally
        {
            if (director.IsRunning)
                director.StopAsync().Wait(ModuleLifecycle.ShutdownTimeout);
        }
    }

    /// <summary>SIGTERM/SIGINT and SIGHUP caught from before the director starts, so none of them can kill the process meanwhile.</summary>
    private sealed class DirectorSignals : IDisposable
    {
        private readonly ManualResetEvent _stop = new(false);
        private readonly AutoResetEvent _hangUp = new(false);
        private readonly PosixSignalRegistration[] _registrations;

        public DirectorSignals()
        {
            void Stop(PosixSignalContext context)
            {
                context.Cancel = true;
                _stop.Set();
            }
            _registrations =
            [
                PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop),
                PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop),
                PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
                {
                    context.Cancel = true;
                    _hangUp.Set();
                }),
            ];
        }

        public WaitHandle Stop => _stop;
        public WaitHandle HangUp => _hangUp;

        public void Dispose()
        {
            foreach (PosixSignalRegistration r in _registrations)
                r.Dispose();
            _stop.Dispose();
            _hangUp.Dispose();
        }
    }
}
