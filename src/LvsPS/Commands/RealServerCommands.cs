using System.Management.Automation;
using System.Net;
using LvsPS.Native.Configuration;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Operations;

namespace LvsPS.Commands;

/// <summary>Adds real servers to a virtual service (ipvsadm -a); with -InputObject, many in one batch.</summary>
/// <remarks>
/// <para>Add-LvsRealServer replaces ipvsadm -a (--add-server). -VirtualService names the service
/// (tcp/10.0.0.3:80, fwmark/3) and -Address the real server (ipvsadm -r): 10.0.0.7, 10.0.0.7:8080,
/// 2001:db8::7 or [2001:db8::7]:80. Without a port the real server gets the service's port, as with ipvsadm.</para>
/// <para>-Forwarding picks how packets reach it: Route (DR, ipvsadm -g, the default), Masquerade (NAT, -m) or
/// Tunnel (TUN, -i). Direct routing and tunnelling cannot change the port, because the packet arrives
/// unchanged: a DR real server on another port than the service is refused with PortRemapNotPossible
/// (use NAT to remap ports). A real server of another address family than its service needs tunnel
/// forwarding (FamilyMismatch). FULLNAT is refused with FullNatNotSupported: it is not in mainline Linux.</para>
/// <para>-Weight (-w), -UpperThreshold (-x) and -LowerThreshold (-y) set the load; -TunnelType, -TunnelPort and
/// -TunnelChecksum (--tun-type, --tun-port, --tun-*csum) the encapsulation of tunnel real servers.
/// Every rule is checked before anything is sent. A real server that exists already is RealServerExists
/// (ResourceExists); a missing service is VirtualServiceNotFound.</para>
/// <para>Whole real servers are added to the service they name: objects from Get-LvsRealServer (of another
/// service or namespace), their deserialized copies (Import-Clixml, jobs, remoting), objects of ConvertFrom-Json,
/// rows of Import-Csv and hashtables, all read by property name: VirtualService, Address, Port, Forwarding (Route
/// when absent), Weight (1), UpperThreshold, LowerThreshold, TunnelType, TunnelPort, TunnelChecksum. A row with a
/// value that is not what its property takes is refused on its own (InvalidRecordProperty, the row as target).
/// Piped or given as an array to -InputObject, they go to the kernel in netlink batches per namespace, at the end
/// of the pipeline (or every 2000 records); -WhatIf and -Confirm ask for each as it arrives. A batch is not a
/// transaction: each refusal is its own error, with the refused object as the target, and the rest is still
/// added; -PassThru writes the added real servers once their batch is applied.</para>
/// </remarks>
/// <example title="LVS-DR: two web servers behind 10.0.0.3">
/// <code>
/// Add-LvsRealServer -VirtualService tcp/10.0.0.3:80 -Address 10.0.0.7 -Forwarding DR
/// Add-LvsRealServer -VirtualService tcp/10.0.0.3:80 -Address 10.0.0.8 -Forwarding DR -Weight 3
/// </code>
/// <para>The same as ipvsadm -a -t 10.0.0.3:80 -r 10.0.0.7 -g (and -w 3 for the second). Each real server
/// needs the VIP 10.0.0.3 on a loopback or dummy interface, with ARP for it suppressed.</para>
/// </example>
/// <example title="LVS-NAT with a port remap and connection limits">
/// <code>
/// Add-LvsRealServer tcp/10.0.0.3:80 192.168.10.7:8080 -Forwarding NAT -UpperThreshold 500 -LowerThreshold 400 -PassThru
/// </code>
/// <para>Masquerading may change the port: the real server listens on 8080. It gets no new connections above
/// 500 until it falls below 400 (ipvsadm -a -t 10.0.0.3:80 -r 192.168.10.7:8080 -m -x 500 -y 400).</para>
/// </example>
/// <example title="Add a real server to every service of a VIP">
/// <code>
/// Get-LvsVirtualService | Where-Object Address -eq 10.0.0.3 |
///     Add-LvsRealServer -Address 10.0.0.9 -Forwarding Route -Weight 0
/// </code>
/// <para>Each piped service binds to -VirtualService; the new real server starts quiesced (weight 0) until
/// Set-LvsRealServer gives it a weight.</para>
/// </example>
/// <example title="Copy the real servers of one director to another, through a file">
/// <code>
/// Get-LvsRealServer | Export-Clixml realservers.xml
/// Import-Clixml realservers.xml | Where-Object Forwarding -eq Route | Add-LvsRealServer -WhatIf
/// </code>
/// <para>The deserialized real servers bind by property name; -WhatIf prints "Add real server (route, weight 1)"
/// for each before anything is sent.</para>
/// </example>
/// <input type="LvsPS.LvsRealServer">Whole real servers, bound to -InputObject: objects of Get-LvsRealServer, their deserialized copies, Import-Csv rows, ConvertFrom-Json objects or hashtables; each added to the service it names, in batches per namespace.</input>
/// <input type="LvsPS.LvsVirtualService">A service (or its identity string, tcp/10.0.0.3:80), bound to -VirtualService.</input>
/// <output type="LvsPS.LvsRealServer">With -PassThru, each added real server as the kernel reports it. Nothing otherwise.</output>
/// <seealso cref="GetLvsRealServerCommand"/>
/// <seealso cref="SetLvsRealServerCommand"/>
/// <seealso cref="RemoveLvsRealServerCommand"/>
/// <seealso cref="NewLvsVirtualServiceCommand"/>
[Cmdlet(VerbsCommon.Add, "LvsRealServer", DefaultParameterSetName = InputObjectSet, SupportsShouldProcess = true)]
[OutputType(typeof(LvsRealServer))]
public sealed class AddLvsRealServerCommand : RealServerCmdletBase
{
    public const string IdentitySet = "VirtualService";
    // The default set, so that piped RealServer records bind whole instead of as their service.
    public const string InputObjectSet = "InputObject";

