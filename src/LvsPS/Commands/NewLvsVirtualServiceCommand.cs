using System.Management.Automation;
using LvsPS.Native.Ipvs;

namespace LvsPS.Commands;

/// <summary>
/// <para type="synopsis">Creates IPVS virtual services (ipvsadm -A), one at a time or, with -InputObject, many with their real servers in one batch.</para>
/// </summary>
[Cmdlet(VerbsCommon.New, "LvsVirtualService", DefaultParameterSetName = InputObjectSet, SupportsShouldProcess = true)]
[OutputType(typeof(VirtualService))]
public sealed class NewLvsVirtualServiceCommand : VirtualServiceSelectorCmdletBase
{
    // The default set, so that a piped VirtualService record binds whole (scheduler, real
    // servers) rather than being converted to its bare identity.
    public const string InputObjectSet = "InputObject";

    /// <summary>Whole service records (from Get-LvsVirtualService, possibly of another namespace, or constructed); their RealServers are added too.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
    public VirtualService[] InputObject { get; set; } = null!;

    /// <summary>The scheduler (rr, wrr, lc, wlc, sh, mh, ...); wlc when omitted, like ipvsadm.</summary>
    [Parameter(ParameterSetName = IdentitySet)]
    [Parameter(ParameterSetName = AddressSet)]
    [Parameter(ParameterSetName = FirewallMarkSet)]
    [ArgumentCompleter(typeof(SchedulerCompleter))]
    [ValidateNotNullOrEmpty]
    public string Scheduler { get; set; } = Native.Ipvs.VirtualService.DefaultScheduler;

    /// <summary>Scheduler flags: sh-fallback, sh-port, mh-fallback, mh-port, flag-1, flag-2, flag-3.</summary>
    [Parameter(ParameterSetName = IdentitySet)]
    [Parameter(ParameterSetName = AddressSet)]
    [Parameter(ParameterSetName = FirewallMarkSet)]
    [ArgumentCompleter(typeof(SchedulerFlagCompleter))]
    public string[] SchedulerFlag { get; set; } = Array.Empty<string>();

    /// <summary>Makes the service persistent (ipvsadm -p), for 300 seconds unless -PersistenceTimeout says otherwise.</summary>
    [Parameter(ParameterSetName = IdentitySet)]
    [Parameter(ParameterSetName = AddressSet)]
    [Parameter(ParameterSetName = FirewallMarkSet)]
    public SwitchParameter Persistent { get; set; }

    /// <summary>Persistence timeout in seconds; implies -Persistent.</summary>
    [Parameter(ParameterSetName = IdentitySet)]
    [Parameter(ParameterSetName = AddressSet)]
    [Parameter(ParameterSetName = FirewallMarkSet)]
    [ValidateRange(1u, ServiceOptions.MaxPersistenceTimeout)]
    public uint PersistenceTimeout { get; set; }

    /// <summary>Persistence granularity: a mask (255.255.255.0) or prefix length (24) for IPv4, a prefix length (64) for IPv6.</summary>
    [Parameter(ParameterSetName = IdentitySet)]
    [Parameter(ParameterSetName = AddressSet)]
    [Parameter(ParameterSetName = FirewallMarkSet)]
    [ValidateNotNullOrEmpty]
    public string PersistenceNetmask { get; set; } = null!;

    /// <summary>One-packet scheduling (ipvsadm -o), for UDP.</summary>
    [Parameter(ParameterSetName = IdentitySet)]
    [Parameter(ParameterSetName = AddressSet)]
    [Parameter(ParameterSetName = FirewallMarkSet)]
    public SwitchParameter OnePacket { get; set; }

    /// <summary>The persistence engine (sip); needs -Persistent.</summary>
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

