using System.Management.Automation;
using System.Net;
using LvsPS.Native.HostSettings;
using LvsPS.Native.RouteNetlink;

namespace LvsPS.Commands;

/// <summary>Binds a VIP to an interface (ip addr add VIP/32 dev lo) through route netlink; idempotent.</summary>
/// <remarks>
/// <para>Every LVS host holds the VIP: the director on its NIC toward the clients (so it answers ARP for it and
/// IPVS sees the packets), a DR real server on lo, a TUN real server on its ipip tunnel interface. ipvsadm does
/// not bind addresses; Add-LvsVip does, over route netlink (RTM_NEWADDR), without running ip.</para>
/// <para>-Interface is lo by default (the DR real server); -PrefixLength is 32 (128 for IPv6) by default: a VIP
/// on lo with a wider prefix makes the whole network local. An address that is already bound there with that
/// prefix is left alone (no error): running it twice is harmless. IPv6 VIPs skip duplicate address detection,
/// since every real server holds the same VIP on purpose. An interface that does not exist is
/// InterfaceNotFound. -PassThru writes the binding as the kernel has it.</para>
/// </remarks>
/// <example title="DR real server: the VIP on lo">
/// <code>
/// Add-LvsVip -Address 10.0.0.3
/// </code>
/// <para>The same as ip addr add 10.0.0.3/32 dev lo. Pair it with Set-LvsArpSuppression, or use
/// Initialize-LvsRealServerHost for both.</para>
/// </example>
/// <example title="Director: the VIP on the client-side NIC">
/// <code>
/// Add-LvsVip -Address 10.0.0.3 -Interface eth0 -NetworkNamespace lb1 -PassThru
/// </code>
/// <para>Binds 10.0.0.3/32 to eth0 of namespace lb1 and writes the VipBinding.</para>
/// </example>
/// <input type="System.String">Objects with Address (and Interface) properties, such as LvsVip from Get-LvsVip.</input>
/// <parameter name="Interface" default="lo"/>
/// <parameter name="PrefixLength" default="32 (IPv4), 128 (IPv6)"/>
/// <output type="LvsPS.LvsVip">With -PassThru, the binding as the kernel reports it. Nothing otherwise.</output>
/// <seealso cref="GetLvsVipCommand"/>
/// <seealso cref="RemoveLvsVipCommand"/>
/// <seealso cref="InitializeLvsRealServerHostCommand"/>
[Cmdlet(VerbsCommon.Add, "LvsVip", SupportsShouldProcess = true)]
[OutputType(typeof(LvsVip))]
public sealed class AddLvsVipCommand : HostCmdletBase
{
    /// <summary>The VIP: an IPv4 or IPv6 address such as 10.0.0.3 or 2001:db8::3.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, HelpMessage = "The VIP, such as 10.0.0.3.")]
    [ValidateNotNullOrEmpty]
    [AddressTransformation]
    public string Address { get; set; } = null!;

    /// <summary>The interface to bind it to: lo (the default, for DR real servers), an ipip tunnel such as tunl0 (TUN real servers), or the director's NIC.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(InterfaceCompleter))]
    public string Interface { get; set; } = "lo";

    /// <summary>The prefix length; 32 for IPv4 and 128 for IPv6 by default, as a VIP should be.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1, 128)]
    public int PrefixLength { get; set; }

    /// <summary>Writes the binding as the kernel reports it afterwards.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (ParseAddress(Address) is not { } address)
            return;
        int prefix = IsBound(nameof(PrefixLength)) ? PrefixLength : IpPrefix.HostLength(address);
        if (prefix > IpPrefix.HostLength(address))
        {
            WriteError(ErrorMapper.Record(ErrorMapper.InvalidAddress, ErrorMapper.Invalid(ErrorMapper.InvalidAddress, $"/{prefix} is too long for {address}: an address of its family has {IpPrefix.HostLength(address)} bits."), Address));
            return;
        }
        string? ns = ResolveNamespace(null);
        string target = $"{address}/{prefix} dev {Interface}{InNamespace(ns)}";
        if (!ShouldProcess(target, "Bind VIP"))
            return;
        bool added = false;
        if (!TryRun(target, () => added = Network(ns).AddVip(address, Interface, prefix)))
            return;
        WriteVerbose(added ? $"Sent RTM_NEWADDR {target}." : $"{target} is already bound; nothing to do.");
        if (PassThru)
            TryRun(target, () => WriteVips(Network(ns).GetVips(address, Interface)));
    }
}