    /// <summary>The virtual service to add to: "tcp/10.0.0.3:80", "udp/[2001:db8::1]:53", "fwmark/3", "fwmark/3/ipv6" (ipvsadm -t, -u, -f), or an object from Get-LvsVirtualService or Get-LvsRealServer.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = IdentitySet, HelpMessage = "The virtual service: tcp/10.0.0.3:80, udp/[2001:db8::1]:53 or fwmark/3.")]
    [ArgumentCompleter(typeof(VirtualServiceCompleter))]
    [VirtualServiceTransformation]
    public override VirtualServiceIdentity VirtualService { get; set; } = null!;

    /// <summary>The real server (ipvsadm -r): "10.0.0.7", "10.0.0.7:8080", "2001:db8::7" or "[2001:db8::7]:80". Without a port it gets the service's port.</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = IdentitySet, HelpMessage = "The real server: 10.0.0.7, 10.0.0.7:8080 or [2001:db8::7]:80.")]
    [ValidateNotNullOrEmpty]
    [EndpointTransformation]
    public override string Address { get; set; } = null!;

    /// <summary>The real server's port, if not written in -Address; the service's port when omitted (0 for firewall-mark services, where the packet keeps its port).</summary>
    [Parameter(ParameterSetName = IdentitySet)]
    [ValidateRange(0, 65535)]
    public override int? Port { get; set; }

    /// <summary>Whole real servers, each added to the service it names: objects from Get-LvsRealServer, their deserialized copies (Import-Clixml, jobs, remoting), rows of Import-Csv, objects of ConvertFrom-Json or hashtables, read by property name (VirtualService, Address, Port, Forwarding, Weight, UpperThreshold, LowerThreshold, TunnelType, TunnelPort, TunnelChecksum). Piped or given as an array, they go in netlink batches per namespace.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet, HelpMessage = "Real servers to add.")]
    public LvsRealServer[] InputObject { get; set; } = null!;

    /// <summary>Piped records wait here, per namespace, until EndProcessing (or a full batch) sends them.</summary>
    private readonly Dictionary<string, (string? Namespace, List<LvsRealServer> Items)> _pending = new(StringComparer.Ordinal);

    protected override void ProcessRecord()
    {
        if (ParameterSetName == InputObjectSet)
        {
            Collect(InputObject);
            return;
        }
        RealServer? d = null;
        if (BindTarget() is not { } t || !TryRun(t.Input, () =>
            {
                d = ApplySettings(new RealServer { VirtualService = t.Service, Address = t.Address, Port = t.Port, Forwarding = DefaultForwarding });
                IpvsValidation.Validate(d, t.Service);
            }))
            return;
        if (!ShouldProcess(d!.ToString(), $"Add real server ({LvsFormat.Describe(d)})"))
            return;
        string? ns = t.Namespace;
        WriteVerbose($"Sending NEW_DEST {d}: {LvsFormat.Describe(d)}.");
        if (TryRun(d.ToString(), () => Client(ns).AddRealServer(d)) && PassThru)
            TryRun(d.ToString(), () => WriteFromKernel(ns, new[] { d }));
    }

