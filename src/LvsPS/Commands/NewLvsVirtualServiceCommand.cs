using System.Management.Automation;
using LvsPS.Native.Configuration;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Operations;

namespace LvsPS.Commands;

/// <summary>Creates IPVS virtual services (ipvsadm -A), one at a time or many with their real servers in one batch.</summary>
/// <remarks>
/// <para>New-LvsVirtualService replaces ipvsadm -A (--add-service). Name the service by its identity
/// (-VirtualService tcp/10.0.0.3:80, udp/[2001:db8::1]:53, fwmark/3, fwmark/3/ipv6), by -Protocol, -Address
/// and -Port (ipvsadm -t, -u, --sctp-service), or by -FirewallMark and -AddressFamily (ipvsadm -f, -6). Run
/// without arguments, it asks for the identity.</para>
/// <para>The service options are ipvsadm's: -Scheduler (-s, wlc when omitted), -SchedulerFlag (-b),
/// -Persistent and -PersistenceTimeout (-p [timeout], 360 s by default, as ipvsadm), -PersistenceNetmask (-M),
/// -OnePacket (-o) and -PersistenceEngine (--pe). The forwarding method (NAT, DR, TUN) is not a service
/// setting: it is chosen per real server with Add-LvsRealServer -Forwarding.</para>
/// <para>Input is checked before anything is sent: an unknown scheduler, a flag of another scheduler
/// (sh-port with wrr), a netmask that does not fit the family or port 0 without persistence is refused with
/// an InvalidArgument error whose id names the rule (UnknownScheduler, SchedulerFlagMismatch,
/// InvalidPersistenceNetmask, PortZeroNeedsPersistence). A service that exists already is a
/// VirtualServiceExists error (ResourceExists); a scheduler module the kernel lacks is SchedulerNotAvailable.</para>
/// <para>Whole services are created with their real servers: objects from Get-LvsVirtualService (possibly of
/// another namespace), their deserialized copies (Import-Clixml, Receive-Job, remoting), objects of
/// ConvertFrom-Json, rows of Import-Csv and hashtables, all read by property name: VirtualService (or Protocol,
/// Address and Port, or FirewallMark and Family), Scheduler, SchedulerFlags, Persistent, PersistenceTimeout,
/// PersistenceNetmask, OnePacket, PersistenceEngine and RealServers (a list of real servers; a CSV cell of
/// endpoints is only a summary, so import real servers from their own file with Add-LvsRealServer). A row with a
/// value that is not what its property takes is refused on its own (InvalidRecordProperty, the row as target).
/// This is how a saved table is restored (ipvsadm -R) and how one is copied between namespaces or directors;
/// copies bring no namespace: -NetworkNamespace says where they go.</para>
/// <para>Every input, piped identity strings included, is checked and confirmed (-WhatIf, -Confirm) as it
/// arrives, then goes to the kernel in netlink batches per namespace: at the end of the pipeline, or every 2000
/// changes for very long input; batches of more than 500 changes show progress. A batch is not a transaction: a
/// service the kernel refuses (VirtualServiceExists, say) is written as its own error, with what was piped as the
/// target, and the others are still created; -PassThru writes the created services once their batch is applied.</para>
/// <para>Needs root or CAP_NET_ADMIN in the network namespace, and the ip_vs kernel module.</para>
/// </remarks>
/// <example title="LVS-DR quick start: a weighted round-robin web service with persistence">
/// <code>
/// New-LvsVirtualService -VirtualService tcp/10.0.0.3:80 -Scheduler wrr -PersistenceTimeout 20
/// Add-LvsRealServer -VirtualService tcp/10.0.0.3:80 -Address 10.0.0.7 -Forwarding DR
/// Add-LvsRealServer -VirtualService tcp/10.0.0.3:80 -Address 10.0.0.8 -Forwarding DR -Weight 2
/// </code>
/// <para>The same as ipvsadm -A -t 10.0.0.3:80 -s wrr -p 20, then ipvsadm -a -t 10.0.0.3:80 -r 10.0.0.7 -g
/// (and -w 2 for the second). -PersistenceTimeout implies -Persistent.</para>
/// </example>
/// <example title="A firewall-mark service that groups HTTP and HTTPS">
/// <code>
/// # nft add rule ip mangle prerouting ip daddr 10.0.0.3 tcp dport { 80, 443 } meta mark set 3
/// New-LvsVirtualService -FirewallMark 3 -Scheduler sh -SchedulerFlag sh-port -Persistent -PassThru
/// </code>
/// <para>Creates fwmark/3 (ipvsadm -A -f 3 -s sh -b sh-port -p) and writes the service as the kernel now
/// has it. Use -AddressFamily IPv6 (ipvsadm -6) for a mark service of IPv6 traffic.</para>
/// </example>
/// <example title="Copy a whole table into another network namespace">
/// <code>
/// Get-LvsVirtualService | New-LvsVirtualService -NetworkNamespace lb2 -WhatIf
/// New-LvsVirtualService -InputObject (Get-LvsVirtualService) -NetworkNamespace lb2
/// </code>
/// <para>Each record is created with its scheduler, options and real servers; -WhatIf prints one "What if:"
/// line per service first, with its settings and real-server count. The second line sends the whole table in
/// one netlink batch, like ipvsadm -R.</para>
/// </example>
/// <example title="Restore services and real servers saved as CSV">
/// <code>
/// Get-LvsVirtualService | Export-Csv services.csv
/// Get-LvsRealServer | Export-Csv realservers.csv
/// Import-Csv services.csv | New-LvsVirtualService
/// Import-Csv realservers.csv | Add-LvsRealServer
/// </code>
/// <para>Each row binds by property name: the services come back with their scheduler and persistence, then
/// the real servers with their forwarding, weight, thresholds and tunnel settings (ipvsadm -S, -C, -R).</para>
/// </example>
/// <example title="Create many services from a list of identities">
/// <code>
/// 1..2000 | ForEach-Object { "tcp/10.1.$([math]::Floor($_ / 250)).$($_ % 250 + 1):80" } | New-LvsVirtualService -Scheduler rr
/// </code>
/// <para>The strings are checked as they arrive and sent in batches, with a progress bar while the kernel takes them.</para>
/// </example>
/// <input type="LvsPS.LvsVirtualService">Whole services, bound to -InputObject: objects of Get-LvsVirtualService, their deserialized copies, Import-Csv rows, ConvertFrom-Json objects or hashtables; created with their real servers, in batches per namespace.</input>
/// <input type="System.String">A service identity such as tcp/10.0.0.3:80 or fwmark/3, bound to -VirtualService.</input>
/// <output type="LvsPS.LvsVirtualService">With -PassThru, each created service as the kernel reports it. Nothing otherwise.</output>
/// <seealso cref="GetLvsVirtualServiceCommand"/>
/// <seealso cref="SetLvsVirtualServiceCommand"/>
/// <seealso cref="RemoveLvsVirtualServiceCommand"/>
/// <seealso cref="AddLvsRealServerCommand"/>
[Cmdlet(VerbsCommon.New, "LvsVirtualService", DefaultParameterSetName = IdentitySet, SupportsShouldProcess = true)]
[OutputType(typeof(LvsVirtualService))]
public sealed class NewLvsVirtualServiceCommand : VirtualServiceSelectorCmdletBase
{
    // Not the default set: run without arguments, New-LvsVirtualService asks for the identity. Piped records and
    // rows still bind here whole (scheduler, real servers): this command's -VirtualService takes no property by
    // name and refuses whole services (NotAWholeService), so PowerShell moves on to this set.
    public const string InputObjectSet = "InputObject";

