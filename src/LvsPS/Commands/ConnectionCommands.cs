using System.Management.Automation;
using System.Net;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Proc;

namespace LvsPS.Commands;

/// <summary>Lists the entries of the IPVS connection table (ipvsadm -Lnc), filtered while it is read.</summary>
/// <remarks>
/// <para>Get-LvsConnection replaces ipvsadm -L -n -c (--connection) and the grep that usually follows it. It reads
/// /proc/net/ip_vs_conn of the network namespace and writes one IpvsConnection per entry: Protocol, ClientAddress
/// and ClientPort (ipvsadm's "source"), VirtualAddress and VirtualPort ("virtual"), RealServerAddress and
/// RealServerPort ("destination"), State (ESTABLISHED, SYN_RECV, TIME_WAIT, FIN_WAIT, CLOSE_WAIT, UDP, ...),
/// Expires (a TimeSpan), IsTemplate and, for persistence templates of SIP services, the persistence engine
/// and its data. IPv6 and mixed-family tunnel entries are read too.</para>
/// <para>The filters (-VirtualService, -RealServerAddress, -ClientAddress, -State, -Protocol, -Template,
/// -ExcludeTemplate) are applied to each row before an object is made, and rows are written as they are read:
/// memory stays flat however large the table is, and Select-Object -First stops the reading early. The kernel
/// itself filters nothing, so every call walks the whole table.</para>
/// <para>Persistence templates (the entries that keep a client on its real server) are the rows with client
/// port 0; -Template lists only them, -ExcludeTemplate only real connections. -IncludeOrigin reads
/// /proc/net/ip_vs_conn_sync instead, which adds Origin: Local for entries this director scheduled, Sync for
/// entries received from a master by the backup sync daemon (that file has no persistence-engine columns).</para>
/// <para>The table does not name firewall marks: for a firewall-mark service only its persistence templates
/// match -VirtualService; filter its connections by -RealServerAddress. -Path parses a saved copy of either file
/// (cat /proc/net/ip_vs_conn > conn.txt, from a support bundle) instead of the live table. A row that is not in
/// the kernel's format stops the reading with ProcFormatError (InvalidData), naming the file and the line.</para>
/// </remarks>
/// <example title="The ipvsadm -Lnc view">
/// <code>
/// Get-LvsConnection
/// </code>
/// <para>Prints Pro Expire State Source Virtual Destination, one line per entry, like ipvsadm -Lnc.</para>
/// </example>
/// <example title="Who is still connected to a real server">
/// <code>
/// Get-LvsRealServer tcp/10.0.0.3:80 -Address 10.0.0.7 | Get-LvsConnection -State ESTABLISHED -ExcludeTemplate
/// </code>
/// <para>The piped real server binds its service, address and port; only its established connections are written.
/// Add | Measure-Object to count them.</para>
/// </example>
/// <example title="One client network, grouped by state">
/// <code>
/// Get-LvsConnection -VirtualService tcp/10.0.0.3:443 -ClientAddress 198.51.100.0/24 | Group-Object State -NoElement
/// </code>
/// <para>Counts the entries of clients in 198.51.100.0/24 on tcp/10.0.0.3:443 per state, without ipvsadm -Lnc | grep.</para>
/// </example>
/// <input type="LvsPS.LvsVirtualService">A service from Get-LvsVirtualService (or its identity string), bound to -VirtualService.</input>
/// <input type="LvsPS.LvsRealServer">A real server from Get-LvsRealServer: its service and Endpoint bind to -VirtualService and -RealServerAddress.</input>
/// <output type="LvsPS.LvsConnection">The matching entries, in the kernel's order.</output>
/// <seealso cref="GetLvsRealServerCommand"/>
/// <seealso cref="GetLvsStatisticCommand"/>
/// <seealso cref="SuspendLvsRealServerCommand"/>
[Cmdlet(VerbsCommon.Get, "LvsConnection")]
[OutputType(typeof(LvsConnection))]
public sealed class GetLvsConnectionCommand : LvsCmdletBase
{
    /// <summary>Only the entries of this virtual service: "tcp/10.0.0.3:80" (port 0: any port of the address), or an object from Get-LvsVirtualService or Get-LvsRealServer. For "fwmark/3" only the service's persistence templates match (the table does not name marks); filter its connections by -RealServerAddress.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(VirtualServiceCompleter))]
    [VirtualServiceTransformation]
    public VirtualServiceIdentity VirtualService { get; set; } = null!;

    /// <summary>Only the entries scheduled to this real server (the RealServerAddress of the entries): "10.0.0.7" (any port), "10.0.0.7:8080" or "[2001:db8::7]:80". Binds the Endpoint of real servers piped from Get-LvsRealServer (by that name: a piped service's own Address is its VIP, not a real server). -RealServer is its old name.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("Endpoint", "RealServer")]
    [ValidateNotNullOrEmpty]
    [EndpointTransformation]
    public string RealServerAddress { get; set; } = null!;

    /// <summary>The real server's port, when it is not written in -RealServerAddress; 0 means any port (firewall-mark real servers have port 0).</summary>
    [Parameter]
    [Alias("Port")]
    [ValidateRange(0, 65535)]
    public int? RealServerPort { get; set; }

    /// <summary>Only the entries of clients in this network: an address (10.0.0.7, 2001:db8::7) or a network in CIDR notation (198.51.100.0/24, 2001:db8::/32).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [PrefixTransformation]
    public string ClientAddress { get; set; } = null!;

