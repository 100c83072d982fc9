using System.Globalization;
using System.Net;
using LvsPS.Native.Interop;
using LvsPS.Native.Netlink;
using LvsPS.Native.RouteNetlink;
using LvsPS.Native.Text;
using LvsPS.Native.Vrrp;

namespace LvsPS.Native.Configuration.Director;

/// <summary>A static_ipaddress line resolved against the namespace's interfaces: what ip addr add is given.</summary>
public sealed record StaticAddress(IPAddress Address, int PrefixLength, string Device, int InterfaceIndex, byte Scope, string? Label)
{
    /// <summary>Put back when deleted from its interface (false: keepalived's no_track).</summary>
    public bool Tracked { get; init; } = true;

    /// <summary>keepalived's identity of an address (compare_ipaddress): address, prefix, interface, scope and label.</summary>
    public bool SameAs(StaticAddress other)
        => Address.Equals(other.Address) && PrefixLength == other.PrefixLength && Device == other.Device && Scope == other.Scope && Label == other.Label;

    public override string ToString()
        => $"{Address}/{PrefixLength} dev {Device}{(Scope == 0 ? "" : $" scope {DirectorStaticAddresses.ScopeName(Scope)}")}{(Label is null ? "" : $" label {Label}")}";
}

/// <summary>What a start or a reload does to the static addresses: removals first, then additions (keepalived's order).</summary>
public sealed record StaticAddressPlan(IReadOnlyList<StaticAddress> Remove, IReadOnlyList<StaticAddress> Add)
{
    public static readonly StaticAddressPlan Empty = new([], []);
    public bool IsEmpty => Remove.Count == 0 && Add.Count == 0;
}

/// <summary>
/// static_ipaddress as keepalived 2.2.7 runs it (vrrp_daemon.c, vrrp_ipaddress.c): every address is added at start,
/// whatever the VRRP states, and becomes the director's, even one the interface had already (keepalived takes the
/// kernel's EEXIST to RTM_NEWADDR as success, keepalived_netlink.c, so it removes such an address at stop too: measured
/// on this kernel, DirectorStaticAddressHostTests). A reload removes the director's addresses the new file no longer
/// has (clear_diff_static_addresses) and adds the new file's that are missing. Stop removes the director's own. An
/// address without dev goes on the interface of the default route (get_default_if). Planned against the kernel's
/// addresses, so one removed by hand is added back at the next reload; the running director also puts it back at its
/// next poll (each second), as keepalived does at once, unless the line says no_track.
/// </summary>
internal static class DirectorStaticAddresses
{
    /// <summary>
    /// The file's static addresses on this namespace's interfaces. Throws <see cref="VrrpValidationException"/>
    /// (InterfaceNotFound) for an interface that does not exist, or no dev and no default route: keepalived drops such
    /// an address with a configuration error, LvsPS refuses the file before anything is touched.
    /// </summary>
    public static IReadOnlyList<StaticAddress> Resolve(DirectorConfiguration configuration, IRouteNetlink route, string? networkNamespace, ICollection<string>? notes = null)
    {
        if (configuration.StaticAddresses.Count == 0)
            return [];
        IReadOnlyList<NetworkLink> links = route.GetLinks();
        string where = networkNamespace is null ? "" : $" in network namespace '{networkNamespace}'";
        NetworkLink? defaultLink = null;
        var result = new List<StaticAddress>();
        foreach (VrrpAddressDefinition a in configuration.StaticAddresses)
        {
            string line = a.Location.File is null ? $"static_ipaddress {a}" : $"{a.Location}: static_ipaddress {a}";
            NetworkLink link;
            if (a.Device is { } device)
                link = links.FirstOrDefault(l => l.Name == device) ?? throw new VrrpValidationException(VrrpRule.InterfaceNotFound,
                    $"{line} dev {device}: the interface '{device}' does not exist{where}. Nothing was started or changed.");
            else
                link = defaultLink ??= DefaultLink(route, links, a.Address) ?? throw new VrrpValidationException(VrrpRule.InterfaceNotFound,
                    $"{line}: no dev given and no default route{where} to take its interface from. Nothing was started or changed.");
            byte scope = 0;
            if (a.Scope is { } s && !TryScope(s, out scope))
                notes?.Add($"{line}: scope '{s}' is not a scope (global, site, link, host, nowhere or 0-255); the address is added with scope global.");
            string[] other = a.Options.Where(o => o != "no_track").ToArray();
            if (other.Length > 0)
                notes?.Add($"{line}: {string.Join(' ', other)} not applied by LvsPS (only dev, scope, label and no_track are).");
            bool v4 = a.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork;
            result.Add(new StaticAddress(a.Address, a.PrefixLength ?? NetText.HostPrefixLength(a.Address), link.Name, link.Index,
                v4 ? scope : (byte)0, v4 ? a.Label : null) { Tracked = !a.Options.Contains("no_track") });
        }
        return result;
    }

