using System.Net;
using LvsPS.Native.Netlink;
using LvsPS.Native.RouteNetlink;

namespace LvsPS.Native.HostSettings;

/// <summary>A VIP bound to an interface: an address the host accepts packets for.</summary>
public sealed record VipBinding
{
    public required IPAddress Address { get; init; }
    public required int PrefixLength { get; init; }
    public required string Interface { get; init; }
    public int InterfaceIndex { get; init; }
    public string? NetworkNamespace { get; init; }

    public bool IsHostPrefix => PrefixLength == IpPrefix.HostLength(Address);

    public override string ToString() => $"{Address}/{PrefixLength} dev {Interface}";
}

/// <summary>Everything the diagnostics read of one host (namespace): links, addresses, routes, kernel parameters.</summary>
public sealed record HostSnapshot
{
    public string? NetworkNamespace { get; init; }
    public IReadOnlyList<NetworkLink> Links { get; init; } = Array.Empty<NetworkLink>();
    public IReadOnlyList<InterfaceAddress> Addresses { get; init; } = Array.Empty<InterfaceAddress>();
    public IReadOnlyList<RouteEntry> Routes { get; init; } = Array.Empty<RouteEntry>();
    public IReadOnlyDictionary<string, string?> Sysctls { get; init; } = new Dictionary<string, string?>();

    public string InterfaceName(int index) => Links.FirstOrDefault(l => l.Index == index)?.Name ?? $"#{index}";

    public int? SysctlInt(string name) => Sysctls.TryGetValue(name, out string? v) && int.TryParse(v, out int n) ? n : null;

    public bool HasAddress(IPAddress address) => Addresses.Any(a => a.Address.Equals(address));

    /// <summary>The kernel's rule for arp_ignore, arp_announce and rp_filter: the maximum of conf/all and conf/IFACE.</summary>
    public int EffectiveConf(string interfaceName, string key)
        => Math.Max(SysctlInt(SysctlNames.Conf("all", key)) ?? 0, SysctlInt(SysctlNames.Conf(interfaceName, key)) ?? 0);

    public ArpSuppressionStatus ArpSuppression(string interfaceName) => HostSettings.ArpSuppression.Evaluate(interfaceName, Sysctls, NetworkNamespace);

    /// <summary>The conf keys a snapshot reads for "all" and each interface.</summary>
    public static readonly string[] ConfKeys = { HostSettings.ArpSuppression.ArpIgnore, HostSettings.ArpSuppression.ArpAnnounce, "rp_filter", "send_redirects" };

    public static readonly string[] GlobalNames = { SysctlNames.IpForward, SysctlNames.ConnReuseMode, SysctlNames.ExpireNodestConn, SysctlNames.ExpireQuiescentTemplate, SysctlNames.Conntrack };
}

/// <summary>
/// The host side of LVS in one network namespace: ARP suppression, VIP binding, tunnel
/// devices, forwarding switches, over route netlink and /proc/sys. No processes are run.
/// </summary>
public sealed class HostNetwork : IDisposable
{
    private readonly IRouteNetlink _route;

    public HostNetwork(IRouteNetlink route, ISysctl sysctl, string? networkNamespace)
    {
        _route = route;
        Sysctl = sysctl;
        NetworkNamespace = networkNamespace;
    }

    public static HostNetwork Open(string? networkNamespace)
        => new(RouteNetlinkClient.Open(networkNamespace), new ProcSysctl(networkNamespace), networkNamespace);

    public string? NetworkNamespace { get; }
    public ISysctl Sysctl { get; }

    public IReadOnlyList<NetworkLink> GetLinks() => _route.GetLinks();

    public NetworkLink GetLink(string name)
        => _route.GetLinks().FirstOrDefault(l => l.Name == name) ?? throw new InterfaceNotFoundException(name, NetworkNamespace);

    /// <summary>The effective ARP behaviour of the named interfaces, or of every interface that is up and speaks ARP.</summary>
    public IReadOnlyList<ArpSuppressionStatus> GetArpSuppression(IReadOnlyCollection<string>? interfaces = null)
    {
        IReadOnlyList<NetworkLink> links = _route.GetLinks();
        List<string> names = interfaces is { Count: > 0 }
            ? interfaces.Select(n => links.Any(l => l.Name == n) ? n : throw new InterfaceNotFoundException(n, NetworkNamespace)).ToList()
            : links.Where(l => l.UsesArp && l.IsUp).Select(l => l.Name).ToList();
        IReadOnlyDictionary<string, string?> values = Sysctl.Read(ArpSuppression.NamesFor(names));
        return names.Select(n => ArpSuppression.Evaluate(n, values, NetworkNamespace)).ToList();
    }

