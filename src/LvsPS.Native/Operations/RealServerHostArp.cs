using LvsPS.Native.HostSettings;
using LvsPS.Native.RouteNetlink;

namespace LvsPS.Native.Operations;

/// <summary>
/// Whether a real server host may have its ARP defaults back once VIPs were unbound: ARP suppression is
/// host-wide (conf/all), so it must stay while any VIP is still bound where a DR or TUN real server keeps
/// one (a loopback or an ipip tunnel interface).
/// </summary>
public static class RealServerHostArp
{
    /// <summary>The VIPs that still need ARP suppressed (empty: the defaults may come back).</summary>
    public static IReadOnlyList<VipBinding> VipsStillNeedingSuppression(IEnumerable<NetworkLink> links, IEnumerable<VipBinding> vips)
    {
        var quiet = links.Where(l => l.IsLoopback || l.IsIpipTunnel).Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        return vips.Where(v => quiet.Contains(v.Interface)).ToList();
    }
}
