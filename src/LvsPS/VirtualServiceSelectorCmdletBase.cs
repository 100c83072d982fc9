using System.Management.Automation;
using LvsPS.Native.Ipvs;

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

    /// <summary>The service: "tcp/10.0.0.3:80", "udp/[2001:db8::1]:53", "fwmark/3", "fwmark/3/ipv6", or an object from Get-LvsVirtualService / Get-LvsRealServer.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = IdentitySet)]
    [ArgumentCompleter(typeof(VirtualServiceCompleter))]
    public VirtualServiceIdentity VirtualService { get; set; } = null!;

    /// <summary>The protocol of an address service (tcp, udp, sctp); tcp when omitted.</summary>
    [Parameter(ParameterSetName = AddressSet)]
    [ValidateSet("tcp", "udp", "sctp")]
    public string Protocol { get; set; } = "tcp";

    /// <summary>The virtual IPv4 or IPv6 address.</summary>
    [Parameter(Mandatory = true, ParameterSetName = AddressSet)]
    [ValidateNotNullOrEmpty]
    public string Address { get; set; } = null!;

    /// <summary>The virtual port (0 = all ports, persistent services only).</summary>
    [Parameter(Mandatory = true, ParameterSetName = AddressSet)]
    [ValidateRange(0, 65535)]
    public int Port { get; set; }

    /// <summary>The firewall mark (iptables/nft "meta mark") of a firewall-mark service.</summary>
    [Parameter(Mandatory = true, ParameterSetName = FirewallMarkSet)]
    [ValidateRange(1u, uint.MaxValue)]
    public uint FirewallMark { get; set; }

    /// <summary>The address family of a firewall-mark service; IPv4 when omitted.</summary>
    [Parameter(ParameterSetName = FirewallMarkSet)]
    public IpFamily AddressFamily { get; set; } = IpFamily.IPv4;

    /// <summary>The service named by the bound parameters, with the namespace to use for it.</summary>
    /// <exception cref="IpvsValidationException">-Address is not an address.</exception>
    protected (VirtualServiceKey Key, string? Namespace) SelectedService() => ParameterSetName switch
    {
        AddressSet => (VirtualServiceKey.ForAddress(ParseProtocol(Protocol), InputParsing.ParseAddress(Address), (ushort)Port), ResolveNamespace(null)),
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