    /// <summary>Writes the created services as the kernel reports them.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == InputObjectSet)
        {
            CreateMany(InputObject);
            return;
        }
        VirtualService? service = null;
        string? ns = null;
        if (!TryRun(SelectionTarget(null), () => (service, ns) = Build()))
            return;
        object target = SelectionTarget(service!.Key);
        string action = $"Create virtual service ({LvsFormat.Describe(service)})";
        if (!ShouldProcess(service.Key.ToString(), action))
            return;
        WriteVerbose($"Sending NEW_SERVICE {service.Key}: {LvsFormat.Describe(service)}.");
        if (TryRun(target, () => Client(ns).AddVirtualService(service)) && PassThru)
            TryRun(target, () => WriteServiceFromKernel(ns, service.Key, target));
    }

    private (VirtualService, string?) Build()
    {
        if (IsBound(nameof(Forwarding)))
            throw ErrorMapper.Invalid(ErrorMapper.ForwardingIsPerRealServer,
                "A virtual service has no forwarding method: it is chosen per real server. Use Add-LvsRealServer -Forwarding Masquerade|Route|Tunnel.");
        (VirtualServiceKey key, string? ns) = SelectedService();
        var bound = new Dictionary<string, object>(MyInvocation.BoundParameters) { [ServiceOptions.Scheduler] = Scheduler };
        VirtualService service = ServiceOptions.Apply(new VirtualService { Key = key }, bound, WriteWarning);
        IpvsValidation.Validate(service);
        return (service, ns);
    }

    /// <summary>
    /// The bulk path: every valid service and its real servers go to the kernel in one Apply
    /// per namespace (hundreds of requests per sendmsg). -WhatIf asks once per service.
    /// </summary>
    private void CreateMany(VirtualService[] services)
    {
        var batches = new Dictionary<string, Batch>(StringComparer.Ordinal);
        foreach (VirtualService? service in services)
        {
            if (CancellationToken.IsCancellationRequested)
                return;
            if (service is null || !TryValidate(service, service))
                continue;
            var realServers = new List<RealServer>(service.RealServers.Count);
            foreach (RealServer d in service.RealServers)
            {
                RealServer own = d.VirtualService == service.Key ? d : d with { VirtualService = service.Key };
                if (TryValidate(own, d))
                    realServers.Add(own);
            }
            string realServerText = realServers.Count == 1 ? "1 real server" : $"{realServers.Count} real servers";
            if (!ShouldProcess(service.Key.ToString(), $"Create virtual service ({LvsFormat.Describe(service)}, {realServerText})"))
                continue;
            string? ns = ResolveNamespace(service.NetworkNamespace);
            if (!batches.TryGetValue(ns ?? "", out Batch? batch))
                batches[ns ?? ""] = batch = new Batch(ns);
            batch.Add(IpvsChange.Add(service with { RealServers = Array.Empty<RealServer>() }), service);
            foreach (RealServer d in realServers)
                batch.Add(IpvsChange.Add(d), d);
            batch.Services.Add(service.Key);
        }
        foreach (Batch batch in batches.Values)
            Send(batch);
    }

    private void Send(Batch batch)
    {
        WriteVerbose($"Sending {batch.Changes.Count} changes ({batch.Services.Count} services) in one batch{(batch.Namespace is null ? "" : $" to network namespace '{batch.Namespace}'")}.");
        IReadOnlyList<IpvsChangeResult>? results = null;
        if (!TryRun(batch.Namespace, () => results = Client(batch.Namespace).Apply(batch.Changes)))
            return;
        var failed = new HashSet<VirtualServiceKey>();
        for (int i = 0; i < results!.Count; i++)
        {
            if (results[i].Error is { } error)
            {
                if (results[i].Change.Service is { } s)
                    failed.Add(s.Key);
                WriteFailure(error, batch.Targets[i]);
            }
        }
        WriteVerbose($"The kernel applied {results.Count(r => r.Succeeded)} of {results.Count} changes.");
        if (!PassThru)
            return;
        // One dump for the whole batch instead of one read per service.
        TryRun(batch.Namespace, () =>
        {
            var created = new HashSet<VirtualServiceKey>(batch.Services.Where(k => !failed.Contains(k)));
            foreach (VirtualService s in Client(batch.Namespace).GetVirtualServices())
                if (created.Contains(s.Key))
                    WriteObject(s);
        });
    }

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
