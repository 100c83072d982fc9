using LvsPS.Native.HostSettings;
using static LvsPS.Native.HostSettings.DiagnosticChecks;

namespace LvsPS;

/// <summary>
/// The fix of each Test-LvsConfiguration finding, in LvsPS commands where one does it: the core's
/// diagnostics say what is wrong and hand over the facts (<see cref="LvsFindingFacts"/>); the words
/// a user runs are the cmdlet layer's.
/// </summary>
internal static class DiagnosticFixes
{
    public static Native.HostSettings.LvsFinding WithFix(Native.HostSettings.LvsFinding f) => f with { Fix = Describe(f) };

    public static string Describe(Native.HostSettings.LvsFinding f)
    {
        LvsFindingFacts x = f.Facts;
        string ns = f.NetworkNamespace is null ? "" : $" -NetworkNamespace {f.NetworkNamespace}";
        string forwarding = x.Tunnel ? "Tunnel" : "Route";
        return f.Check switch
        {
            VipNotOnDirector => $"Add-LvsVip -Address {x.Vip} -Interface <the director's NIC toward the clients>{ns}",
            PortRemapNotPossible => $"Make the real server listen on {x.ServicePort} and add it again with that port, or use Add-LvsRealServer -Forwarding Masquerade to remap ports.",
            RealServerIsDirector => "Serve from separate real servers, or accept local delivery knowingly (a service must listen on the director).",
            RealServerNotOnDirectorSegment => $"Put {x.RealServerAddress} on the director's LAN (a connected network), or forward to it with -Forwarding Tunnel (ipip) or Masquerade.",
            NatReturnPathUnverified => $"On {x.RealServerAddress}: ip route replace default via {Gateway(x)} (or give -RealServerNamespace to check it).",
            NatReturnPathNotViaDirector => $"On the real server: ip route replace default via {Gateway(x)}",
            VipNotOnRealServer => $"Initialize-LvsRealServerHost -VirtualAddress {x.Vip} -Forwarding {forwarding}{ns}",
            VipOnArpInterface => $"Remove-LvsVip -Address {x.Vip} -Interface {x.Interface}{ns}; Add-LvsVip -Address {x.Vip} -Interface {x.ExpectedInterface}{ns}",
            VipNotHostPrefix => $"Remove-LvsVip -Address {x.Vip} -Interface {x.Interface}{ns}; Add-LvsVip -Address {x.Vip} -Interface {x.Interface}{ns} (a /{(x.Vip is { } v ? Native.Text.NetText.HostPrefixLength(v) : 32)})",
            ArpNotSuppressed => $"Set-LvsArpSuppression{ns}",
            TunnelInterfaceMissing => $"Initialize-LvsRealServerHost -VirtualAddress {x.Vip} -Forwarding Tunnel{ns}",
            RpFilterBlocksTunnel => $"Initialize-LvsRealServerHost -VirtualAddress {x.Vip} -Forwarding Tunnel{ns} (sets rp_filter 0 on all and {x.Interface})",
            IpForwardOff => $"Enable-LvsDirectorForwarding{ns}",
            SendRedirectsOn => $"Enable-LvsDirectorForwarding{ns} (sets send_redirects 0 on all and every interface)",
            ExpireQuiescentTemplateOff => $"sysctl -w {x.Sysctl}={x.SysctlValue} (in the director's namespace), or drain for the whole persistence timeout.",
            ExpireNodestConnOff => $"sysctl -w {x.Sysctl}={x.SysctlValue} to drop them at once, so clients reconnect and are rescheduled.",
            ConnReuseMode when x.Sysctl == SysctlNames.Conntrack => $"Keep {x.Sysctl} at {x.SysctlValue} unless netfilter must see IPVS connections, or set {SysctlNames.ConnReuseMode}=0 knowingly.",
            ConnReuseMode => $"sysctl -w {x.Sysctl}={x.SysctlValue} (the kernel default).",
            _ => "",
        };
    }

    private static string Gateway(LvsFindingFacts x) => x.Gateway?.ToString() ?? "<the director's address on the real servers' network>";
}
