using System.Net;
using LvsPS.Native.Netlink;
using LvsPS.Native.RouteNetlink;

namespace LvsPS.Tests.Support;

/// <summary>
/// Route netlink of one namespace in memory: its links, addresses and routes, with the kernel's answers
/// to adding an address it has (EEXIST) or removing one it lacks (EADDRNOTAVAIL), and a refusal to add
/// a given address (<see cref="RefuseAdd"/>). Every open of the director shares it; Dispose does nothing.
/// </summary>
internal sealed class FakeRouteNetlink : IRouteNetlink
{
    public List<NetworkLink> Links { get; } = new();
    public List<InterfaceAddress> Addresses { get; } = new();
    public List<RouteEntry> Routes { get; } = new();
    /// <summary>An address the kernel refuses to add, and its errno.</summary>
    public (IPAddress Address, int Errno)? RefuseAdd { get; set; }
    /// <summary>Every change sent, as "add|del ADDRESS/PREFIX index N [scope S] [label L]".</summary>
    public List<string> Sent { get; } = new();

    public FakeRouteNetlink Link(int index, string name)
    {
        Links.Add(new NetworkLink { Index = index, Name = name, Flags = Native.Interop.if_link_h.IFF_UP });
        return this;
    }

    public bool Has(string address, int index) => Addresses.Any(a => a.ToString() == address && a.InterfaceIndex == index);

    public IReadOnlyList<NetworkLink> GetLinks() => Links.ToArray();
    public IReadOnlyList<InterfaceAddress> GetAddresses() => Addresses.ToArray();
    public IReadOnlyList<RouteEntry> GetRoutes() => Routes.ToArray();

    public void AddAddress(int interfaceIndex, IPAddress address, int prefixLength, byte scope = 0, string? label = null)
    {
        Sent.Add($"add {address}/{prefixLength} index {interfaceIndex}{(scope == 0 ? "" : $" scope {scope}")}{(label is null ? "" : $" label {label}")}");
        if (RefuseAdd is { } refuse && refuse.Address.Equals(address))
            throw new NetlinkException(NetlinkFailure.KernelRefusal, $"RTM_NEWADDR {address}/{prefixLength}", refuse.Errno);
        if (Links.All(l => l.Index != interfaceIndex))
            throw new NetlinkException(NetlinkFailure.KernelRefusal, $"RTM_NEWADDR {address}/{prefixLength}", Errno.ENODEV);
        if (Addresses.Any(a => a.InterfaceIndex == interfaceIndex && a.Address.Equals(address)))
            throw new NetlinkException(NetlinkFailure.KernelRefusal, $"RTM_NEWADDR {address}/{prefixLength}", Errno.EEXIST);
        Addresses.Add(new InterfaceAddress { InterfaceIndex = interfaceIndex, Address = address, PrefixLength = prefixLength, Scope = scope, Label = label });
    }

    public void RemoveAddress(int interfaceIndex, IPAddress address, int prefixLength)
    {
        Sent.Add($"del {address}/{prefixLength} index {interfaceIndex}");
        if (Addresses.RemoveAll(a => a.InterfaceIndex == interfaceIndex && a.Address.Equals(address) && a.PrefixLength == prefixLength) == 0)
            throw new NetlinkException(NetlinkFailure.KernelRefusal, $"RTM_DELADDR {address}/{prefixLength}", 99);
    }

    public void CreateIpipTunnel(string name) => throw new NotSupportedException();
    public void SetLinkUp(int interfaceIndex, bool up) => throw new NotSupportedException();
    public void Dispose() { }
}
