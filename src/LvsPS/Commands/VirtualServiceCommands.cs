using System.Management.Automation;
using LvsPS.Native.Configuration;
using LvsPS.Native.Ipvs;

namespace LvsPS.Commands;

/// <summary>Lists IPVS virtual services with their real servers (ipvsadm -L), all or one.</summary>
/// <remarks>
/// <para>Get-LvsVirtualService replaces ipvsadm -L -n (--list --numeric): without arguments it lists every
/// virtual service of the namespace, in ipvsadm's order; with -VirtualService (or -Protocol/-Address/-Port,
/// or -FirewallMark) it reads that one service (ipvsadm -L -t 10.0.0.3:80). A service that does not exist is a
/// VirtualServiceNotFound error (ObjectNotFound).</para>
/// <para>The default view is ipvsadm -Ln's listing, line for line: the header once, then each service
/// (Prot LocalAddress:Port Scheduler Flags) followed by its real servers ("-> RemoteAddress:Port Forward Weight
/// ActiveConn InActConn"), sorted as ipvsadm sorts them. Format-Table gives one row per service, Format-List
/// every property.</para>
/// <para>Each LvsVirtualService object holds plain values that sort, group, filter and serialize as they read:
/// VirtualService (the identity, tcp/10.0.0.3:80), Protocol, Address, Port, FirewallMark, Family, Scheduler,
/// SchedulerFlags, Persistent, PersistenceTimeout, PersistenceNetmask, OnePacket, PersistenceEngine, the
/// counters of ipvsadm --stats (Connections, InPackets, OutPackets, InBytes, OutBytes; Get-LvsStatistic adds
/// the rates), NetworkNamespace, and RealServers (LvsRealServer objects). ConvertTo-Json needs -Depth 3 to
/// write the real servers' properties rather than their names.</para>
/// <para>The objects pipe into Set-LvsVirtualService, Remove-LvsVirtualService, Add-LvsRealServer,
/// Get-LvsRealServer and Clear-LvsStatistic, and whole into New-LvsVirtualService (to copy or restore a table);
/// so do their copies from Export-Clixml/Import-Clixml, Export-Csv/Import-Csv, ConvertTo-Json/ConvertFrom-Json,
/// jobs and remoting, by property name.</para>
/// </remarks>
/// <example title="The ipvsadm -Ln view">
/// <code>
/// Get-LvsVirtualService
/// </code>
/// <para>Prints what ipvsadm -Ln prints (without its version line): "TCP  10.0.0.3:80 wrr persistent 20" and
/// under it "  -> 10.0.0.7:80                  Route   1      12         40" for each real server.</para>
/// </example>
/// <example title="Sort, select and count like any objects">
/// <code>
/// Get-LvsVirtualService | Sort-Object Port | Select-Object Protocol, Address, Port, Scheduler
/// Get-LvsVirtualService | Group-Object Scheduler -NoElement
/// Get-LvsVirtualService | Sort-Object Connections -Descending | Select-Object -First 5 VirtualService, Connections, InBytes
/// </code>
/// <para>The properties are plain values: addresses as text, names rather than numbers.</para>
/// </example>
/// <example title="Save the table and restore it, or copy it to another director">
/// <code>
/// Get-LvsVirtualService | Export-Clixml lvs.xml
/// Import-Clixml lvs.xml | New-LvsVirtualService -NetworkNamespace lb2
/// </code>
/// <para>The deserialized services carry their settings and real servers; New-LvsVirtualService reads them by
/// property name and creates them in one netlink batch. Export-LvsConfiguration writes ipvsadm rules or JSON.</para>
/// </example>
/// <example title="Services of another network namespace, without their real servers">
/// <code>
/// Get-LvsVirtualService -NetworkNamespace lb1 -NoRealServer | Where-Object Scheduler -eq 'wlc'
/// </code>
/// <para>Lists the services of the namespace lb1 (ip netns exec lb1 ipvsadm -Ln) in one request, and keeps
/// those scheduled by wlc.</para>
/// </example>
/// <input type="System.String">A service identity such as tcp/10.0.0.3:80, bound to -VirtualService.</input>
/// <input type="LvsPS.LvsVirtualService">A service object: it is read again from the kernel.</input>
/// <output type="LvsPS.LvsVirtualService">The virtual services, with their counters and (unless -NoRealServer) RealServers.</output>
/// <seealso cref="GetLvsRealServerCommand"/>
/// <seealso cref="NewLvsVirtualServiceCommand"/>
/// <seealso cref="SetLvsVirtualServiceCommand"/>
/// <seealso cref="GetLvsInfoCommand"/>
[Cmdlet(VerbsCommon.Get, "LvsVirtualService", DefaultParameterSetName = AllSet)]
[OutputType(typeof(LvsVirtualService))]
public sealed class GetLvsVirtualServiceCommand : VirtualServiceSelectorCmdletBase
{
    public const string AllSet = "All";