    private static NetworkLink? DefaultLink(IRouteNetlink route, IReadOnlyList<NetworkLink> links, IPAddress address)
    {
        byte family = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? rtnetlink_h.AF_INET : rtnetlink_h.AF_INET6;
        RouteEntry? r = route.GetRoutes().Where(r => r.IsDefault && r.OutputInterfaceIndex > 0).OrderBy(r => r.Family == family ? 0 : 1).FirstOrDefault();
        return r is null ? null : links.FirstOrDefault(l => l.Index == r.OutputInterfaceIndex);
    }

    /// <summary>
    /// What to do so that exactly <paramref name="wanted"/> is there: the director's own addresses (<paramref name="owned"/>)
    /// that are no longer wanted are removed; wanted ones the kernel does not have, or that are not the director's yet
    /// (at start: added, and taken over when the kernel has them already), are added.
    /// </summary>
    public static StaticAddressPlan Plan(IReadOnlyCollection<StaticAddress> owned, IReadOnlyList<StaticAddress> wanted, IReadOnlyList<InterfaceAddress> kernel)
    {
        StaticAddress[] remove = owned.Where(o => !wanted.Any(o.SameAs) && Present(o, kernel)).ToArray();
        StaticAddress[] add = wanted.Where(w => !Present(w, kernel) || !owned.Any(w.SameAs) || remove.Any(r => On(r, w))).ToArray();
        return remove.Length == 0 && add.Length == 0 ? StaticAddressPlan.Empty : new StaticAddressPlan(remove, add);
    }

    /// <summary>
    /// Carries out <paramref name="plan"/>; returns the director's addresses afterwards and adds to <paramref name="errors"/>
    /// what the kernel refused (the rest is done). An address the kernel has already (EEXIST) becomes the director's, as with keepalived.
    /// </summary>
    public static IReadOnlyList<StaticAddress> Apply(IRouteNetlink route, StaticAddressPlan plan, IReadOnlyCollection<StaticAddress> owned,
        IReadOnlyList<StaticAddress> wanted, ICollection<string> errors)
    {
        var now = owned.Where(o => wanted.Any(o.SameAs)).ToList();
        foreach (StaticAddress r in plan.Remove)
        {
            try
            {
                route.RemoveAddress(r.InterfaceIndex, r.Address, r.PrefixLength);
            }
            catch (NetlinkException e) when (RouteNetlinkClient.IsAddressAbsent(e))
            {
                // Gone already (by hand, or with its interface).
            }
            catch (NetlinkException e)
            {
                errors.Add($"static address {r}: the kernel refused to remove it: {e.Message}");
            }
        }
        foreach (StaticAddress a in plan.Add)
        {
            now.RemoveAll(o => o.SameAs(a));
            try
            {
                route.AddAddress(a.InterfaceIndex, a.Address, a.PrefixLength, a.Scope, a.Label);
                now.Add(a);
            }
            catch (NetlinkException e) when (e.Errno == Errno.EEXIST)
            {
                now.Add(a); // keepalived counts it as added, and removes it at stop.
            }
            catch (NetlinkException e)
            {
                errors.Add($"static address {a}: the kernel refused to add it: {e.Message}");
            }
        }
        return now;
    }

    /// <summary>At stop: the director's own addresses are removed; one already gone is no error.</summary>
    public static void RemoveAll(IRouteNetlink route, IEnumerable<StaticAddress> owned)
    {
        foreach (StaticAddress a in owned)
        {
            try
            {
                route.RemoveAddress(a.InterfaceIndex, a.Address, a.PrefixLength);
            }
            catch (NetlinkException)
            {
                // Stopping: what could not be removed stays, as after a killed keepalived.
            }
        }
    }

    private static bool Present(StaticAddress a, IReadOnlyList<InterfaceAddress> kernel)
        => kernel.Any(k => k.InterfaceIndex == a.InterfaceIndex && k.Address.Equals(a.Address) && k.PrefixLength == a.PrefixLength
            && k.Scope == a.Scope && (a.Label is null || k.Label == a.Label));

    private static bool On(StaticAddress a, StaticAddress b) => a.InterfaceIndex == b.InterfaceIndex && a.Address.Equals(b.Address);

    /// <summary>The names of /etc/iproute2/rt_scopes (what keepalived and ip accept), or a number.</summary>
    public static bool TryScope(string text, out byte scope)
    {
        switch (text)
        {
            case "global": scope = rtnetlink_h.RT_SCOPE_UNIVERSE; return true;
            case "site": scope = 200; return true;
            case "link": scope = rtnetlink_h.RT_SCOPE_LINK; return true;
            case "host": scope = rtnetlink_h.RT_SCOPE_HOST; return true;
            case "nowhere": scope = 255; return true;
            default: return byte.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out scope);
        }
    }

    public static string ScopeName(byte scope) => scope switch
    {
        rtnetlink_h.RT_SCOPE_UNIVERSE => "global",
        200 => "site",
        rtnetlink_h.RT_SCOPE_LINK => "link",
        rtnetlink_h.RT_SCOPE_HOST => "host",
        255 => "nowhere",
        _ => scope.ToString(CultureInfo.InvariantCulture),
    };
}
