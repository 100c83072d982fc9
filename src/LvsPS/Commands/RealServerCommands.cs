using System.Management.Automation;
using System.Net;
using LvsPS.Native.Ipvs;

namespace LvsPS.Commands;

/// <summary>
/// <para type="synopsis">Adds real servers to a virtual service (ipvsadm -a); with -InputObject, many in one batch.</para>
/// </summary>
[Cmdlet(VerbsCommon.Add, "LvsRealServer", DefaultParameterSetName = InputObjectSet, SupportsShouldProcess = true)]
[OutputType(typeof(RealServer))]
public sealed class AddLvsRealServerCommand : RealServerCmdletBase
{
    public const string IdentitySet = "VirtualService";
    // The default set, so that piped RealServer records bind whole instead of as their service.
    public const string InputObjectSet = "InputObject";

    /// <summary>The service to add to: "tcp/10.0.0.3:80", "fwmark/3", or an object from Get-LvsVirtualService.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = IdentitySet)]
    [ArgumentCompleter(typeof(VirtualServiceCompleter))]
    public VirtualServiceIdentity VirtualService { get; set; } = null!;

    /// <summary>The real server: "10.0.0.7", "10.0.0.7:8080", "2001:db8::7" or "[2001:db8::7]:80".</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = IdentitySet)]
    [ValidateNotNullOrEmpty]
    public string Address { get; set; } = null!;

    /// <summary>The real server's port; the service's port when omitted (0 for firewall-mark services).</summary>
    [Parameter(ParameterSetName = IdentitySet)]
    [ValidateRange(0, 65535)]
    public int? Port { get; set; }

    /// <summary>Whole real-server records (constructed, or from Get-LvsRealServer); all go in one batch.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
    public RealServer[] InputObject { get; set; } = null!;

    protected override void ProcessRecord()
    {
        if (ParameterSetName == InputObjectSet)
        {
            AddMany(InputObject);
            return;
        }
        RealServer? d = null;
        if (!TryRun(VirtualService, () =>
            {
                (IPAddress address, ushort? portInAddress) = InputParsing.ParseEndpoint(Address);
                VirtualServiceKey key = VirtualService.Key;
                d = ApplySettings(new RealServer { VirtualService = key, Address = address, Port = InputParsing.RealServerPort(Port, portInAddress, key), Forwarding = DefaultForwarding });
                IpvsValidation.Validate(d, key);
            }))
            return;
        if (!ShouldProcess(d!.ToString(), $"Add real server ({LvsFormat.Describe(d)})"))
            return;
        string? ns = ResolveNamespace(VirtualService.NetworkNamespace);
        WriteVerbose($"Sending NEW_DEST {d}: {LvsFormat.Describe(d)}.");
        if (TryRun(d.ToString(), () => Client(ns).AddRealServer(d)) && PassThru)
            TryRun(d.ToString(), () => WriteFromKernel(ns, new[] { d }));
    }

    /// <summary>The bulk path: one Apply per namespace; each refusal becomes its own error record.</summary>
    private void AddMany(RealServer[] realServers)
    {
        var byNamespace = new Dictionary<string, (string? Namespace, List<RealServer> Items)>(StringComparer.Ordinal);
        foreach (RealServer? d in realServers)
        {
            if (CancellationToken.IsCancellationRequested)
                return;
            if (d is null || !TryValidate(d, d) || !ShouldProcess(d.ToString(), $"Add real server ({LvsFormat.Describe(d)})"))
                continue;
            string? ns = ResolveNamespace(d.NetworkNamespace);
            if (!byNamespace.TryGetValue(ns ?? "", out var group))
                byNamespace[ns ?? ""] = group = (ns, new List<RealServer>());
            group.Items.Add(d);
        }
        foreach ((string? ns, List<RealServer> items) in byNamespace.Values)
        {
            WriteVerbose($"Sending {items.Count} NEW_DEST requests in one batch{(ns is null ? "" : $" to network namespace '{ns}'")}.");
            IReadOnlyList<IpvsChangeResult>? results = null;
            if (!TryRun(ns, () => results = Client(ns).Apply(items.Select(IpvsChange.Add).ToList())))
                continue;
            var added = new List<RealServer>();
            for (int i = 0; i < results!.Count; i++)
            {
                if (results[i].Error is { } error)
                    WriteFailure(error, items[i]);
                else
                    added.Add(items[i]);
            }
            if (PassThru)
                TryRun(ns, () => WriteFromKernel(ns, added));
        }
    }

    /// <summary>Re-reads the added real servers, one dump per service concerned.</summary>
    private void WriteFromKernel(string? ns, IReadOnlyList<RealServer> added)
    {
        foreach (IGrouping<VirtualServiceKey, RealServer> group in added.GroupBy(d => d.VirtualService))
        {
            var wanted = new HashSet<(IPAddress, ushort)>(group.Select(d => (d.Address, d.Port)));
            foreach (RealServer d in Client(ns).GetRealServers(group.Key))
                if (wanted.Contains((d.Address, d.Port)))
                    WriteObject(d);
        }
    }
}

/// <summary>
/// <para type="synopsis">Lists the real servers of one virtual service, or of all (ipvsadm -L).</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "LvsRealServer")]
[OutputType(typeof(RealServer))]
public sealed class GetLvsRealServerCommand : LvsCmdletBase
{
    /// <summary>The service whose real servers to list; every service when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(VirtualServiceCompleter))]
    public VirtualServiceIdentity VirtualService { get; set; } = null!;

