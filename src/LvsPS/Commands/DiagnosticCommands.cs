using System.Management.Automation;
using LvsPS.Native.HostSettings;
using LvsPS.Native.Ipvs;

namespace LvsPS.Commands;

/// <summary>Checks an LVS set-up for the classic traps and writes one finding per problem, with severity and fix.</summary>
/// <remarks>
/// <para>ipvsadm accepts many tables that cannot carry traffic. Test-LvsConfiguration reads the director's IPVS
/// table, addresses, routes and kernel parameters (this host or -NetworkNamespace), and, with
/// -RealServerNamespace, those of real servers that are network namespaces on this host, matched to real servers
/// by address. It writes an LvsFinding (Severity, Check, Target, Message, Fix, NetworkNamespace) per problem:</para>
/// <para>VipNotOnDirector (the VIP is not a local address of the director); PortRemapNotPossible (a DR/TUN real
/// server on another port); RealServerIsDirector (a real server address is the director's own);
/// RealServerNotOnDirectorSegment (a DR real server outside every connected network of the director);
/// IpForwardOff and SendRedirectsOn (NAT director); NatReturnPathUnverified (Info: the real server's routes
/// cannot be seen) or NatReturnPathNotViaDirector (its default route does not go via the director);
/// VipNotOnRealServer, VipNotHostPrefix, VipOnArpInterface, ArpNotSuppressed (DR/TUN real servers);
/// TunnelInterfaceMissing and RpFilterBlocksTunnel (TUN real servers); ExpireQuiescentTemplateOff,
/// ExpireNodestConnOff and ConnReuseMode (IPVS tunables that surprise people).</para>
/// <para>Only findings of -MinimumSeverity (Warning by default) or above are written, so a correct set-up
/// writes nothing; -MinimumSeverity Info adds the advice. The cmdlet changes nothing.</para>
/// </remarks>
/// <example title="Check a director">
/// <code>
/// Test-LvsConfiguration
/// </code>
/// <para>Nothing when the set-up is right; otherwise a table of Severity, Check, Target and Message.</para>
/// </example>
/// <example title="Check the director and its real servers, advice included">
/// <code>
/// Test-LvsConfiguration -NetworkNamespace lb -RealServerNamespace rs1, rs2 -MinimumSeverity Info | Format-List
/// </code>
/// <para>Also inspects rs1 and rs2: a DR real server without ARP suppression is ArpNotSuppressed (Error), with
/// the Fix "Set-LvsArpSuppression -NetworkNamespace rs1".</para>
/// </example>
/// <input type="None">This cmdlet takes no pipeline input.</input>
/// <parameter name="MinimumSeverity" default="Warning"/>
/// <output type="LvsPS.LvsFinding">One finding per problem found.</output>
/// <seealso cref="InitializeLvsRealServerHostCommand"/>
/// <seealso cref="EnableLvsDirectorForwardingCommand"/>
/// <seealso cref="GetLvsArpSuppressionCommand"/>
[Cmdlet(VerbsDiagnostic.Test, "LvsConfiguration")]
[OutputType(typeof(LvsPS.LvsFinding))]
public sealed class TestLvsConfigurationCommand : HostCmdletBase
{
    /// <summary>Network namespaces of this host that are real servers, to inspect as well (their VIPs, ARP settings, tunnels, routes).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? RealServerNamespace { get; set; }

    /// <summary>The least severity to write: Info, Warning (the default) or Error.</summary>
    [Parameter]
    public FindingSeverity MinimumSeverity { get; set; } = FindingSeverity.Warning;

    protected override void ProcessRecord()
    {
        string? ns = ResolveNamespace(null);
        IReadOnlyList<VirtualService>? services = null;
        HostSnapshot? director = null;
        if (!TryRun(ns, () => services = Client(ns).GetVirtualServices()) || !TryRun(ns, () => director = Network(ns).Snapshot()))
            return;
        var realServers = new List<HostSnapshot>();
        foreach (string rsNs in RealServerNamespace ?? Array.Empty<string>())
            TryRun(rsNs, () => realServers.Add(Network(rsNs).Snapshot()));
        WriteVerbose($"Checking {services!.Count} virtual services with {services.Sum(s => s.RealServers.Count)} real servers; {realServers.Count} real-server hosts inspected.");
        foreach (Native.HostSettings.LvsFinding finding in LvsDiagnostics.Run(services, director!, realServers))
            if (finding.Severity >= MinimumSeverity)
                WriteObject(new LvsPS.LvsFinding(DiagnosticFixes.WithFix(finding)));
    }
}
