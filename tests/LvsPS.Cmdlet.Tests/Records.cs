using System.Net;
using LvsPS.Native.Ipvs;

namespace LvsPS.Cmdlet.Tests;

/// <summary>Core records as Get-LvsVirtualService / Get-LvsRealServer would write them.</summary>
public static class Records
{
    public static readonly VirtualServiceKey Web = VirtualServiceKey.Parse("tcp/10.0.0.3:80");

    public static RealServer Dr(string address, uint weight = 1, VirtualServiceKey? service = null) => new()
    {
        VirtualService = service ?? Web, Address = IPAddress.Parse(address), Port = (service ?? Web).Port,
        Forwarding = ForwardingMethod.Route, Weight = weight,
    };

    public static VirtualService WebService(string? ns = null) => new()
    {
        Key = Web, Scheduler = "wrr", Persistent = true, PersistenceTimeout = 20,
        RealServers = new[]
        {
            Dr("10.0.0.7") with { ActiveConnections = 12, InactiveConnections = 40 },
            Dr("10.0.0.8", weight: 3) with { ActiveConnections = 5, InactiveConnections = 7 },
        },
        Statistics = new IpvsStatistics { Connections = 1234, InPackets = 5000, OutPackets = 4000, InBytes = 600000, OutBytes = 9000000 },
        NetworkNamespace = ns,
    };
}