    /// <summary>Whole services, with their real servers: objects from Get-LvsVirtualService (possibly of another namespace), their deserialized copies (Import-Clixml, jobs, remoting), rows of Import-Csv, objects of ConvertFrom-Json or hashtables, read by property name (VirtualService, Scheduler, SchedulerFlags, Persistent, PersistenceTimeout, PersistenceNetmask, OnePacket, PersistenceEngine, RealServers). Piped or given as an array, they go in netlink batches per namespace.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet, HelpMessage = "Services to create, with their real servers.")]
    public LvsVirtualService[] InputObject { get; set; } = null!;

    /// <summary>The virtual service, as its identity: "tcp/10.0.0.3:80", "udp/[2001:db8::1]:53", "sctp/10.0.0.3:9", "fwmark/3" or "fwmark/3/ipv6" (ipvsadm -t, -u, --sctp-service, -f); asked for when the command is run without arguments. Piped strings bind here; piped service objects and rows bind to -InputObject and are created whole.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = IdentitySet, HelpMessage = "The virtual service: tcp/10.0.0.3:80, udp/[2001:db8::1]:53, fwmark/3 or fwmark/3/ipv6.")]
    [ArgumentCompleter(typeof(VirtualServiceCompleter))]
    [VirtualServiceTransformation]
    [NotAWholeService]
    public new VirtualServiceIdentity VirtualService
    {
        get => base.VirtualService;
        set => base.VirtualService = value;
    }

    /// <summary>The scheduler (ipvsadm -s): rr, wrr, lc, wlc, lblc, lblcr, dh, sh, sed, nq, fo, ovf, mh, twos. wlc when omitted, as with ipvsadm. Tab completion offers those this kernel has (built in, loaded, or installed as an ip_vs_NAME module).</summary>
    [Parameter(ParameterSetName = IdentitySet)]
    [Parameter(ParameterSetName = AddressSet)]
    [Parameter(ParameterSetName = FirewallMarkSet)]
    [ArgumentCompleter(typeof(SchedulerCompleter))]
    [ValidateNotNullOrEmpty]
    public string Scheduler { get; set; } = Native.Ipvs.VirtualService.DefaultScheduler;

