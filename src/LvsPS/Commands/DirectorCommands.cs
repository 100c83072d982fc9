using System.Management.Automation;
using LvsPS.Keepalived;
using LvsPS.Native.Configuration.Director;
using LvsPS.Native.Runtime;
using LvsPS.Runtime;

namespace LvsPS.Commands;

/// <summary>Lists the directors this PowerShell process runs (Start-LvsDirector).</summary>
/// <remarks>
/// <para>One RunningDirector per director: its Name, the file it runs (SourcePath), its NetworkNamespace, the IPVS
/// table it started (Table), its health engines (HealthEngines, one per virtual_server, named NAME/VIRTUAL-SERVER: Get-LvsHealthCheck -Name 'NAME/*' shows the checks), the real servers a reload is draining (PendingDrains), its
/// VrrpInstances, and the Notes about what LvsPS leaves out of the file. The kernel's side is what ipvsadm -Ln
/// (or Get-LvsVirtualService) shows in the director's namespace.</para>
/// </remarks>
/// <example title="What runs">
/// <code>
/// Get-LvsDirector | Format-List Name, SourcePath, NetworkNamespace, StartedAt
/// </code>
/// <para>Every director of this process.</para>
/// </example>
/// <output type="LvsPS.Native.Configuration.Director.RunningDirector">The running directors.</output>
/// <seealso cref="StartLvsDirectorCommand"/>
/// <seealso cref="StopLvsDirectorCommand"/>
[Cmdlet(VerbsCommon.Get, "LvsDirector")]
[OutputType(typeof(RunningDirector))]
public sealed class GetLvsDirectorCommand : PSCmdlet
{
    /// <summary>Only the directors with these names (wildcards allowed).</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(DirectorCompleter))]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        foreach (RunningDirector d in DirectorRegistry.All)
            if (Name is null || Name.Any(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase).IsMatch(d.Name)))
                WriteObject(d);
        foreach (string n in Name ?? [])
            if (!WildcardPattern.ContainsWildcardCharacters(n) && DirectorRegistry.Find(n) is null)
                WriteError(DirectorRegistry.NotFound(n));
    }
}

/// <summary>Stops a director as keepalived stops: VRRP hands over, checks stop, its IPVS services are removed.</summary>
/// <remarks>
/// <para>The VRRP masters send priority 0 so the backups take over at once, the health checks stop (with omega, the
/// notify_down and quorum_down actions run), then every service the file created is removed, or the whole IPVS table is
/// flushed when global_defs has lvs_flush_on_stop (ipvsadm -Ln no longer lists them). Returns once all of it is done.</para>
/// </remarks>
/// <example title="Stop a director">
/// <code>
/// Stop-LvsDirector lb1
/// </code>
/// <para>Stops the director named lb1 and removes its services.</para>
/// </example>
/// <example title="Stop every director">
/// <code>
/// Get-LvsDirector | Stop-LvsDirector
/// </code>
/// <para>Stops every director of this process, one after the other.</para>
/// </example>
/// <input type="System.String">Names, by property name (a RunningDirector's Name).</input>
/// <output type="None">Nothing.</output>
/// <seealso cref="StartLvsDirectorCommand"/>
[Cmdlet(VerbsLifecycle.Stop, "LvsDirector", SupportsShouldProcess = true)]
[OutputType(typeof(void))]
public sealed class StopLvsDirectorCommand : PSCmdlet
{
    /// <summary>The directors to stop.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, HelpMessage = "The names of the directors to stop (Get-LvsDirector lists them).")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(DirectorCompleter))]
    public string[] Name { get; set; } = null!;

    protected override void ProcessRecord()
    {
        foreach (string name in Name)
        {
            if (DirectorRegistry.Find(name) is not { } director)
            {
                WriteError(DirectorRegistry.NotFound(name));
                continue;
            }
            if (!ShouldProcess($"director '{director.Name}' ({director.Table.Count} service(s), {director.VrrpInstances.Count} VRRP instance(s))", "Stop"))
                continue;
            Supervisor.Shared.StopAsync(director).Wait(ModuleLifecycle.ShutdownTimeout);
            foreach (IWorker part in director.VrrpInstances.Cast<IWorker>().Concat(director.HealthEngines))
                Supervisor.Shared.Remove(part);
        }
    }
}
