using System.Management.Automation;
using LvsPS.Keepalived;
using LvsPS.Native.Configuration.Director;
using LvsPS.Native.Configuration.Keepalived;

namespace LvsPS.Commands;

/// <summary>Reloads a running director from its keepalived.conf, sending only the difference (what SIGHUP does to keepalived, done better).</summary>
/// <remarks>
/// <para>The new file is read and every check and VRRP instance validated first: a file with errors changes nothing and
/// says why, and the director runs on as it was. Then the new configuration is compared with the running one AND with the
/// kernel's table (ipvsadm -Ln), and only the difference is sent:</para>
/// <para>- a virtual_server or vrrp_instance whose definition did not change keeps running untouched: its checks keep their
/// state and timers, its VRRP instance its state (keepalived restarts every timer and forgets failures);</para>
/// <para>- a changed virtual_server is edited in place (scheduler, persistence, real servers' weights and thresholds) and
/// its checks restart; a vrrp_instance changed only in priority, nopreempt or preempt_delay takes the new values in place
/// and keeps its state (keepalived restarts it); any other change restarts the instance;</para>
/// <para>- a removed real server or service is drained: weight 0 at once, removed when its connections have ended or after
/// Start-LvsDirector's -DrainTimeout (keepalived deletes it at once and cuts its connections);</para>
/// <para>- a service of the file that was removed or edited by hand is put back, with a warning saying so.</para>
/// <para>-WhatIf prints the plan and changes nothing. -Verbose writes each action. The result is a DirectorReloadResult:
/// Plan (Changes, Drains, RestartedChecks, StartedInstances, TunedInstances, Repairs, Unchanged, ...), Errors and Notes.</para>
/// </remarks>
/// <example title="See what a reload would do">
/// <code>
/// Update-LvsDirector /etc/keepalived/keepalived.conf -Name keepalived -WhatIf
/// </code>
/// <para>Prints the plan: the IPVS changes, the real servers that would be drained, the checks and instances restarted, and
/// how many virtual servers and instances stay as they run.</para>
/// </example>
/// <example title="Reload after an edit">
/// <code>
/// Update-LvsDirector ./lb.conf -Verbose
/// </code>
/// <para>Reloads the director named lb (the file's name) and writes each action it took.</para>
/// </example>
/// <input type="System.String">The file, by property name (Path or FullName).</input>
/// <output type="LvsPS.Native.Configuration.Director.DirectorReloadResult">What the reload did.</output>
/// <seealso cref="StartLvsDirectorCommand"/>
/// <seealso cref="TestLvsKeepalivedConfigurationCommand"/>
[Cmdlet(VerbsData.Update, "LvsDirector", SupportsShouldProcess = true)]
[OutputType(typeof(DirectorReloadResult))]
public sealed class UpdateLvsDirectorCommand : KeepalivedCmdletBase
{
    /// <summary>The director to reload; the file's name without extension by default (as Start-LvsDirector names it).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(DirectorCompleter))]
    public string? Name { get; set; }

    protected override void ProcessRecord()
    {
        string name = Name ?? System.IO.Path.GetFileNameWithoutExtension(GetUnresolvedProviderPathFromPSPath(Path));
        if (DirectorRegistry.Find(name) is not { IsRunning: true } director)
        {
            WriteError(DirectorRegistry.NotFound(name));
            return;
        }
        string file = GetUnresolvedProviderPathFromPSPath(Path);
        bool readErrors = false;
        // The file is read while the director reads the kernel's table; planned once: what -WhatIf/-Confirm show is what is carried out.
        DirectorReloadResult? done = DirectorReloads.Apply(this, director, () =>
            {
                KeepalivedReadResult result = Read(out file);
                readErrors = !Report(result, file);
                return readErrors ? null : result.Configuration;
            },
            plan => ShouldProcess($"director '{name}' from {file}:\n  " + string.Join("\n  ", plan.Describe()), "Reload"));
        if (readErrors)
            ThrowTerminatingError(ErrorMapper.Record(ErrorMapper.DirectorNotStarted,
                new InvalidOperationException($"{file} has errors (written above); the director '{name}' runs on unchanged."), file));
        if (done is not null)
            WriteObject(done);
    }
}
