using System.Management.Automation;
using System.Net;
using LvsPS.Native.Ipvs;

namespace LvsPS;

/// <summary>
/// The real-server settings shared by Add- and Set-LvsRealServer, applied only when bound so
/// that Set keeps everything else of the record it read back (tunnel settings included:
/// the kernel resets what is not resent).
/// </summary>
public abstract class RealServerCmdletBase : LvsCmdletBase
{
    /// <summary>What Add-LvsRealServer uses without -Forwarding: direct routing, as ipvsadm (-g) does.</summary>
    protected const ForwardingMethod DefaultForwarding = ForwardingMethod.Route;

    /// <summary>Masquerade (NAT), Route (DR, gatewaying; the default) or Tunnel (TUN, IPIP). FULLNAT is not in mainline Linux.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ForwardingCompleter))]
    [ValidateNotNullOrEmpty]
    public string Forwarding { get; set; } = null!;

    /// <summary>The weight, 0-65535; 0 stops new connections (quiescing).</summary>
    [Parameter]
    [ValidateRange(0, 65535)]
    public int Weight { get; set; } = 1;

    /// <summary>The most connections the real server gets; 0 = no limit.</summary>
    [Parameter]
    public uint UpperThreshold { get; set; }

    /// <summary>The connection count below which an overloaded real server gets new connections again.</summary>
    [Parameter]
    public uint LowerThreshold { get; set; }

    /// <summary>The tunnel encapsulation (Ipip, Gue, Gre) of a tunnel real server.</summary>
    [Parameter]
    public TunnelType TunnelType { get; set; }

    /// <summary>The receiver's UDP port of GUE encapsulation.</summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int TunnelPort { get; set; }

    /// <summary>The tunnel checksum mode: NoChecksum, Checksum, RemoteChecksum.</summary>
    [Parameter]
    public TunnelChecksum TunnelChecksum { get; set; }

    /// <summary>Writes the real server as the kernel reports it.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected RealServer ApplySettings(RealServer d)
    {
        if (IsBound(nameof(Forwarding)))
        {
            ForwardingMethod method = InputParsing.ParseForwarding(Forwarding);
            // Tunnel settings mean nothing for NAT/DR, and left over they would make the change invalid.
            if (method != ForwardingMethod.Tunnel && d.Forwarding == ForwardingMethod.Tunnel)
                d = d with { TunnelType = TunnelType.Ipip, TunnelPort = 0, TunnelChecksum = TunnelChecksum.NoChecksum };
            d = d with { Forwarding = method };
        }
        if (IsBound(nameof(Weight)))
            d = d with { Weight = (uint)Weight };
        if (IsBound(nameof(UpperThreshold)))
            d = d with { UpperThreshold = UpperThreshold };
        if (IsBound(nameof(LowerThreshold)))
            d = d with { LowerThreshold = LowerThreshold };
        if (IsBound(nameof(TunnelType)))
            d = d with { TunnelType = TunnelType };
        if (IsBound(nameof(TunnelPort)))
            d = d with { TunnelPort = (ushort)TunnelPort };
        if (IsBound(nameof(TunnelChecksum)))
            d = d with { TunnelChecksum = TunnelChecksum };
        return d;
    }

    internal static string Identity(VirtualServiceKey key, IPAddress address, ushort port) => $"{key} -> {VirtualServiceKey.FormatEndpoint(address, port)}";

    /// <summary>The real server as the kernel has it, or null after writing why not (no such service or real server).</summary>
    protected RealServer? ReadRealServer(string? ns, VirtualServiceKey key, IPAddress address, ushort port, object target)
    {
        IReadOnlyList<RealServer> all = Client(ns).GetRealServers(key);
        RealServer? found = all.FirstOrDefault(d => d.Address.Equals(address) && d.Port == port);
        if (found is null)
        {
            // The kernel answers an empty list for a missing service; tell the two cases apart.
            bool serviceMissing = all.Count == 0 && Client(ns).GetVirtualService(key, includeRealServers: false) is null;
            WriteError(serviceMissing ? ErrorMapper.ServiceNotFound(key, target) : ErrorMapper.RealServerMissing(Identity(key, address, port), target));
        }
        return found;
    }
}
