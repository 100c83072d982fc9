using System.Management.Automation;
using System.Net;
using LvsPS.Native.HostSettings;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Operations;
using LvsPS.Native.RouteNetlink;

namespace LvsPS.Commands;

/// <summary>What the two real-server host cmdlets share: the VIPs, the forwarding method and the interfaces.</summary>
public abstract class RealServerHostCmdletBase : HostCmdletBase
{
    /// <summary>The VIPs of the virtual services this host serves, such as 10.0.0.3 (the address of ipvsadm -t VIP:PORT).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, HelpMessage = "The VIPs this real server serves, such as 10.0.0.3.")]
    [ValidateNotNullOrEmpty]
    [AddressTransformation]
    public string[] VirtualAddress { get; set; } = null!;

    /// <summary>How the director reaches this real server, in the words Add-LvsRealServer takes: Route (DR, gatewaying, ipvsadm -g, the default) or Tunnel (TUN, IPIP, ipvsadm -i). Masquerade (NAT) is refused: a NAT real server needs no VIP and no ARP suppression, only the director as its gateway.</summary>
    [Parameter(Position = 1)]
    [ArgumentCompleter(typeof(ForwardingCompleter))]
    [ValidateNotNullOrEmpty]
    public string Forwarding { get; set; } = "Route";

    /// <summary>The ARP conf entries to write: 'all' by default (covers every NIC), or interface names.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ArpInterfaceCompleter))]
    public string[] ArpInterface { get; set; } = { "all" };

    /// <summary>The ipip tunnel interface of a TUN real server; tunl0 (the ipip module's own device) by default.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateLength(1, 15)]
    [ArgumentCompleter(typeof(InterfaceCompleter))]
    public string TunnelInterface { get; set; } = "tunl0";

    protected bool IsTunnel => InputParsing.ParseForwarding(Forwarding) == ForwardingMethod.Tunnel;

    /// <summary>Where the VIP goes: lo for DR, the tunnel for TUN.</summary>
    protected string VipInterface => IsTunnel ? TunnelInterface : "lo";

    /// <summary>The VIPs, after checking that the forwarding method is one a real server host is prepared for; null after writing why not.</summary>
    protected List<IPAddress>? ParseVips()
    {
        if (!TryRun(Forwarding, () =>
            {
                if (InputParsing.ParseForwarding(Forwarding) is not (ForwardingMethod.Route or ForwardingMethod.Tunnel))
                    throw ErrorMapper.Invalid(ErrorMapper.ForwardingNeedsNoHostSetup,
                        $"'{Forwarding}': a NAT (Masquerade) real server needs no VIP and no ARP suppression, only the director as its default gateway.");
            }))
            return null;
        var list = new List<IPAddress>();
        foreach (string text in VirtualAddress)
        {
            if (ParseAddress(text) is not { } a)
                return null;
            list.Add(a);
        }
        return list;
    }
}

/// <summary>Prepares a DR or TUN real server in one go: ARP suppression, and the VIPs on lo or on an ipip tunnel.</summary>
/// <remarks>
/// <para>ipvsadm -g (DR) and -i (TUN) need the real servers to accept packets addressed to the VIP without ever
/// answering ARP for it. Initialize-LvsRealServerHost does that whole preparation in this host (or
/// -NetworkNamespace):</para>
/// <para>Route (DR): arp_ignore 1 and arp_announce 2 on conf/all (Set-LvsArpSuppression), and each VIP as a /32
/// (/128) on lo (Add-LvsVip).</para>
/// <para>Tunnel (TUN, ipip): the ipip device -TunnelInterface (tunl0, which the ipip module creates in every
/// namespace; a missing one is created with RTM_NEWLINK, but the kernel allows only one catch-all ipip device per
/// namespace, so another name fails with HostSettingFailed while tunl0 exists) brought up; rp_filter 0 on conf/all and on the tunnel (the kernel uses the maximum of
/// the two, and strict reverse-path filtering drops decapsulated packets whose route back leaves by another
/// interface); ARP suppression as for DR; and each VIP as a /32 on the tunnel.</para>
/// <para>Each step is skipped when already in place, so running it again changes nothing. Reset-LvsRealServerHost
/// undoes it. -PassThru writes the VIP bindings afterwards.</para>
/// </remarks>
/// <example title="A DR real server for 10.0.0.3">
/// <code>
/// Initialize-LvsRealServerHost -VirtualAddress 10.0.0.3
/// </code>
/// <para>The seeds' recipe in one line: sysctl arp_ignore=1, arp_announce=2, ip addr add 10.0.0.3/32 dev lo.</para>
/// </example>
/// <example title="A TUN real server, in a namespace, showing the result">
/// <code>
/// Initialize-LvsRealServerHost -VirtualAddress 10.0.0.3 -Forwarding Tunnel -NetworkNamespace rs1 -PassThru
/// </code>
/// <para>tunl0 up with 10.0.0.3/32, rp_filter 0 on all and tunl0, ARP suppressed; writes the VipBinding on tunl0.</para>
/// </example>
/// <input type="System.String">Objects with a VirtualAddress property.</input>
/// <parameter name="Forwarding" default="Route"/>
/// <parameter name="ArpInterface" default="all"/>
/// <parameter name="TunnelInterface" default="tunl0"/>
/// <output type="LvsPS.LvsVip">With -PassThru, the bindings of the VIPs afterwards. Nothing otherwise.</output>
/// <seealso cref="ResetLvsRealServerHostCommand"/>
/// <seealso cref="SetLvsArpSuppressionCommand"/>
/// <seealso cref="AddLvsVipCommand"/>
/// <seealso cref="TestLvsConfigurationCommand"/>
[Cmdlet(VerbsData.Initialize, "LvsRealServerHost", SupportsShouldProcess = true)]
[OutputType(typeof(LvsVip))]
public sealed class InitializeLvsRealServerHostCommand : RealServerHostCmdletBase
{
    /// <summary>Writes the VIP bindings as the kernel reports them afterwards.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (ParseVips() is not { } vips)
            return;
        string? ns = ResolveNamespace(null);
        string where = InNamespace(ns);
        if (IsTunnel && ShouldProcess($"{TunnelInterface}{where}", "Create or bring up the ipip tunnel, set rp_filter 0 on all and the tunnel"))
        {
            if (!TryRun(TunnelInterface, () =>
                {
                    if (Network(ns).EnsureIpipTunnel(TunnelInterface))
                        WriteVerbose($"{TunnelInterface} created or brought up.");
                    Network(ns).Sysctl.Write(new[] { "all", TunnelInterface }.Select(i => KeyValuePair.Create(SysctlNames.Conf(i, "rp_filter"), "0")));
                }))
                return;
        }
        if (ShouldProcess($"net.ipv4.conf.{{{string.Join(",", ArpInterface)}}}{where}", "Suppress ARP for VIPs (arp_ignore 1, arp_announce 2)"))
        {
            if (!TryRun(ns, () => Network(ns).SetArpSuppression(ArpInterface, enable: true)))
                return;
        }
        foreach (IPAddress vip in vips)
        {
            int prefix = IpPrefix.HostLength(vip);
            string target = $"{vip}/{prefix} dev {VipInterface}{where}";
            if (ShouldProcess(target, "Bind VIP"))
                TryRun(target, () => WriteVerbose(Network(ns).AddVip(vip, VipInterface, prefix) ? $"Bound {target}." : $"{target} is already bound."));
        }
        if (PassThru)
            foreach (IPAddress vip in vips)
                TryRun(vip.ToString(), () => WriteVips(Network(ns).GetVips(vip, VipInterface)));
    }
}

