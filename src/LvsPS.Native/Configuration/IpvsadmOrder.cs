using LvsPS.Native.Ipvs;

namespace LvsPS.Native.Configuration;

/// <summary>
/// The order ipvsadm lists and saves in (it sorts unless given --nosort; the kernel's own dump
/// order is insertion order for services and reverse insertion order for real servers): services
/// by firewall mark (address services first), family, protocol, address, port; real servers by
/// family, address, port. Addresses compare as big-endian bytes.
/// </summary>
public static class IpvsadmOrder
{
    public static readonly IComparer<VirtualServiceKey> Services = Comparer<VirtualServiceKey>.Create(CompareServices);
    public static readonly IComparer<RealServer> RealServers = Comparer<RealServer>.Create(CompareRealServers);

    /// <summary>The services sorted, each with its real servers sorted.</summary>
    public static IReadOnlyList<VirtualService> Sort(IEnumerable<VirtualService> services)
        => services.OrderBy(s => s.Key, Services)
            .Select(s => s with { RealServers = s.RealServers.Order(RealServers).ToArray() })
            .ToArray();

    private static int CompareServices(VirtualServiceKey? a, VirtualServiceKey? b)
    {
        if (ReferenceEquals(a, b)) return 0;
        if (a is null) return -1;
        if (b is null) return 1;
        int r = a.FirewallMark.CompareTo(b.FirewallMark);
        if (r != 0) return r;
        r = ((ushort)a.Family).CompareTo((ushort)b.Family);
        if (r != 0) return r;
        r = ((ushort)a.Protocol).CompareTo((ushort)b.Protocol);
        if (r != 0 || a.IsFirewallMark) return r;
        r = a.Address!.GetAddressBytes().AsSpan().SequenceCompareTo(b.Address!.GetAddressBytes());
        return r != 0 ? r : a.Port.CompareTo(b.Port);
    }

    private static int CompareRealServers(RealServer? a, RealServer? b)
    {
        if (ReferenceEquals(a, b)) return 0;
        if (a is null) return -1;
        if (b is null) return 1;
        int r = ((ushort)a.Family).CompareTo((ushort)b.Family);
        if (r != 0) return r;
        r = a.Address.GetAddressBytes().AsSpan().SequenceCompareTo(b.Address.GetAddressBytes());
        return r != 0 ? r : a.Port.CompareTo(b.Port);
    }
}