    /// <summary>Does not read the real servers: one request for the whole list instead of one more per service, for large tables. RealServers is then empty.</summary>
    [Parameter]
    public SwitchParameter NoRealServer { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == AllSet)
        {
            string? ns = ResolveNamespace(null);
            // In ipvsadm's order: sorted from the kernel's, as ipvsadm -L sorts unless --nosort.
            TryRun(ns, () =>
            {
                foreach (VirtualService s in IpvsadmOrder.Sort(Client(ns).GetVirtualServices(includeRealServers: !NoRealServer)))
                    WriteObject(new LvsVirtualService(s));
            });
            return;
        }
        TryRun(SelectionTarget(null), () =>
        {
            (VirtualServiceKey key, string? ns) = SelectedService();
            WriteServiceFromKernel(ns, key, SelectionTarget(key), includeRealServers: !NoRealServer);
        });
    }
}

/// <summary>Changes the settings of an existing virtual service (ipvsadm -E); only the parameters given change.</summary>
/// <remarks>
/// <para>Set-LvsVirtualService replaces ipvsadm -E (--edit-service). Unlike ipvsadm, which resets every option
/// that is not repeated on the command line, it reads the service first and changes only the parameters
/// you give: Set-LvsVirtualService tcp/10.0.0.3:80 -Scheduler rr keeps the persistence, netmask and
/// flags. The real servers are not touched.</para>
/// <para>Switch parameters turn options off with :$false (-Persistent:$false, -OnePacket:$false); an
/// empty -SchedulerFlag @() or -PersistenceEngine '' clears them. Moving away from sh or mh without
/// -SchedulerFlag drops their flags, with a warning.</para>
/// <para>Names are checked before the kernel is asked (UnknownScheduler, UnknownSchedulerFlag,
/// InvalidPersistenceNetmask); a service that does not exist is VirtualServiceNotFound. -WhatIf still reads the
/// service, to show the settings it would end up with.</para>
/// </remarks>
/// <example title="Change the scheduler, keep the rest">
/// <code>
/// Set-LvsVirtualService tcp/10.0.0.3:80 -Scheduler wlc -PassThru
/// </code>
/// <para>Like ipvsadm -E -t 10.0.0.3:80 -s wlc, but the persistence of the service is kept. -PassThru writes
/// the service as the kernel has it afterwards.</para>
/// </example>
/// <example title="Persistence per /24 client network, on every UDP service">
/// <code>
/// Get-LvsVirtualService | Where-Object Protocol -eq Udp |
///     Set-LvsVirtualService -PersistenceTimeout 600 -PersistenceNetmask 255.255.255.0 -WhatIf
/// </code>
/// <para>Shows the change for each UDP service ("Update virtual service (scheduler wlc, persistent 600 s,
/// netmask 255.255.255.0)"); run it again without -WhatIf to apply it.</para>
/// </example>
/// <example title="Turn persistence off">
/// <code>
/// Set-LvsVirtualService -FirewallMark 3 -Persistent:$false
/// </code>
/// <para>Makes fwmark/3 non-persistent again (its timeout is cleared).</para>
/// </example>
/// <parameter name="Scheduler" default="Unchanged"/>
/// <parameter name="SchedulerFlag" default="Unchanged"/>
/// <parameter name="Persistent" default="Unchanged"/>
/// <parameter name="PersistenceTimeout" default="Unchanged"/>
/// <parameter name="PersistenceNetmask" default="Unchanged"/>
/// <parameter name="OnePacket" default="Unchanged"/>
/// <parameter name="PersistenceEngine" default="Unchanged"/>
/// <input type="System.String">A service identity such as tcp/10.0.0.3:80, bound to -VirtualService.</input>
/// <input type="LvsPS.LvsVirtualService">A service from Get-LvsVirtualService (its namespace is used).</input>
/// <output type="LvsPS.LvsVirtualService">With -PassThru, the service as the kernel reports it after the change. Nothing otherwise.</output>
/// <seealso cref="GetLvsVirtualServiceCommand"/>
/// <seealso cref="NewLvsVirtualServiceCommand"/>
/// <seealso cref="SetLvsRealServerCommand"/>
[Cmdlet(VerbsCommon.Set, "LvsVirtualService", DefaultParameterSetName = IdentitySet, SupportsShouldProcess = true)]
[OutputType(typeof(LvsVirtualService))]
public sealed class SetLvsVirtualServiceCommand : VirtualServiceSelectorCmdletBase
{
    /// <summary>The new scheduler (ipvsadm -s): rr, wrr, lc, wlc, lblc, lblcr, dh, sh, sed, nq, fo, ovf, mh, twos. The flags of sh and mh are dropped, with a warning, when moving to another scheduler without -SchedulerFlag. Unchanged when omitted.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(SchedulerCompleter))]
    [ValidateNotNullOrEmpty]
    public string Scheduler { get; set; } = null!;

