using System.Net;

namespace LvsPS.Native.Ipvs;

/// <summary>A real server (IPVS destination) of one virtual service.</summary>
public sealed record RealServer
{
    public required VirtualServiceKey VirtualService { get; init; }
    public required IPAddress Address { get; init; }
    public ushort Port { get; init; }
    public ForwardingMethod Forwarding { get; init; } = ForwardingMethod.Masquerade;
    public uint Weight { get; init; } = 1;
    /// <summary>Upper connection threshold; 0 = no limit.</summary>
    public uint UpperThreshold { get; init; }
    /// <summary>Lower connection threshold; 0 = none.</summary>
    public uint LowerThreshold { get; init; }
    public TunnelType TunnelType { get; init; }
    /// <summary>Destination port of GUE encapsulation.</summary>
    public ushort TunnelPort { get; init; }
    public TunnelChecksum TunnelChecksum { get; init; }
    public uint ActiveConnections { get; init; }
    public uint InactiveConnections { get; init; }
    public uint PersistentConnections { get; init; }
    public IpvsStatistics? Statistics { get; init; }
    public string? NetworkNamespace { get; init; }

    public IpFamily Family => VirtualServiceKey.FamilyOf(Address);

    /// <summary>address:port as ipvsadm prints it ([v6]:port).</summary>
    public string Endpoint => VirtualServiceKey.FormatEndpoint(Address, Port);

    public override string ToString() => $"{VirtualService} -> {Endpoint}";
}
