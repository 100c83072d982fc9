using System.Management.Automation;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Text;

namespace LvsPS;

/// <summary>
/// Names one virtual service in one of three ways: -VirtualService (text or a pipeline
/// object), -Protocol/-Address/-Port, or -FirewallMark [-AddressFamily].
/// </summary>
public abstract class VirtualServiceSelectorCmdletBase : LvsCmdletBase
{
    public const string IdentitySet = "VirtualService";
    public const string AddressSet = "Address";
    public const string FirewallMarkSet = "FirewallMark";

    /// <summary>The virtual service, as its identity: "tcp/10.0.0.3:80", "udp/[2001:db8::1]:53", "sctp/10.0.0.3:9", "fwmark/3" or "fwmark/3/ipv6" (ipvsadm -t, -u, --sctp-service, -f). A VirtualService or RealServer object (from Get-LvsVirtualService, Get-LvsRealServer) binds too, by value or by its VirtualService property, and brings its network namespace along.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = IdentitySet, HelpMessage = "The virtual service: tcp/10.0.0.3:80, udp/[2001:db8::1]:53, fwmark/3 or fwmark/3/ipv6.")]
    [ArgumentCompleter(typeof(VirtualServiceCompleter))]
    [VirtualServiceTransformation]
    public VirtualServiceIdentity VirtualService { get; set; } = null!;

    /// <summary>The protocol of an address service: tcp (ipvsadm -t, the default), udp (-u) or sctp (--sctp-service). Used with -Address and -Port.</summary>
    [Parameter(ParameterSetName = AddressSet)]
    [ValidateSet("tcp", "udp", "sctp")]
    public string Protocol { get; set; } = "tcp";

    /// <summary>The virtual IP address (VIP), IPv4 or IPv6, without a port (give it with -Port): 10.0.0.3, 2001:db8::1.</summary>
    [Parameter(Mandatory = true, ParameterSetName = AddressSet, HelpMessage = "The virtual IP address (10.0.0.3 or 2001:db8::1).")]
    [ValidateNotNullOrEmpty]
    [AddressTransformation]
    public string Address { get; set; } = null!;

    /// <summary>The virtual port, 0 to 65535. Port 0 means every port and is allowed only for persistent services.</summary>
    [Parameter(Mandatory = true, ParameterSetName = AddressSet, HelpMessage = "The virtual port (0 = all ports, persistent services only).")]
    [ValidateRange(0, 65535)]
    public int Port { get; set; }

    /// <summary>The firewall mark of a firewall-mark service (ipvsadm -f), 1 or more: the mark that iptables (-j MARK) or nftables (meta mark set) puts on the packets of the service.</summary>
    [Parameter(Mandatory = true, ParameterSetName = FirewallMarkSet, HelpMessage = "The firewall mark (1 or more).")]
    [ValidateRange(1u, uint.MaxValue)]
    [UnsignedTransformation(1, uint.MaxValue)]
    public uint FirewallMark { get; set; }

    /// <summary>The address family of a firewall-mark service: IPv4 (the default) or IPv6 (ipvsadm -6).</summary>
    [Parameter(ParameterSetName = FirewallMarkSet)]
    public IpFamily AddressFamily { get; set; } = IpFamily.IPv4;

    /// <summary>The service named by the bound parameters, with the namespace to use for it.</summary>
    /// <exception cref="NetTextException">-Address is not an address.</exception>
    protected (VirtualServiceKey Key, string? Namespace) SelectedService() => ParameterSetName switch
    {
        AddressSet => (VirtualServiceKey.ForAddress(ParseProtocol(Protocol), NetText.ParseAddress(Address), (ushort)Port), ResolveNamespace(null)),
        FirewallMarkSet => (VirtualServiceKey.ForFirewallMark(FirewallMark, AddressFamily), ResolveNamespace(null)),
        _ => (VirtualService.Key, ResolveNamespace(VirtualService.NetworkNamespace)),
    };

    /// <summary>What error records point at: the pipeline object's identity, or the canonical text built from the parameters.</summary>
    protected object SelectionTarget(VirtualServiceKey? key)
        => ParameterSetName == IdentitySet ? VirtualService : (object?)key?.ToString() ?? (ParameterSetName == AddressSet ? $"{Protocol}/{Address}:{Port}" : $"fwmark/{FirewallMark}");

    private static IpvsProtocol ParseProtocol(string protocol) => protocol.ToLowerInvariant() switch
    {
        "udp" => IpvsProtocol.Udp,
        "sctp" => IpvsProtocol.Sctp,
        _ => IpvsProtocol.Tcp,
    };
}