    /// <summary>Checks that each conf entry is "all", "default" or an existing interface, before anything is written.</summary>
    public void RequireConfEntries(IEnumerable<string> entries)
    {
        IReadOnlyList<NetworkLink>? links = null;
        foreach (string e in entries)
            if (e is not ("all" or "default") && !(links ??= _route.GetLinks()).Any(l => l.Name == e))
                throw new InterfaceNotFoundException(e, NetworkNamespace);
    }

    public void SetArpSuppression(IReadOnlyCollection<string> confEntries, bool enable)
    {
        RequireConfEntries(confEntries);
        Sysctl.Write(ArpSuppression.Writes(confEntries, enable));
    }

    /// <summary>The VIP-like addresses: host-prefix (/32, /128) addresses that are not loopback addresses, or every address matching <paramref name="address"/>.</summary>
    public IReadOnlyList<VipBinding> GetVips(IPAddress? address = null, string? interfaceName = null)
    {
        IReadOnlyList<NetworkLink> links = _route.GetLinks();
        return _route.GetAddresses()
            .Where(a => address is null ? a.IsHostPrefix && !IPAddress.IsLoopback(a.Address) && !a.Address.IsIPv6LinkLocal : a.Address.Equals(address))
            .Select(a => new VipBinding { Address = a.Address, PrefixLength = a.PrefixLength, InterfaceIndex = a.InterfaceIndex, Interface = links.FirstOrDefault(l => l.Index == a.InterfaceIndex)?.Name ?? $"#{a.InterfaceIndex}", NetworkNamespace = NetworkNamespace })
            .Where(v => interfaceName is null || v.Interface == interfaceName)
            .ToList();
    }

    /// <summary>Binds the address; false when the interface already has it with that prefix (nothing sent).</summary>
    public bool AddVip(IPAddress address, string interfaceName, int prefixLength)
    {
        NetworkLink link = GetLink(interfaceName);
        if (GetVips(address, interfaceName).Any(v => v.PrefixLength == prefixLength))
            return false;
        try
        {
            _route.AddAddress(link.Index, address, prefixLength);
        }
        catch (NetlinkException e) when (e.Errno == Errno.EEXIST)
        {
            return false; // bound meanwhile: the outcome is the same
        }
        return true;
    }

    /// <summary>Unbinds the address from the interface (every prefix it has there); false when it was not bound.</summary>
    public bool RemoveVip(IPAddress address, string interfaceName)
    {
        NetworkLink link = GetLink(interfaceName);
        List<VipBinding> bound = GetVips(address, interfaceName).ToList();
        foreach (VipBinding v in bound)
            _route.RemoveAddress(link.Index, v.Address, v.PrefixLength);
        return bound.Count > 0;
    }

    /// <summary>
    /// The ipip device of a TUN real server, up: an existing one of that name (the ipip module
    /// creates tunl0 in every namespace), else a new one; true when anything changed.
    /// </summary>
    public bool EnsureIpipTunnel(string name)
    {
        NetworkLink? link = _route.GetLinks().FirstOrDefault(l => l.Name == name);
        bool changed = false;
        if (link is null)
        {
            try
            {
                _route.CreateIpipTunnel(name);
            }
            catch (NetlinkException e) when (e.Errno == Errno.EEXIST)
            {
                // ipip devices are keyed by their endpoints: only one catch-all (no local, no remote) may exist.
                string existing = _route.GetLinks().FirstOrDefault(l => l.IsIpipTunnel)?.Name ?? "tunl0";
                throw new HostSettingException(name, $"Cannot create the ipip device '{name}': the catch-all ipip device {existing} exists already (the kernel allows one per namespace).", e)
                {
                    Problem = HostSettingProblem.IpipDeviceExists,
                    Existing = existing,
                };
            }
            link = GetLink(name);
            changed = true;
        }
        else if (!link.IsIpipTunnel)
        {
            throw new HostSettingException(name, $"The interface '{name}' exists but is not an ipip tunnel ({link.Kind ?? $"type {link.HardwareType}"}).")
            {
                Problem = HostSettingProblem.NotAnIpipTunnel,
            };
        }
        if (!link.IsUp)
        {
            _route.SetLinkUp(link.Index, true);
            changed = true;
        }
        return changed;
    }

    /// <summary>Reads links, addresses, routes and the LVS-relevant kernel parameters.</summary>
    public HostSnapshot Snapshot()
    {
        IReadOnlyList<NetworkLink> links = _route.GetLinks();
        IEnumerable<string> names = HostSnapshot.GlobalNames.Concat(
            links.Select(l => l.Name).Prepend("all").SelectMany(i => HostSnapshot.ConfKeys.Select(k => SysctlNames.Conf(i, k))));
        return new HostSnapshot
        {
            NetworkNamespace = NetworkNamespace,
            Links = links,
            Addresses = _route.GetAddresses(),
            Routes = _route.GetRoutes(),
            Sysctls = Sysctl.Read(names),
        };
    }

    public void Dispose() => _route.Dispose();
}