    /// <summary>Scheduler flags (ipvsadm -b): sh-fallback and sh-port for sh, mh-fallback and mh-port for mh, or the raw flag-1, flag-2, flag-3. A flag of another scheduler is refused (SchedulerFlagMismatch).</summary>
    [Parameter(ParameterSetName = IdentitySet)]
    [Parameter(ParameterSetName = AddressSet)]
    [Parameter(ParameterSetName = FirewallMarkSet)]
    [ArgumentCompleter(typeof(SchedulerFlagCompleter))]
    public string[] SchedulerFlag { get; set; } = Array.Empty<string>();

    /// <summary>Makes the service persistent (ipvsadm -p), for 360 seconds (ipvsadm's default) unless -PersistenceTimeout says otherwise.</summary>
    [Parameter(ParameterSetName = IdentitySet)]
    [Parameter(ParameterSetName = AddressSet)]
    [Parameter(ParameterSetName = FirewallMarkSet)]
    public SwitchParameter Persistent { get; set; }

    /// <summary>Persistence timeout in seconds (ipvsadm -p TIMEOUT), 1 to 4294967; implies -Persistent.</summary>
    [Parameter(ParameterSetName = IdentitySet)]
    [Parameter(ParameterSetName = AddressSet)]
    [Parameter(ParameterSetName = FirewallMarkSet)]
    [ValidateRange(1u, ServiceOptions.MaxPersistenceTimeout)]
    [UnsignedTransformation(1, ServiceOptions.MaxPersistenceTimeout)]
    public uint PersistenceTimeout { get; set; }

    /// <summary>Persistence granularity (ipvsadm -M): clients in the same network stick to the same real server. A mask (255.255.255.0) or prefix length (24) for IPv4, a prefix length (64) for IPv6; the host (/32, /128) when omitted.</summary>
    [Parameter(ParameterSetName = IdentitySet)]
    [Parameter(ParameterSetName = AddressSet)]
    [Parameter(ParameterSetName = FirewallMarkSet)]
    [ValidateNotNullOrEmpty]
    public string PersistenceNetmask { get; set; } = null!;

    /// <summary>One-packet scheduling (ipvsadm -o): every UDP datagram is scheduled on its own, for DNS, syslog and similar.</summary>
    [Parameter(ParameterSetName = IdentitySet)]
    [Parameter(ParameterSetName = AddressSet)]
    [Parameter(ParameterSetName = FirewallMarkSet)]
    public SwitchParameter OnePacket { get; set; }

    /// <summary>The persistence engine (ipvsadm --pe): sip, which makes SIP calls stick by Call-ID. Needs -Persistent.</summary>
    [Parameter(ParameterSetName = IdentitySet)]
    [Parameter(ParameterSetName = AddressSet)]
    [Parameter(ParameterSetName = FirewallMarkSet)]
    [ValidateSet("sip")]
    public string PersistenceEngine { get; set; } = null!;

    /// <summary>Not a service setting: accepted only to say so (forwarding is chosen per real server).</summary>
    [Parameter(DontShow = true, ParameterSetName = IdentitySet)]
    [Parameter(DontShow = true, ParameterSetName = AddressSet)]
    [Parameter(DontShow = true, ParameterSetName = FirewallMarkSet)]
    public string Forwarding { get; set; } = null!;

    /// <summary>Writes each created service as the kernel reports it afterwards (re-read, with its real servers).</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Services wait here, per namespace, until EndProcessing (or a full batch) sends them.</summary>
    private readonly Dictionary<string, Batch> _pending = new(StringComparer.Ordinal);

    /// <summary>
    /// Every input, a piped identity string as much as a whole record, is checked and confirmed as it arrives
    /// and then queued: the kernel gets them in batches, with progress when there are many.
    /// </summary>
    protected override void ProcessRecord()
    {
        if (ParameterSetName == InputObjectSet)
        {
            Collect(InputObject);
            return;
        }
        VirtualService? service = null;
        string? ns = null;
        if (!TryRun(SelectionTarget(null), () => (service, ns) = Build()))
            return;
        if (ShouldProcess(service!.Key.ToString(), $"Create virtual service ({LvsFormat.Describe(service)})"))
            Enqueue(ns, service, SelectionTarget(service.Key), Array.Empty<(RealServer, object)>());
    }