    /// <summary>The new scheduler flags (ipvsadm -b): sh-fallback, sh-port, mh-fallback, mh-port, flag-1, flag-2, flag-3. They replace the old flags; @() clears them.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(SchedulerFlagCompleter))]
    [AllowEmptyCollection]
    public string[] SchedulerFlag { get; set; } = Array.Empty<string>();

    /// <summary>-Persistent turns persistence on (ipvsadm -p; 360 s unless the service has or is given a timeout); -Persistent:$false turns it off.</summary>
    [Parameter]
    public SwitchParameter Persistent { get; set; }

    /// <summary>The persistence timeout in seconds (ipvsadm -p TIMEOUT), 1 to 4294967; implies -Persistent.</summary>
    [Parameter]
    [ValidateRange(1u, ServiceOptions.MaxPersistenceTimeout)]
    [UnsignedTransformation(1, ServiceOptions.MaxPersistenceTimeout)]
    public uint PersistenceTimeout { get; set; }

    /// <summary>The persistence granularity (ipvsadm -M): a mask (255.255.255.0) or prefix length (24) for IPv4, a prefix length (64) for IPv6; 32 or 128 means per client address again.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string PersistenceNetmask { get; set; } = null!;

    /// <summary>-OnePacket turns one-packet scheduling on (ipvsadm -o), -OnePacket:$false turns it off.</summary>
    [Parameter]
    public SwitchParameter OnePacket { get; set; }