    protected override void EndProcessing()
    {
        if (!CancellationToken.IsCancellationRequested)
            foreach ((string? ns, List<LvsRealServer> items) in _pending.Values)
                Send(ns, items);
        _pending.Clear();
        base.EndProcessing();
    }

    /// <summary>The bulk path: valid records are queued per namespace; -WhatIf asks for each as it arrives.</summary>
    private void Collect(LvsRealServer[] realServers)
    {
        foreach (LvsRealServer? piped in realServers)
        {
            if (CancellationToken.IsCancellationRequested)
                return;
            if (piped is null)
                continue;
            if (piped.InputError is { } invalid)
            {
                WriteFailure(invalid, piped.Target);
                continue;
            }
            RealServer d = piped.Record;
            if (!TryValidate(d, piped.Target) || !ShouldProcess(d.ToString(), $"Add real server ({LvsFormat.Describe(d)})"))
                continue;
            string? ns = ResolveNamespace(d.NetworkNamespace);
            if (!_pending.TryGetValue(ns ?? "", out var group))
                _pending[ns ?? ""] = group = (ns, new List<LvsRealServer>());
            group.Items.Add(piped);
            if (group.Items.Count >= FlushChanges)
            {
                _pending.Remove(ns ?? "");
                Send(ns, group.Items);
            }
        }
    }

    /// <summary>One batch per namespace; each refusal becomes its own error record, with the refused record as target.</summary>
    private void Send(string? ns, List<LvsRealServer> items)
    {
        WriteVerbose($"Sending {items.Count} NEW_DEST requests in one batch{(ns is null ? "" : $" to network namespace '{ns}'")}.");
        List<IpvsChangeResult> results = ApplyInChunks(ns, items.Select(d => IpvsChange.Add(d.Record)).ToList(), "Adding real servers");
        var added = new List<RealServer>();
        for (int i = 0; i < results.Count; i++)
        {
            if (results[i].Error is { } error)
                WriteFailure(error, items[i].Target);
            else
                added.Add(items[i].Record);
        }
        if (PassThru && added.Count > 0)
            TryRun(ns, () => WriteFromKernel(ns, added));
    }

    /// <summary>Re-reads the added real servers, one dump per service concerned.</summary>
    private void WriteFromKernel(string? ns, IReadOnlyList<RealServer> added)
    {
        foreach (IGrouping<VirtualServiceKey, RealServer> group in added.GroupBy(d => d.VirtualService))
        {
            var wanted = new HashSet<(IPAddress, ushort)>(group.Select(d => (d.Address, d.Port)));
            foreach (RealServer d in Client(ns).GetRealServers(group.Key))
                if (wanted.Contains((d.Address, d.Port)))
                    WriteObject(new LvsRealServer(d));
        }
    }
}

