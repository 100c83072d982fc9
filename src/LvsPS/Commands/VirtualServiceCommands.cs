using System.Management.Automation;
using LvsPS.Native.Ipvs;

namespace LvsPS.Commands;

/// <summary>
/// <para type="synopsis">Lists IPVS virtual services with their real servers (ipvsadm -L), all or one.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "LvsVirtualService", DefaultParameterSetName = AllSet)]
[OutputType(typeof(VirtualService))]
public sealed class GetLvsVirtualServiceCommand : VirtualServiceSelectorCmdletBase
{
    public const string AllSet = "All";

    /// <summary>Skips reading the real servers (one request less per service).</summary>
    [Parameter]
    public SwitchParameter NoRealServer { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == AllSet)
        {
            string? ns = ResolveNamespace(null);
            // In the kernel's order, which is ipvsadm's.
            TryRun(ns, () => WriteObject(Client(ns).GetVirtualServices(includeRealServers: !NoRealServer), enumerateCollection: true));
            return;
        }
        TryRun(SelectionTarget(null), () =>
        {
            (VirtualServiceKey key, string? ns) = SelectedService();
            WriteServiceFromKernel(ns, key, SelectionTarget(key), includeRealServers: !NoRealServer);
        });
    }
}

/// <summary>
/// <para type="synopsis">Changes settings of an existing virtual service (ipvsadm -E); only the parameters given change.</para>
/// </summary>
[Cmdlet(VerbsCommon.Set, "LvsVirtualService", DefaultParameterSetName = IdentitySet, SupportsShouldProcess = true)]
[OutputType(typeof(VirtualService))]
public sealed class SetLvsVirtualServiceCommand : VirtualServiceSelectorCmdletBase
{
    /// <summary>The new scheduler. Flags of sh/mh are dropped (with a warning) when moving to another scheduler without -SchedulerFlag.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(SchedulerCompleter))]
    [ValidateNotNullOrEmpty]
    public string Scheduler { get; set; } = null!;

    /// <summary>The new scheduler flags (replace the old ones; @() clears them).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(SchedulerFlagCompleter))]
    [AllowEmptyCollection]
    public string[] SchedulerFlag { get; set; } = Array.Empty<string>();

    /// <summary>-Persistent turns persistence on (300 s unless a timeout is kept or given); -Persistent:$false turns it off.</summary>
    [Parameter]
    public SwitchParameter Persistent { get; set; }

    /// <summary>Persistence timeout in seconds; implies -Persistent.</summary>
    [Parameter]
    [ValidateRange(1u, ServiceOptions.MaxPersistenceTimeout)]
    public uint PersistenceTimeout { get; set; }

    /// <summary>Persistence granularity: 255.255.255.0 or 24 (IPv4), 64 (IPv6).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string PersistenceNetmask { get; set; } = null!;

    /// <summary>-OnePacket turns one-packet scheduling on, -OnePacket:$false off.</summary>
    [Parameter]
    public SwitchParameter OnePacket { get; set; }

    /// <summary>The persistence engine (sip); an empty string removes it.</summary>
    [Parameter]
    [AllowEmptyString]
    public string PersistenceEngine { get; set; } = null!;

    /// <summary>Writes the service as the kernel reports it after the change.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        object target = SelectionTarget(null);
        VirtualServiceKey? key = null;
        string? ns = null;
        if (!TryRun(target, () =>
            {
                (key, ns) = SelectedService();
                ServiceOptions.PreCheck(MyInvocation.BoundParameters, key.Family);
            }))
            return;
        target = SelectionTarget(key);
        TryRun(target, () =>
        {
            // Read-modify-write: the kernel replaces every setting, so start from what it has.
            VirtualService? current = Client(ns).GetVirtualService(key!, includeRealServers: false);
            if (current is null)
            {
                WriteError(ErrorMapper.ServiceNotFound(key!, target));
                return;
            }
            VirtualService updated = ServiceOptions.Apply(current, MyInvocation.BoundParameters, WriteWarning);
            IpvsValidation.Validate(updated);
            if (!ShouldProcess(key!.ToString(), $"Update virtual service ({LvsFormat.Describe(updated)})"))
                return;
            WriteVerbose($"Sending SET_SERVICE {key}: {LvsFormat.Describe(updated)} (was {LvsFormat.Describe(current)}).");
            Client(ns).UpdateVirtualService(updated);
            if (PassThru)
                WriteServiceFromKernel(ns, key, target);
        });
    }
}

/// <summary>
/// <para type="synopsis">Removes virtual services and their real servers (ipvsadm -D).</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "LvsVirtualService", DefaultParameterSetName = IdentitySet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveLvsVirtualServiceCommand : VirtualServiceSelectorCmdletBase
{
    protected override void ProcessRecord()
    {
        object target = SelectionTarget(null);
        TryRun(target, () =>
        {
            (VirtualServiceKey key, string? ns) = SelectedService();
            target = SelectionTarget(key);
            if (!ShouldProcess(key.ToString(), "Remove virtual service and its real servers"))
                return;
            WriteVerbose($"Sending DEL_SERVICE {key}.");
            Client(ns).RemoveVirtualService(key);
        });
    }
}

/// <summary>
/// <para type="synopsis">Removes every virtual service and real server of the namespace (ipvsadm -C).</para>
/// </summary>
[Cmdlet(VerbsCommon.Clear, "LvsVirtualService", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class ClearLvsVirtualServiceCommand : LvsCmdletBase
{
    protected override void ProcessRecord()
    {
        string? ns = ResolveNamespace(null);
        string target = ns is null ? "IPVS table of the current network namespace" : $"IPVS table of network namespace '{ns}'";
        if (!ShouldProcess(target, "Remove every virtual service and real server (flush)"))
            return;
        WriteVerbose("Sending FLUSH.");
        TryRun(target, () => Client(ns).Flush());
    }
}
