using System.Net;
using LvsPS.Native.Ipvs;

namespace LvsPS.Native.Operations;

/// <summary>One real server by identity: the namespace, its service, its address and port.</summary>
public sealed record RealServerRef(string? NetworkNamespace, VirtualServiceKey Service, IPAddress Address, ushort Port)
{
    /// <summary>"tcp/10.0.0.3:80 -> 10.0.0.7:80", as <see cref="RealServer.ToString"/> writes it.</summary>
    public string Identity => $"{Service} -> {VirtualServiceKey.FormatEndpoint(VirtualServiceKey.Normalize(Address), Port)}";

    public bool Is(RealServer d) => d.Port == Port && VirtualServiceKey.Normalize(d.Address).Equals(VirtualServiceKey.Normalize(Address));

    public override string ToString() => Identity;
}

/// <summary>What a lookup found: the object, or which of the service and the real server is missing.</summary>
public enum LookupOutcome { Found, ServiceMissing, RealServerMissing }

/// <summary>The one lookup of a real server that tells "no such service" from "no such real server".</summary>
public static class RealServerLookup
{
    /// <summary>
    /// The real server as the kernel has it (one dump of its service), or which is missing: the kernel lists no
    /// real servers for a missing service, so only an empty list costs a second look.
    /// </summary>
    public static (LookupOutcome Outcome, RealServer? RealServer) Find(IIpvsClient client, VirtualServiceKey service, IPAddress address, ushort port)
    {
        var target = new RealServerRef(client.NetworkNamespace, service, address, port);
        IReadOnlyList<RealServer>? all = RealServersOf(client, service);
        if (all is null)
            return (LookupOutcome.ServiceMissing, null);
        RealServer? found = all.FirstOrDefault(target.Is);
        return found is null ? (LookupOutcome.RealServerMissing, null) : (LookupOutcome.Found, found);
    }

    /// <summary>The real servers of a service, or null when the service itself does not exist.</summary>
    public static IReadOnlyList<RealServer>? RealServersOf(IIpvsClient client, VirtualServiceKey service)
    {
        IReadOnlyList<RealServer> all = client.GetRealServers(service);
        return all.Count == 0 && client.GetVirtualService(service, includeRealServers: false) is null ? null : all;
    }
}