/// <summary>Lists the real servers of one virtual service, or of all (ipvsadm -L).</summary>
/// <remarks>
/// <para>Get-LvsRealServer lists the "-> address:port" lines of ipvsadm -L -n: for one service
/// (ipvsadm -L -n -t 10.0.0.3:80) or, without -VirtualService, for every service. -Address keeps only the real
/// servers at an address (and port, when written): the director-wide "where is 10.0.0.7 used" question
/// that ipvsadm answers only with grep.</para>
/// <para>The default view lists ipvsadm's "-> RemoteAddress:Port Forward Weight ActiveConn InActConn" lines
/// under a header per service, in ipvsadm's order; Format-Table gives the same columns as properties, Format-List
/// every property (thresholds, tunnel settings, persistent connections, counters). Each LvsRealServer holds plain
/// values named as Add-LvsRealServer's parameters: VirtualService, Address, Port, Family, Forwarding, Weight,
/// UpperThreshold, LowerThreshold, TunnelType, TunnelPort, TunnelChecksum (the tunnel ones null unless it
/// tunnels), ActiveConnections, InactiveConnections, PersistentConnections, the counters, NetworkNamespace.</para>
/// <para>The objects pipe into Set-LvsRealServer, Remove-LvsRealServer, Suspend-LvsRealServer and
/// Resume-LvsRealServer (by VirtualService, Address and Port), and into Add-LvsRealServer to copy them
/// elsewhere; so do their copies from Export-Csv/Import-Csv, Export-Clixml/Import-Clixml and ConvertFrom-Json.</para>
/// <para>A service that does not exist is VirtualServiceNotFound; an -Address that matches nothing is
/// RealServerNotFound (both ObjectNotFound).</para>
/// </remarks>
/// <example title="The real servers of a service">
/// <code>
/// Get-LvsRealServer -VirtualService tcp/10.0.0.3:80
/// </code>
/// <para>Prints the "-> 10.0.0.7:80 Route 1 12 40" rows of ipvsadm -L -n -t 10.0.0.3:80.</para>
/// </example>
/// <example title="Drain a real server from every service">
/// <code>
/// Get-LvsRealServer -Address 10.0.0.7 | Set-LvsRealServer -Weight 0
/// Get-LvsRealServer -Address 10.0.0.7 | Format-Table VirtualService, ActiveConnections, InactiveConnections
/// </code>
/// <para>Quiesces 10.0.0.7 wherever it serves, then shows its remaining connections; remove it once they are gone.</para>
/// </example>
/// <example title="Real servers of every service of a namespace">
/// <code>
/// Get-LvsVirtualService -NetworkNamespace lb1 | Get-LvsRealServer
/// </code>
/// <para>Each piped service binds to -VirtualService and brings its namespace along.</para>
/// </example>
/// <input type="System.String">A service identity such as tcp/10.0.0.3:80, bound to -VirtualService.</input>
/// <input type="LvsPS.LvsVirtualService">A service from Get-LvsVirtualService.</input>
/// <output type="LvsPS.LvsRealServer">The real servers, with their connection counts and counters.</output>
/// <seealso cref="AddLvsRealServerCommand"/>
/// <seealso cref="SetLvsRealServerCommand"/>
/// <seealso cref="RemoveLvsRealServerCommand"/>
/// <seealso cref="GetLvsVirtualServiceCommand"/>
[Cmdlet(VerbsCommon.Get, "LvsRealServer")]
[OutputType(typeof(LvsRealServer))]
public sealed class GetLvsRealServerCommand : LvsCmdletBase
{
    /// <summary>The virtual service whose real servers to list: "tcp/10.0.0.3:80", "fwmark/3", or an object from Get-LvsVirtualService. Every service when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(VirtualServiceCompleter))]
    [VirtualServiceTransformation]
    public VirtualServiceIdentity VirtualService { get; set; } = null!;

    /// <summary>Only the real servers at this address: "10.0.0.7" (any port), "10.0.0.7:8080" or "[2001:db8::7]:80".</summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    [EndpointTransformation]
    public string Address { get; set; } = null!;

    /// <summary>Only the real servers on this port (with -Address: the port, if it is not written there), as for Set-, Remove-, Suspend- and Resume-LvsRealServer.</summary>
    [Parameter]
    [ValidateRange(0, 65535)]
    public int? Port { get; set; }

    protected override void ProcessRecord()
    {
        object? target = (object?)VirtualService ?? Address;
        TryRun(target, () =>
        {
            (IPAddress? Address, ushort? Port)? filter = Filter();
            string? ns = ResolveNamespace(VirtualService?.NetworkNamespace);
            // In ipvsadm's order, services and the real servers of each.
            IEnumerable<RealServer> found;
            if (VirtualService is null)
                found = IpvsadmOrder.Sort(Client(ns).GetVirtualServices()).SelectMany(s => s.RealServers);
            else
            {
                if (RealServerLookup.RealServersOf(Client(ns), VirtualService.Key) is not { } all)
                {
                    WriteError(ErrorMapper.ServiceNotFound(VirtualService.Key, VirtualService));
                    return;
                }
                found = IpvsadmOrder.SortRealServers(all);
            }
            int written = 0;
            foreach (RealServer d in found)
            {
                if (filter is { } f && ((f.Address is { } a && !d.Address.Equals(a)) || (f.Port is ushort p && d.Port != p)))
                    continue;
                WriteObject(new LvsRealServer(d));
                written++;
            }
            if (written == 0 && filter is { } wanted)
                WriteError(ErrorMapper.RealServerMissing($"{VirtualService?.ToString() ?? "any service"} -> {Describe(wanted)}", target));
        });
    }

    /// <summary>-Address and -Port as one filter; null when neither is given.</summary>
    private (IPAddress? Address, ushort? Port)? Filter()
    {
        if (Address is null && Port is null)
            return null;
        (IPAddress? address, ushort? portInAddress) = Address is null ? (null, null) : InputParsing.ParseEndpoint(Address);
        return (address, InputParsing.OnePort(portInAddress, Port));
    }