    /// <summary>The persistence engine (ipvsadm --pe): sip; an empty string removes it.</summary>
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
                ServiceOptions.Patch(MyInvocation.BoundParameters).Check(key.Family);
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
            VirtualService updated = ServiceOptions.Patch(MyInvocation.BoundParameters).ApplyTo(current, WriteWarning);
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

/// <summary>Removes virtual services and their real servers (ipvsadm -D).</summary>
/// <remarks>
/// <para>Remove-LvsVirtualService replaces ipvsadm -D (--delete-service). The service's real servers go with it;
/// established connections are dropped as their entries expire. Name the service by identity, by
/// -Protocol/-Address/-Port or by -FirewallMark, or pipe services from Get-LvsVirtualService.</para>
/// <para>A service that does not exist is a VirtualServiceNotFound error (ObjectNotFound); the other piped
/// services are still removed. Use -WhatIf to see the list first, -Confirm to be asked for each.</para>
/// </remarks>
/// <example title="Remove one service">
/// <code>
/// Remove-LvsVirtualService -VirtualService tcp/10.0.0.3:80
/// </code>
/// <para>The same as ipvsadm -D -t 10.0.0.3:80.</para>
/// </example>
/// <example title="Remove every UDP service, after looking">
/// <code>
/// Get-LvsVirtualService | Where-Object Protocol -eq Udp | Remove-LvsVirtualService -WhatIf
/// </code>
/// <para>Prints 'What if: Performing the operation "Remove virtual service and its real servers" on target
/// "udp/10.0.0.3:53".' for each UDP service; drop -WhatIf to remove them.</para>
/// </example>
/// <example title="An IPv6 firewall-mark service">
/// <code>
/// Remove-LvsVirtualService -FirewallMark 3 -AddressFamily IPv6
/// </code>
/// <para>Removes fwmark/3/ipv6 (ipvsadm -D -f 3 -6).</para>
/// </example>
/// <input type="System.String">A service identity such as tcp/10.0.0.3:80, bound to -VirtualService.</input>
/// <input type="LvsPS.LvsVirtualService">A service from Get-LvsVirtualService (its namespace is used).</input>
/// <output type="None">This cmdlet writes no output.</output>
/// <seealso cref="ClearLvsVirtualServiceCommand"/>
/// <seealso cref="RemoveLvsRealServerCommand"/>
/// <seealso cref="GetLvsVirtualServiceCommand"/>
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

/// <summary>Removes every virtual service and real server of the namespace (ipvsadm -C).</summary>
/// <remarks>
/// <para>Clear-LvsVirtualService replaces ipvsadm -C (--clear): it flushes the whole IPVS table of the current
/// network namespace, or of the one given with -NetworkNamespace. Timeouts, sync daemons and the connection
/// table size are kept.</para>
/// <para>Its ConfirmImpact is High, so PowerShell asks before flushing unless -Confirm:$false is given (or
/// $ConfirmPreference is None). -WhatIf names the table that would be flushed.</para>
/// </remarks>
/// <example title="Flush the table of the current namespace">
/// <code>
/// Clear-LvsVirtualService
/// </code>
/// <para>Asks "Are you sure you want to perform this action?" and then flushes, like ipvsadm -C.</para>
/// </example>
/// <example title="Flush without asking, in a script">
/// <code>
/// Clear-LvsVirtualService -NetworkNamespace lb1 -Confirm:$false
/// </code>
/// <para>Flushes the table of the namespace lb1 (ip netns exec lb1 ipvsadm -C) without a prompt.</para>
/// </example>
/// <example title="Replace the whole table with a saved one">
/// <code>
/// $saved = Get-LvsVirtualService
/// Clear-LvsVirtualService -Confirm:$false
/// New-LvsVirtualService -InputObject $saved
/// </code>
/// <para>Keeps the services in a variable, flushes, and creates them again with their real servers in one
/// netlink batch (ipvsadm -S, -C, -R).</para>
/// </example>
/// <input type="None">This cmdlet takes no pipeline input.</input>
/// <output type="None">This cmdlet writes no output.</output>
/// <seealso cref="RemoveLvsVirtualServiceCommand"/>
/// <seealso cref="NewLvsVirtualServiceCommand"/>
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