/// <summary>Undoes Initialize-LvsRealServerHost: unbinds the VIPs, and restores ARP defaults when no VIP is left.</summary>
/// <remarks>
/// <para>Reset-LvsRealServerHost takes a real server out of an LVS-DR or LVS-TUN set-up (ipvsadm -g, -i) on the
/// host side. It unbinds each VIP from lo (DR) or from -TunnelInterface (TUN). When no other VIP (a /32 or /128
/// address) remains on lo or on an ipip tunnel, it also restores arp_ignore and arp_announce to 0 on the
/// -ArpInterface entries, so the host answers ARP normally again; while other VIPs remain, ARP stays suppressed
/// for them.</para>
/// <para>The tunnel device and rp_filter are left as they are: tunl0 belongs to the ipip module and other
/// tunnels may use it, and the previous rp_filter value is not known. Take the real server out of the director's
/// table first (Remove-LvsRealServer or weight 0).</para>
/// </remarks>
/// <example title="Undo a DR real server">
/// <code>
/// Reset-LvsRealServerHost -VirtualAddress 10.0.0.3
/// </code>
/// <para>ip addr del 10.0.0.3/32 dev lo, then arp_ignore and arp_announce back to 0 if no VIP is left.</para>
/// </example>
/// <example title="Undo a TUN real server in a namespace">
/// <code>
/// Reset-LvsRealServerHost -VirtualAddress 10.0.0.3 -Forwarding Tunnel -NetworkNamespace rs1 -WhatIf
/// </code>
/// <para>Shows the VIP unbinding from tunl0 and the ARP reset without changing anything.</para>
/// </example>
/// <input type="System.String">Objects with a VirtualAddress property.</input>
/// <parameter name="Forwarding" default="Route"/>
/// <parameter name="ArpInterface" default="all"/>
/// <parameter name="TunnelInterface" default="tunl0"/>
/// <output type="None">This cmdlet writes no output.</output>
/// <seealso cref="InitializeLvsRealServerHostCommand"/>
/// <seealso cref="RemoveLvsVipCommand"/>
[Cmdlet(VerbsCommon.Reset, "LvsRealServerHost", SupportsShouldProcess = true)]
[OutputType(typeof(void))]
public sealed class ResetLvsRealServerHostCommand : RealServerHostCmdletBase
{
    protected override void ProcessRecord()
    {
        if (ParseVips() is not { } vips)
            return;
        string? ns = ResolveNamespace(null);
        string where = InNamespace(ns);
        foreach (IPAddress vip in vips)
        {
            string target = $"{vip} dev {VipInterface}{where}";
            if (ShouldProcess(target, "Unbind VIP"))
                TryRun(target, () => WriteVerbose(Network(ns).RemoveVip(vip, VipInterface) ? $"Unbound {target}." : $"{target} was not bound."));
        }
        List<VipBinding>? remaining = null;
        if (!TryRun(ns, () =>
            {
                remaining = RealServerHostArp.VipsStillNeedingSuppression(Network(ns).GetLinks(), Network(ns).GetVips()).ToList();
            }))
            return;
        if (remaining!.Count > 0)
        {
            WriteVerbose($"ARP suppression stays: other VIPs remain ({string.Join(", ", remaining)}).");
            return;
        }
        if (ShouldProcess($"net.ipv4.conf.{{{string.Join(",", ArpInterface)}}}{where}", "Restore ARP defaults (arp_ignore 0, arp_announce 0)"))
            TryRun(ns, () => Network(ns).SetArpSuppression(ArpInterface, enable: false));
    }
}