    private static string Describe((IPAddress? Address, ushort? Port) f)
        => f.Address is null ? $"*:{f.Port}" : f.Port is ushort p ? VirtualServiceKey.FormatEndpoint(f.Address, p) : f.Address.ToString();
}

/// <summary>Changes a real server (ipvsadm -e); only the parameters given change, the rest is kept as the kernel has it.</summary>
/// <remarks>
/// <para>Set-LvsRealServer replaces ipvsadm -e (--edit-server). It reads the real server first and changes only
/// what you give (-Weight, -Forwarding, -UpperThreshold, -LowerThreshold, tunnel settings), whereas ipvsadm -e
/// resets what is not repeated. Moving a tunnel real server to NAT or DR clears its tunnel settings.</para>
/// <para>The usual use is draining: -Weight 0 stops new connections while established ones finish. Pipe
/// the real servers from Get-LvsRealServer: their service, address and port bind by property name.</para>
/// <para>A bad -Forwarding name (or FULLNAT) is refused before the kernel is asked; the merged result is
/// validated like Add-LvsRealServer's (ThresholdOrder, PortRemapNotPossible, GueNeedsPort). A real server that
/// does not exist is RealServerNotFound, a missing service VirtualServiceNotFound.</para>
/// </remarks>
/// <example title="Drain every real server of a service">
/// <code>
/// Get-LvsRealServer -VirtualService tcp/10.0.0.3:80 | Set-LvsRealServer -Weight 0
/// </code>
/// <para>Sets weight 0 on each real server of tcp/10.0.0.3:80 (ipvsadm -e ... -w 0 for each), keeping their
/// forwarding and thresholds.</para>
/// </example>
/// <example title="Give one real server more weight">
/// <code>
/// Set-LvsRealServer -VirtualService tcp/10.0.0.3:80 -Address 10.0.0.7 -Weight 5 -PassThru
/// </code>
/// <para>Like ipvsadm -e -t 10.0.0.3:80 -r 10.0.0.7 -w 5, without repeating -g; -PassThru shows the result.</para>
/// </example>
/// <example title="Switch a real server to GUE tunnelling">
/// <code>
/// Set-LvsRealServer fwmark/3 10.0.1.7 -Forwarding Tunnel -TunnelType Gue -TunnelPort 6080 -TunnelChecksum Checksum -WhatIf
/// </code>
/// <para>Shows 'Update real server (tunnel, weight 1, gue port 6080, checksum)' for fwmark/3 -> 10.0.1.7:0 before
/// doing it.</para>
/// </example>
/// <parameter name="Weight" default="Unchanged">The new weight (ipvsadm -w), 0 to 65535; 0 quiesces the real server (no new connections, existing ones go on). Unchanged when omitted.</parameter>
/// <parameter name="Forwarding" default="Unchanged">The new forwarding method: Masquerade or NAT (ipvsadm -m), Route or DR (-g), Tunnel or TUN (-i). Leaving Tunnel clears the tunnel settings. FULLNAT is refused: it is not in mainline Linux IPVS.</parameter>
/// <parameter name="UpperThreshold" default="Unchanged">The new upper connection threshold (ipvsadm -x); 0 removes the limit.</parameter>
/// <parameter name="LowerThreshold" default="Unchanged">The new lower connection threshold (ipvsadm -y); must not exceed the upper threshold.</parameter>
/// <parameter name="TunnelType" default="Unchanged">The new encapsulation of a tunnel real server (ipvsadm --tun-type): Ipip, Gue (needs a tunnel port) or Gre.</parameter>
/// <parameter name="TunnelPort" default="Unchanged">The new GUE port (ipvsadm --tun-port), 1 to 65535.</parameter>
/// <parameter name="TunnelChecksum" default="Unchanged">The new tunnel checksum mode: NoChecksum, Checksum or RemoteChecksum (ipvsadm --tun-nocsum, --tun-csum, --tun-remcsum).</parameter>
/// <input type="LvsPS.LvsRealServer">Real servers from Get-LvsRealServer: their VirtualService, Address and Port bind by property name.</input>
/// <input type="System.String">A service identity such as tcp/10.0.0.3:80, bound to -VirtualService.</input>
/// <output type="LvsPS.LvsRealServer">With -PassThru, the real server as the kernel reports it after the change. Nothing otherwise.</output>
/// <seealso cref="GetLvsRealServerCommand"/>
/// <seealso cref="AddLvsRealServerCommand"/>
/// <seealso cref="SetLvsVirtualServiceCommand"/>
[Cmdlet(VerbsCommon.Set, "LvsRealServer", SupportsShouldProcess = true)]
[OutputType(typeof(LvsRealServer))]
public sealed class SetLvsRealServerCommand : RealServerCmdletBase
{
    protected override void ProcessRecord()
    {
        // A bad -Forwarding name is refused before the kernel is asked.
        if (BindTarget() is not { } t || !TryRun(t.Input, () => { if (IsBound(nameof(Forwarding))) InputParsing.ParseForwarding(Forwarding); }))
            return;
        TryRun(t.Identity, () =>
        {
            // Read-modify-write: SET_DEST replaces every setting, tunnel ones included.
            if (ReadRealServer(t.Namespace, t.Service, t.Address, t.Port, t.Identity) is not { } current)
                return;
            RealServer updated = ApplySettings(current);
            IpvsValidation.Validate(updated, t.Service);
            if (!ShouldProcess(t.Identity, $"Update real server ({LvsFormat.Describe(updated)})"))
                return;
            WriteVerbose($"Sending SET_DEST {t.Identity}: {LvsFormat.Describe(updated)} (was {LvsFormat.Describe(current)}).");
            Client(t.Namespace).UpdateRealServer(updated);
            if (PassThru && ReadRealServer(t.Namespace, t.Service, t.Address, t.Port, t.Identity) is { } after)
                WriteObject(new LvsRealServer(after));
        });
    }
}