    private (VirtualService, string?) Build()
    {
        if (IsBound(nameof(Forwarding)))
            throw ErrorMapper.Invalid(ErrorMapper.ForwardingIsPerRealServer, "A virtual service has no forwarding method: it is chosen per real server.");
        (VirtualServiceKey key, string? ns) = SelectedService();
        var bound = new Dictionary<string, object>(MyInvocation.BoundParameters) { [ServiceOptions.Scheduler] = Scheduler };
        ServicePatch patch = ServiceOptions.Patch(bound);
        patch.Check(key.Family);
        VirtualService service = patch.ApplyTo(new VirtualService { Key = key }, WriteWarning);
        IpvsValidation.Validate(service);
        return (service, ns);
    }

    protected override void EndProcessing()
    {
        if (!CancellationToken.IsCancellationRequested)
            foreach (Batch batch in _pending.Values)
                Send(batch);
        _pending.Clear();
        base.EndProcessing();
    }

    /// <summary>
    /// The bulk path: every valid service and its real servers are queued per namespace and go to the
    /// kernel together (hundreds of requests per sendmsg). -WhatIf asks once per service, as it arrives.
    /// </summary>
    private void Collect(LvsVirtualService[] services)
    {
        foreach (LvsVirtualService? piped in services)
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
            VirtualService service = piped.Record;
            if (!TryValidate(service, piped.Target))
                continue;
            // Errors about a real server point at it as the user holds it: the object in RealServers, or the record inside a piped record.
            var realServers = new List<(RealServer Record, object Target)>(service.RealServers.Count);
            foreach (LvsRealServer item in piped.RealServers)
            {
                RealServer d = item.Record;
                RealServer own = d.VirtualService == service.Key ? d : d with { VirtualService = service.Key };
                object target = piped.Source is null ? item : d;
                if (TryValidate(own, target))
                    realServers.Add((own, target));
            }
            string realServerText = realServers.Count == 1 ? "1 real server" : $"{realServers.Count} real servers";
            if (ShouldProcess(service.Key.ToString(), $"Create virtual service ({LvsFormat.Describe(service)}, {realServerText})"))
                Enqueue(ResolveNamespace(service.NetworkNamespace), service, piped.Target, realServers);
        }
    }

    private void Enqueue(string? ns, VirtualService service, object target, IReadOnlyList<(RealServer Record, object Target)> realServers)
    {
        if (!_pending.TryGetValue(ns ?? "", out Batch? batch))
            _pending[ns ?? ""] = batch = new Batch(ns);
        batch.Add(IpvsChange.Add(service with { RealServers = Array.Empty<RealServer>() }), target);
        foreach ((RealServer d, object realServerTarget) in realServers)
            batch.Add(IpvsChange.Add(d), realServerTarget);
        batch.Services.Add(service.Key);
        if (batch.Changes.Count >= FlushChanges)
        {
            _pending.Remove(ns ?? "");
            Send(batch);
        }
    }

    private void Send(Batch batch)
    {
        int total = batch.Changes.Count;
        WriteVerbose($"Sending {total} changes ({batch.Services.Count} services) in one batch{(batch.Namespace is null ? "" : $" to network namespace '{batch.Namespace}'")}.");
        List<IpvsChangeResult> results = ApplyInChunks(batch.Namespace, batch.Changes, "Creating virtual services");
        // Created: the services whose own NEW_SERVICE succeeded (a refused duplicate of a key does not hide the original).
        var created = new HashSet<VirtualServiceKey>();
        for (int i = 0; i < results.Count; i++)
        {
            if (results[i].Error is { } error)
                WriteFailure(error, batch.Targets[i]);
            else if (results[i].Change.Service is { } s)
                created.Add(s.Key);
        }
        WriteVerbose($"The kernel applied {results.Count(r => r.Succeeded)} of {total} changes.");
        if (!PassThru || created.Count == 0)
            return;
        // A few services are read one by one; many in one dump rather than a read each.
        if (created.Count <= ReadEachUpTo)
            foreach (VirtualServiceKey key in batch.Services.Where(created.Contains).Distinct())
                TryRun(batch.Namespace, () => WriteServiceFromKernel(batch.Namespace, key, key.ToString()));
        else
            TryRun(batch.Namespace, () =>
            {
                foreach (VirtualService s in IpvsadmOrder.Sort(Client(batch.Namespace).GetVirtualServices()))
                    if (created.Contains(s.Key))
                        WriteObject(new LvsVirtualService(s));
            });
    }

    /// <summary>Beyond this many created services, -PassThru reads the whole table once.</summary>
    private const int ReadEachUpTo = 16;

    private sealed class Batch(string? ns)
    {
        public string? Namespace { get; } = ns;
        public List<IpvsChange> Changes { get; } = new();
        public List<object> Targets { get; } = new();
        public List<VirtualServiceKey> Services { get; } = new();

        public void Add(IpvsChange change, object target)
        {
            Changes.Add(change);
            Targets.Add(target);
        }
    }
}
