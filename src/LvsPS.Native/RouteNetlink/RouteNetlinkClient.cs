using System.Net;
using System.Net.Sockets;
using LvsPS.Native.Interop;
using LvsPS.Native.Netlink;

namespace LvsPS.Native.RouteNetlink;

/// <summary>What host setup needs of route netlink; a fake stands in for it in tests.</summary>
public interface IRouteNetlink : IDisposable
{
    IReadOnlyList<NetworkLink> GetLinks();
    IReadOnlyList<InterfaceAddress> GetAddresses();
    IReadOnlyList<RouteEntry> GetRoutes();
    /// <summary>ip addr add ADDRESS/PREFIX dev INDEX [scope SCOPE] [label LABEL]; EEXIST when the interface has it already.</summary>
    void AddAddress(int interfaceIndex, IPAddress address, int prefixLength, byte scope = 0, string? label = null);
    void RemoveAddress(int interfaceIndex, IPAddress address, int prefixLength);
    void CreateIpipTunnel(string name);
    void SetLinkUp(int interfaceIndex, bool up);
}

/// <summary>
/// Route netlink (NETLINK_ROUTE) in one network namespace over one persistent socket:
/// the links, addresses and main-table routes of the namespace, adding and removing
/// addresses, and creating ipip tunnel devices. Host setup and VRRP (its VIPs and link tracking)
/// both use it. Not thread-safe.
/// </summary>
public sealed class RouteNetlinkClient : IRouteNetlink
{
    private readonly NetlinkConnection _connection;

    internal RouteNetlinkClient(NetlinkConnection connection, string? networkNamespace = null)
    {
        _connection = connection;
        NetworkNamespace = networkNamespace;
    }

    public string? NetworkNamespace { get; }

    public static RouteNetlinkClient Open(string? networkNamespace = null)
        => new(new NetlinkConnection(NetlinkSocket.Open(netlink_h.NETLINK_ROUTE, networkNamespace)), networkNamespace);

    public IReadOnlyList<NetworkLink> GetLinks()
    {
        var links = new List<NetworkLink>();
        _connection.Dump((w, f, s) => RouteNetlinkCodec.WriteDump(w, rtnetlink_h.RTM_GETLINK, f, s),
            (payload, type) => { if (type == rtnetlink_h.RTM_NEWLINK) links.Add(RouteNetlinkCodec.ParseLink(payload)); },
            links.Clear, "RTM_GETLINK (dump)");
        return links;
    }

    public NetworkLink? FindLink(string name) => GetLinks().FirstOrDefault(l => l.Name == name);

    public IReadOnlyList<InterfaceAddress> GetAddresses() => DumpAddresses(rtnetlink_h.AF_UNSPEC, null);

    /// <summary>The addresses of one family on one interface; the kernel filters the family.</summary>
    public IReadOnlyList<InterfaceAddress> GetAddresses(int interfaceIndex, AddressFamily family)
        => DumpAddresses(family == AddressFamily.InterNetworkV6 ? rtnetlink_h.AF_INET6 : rtnetlink_h.AF_INET, interfaceIndex);

    private List<InterfaceAddress> DumpAddresses(byte family, int? interfaceIndex)
    {
        var addresses = new List<InterfaceAddress>();
        _connection.Dump((w, f, s) => RouteNetlinkCodec.WriteDump(w, rtnetlink_h.RTM_GETADDR, f, s, family),
            (payload, type) =>
            {
                if (type == rtnetlink_h.RTM_NEWADDR && RouteNetlinkCodec.ParseAddress(payload) is { } a && (interfaceIndex is null || a.InterfaceIndex == interfaceIndex))
                    addresses.Add(a);
            },
            addresses.Clear, "RTM_GETADDR (dump)");
        return addresses;
    }

    /// <summary>The routes of the main table (what ip route shows), both families.</summary>
    public IReadOnlyList<RouteEntry> GetRoutes()
    {
        var routes = new List<RouteEntry>();
        _connection.Dump((w, f, s) => RouteNetlinkCodec.WriteDump(w, rtnetlink_h.RTM_GETROUTE, f, s),
            (payload, type) =>
            {
                if (type != rtnetlink_h.RTM_NEWROUTE)
                    return;
                RouteEntry route = RouteNetlinkCodec.ParseRoute(payload);
                if (route.Table == rtnetlink_h.RT_TABLE_MAIN)
                    routes.Add(route);
            },
            routes.Clear, "RTM_GETROUTE (dump)");
        return routes;
    }

    /// <summary>Adds an address (ip addr add, with its scope and IPv4 label); EEXIST when the interface has it already.</summary>
    public void AddAddress(int interfaceIndex, IPAddress address, int prefixLength, byte scope = 0, string? label = null)
        => _connection.Execute((w, f, s) => RouteNetlinkCodec.WriteAddress(w, rtnetlink_h.RTM_NEWADDR,
                (ushort)(f | rtnetlink_h.NLM_F_CREATE | rtnetlink_h.NLM_F_EXCL), s, interfaceIndex, address, prefixLength, scope, label),
            null, $"RTM_NEWADDR {address}/{prefixLength}");

    /// <summary>Removes an address (ip addr del); EADDRNOTAVAIL when the interface does not have it.</summary>
    public void RemoveAddress(int interfaceIndex, IPAddress address, int prefixLength)
        => _connection.Execute((w, f, s) => RouteNetlinkCodec.WriteAddress(w, rtnetlink_h.RTM_DELADDR, f, s, interfaceIndex, address, prefixLength),
            null, $"RTM_DELADDR {address}/{prefixLength}");

    /// <summary>Adds an address unless the interface has it; false when it was there already (EEXIST).</summary>
    public bool TryAddAddress(int interfaceIndex, IPAddress address, int prefixLength)
    {
        try
        {
            AddAddress(interfaceIndex, address, prefixLength);
            return true;
        }
        catch (NetlinkException e) when (e.Errno == Errno.EEXIST)
        {
            return false;
        }
    }

    /// <summary>Removes an address if the interface has it; false when it was not there (or the interface is gone).</summary>
    public bool TryRemoveAddress(int interfaceIndex, IPAddress address, int prefixLength)
    {
        try
        {
            RemoveAddress(interfaceIndex, address, prefixLength);
            return true;
        }
        catch (NetlinkException e) when (IsAddressAbsent(e))
        {
            return false;
        }
    }

    /// <summary>A removal refused because the address is not there: not on the interface, or the interface is gone.</summary>
    internal static bool IsAddressAbsent(NetlinkException e) => e.Errno is EADDRNOTAVAIL or Errno.ENOENT or Errno.ENODEV;

    private const int EADDRNOTAVAIL = 99; // errno-base.h: the address is not on the interface

    /// <summary>Creates an ipip tunnel device (ip link add NAME type ipip); the kernel loads ipip when it can.</summary>
    public void CreateIpipTunnel(string name)
        => _connection.Execute((w, f, s) => RouteNetlinkCodec.WriteNewIpipLink(w, (ushort)(f | rtnetlink_h.NLM_F_CREATE | rtnetlink_h.NLM_F_EXCL), s, name),
            null, $"RTM_NEWLINK {name} type ipip");

    public void SetLinkUp(int interfaceIndex, bool up)
        => _connection.Execute((w, f, s) => RouteNetlinkCodec.WriteSetLinkUp(w, f, s, interfaceIndex, up),
            null, $"RTM_NEWLINK index {interfaceIndex} {(up ? "up" : "down")}");

    public void Dispose() => _connection.Dispose();
}
