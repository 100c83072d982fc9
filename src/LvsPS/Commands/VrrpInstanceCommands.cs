using System.Management.Automation;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Vrrp;
using LvsPS.Vrrp;

namespace LvsPS.Commands;

/// <summary>What Get-, Set-, Stop- and Wait-LvsVrrpInstance share: -Name (wildcards) or the instance piped in.</summary>
public abstract class VrrpInstanceSelectorCmdletBase : LvsCmdletBase
{
    public const string NameSet = "Name";
    public const string InputObjectSet = "InputObject";

    /// <summary>The instances to act on, by name; wildcards are allowed (VI_*). An instance that does not exist is a VrrpInstanceNotFound error unless the name has a wildcard.</summary>
    [Parameter(Position = 0, ParameterSetName = NameSet, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(VrrpInstanceCompleter))]
    public string[]? Name { get; set; }

    /// <summary>An instance from Start-LvsVrrpInstance or Get-LvsVrrpInstance.</summary>
    [Parameter(Mandatory = true, ParameterSetName = InputObjectSet, ValueFromPipeline = true, HelpMessage = "An instance from Get-LvsVrrpInstance.")]
    public VrrpInstance InputObject { get; set; } = null!;

    /// <summary>The instances selected by -Name, -InputObject and -NetworkNamespace; writes VrrpInstanceNotFound for a plain name that matches nothing.</summary>
    protected IEnumerable<VrrpInstance> Selected(bool allWhenNoName)
    {
        if (ParameterSetName == InputObjectSet)
            return new[] { InputObject };
        var result = new List<VrrpInstance>();
        IEnumerable<VrrpInstance> all = VrrpRegistry.All.Where(i => !IsBound(nameof(NetworkNamespace)) || i.NetworkNamespace == NetworkNamespace);
        if (Name is null || Name.Length == 0)
            return allWhenNoName ? all : result;
        foreach (string name in Name)
        {
            var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
            VrrpInstance[] matches = all.Where(i => pattern.IsMatch(i.Name)).ToArray();
            if (matches.Length == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                WriteError(VrrpRegistry.NotFound(name));
            result.AddRange(matches.Except(result));
        }
        return result;
    }
}

/// <summary>Lists the VRRP instances of this process with their state, priority, master and counters.</summary>
/// <remarks>
/// <para>Get-LvsVrrpInstance is the VRRP half of what keepalived reports (its SIGUSR1 data dump) next to
/// ipvsadm -Ln for the IPVS half: for each instance started with Start-LvsVrrpInstance in this pwsh process, its
/// State (Init, Backup, Master, Fault), the Priority advertised now (after tracking), the MasterAddress it
/// follows, and Counters: adverts in and out, priority-0 adverts, transitions, announcements, and the packets
/// dropped by reason (BadTtl, BadChecksum, BadPassword, IntervalMismatch, ...).</para>
/// <para>History holds the last state changes with their time and reason; LastError the last failure of a send,
/// an address change or the IPVS sync daemon. SyncGroupName names the instance's sync group (Get-LvsVrrpSyncGroup
/// shows the group); LvsSyncDaemon the role of the IPVS sync daemon it drives ("master on eth1 (syncid 5)", as
/// ipvsadm -L --daemon lists it) with its Errors. The objects are live: reading a property again shows the current value.</para>
/// </remarks>
/// <example title="The table">
/// <code>
/// Get-LvsVrrpInstance
/// </code>
/// <para>One row per instance: Name, Interface, VRID, State, Priority, Master, adverts in/out, dropped.</para>
/// </example>
/// <example title="Why are adverts dropped?">
/// <code>
/// (Get-LvsVrrpInstance VI_1).Counters.Dropped
/// (Get-LvsVrrpInstance VI_1).History | Format-Table Time, From, To, Reason
/// </code>
/// <para>Shows the drop reasons seen (for example BadPassword = 12 when a peer has another password) and the
/// last transitions.</para>
/// </example>
/// <input type="System.String">Instance names, bound to -Name.</input>
/// <output type="LvsPS.Native.Vrrp.VrrpInstance">The instances.</output>
/// <seealso cref="StartLvsVrrpInstanceCommand"/>
[Cmdlet(VerbsCommon.Get, "LvsVrrpInstance", DefaultParameterSetName = NameSet)]
[OutputType(typeof(VrrpInstance))]
public sealed class GetLvsVrrpInstanceCommand : VrrpInstanceSelectorCmdletBase
{
    protected override void ProcessRecord() => WriteObject(Selected(allWhenNoName: true), enumerateCollection: true);
}

/// <summary>Stops VRRP instances gracefully: a master sends a priority-0 advert and removes its virtual addresses.</summary>
/// <remarks>
/// <para>Stop-LvsVrrpInstance is keepalived's clean shutdown (SIGTERM): a master advertises priority 0, so the
/// backup takes over after its skew time only (≈0.65 s with VRRPv2 at 1 s, ≈6.5 ms with VRRPv3 at 10 ms) instead
/// of the full Master_Down_Interval, and removes the virtual addresses; a backup just stops. The IPVS services
/// (ipvsadm -Ln) are not touched. The instance is then removed from the process.</para>
/// </remarks>
/// <example title="Stop one instance">
/// <code>
/// Stop-LvsVrrpInstance VI_1
/// </code>
/// <para>The peer becomes master within its skew time.</para>
/// </example>
/// <example title="Stop every instance">
/// <code>
/// Get-LvsVrrpInstance | Stop-LvsVrrpInstance -WhatIf
/// </code>
/// <para>Shows 'Stop' for each instance; run it without -WhatIf to stop them.</para>
/// </example>
/// <input type="LvsPS.Native.Vrrp.VrrpInstance">An instance from Get-LvsVrrpInstance.</input>
/// <output type="None">This cmdlet writes no output.</output>
/// <seealso cref="StartLvsVrrpInstanceCommand"/>
[Cmdlet(VerbsLifecycle.Stop, "LvsVrrpInstance", DefaultParameterSetName = NameSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class StopLvsVrrpInstanceCommand : VrrpInstanceSelectorCmdletBase
{
    protected override void ProcessRecord()
    {
        foreach (VrrpInstance instance in Selected(allWhenNoName: false))
        {
            if (!ShouldProcess($"VRRP instance {instance.Name} ({instance.State})", "Stop"))
                continue;
            WriteVerbose($"Stopping VRRP instance {instance.Name}: {(instance.State == VrrpState.Master ? "priority 0 advert, then the virtual addresses are removed" : "no advert (not master)")}.");
            VrrpRegistry.Stop(instance, CancellationToken);
        }
    }
}

/// <summary>Changes the priority or preemption of a running VRRP instance.</summary>
/// <remarks>
/// <para>Set-LvsVrrpInstance changes what keepalived would need a configuration reload for, at run time and
/// only for the parameters given: -Priority (a master advertises the new priority at once, so a higher backup
/// preempts it right away; lower a master's priority to hand the addresses over for maintenance before
/// touching its IPVS table with ipvsadm or Set-LvsVirtualService), -NoPreempt / -NoPreempt:$false (as
/// Start-LvsVrrpInstance -NoPreempt; the old -Preempt:$false still works), -PreemptDelay.
/// Tracking still adjusts the priority given. The command returns once the instance's protocol thread applied
/// the change, so -PassThru and Get-LvsVrrpInstance show the new Priority and Preempt at once; a stopped instance
/// is a WorkerStopped error.</para>
/// </remarks>
/// <example title="Hand over to the peer for maintenance">
/// <code>
/// Set-LvsVrrpInstance VI_1 -Priority 50 -PassThru
/// Wait-LvsVrrpInstance VI_1 -State Backup -Timeout 5
/// </code>
/// <para>With the peer at priority 100 and preemption on, the peer takes over at once.</para>
/// </example>
/// <example title="Stop preempting">
/// <code>
/// Get-LvsVrrpInstance VI_* | Set-LvsVrrpInstance -NoPreempt
/// </code>
/// <para>Like keepalived's nopreempt for every VI_ instance; -NoPreempt:$false preempts again.</para>
/// </example>
/// <parameter name="Priority" default="Unchanged"/>
/// <parameter name="NoPreempt" default="Unchanged"/>
/// <parameter name="PreemptDelay" default="Unchanged"/>
/// <input type="LvsPS.Native.Vrrp.VrrpInstance">An instance from Get-LvsVrrpInstance.</input>
/// <output type="LvsPS.Native.Vrrp.VrrpInstance">With -PassThru, the instance after the change.</output>
/// <seealso cref="GetLvsVrrpInstanceCommand"/>
[Cmdlet(VerbsCommon.Set, "LvsVrrpInstance", DefaultParameterSetName = NameSet, SupportsShouldProcess = true)]
[OutputType(typeof(VrrpInstance))]
public sealed class SetLvsVrrpInstanceCommand : VrrpInstanceSelectorCmdletBase
{
    /// <summary>The new configured priority, 1 to 255; tracked interfaces and scripts still adjust it.</summary>
    [Parameter]
    public int Priority { get; set; }

    /// <summary>-NoPreempt stops this node from taking over from a lower-priority master (keepalived's nopreempt, as Start-LvsVrrpInstance -NoPreempt); -NoPreempt:$false makes it preempt again.</summary>
    [Parameter]
    public SwitchParameter NoPreempt { get; set; }

    /// <summary>The old, inverted name: -Preempt:$false is -NoPreempt, -Preempt is -NoPreempt:$false. Kept for scripts that use it.</summary>
    [Parameter(DontShow = true)]
    public SwitchParameter Preempt { get; set; }

    /// <summary>Seconds from now during which this node does not preempt, 0 to 1000.</summary>
    [Parameter]
    public double PreemptDelay { get; set; }

    /// <summary>Writes the instance after the change.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Whether to preempt, from -NoPreempt or the old -Preempt; null when neither is given.</summary>
    private bool? PreemptGiven()
    {
        bool? fromNoPreempt = IsBound(nameof(NoPreempt)) ? !NoPreempt.IsPresent : null;
        bool? fromPreempt = IsBound(nameof(Preempt)) ? Preempt.IsPresent : null;
        if (fromNoPreempt is bool a && fromPreempt is bool b && a != b)
            throw ErrorMapper.Invalid(ErrorMapper.PreemptConflict, "-NoPreempt and its old form -Preempt say opposite things.");
        return fromNoPreempt ?? fromPreempt;
    }

    protected override void BeginProcessing()
    {
        try
        {
            PreemptGiven();
        }
        catch (InvalidInputException e)
        {
            ThrowTerminatingError(ErrorMapper.Map(e, null).Record);
        }
    }

    protected override void ProcessRecord()
    {
        bool? preempt = PreemptGiven();
        foreach (VrrpInstance instance in Selected(allWhenNoName: false))
        {
            var changes = new List<string>();
            if (IsBound(nameof(Priority)))
                changes.Add($"priority {Priority}");
            if (preempt is not null || IsBound(nameof(PreemptDelay)))
                changes.Add($"preempt {preempt ?? instance.Preempt}{(IsBound(nameof(PreemptDelay)) ? $" after {PreemptDelay} s" : "")}");
            if (changes.Count == 0 || !ShouldProcess($"VRRP instance {instance.Name}", $"Set {string.Join(", ", changes)}"))
                continue;
            // Each call returns once the protocol thread applied the change, so -PassThru reads it back.
            bool applied = TryRun(instance.Name, () =>
            {
                if (IsBound(nameof(Priority)))
                    instance.SetPriority(Priority);
                if (preempt is not null || IsBound(nameof(PreemptDelay)))
                    instance.SetPreempt(preempt ?? instance.Preempt,
                        IsBound(nameof(PreemptDelay)) ? TimeSpan.FromSeconds(Math.Min(PreemptDelay, 1e6)) : null);
            });
            if (applied && PassThru)
                WriteObject(instance);
        }
    }
}

/// <summary>Waits until VRRP instances reach a state (Master by default).</summary>
/// <remarks>
/// <para>Wait-LvsVrrpInstance blocks until each selected instance is in -State, then writes it; after -Timeout
/// seconds it writes a VrrpWaitTimeout error (OperationTimeout) for the instances that did not get there, with
/// their current state. Use it in runbooks before configuring the IPVS services on the new master (the same
/// tables ipvsadm -Ln shows), or in tests. Ctrl+C stops waiting.</para>
/// </remarks>
/// <example title="Wait for mastership">
/// <code>
/// Start-LvsVrrpInstance VI_1 -Interface eth0 -VirtualRouterId 51 -VirtualAddress 10.0.0.3/24 |
///     Wait-LvsVrrpInstance -State Master -Timeout 10
/// </code>
/// <para>Writes the instance once it is master, or an error after 10 s.</para>
/// </example>
/// <input type="LvsPS.Native.Vrrp.VrrpInstance">An instance from Start-LvsVrrpInstance or Get-LvsVrrpInstance.</input>
/// <output type="LvsPS.Native.Vrrp.VrrpInstance">The instances that reached the state.</output>
/// <seealso cref="GetLvsVrrpInstanceCommand"/>
[Cmdlet(VerbsLifecycle.Wait, "LvsVrrpInstance", DefaultParameterSetName = NameSet)]
[OutputType(typeof(VrrpInstance))]
public sealed class WaitLvsVrrpInstanceCommand : VrrpInstanceSelectorCmdletBase
{
    /// <summary>The state to wait for: Master (the default), Backup, Fault or Init (stopped).</summary>
    [Parameter]
    public VrrpState State { get; set; } = VrrpState.Master;

    /// <summary>Seconds to wait at most, 60 by default.</summary>
    [Parameter]
    [ValidateRange(0, 86400)]
    public double Timeout { get; set; } = 60;

    protected override void ProcessRecord()
    {
        foreach (VrrpInstance instance in Selected(allWhenNoName: true))
        {
            bool reached;
            try
            {
                reached = instance.WaitForState(State, TimeSpan.FromSeconds(Timeout), CancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (reached)
                WriteObject(instance);
            else
                WriteError(ErrorMapper.Record(ErrorMapper.VrrpWaitTimeout,
                    new TimeoutException($"The VRRP instance '{instance.Name}' is {instance.State}{(instance.IsRunning ? "" : " (stopped)")}, not {State}, after {Timeout} s."), instance.Name));
        }
    }
}
