using System.Management.Automation;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Operations;

namespace LvsPS;

/// <summary>
/// The real-server settings shared by Add- and Set-LvsRealServer, applied only when bound so
/// that Set keeps everything else of the record it read back (tunnel settings included:
/// the kernel resets what is not resent). The real server itself is named by the selector below.
/// </summary>
public abstract class RealServerCmdletBase : RealServerSelectorCmdletBase
{
    /// <summary>What Add-LvsRealServer uses without -Forwarding: direct routing, as ipvsadm (-g) does.</summary>
    protected const ForwardingMethod DefaultForwarding = ForwardingMethod.Route;

    /// <summary>The forwarding method: Masquerade or NAT (ipvsadm -m), Route or DR (-g, gatewaying: the default of Add-LvsRealServer) or Tunnel or TUN (-i, IP-in-IP; see -TunnelType). FULLNAT is refused: it is not in mainline Linux IPVS.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ForwardingCompleter))]
    [ValidateNotNullOrEmpty]
    public string Forwarding { get; set; } = null!;

    /// <summary>The weight (ipvsadm -w), 0 to 65535; 1 when adding. Weighted schedulers (wrr, wlc, ...) send proportionally more connections to heavier servers; 0 quiesces the server: no new connections, existing ones go on.</summary>
    [Parameter]
    [ValidateRange(0, 65535)]
    public int Weight { get; set; } = 1;

    /// <summary>The upper connection threshold (ipvsadm -x): above this many connections the real server gets no new ones. 0 means no limit.</summary>
    [Parameter]
    [UnsignedTransformation(0, uint.MaxValue)]
    public uint UpperThreshold { get; set; }

    /// <summary>The lower connection threshold (ipvsadm -y): a real server that reached its upper threshold gets new connections again below this count. Must not exceed -UpperThreshold (ThresholdOrder).</summary>
    [Parameter]
    [UnsignedTransformation(0, uint.MaxValue)]
    public uint LowerThreshold { get; set; }

    /// <summary>The encapsulation of a tunnel real server (ipvsadm --tun-type): Ipip (the default), Gue (needs -TunnelPort) or Gre. Only with -Forwarding Tunnel.</summary>
    [Parameter]
    public TunnelType TunnelType { get; set; }

    /// <summary>The UDP port the real server receives GUE on (ipvsadm --tun-port), 1 to 65535. Required for -TunnelType Gue.</summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int TunnelPort { get; set; }

    /// <summary>The checksum of GUE/GRE tunnels: NoChecksum (ipvsadm --tun-nocsum, the default), Checksum (--tun-csum) or RemoteChecksum (--tun-remcsum).</summary>
    [Parameter]
    public TunnelChecksum TunnelChecksum { get; set; }

    /// <summary>Writes the real server as the kernel reports it afterwards.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>The bound settings, and only those, as the core's patch.</summary>
    protected RealServerPatch Patch() => new()
    {
        Forwarding = IsBound(nameof(Forwarding)) ? InputParsing.ParseForwarding(Forwarding) : null,
        Weight = IsBound(nameof(Weight)) ? (uint)Weight : null,
        UpperThreshold = IsBound(nameof(UpperThreshold)) ? UpperThreshold : null,
        LowerThreshold = IsBound(nameof(LowerThreshold)) ? LowerThreshold : null,
        TunnelType = IsBound(nameof(TunnelType)) ? TunnelType : null,
        TunnelPort = IsBound(nameof(TunnelPort)) ? (ushort)TunnelPort : null,
        TunnelChecksum = IsBound(nameof(TunnelChecksum)) ? TunnelChecksum : null,
    };

    protected RealServer ApplySettings(RealServer d) => Patch().ApplyTo(d);
}