/// <summary>Lists the VIPs bound on this host: the /32 and /128 addresses of every interface, or a given address.</summary>
/// <remarks>
/// <para>Get-LvsVip reads the addresses of the namespace over route netlink (RTM_GETADDR) and writes a
/// VipBinding (Address, PrefixLength, Interface) for each host-prefix address (/32, /128) that is not a loopback
/// address: on a real server the VIPs on lo or the tunnel, on a director the VIPs on its NICs. With -Address it
/// writes every binding of that address whatever its prefix (a VIP wrongly bound as /24 shows up). ipvsadm
/// lists only the IPVS table; this lists the host side of it.</para>
/// </remarks>
/// <example title="What VIPs does this real server hold?">
/// <code>
/// Get-LvsVip
/// </code>
/// <para>Prints Address, PrefixLength and Interface, for instance 10.0.0.3 32 lo.</para>
/// </example>
/// <example title="Where is one VIP bound, in a namespace?">
/// <code>
/// Get-LvsVip -Address 10.0.0.3 -NetworkNamespace rs1
/// </code>
/// <para>Every interface that has 10.0.0.3, with its prefix length.</para>
/// </example>
/// <input type="None">This cmdlet takes no pipeline input.</input>
/// <output type="LvsPS.LvsVip">One binding per address and interface.</output>
/// <seealso cref="AddLvsVipCommand"/>
/// <seealso cref="RemoveLvsVipCommand"/>
[Cmdlet(VerbsCommon.Get, "LvsVip")]
[OutputType(typeof(LvsVip))]
public sealed class GetLvsVipCommand : HostCmdletBase
{
    /// <summary>Only this address, with any prefix length. Every host-prefix address that is not a loopback address when omitted.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    [AddressTransformation]
    public string? Address { get; set; }

    /// <summary>Only the bindings of this interface (lo, tunl0, eth0).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(InterfaceCompleter))]
    public string? Interface { get; set; }

    protected override void ProcessRecord()
    {
        IPAddress? address = null;
        if (Address != null && (address = ParseAddress(Address)) is null)
            return;
        string? ns = ResolveNamespace(null);
        TryRun(ns, () => WriteVips(Network(ns).GetVips(address, Interface)));
    }
}

/// <summary>Unbinds a VIP from an interface (ip addr del) through route netlink; idempotent.</summary>
/// <remarks>
/// <para>Remove-LvsVip removes the address from -Interface, or from every interface that has it when -Interface
/// is omitted, whatever its prefix length (RTM_DELADDR). A VIP that is not bound is not an error: there is
/// nothing to do. Objects from Get-LvsVip bind by property name, so Get-LvsVip | Remove-LvsVip clears them all.
/// ipvsadm does not manage addresses; removing the IPVS service is Remove-LvsVirtualService.</para>
/// </remarks>
/// <example title="Take a real server's VIP away">
/// <code>
/// Remove-LvsVip -Address 10.0.0.3 -Interface lo
/// </code>
/// <para>The same as ip addr del 10.0.0.3/32 dev lo.</para>
/// </example>
/// <example title="Remove every VIP of a namespace, after a look">
/// <code>
/// Get-LvsVip -NetworkNamespace rs1 | Remove-LvsVip -NetworkNamespace rs1 -WhatIf
/// </code>
/// <para>Shows each 'Unbind VIP' without changing anything.</para>
/// </example>
/// <input type="LvsPS.LvsVip">Bindings from Get-LvsVip (Address and Interface by property name).</input>
/// <output type="None">This cmdlet writes no output.</output>
/// <seealso cref="AddLvsVipCommand"/>
/// <seealso cref="GetLvsVipCommand"/>
[Cmdlet(VerbsCommon.Remove, "LvsVip", SupportsShouldProcess = true)]
[OutputType(typeof(void))]
public sealed class RemoveLvsVipCommand : HostCmdletBase
{
    /// <summary>The VIP to unbind, such as 10.0.0.3.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, HelpMessage = "The VIP, such as 10.0.0.3.")]
    [ValidateNotNullOrEmpty]
    [AddressTransformation]
    public string Address { get; set; } = null!;

    /// <summary>The interface to unbind it from; every interface that has it when omitted.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(InterfaceCompleter))]
    public string? Interface { get; set; }

    protected override void ProcessRecord()
    {
        if (ParseAddress(Address) is not { } address)
            return;
        string? ns = ResolveNamespace(null);
        IReadOnlyList<VipBinding>? bound = null;
        if (!TryRun(Address, () => bound = Network(ns).GetVips(address, Interface)))
            return;
        if (bound!.Count == 0)
        {
            WriteVerbose($"{address} is not bound{(Interface is null ? "" : $" to {Interface}")}{InNamespace(ns)}; nothing to do.");
            return;
        }
        foreach (string iface in bound.Select(b => b.Interface).Distinct())
        {
            string target = $"{address} dev {iface}{InNamespace(ns)}";
            if (ShouldProcess(target, "Unbind VIP"))
                TryRun(target, () => Network(ns).RemoveVip(address, iface));
        }
    }
}