    /// <summary>Only the entries in one of these states, as the kernel names them (case-insensitive): ESTABLISHED, SYN_RECV, TIME_WAIT, FIN_WAIT, CLOSE_WAIT, LAST_ACK, CLOSE, UDP, NONE, ASSURED (templates), SCTP states. Tab-completes.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ConnectionStateCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] State { get; set; } = null!;

    /// <summary>Only the entries of this protocol: tcp, udp or sctp.</summary>
    [Parameter]
    [ValidateSet("tcp", "udp", "sctp")]
    public string Protocol { get; set; } = null!;

    /// <summary>Only persistence templates (client port 0): which client network is pinned to which real server, and for how long.</summary>
    [Parameter]
    public SwitchParameter Template { get; set; }

    /// <summary>Only real connections, no persistence templates.</summary>
    [Parameter]
    public SwitchParameter ExcludeTemplate { get; set; }

    /// <summary>Reads /proc/net/ip_vs_conn_sync, which adds the Origin of each entry: Local (scheduled here) or Sync (received from the master's sync daemon). That file has no persistence-engine data.</summary>
    [Parameter]
    public SwitchParameter IncludeOrigin { get; set; }

    /// <summary>Parses a saved copy of /proc/net/ip_vs_conn or ip_vs_conn_sync (the layout is recognised from its header) instead of the live table; -NetworkNamespace and -IncludeOrigin do not apply then.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = null!;

    protected override void BeginProcessing()
    {
        if (Template && ExcludeTemplate)
        {
            ThrowTerminatingError(ErrorMapper.Record(ErrorMapper.TemplateSwitchConflict,
                ErrorMapper.Invalid(ErrorMapper.TemplateSwitchConflict, "-Template lists only templates and -ExcludeTemplate none: together they list nothing."), null));
        }
    }

    protected override void ProcessRecord()
    {
        object target = (object?)VirtualService ?? (object?)RealServerAddress ?? Path ?? "connection table";
        ConnectionFilter? filter = null;
        if (!TryRun(target, () => filter = BuildFilter()))
            return;
        string? ns = ResolveNamespace(VirtualService?.NetworkNamespace);
        IpvsConnectionParser? parser = null;
        try
        {
            parser = Open(ns, filter!);
            if (parser is null)
                return;
            long written = 0;
            while (!CancellationToken.IsCancellationRequested && parser.TryRead(out IpvsConnection? connection))
            {
                WriteObject(new LvsConnection(connection));
                written++;
            }
            WriteVerbose($"{written} of {parser.RowsRead} entries matched.");
        }
        catch (Exception e) when (ErrorMapper.IsMapped(e))
        {
            WriteFailure(e, e is ProcFormatException ? null : ns);
        }
        finally
        {
            parser?.Dispose();
        }
    }

    private IpvsConnectionParser? Open(string? ns, ConnectionFilter filter)
    {
        if (Path is not null)
        {
            string file = GetUnresolvedProviderPathFromPSPath(Path);
            if (Directory.Exists(file))
            {
                WriteError(ErrorMapper.Record(ErrorMapper.PathIsDirectory, new IOException($"'{file}' is a directory, not a saved connection table."), Path));
                return null;
            }
            if (!File.Exists(file))
            {
                WriteError(ErrorMapper.Record(ErrorMapper.PathNotFound, new ItemNotFoundException($"Cannot find the file '{file}'."), Path));
                return null;
            }
            WriteVerbose($"Parsing the saved connection table '{file}'.");
            return new IpvsConnectionParser(File.OpenRead(file), filter, file);
        }
        string name = IncludeOrigin ? IpvsConnectionReader.SyncConnectionFile : IpvsConnectionReader.ConnectionFile;
        WriteVerbose(ns is null ? $"Reading /proc/net/{name} of the current network namespace." : $"Reading /proc/net/{name} of network namespace '{ns}'.");
        return IpvsConnectionReader.Open(ns, filter, IncludeOrigin);
    }

    /// <exception cref="Native.Text.NetTextException">An address or network that is not one.</exception>
    /// <exception cref="IpvsValidationException">The port is given twice, differently.</exception>
    private ConnectionFilter BuildFilter()
    {
        var filter = new ConnectionFilter
        {
            Templates = Template ? TemplateFilter.Only : ExcludeTemplate ? TemplateFilter.Exclude : TemplateFilter.Include,
            States = State,
            Protocol = Protocol?.ToLowerInvariant() switch
            {
                "tcp" => IpvsProtocol.Tcp,
                "udp" => IpvsProtocol.Udp,
                "sctp" => IpvsProtocol.Sctp,
                _ => null,
            },
        };
        if (ClientAddress is not null)
            filter = filter with { ClientNetwork = ConnectionFilter.ParseClientNetwork(ClientAddress) };
        if (RealServerAddress is not null)
        {
            (IPAddress address, ushort? portInAddress) = InputParsing.ParseEndpoint(RealServerAddress);
            ushort? port = InputParsing.OnePort(portInAddress, RealServerPort, nameof(RealServerPort));
            filter = filter with { RealServerAddress = address, RealServerPort = port is 0 ? null : port };
        }
        if (VirtualService is not null)
        {
            if (VirtualService.Key.IsFirewallMark && RealServerAddress is not null)
                WriteVerbose($"{VirtualService.Key}: the connection table does not name firewall marks, so the real server alone selects the entries.");
            else
            {
                if (VirtualService.Key.IsFirewallMark)
                    WriteWarning($"The connection table does not name firewall marks: only the persistence templates of {VirtualService.Key} match. Filter its connections by -RealServerAddress.");
                filter = filter with { VirtualService = VirtualService.Key };
            }
        }
        return filter;
    }
}