/// <summary>Removes real servers from their virtual service (ipvsadm -d).</summary>
/// <remarks>
/// <para>Remove-LvsRealServer replaces ipvsadm -d (--delete-server). Name the service and the real server
/// (-Address 10.0.0.7, 10.0.0.7:8080 or [2001:db8::7]:80; the service's port when none is written), or pipe
/// real servers from Get-LvsRealServer. Connections still open to it are dropped as their entries expire; set
/// its weight to 0 first (Set-LvsRealServer -Weight 0) to drain it gently.</para>
/// <para>A real server that does not exist is RealServerNotFound, a missing service VirtualServiceNotFound
/// (ObjectNotFound); the other piped real servers are still removed.</para>
/// </remarks>
/// <example title="Remove one real server">
/// <code>
/// Remove-LvsRealServer -VirtualService tcp/10.0.0.3:80 -Address 10.0.0.7
/// </code>
/// <para>The same as ipvsadm -d -t 10.0.0.3:80 -r 10.0.0.7.</para>
/// </example>
/// <example title="Remove a host from every service, after looking">
/// <code>
/// Get-LvsRealServer -Address 10.0.0.7 | Remove-LvsRealServer -WhatIf
/// </code>
/// <para>Prints 'What if: Performing the operation "Remove real server" on target "tcp/10.0.0.3:80 -> 10.0.0.7:80".'
/// for each; drop -WhatIf to remove them.</para>
/// </example>
/// <example title="Remove the drained real servers">
/// <code>
/// Get-LvsRealServer tcp/10.0.0.3:80 | Where-Object { $_.Weight -eq 0 -and $_.ActiveConnections -eq 0 } | Remove-LvsRealServer
/// </code>
/// <para>Removes the real servers that were quiesced and have no active connection left.</para>
/// </example>
/// <input type="LvsPS.LvsRealServer">Real servers from Get-LvsRealServer: their VirtualService, Address and Port bind by property name.</input>
/// <input type="System.String">A service identity such as tcp/10.0.0.3:80, bound to -VirtualService.</input>
/// <output type="None">This cmdlet writes no output.</output>
/// <seealso cref="AddLvsRealServerCommand"/>
/// <seealso cref="GetLvsRealServerCommand"/>
/// <seealso cref="SetLvsRealServerCommand"/>
[Cmdlet(VerbsCommon.Remove, "LvsRealServer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveLvsRealServerCommand : RealServerSelectorCmdletBase
{
    protected override void ProcessRecord()
    {
        if (BindTarget() is not { } t || !ShouldProcess(t.Identity, "Remove real server"))
            return;
        WriteVerbose($"Sending DEL_DEST {t.Identity}.");
        TryRun(t.Input, () => Client(t.Namespace).RemoveRealServer(t.Service, t.Address, t.Port));
    }
}