    /// <summary>Only the real servers at this address ("10.0.0.7", or with a port "10.0.0.7:8080").</summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Address { get; set; } = null!;

    protected override void ProcessRecord()
    {
        object? target = (object?)VirtualService ?? Address;
        TryRun(target, () =>
        {
            (IPAddress Address, ushort? Port)? filter = Address is null ? null : InputParsing.ParseEndpoint(Address);
            string? ns = ResolveNamespace(VirtualService?.NetworkNamespace);
            IEnumerable<RealServer> found;
            if (VirtualService is null)
                found = Client(ns).GetVirtualServices().SelectMany(s => s.RealServers);
            else
            {
                IReadOnlyList<RealServer> all = Client(ns).GetRealServers(VirtualService.Key);
                if (all.Count == 0 && Client(ns).GetVirtualService(VirtualService.Key, includeRealServers: false) is null)
                {
                    WriteError(ErrorMapper.ServiceNotFound(VirtualService.Key, VirtualService));
                    return;
                }
                found = all;
            }
            int written = 0;
            foreach (RealServer d in found)
            {
                if (filter is { } f && (!d.Address.Equals(f.Address) || (f.Port is ushort p && d.Port != p)))
                    continue;
                WriteObject(d);
                written++;
            }
            if (written == 0 && filter is not null)
                WriteError(ErrorMapper.RealServerMissing($"{VirtualService?.ToString() ?? "any service"} -> {Address}", target));
        });
    }
}

/// <summary>
/// <para type="synopsis">Changes a real server (ipvsadm -e); only the parameters given change, the rest is kept as the kernel has it.</para>
/// </summary>
[Cmdlet(VerbsCommon.Set, "LvsRealServer", SupportsShouldProcess = true)]
[OutputType(typeof(RealServer))]
public sealed class SetLvsRealServerCommand : RealServerCmdletBase
{
    /// <summary>The service of the real server: "tcp/10.0.0.3:80", or an object from Get-LvsRealServer.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(VirtualServiceCompleter))]
    public VirtualServiceIdentity VirtualService { get; set; } = null!;

    /// <summary>The real server's address ("10.0.0.7", "10.0.0.7:8080", "[2001:db8::7]:80").</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Address { get; set; } = null!;

    /// <summary>The real server's port; the service's port when omitted.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, 65535)]
    public int? Port { get; set; }

    protected override void ProcessRecord()
    {
        VirtualServiceKey key = VirtualService.Key;
        IPAddress? address = null;
        ushort port = 0;
        if (!TryRun(VirtualService, () =>
            {
                (address, ushort? portInAddress) = InputParsing.ParseEndpoint(Address);
                port = InputParsing.RealServerPort(Port, portInAddress, key);
                if (IsBound(nameof(Forwarding)))
                    InputParsing.ParseForwarding(Forwarding); // a bad name is refused before the kernel is asked
            }))
            return;
        string identity = Identity(key, address!, port);
        string? ns = ResolveNamespace(VirtualService.NetworkNamespace);
        TryRun(identity, () =>
        {
            // Read-modify-write: SET_DEST replaces every setting, tunnel ones included.
            if (ReadRealServer(ns, key, address!, port, identity) is not { } current)
                return;
            RealServer updated = ApplySettings(current);
            IpvsValidation.Validate(updated, key);
            if (!ShouldProcess(identity, $"Update real server ({LvsFormat.Describe(updated)})"))
                return;
            WriteVerbose($"Sending SET_DEST {identity}: {LvsFormat.Describe(updated)} (was {LvsFormat.Describe(current)}).");
            Client(ns).UpdateRealServer(updated);
            if (PassThru && ReadRealServer(ns, key, address!, port, identity) is { } after)
                WriteObject(after);
        });
    }
}

/// <summary>
/// <para type="synopsis">Removes real servers from their virtual service (ipvsadm -d).</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "LvsRealServer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveLvsRealServerCommand : LvsCmdletBase
{
    /// <summary>The service of the real server: "tcp/10.0.0.3:80", or an object from Get-LvsRealServer.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(VirtualServiceCompleter))]
    public VirtualServiceIdentity VirtualService { get; set; } = null!;

    /// <summary>The real server's address ("10.0.0.7", "10.0.0.7:8080", "[2001:db8::7]:80").</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Address { get; set; } = null!;

    /// <summary>The real server's port; the service's port when omitted.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, 65535)]
    public int? Port { get; set; }

    protected override void ProcessRecord()
    {
        VirtualServiceKey key = VirtualService.Key;
        TryRun(VirtualService, () =>
        {
            (IPAddress address, ushort? portInAddress) = InputParsing.ParseEndpoint(Address);
            ushort port = InputParsing.RealServerPort(Port, portInAddress, key);
            string identity = RealServerCmdletBase.Identity(key, address, port);
            if (!ShouldProcess(identity, "Remove real server"))
                return;
            WriteVerbose($"Sending DEL_DEST {identity}.");
            Client(ResolveNamespace(VirtualService.NetworkNamespace)).RemoveRealServer(key, address, port);
        });
    }
}
