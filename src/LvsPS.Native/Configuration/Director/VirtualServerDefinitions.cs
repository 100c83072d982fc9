using System.Net;
using System.Text.Json.Serialization;
using LvsPS.Native.Configuration.Keepalived;
using LvsPS.Native.Ipvs;

namespace LvsPS.Native.Configuration.Director;

/// <summary>How a virtual_server names its service(s).</summary>
public enum VirtualServerHeadKind
{
    /// <summary><c>virtual_server IP PORT</c> (or IP alone: port 0, persistent).</summary>
    Address,
    /// <summary><c>virtual_server fwmark N</c>.</summary>
    FirewallMark,
    /// <summary><c>virtual_server group NAME</c>: one IPVS service per entry of the group.</summary>
    Group,
}

/// <summary>A virtual_server block with keepalived's defaults and normalisations applied.</summary>
public sealed record VirtualServerDefinition
{
    public VirtualServerHeadKind Kind { get; init; }
    public IPAddress? Address { get; init; }
    public ushort Port { get; init; }
    public uint FirewallMark { get; init; }
    public string? GroupName { get; init; }
    /// <summary>TCP, UDP or SCTP; UDP when not written (keepalived's default); meaningless for fwmark.</summary>
    public IpvsProtocol Protocol { get; init; } = IpvsProtocol.Udp;
    /// <summary>The family of the service (for fwmark: ip_family, else that of the real servers).</summary>
    public IpFamily Family { get; init; } = IpFamily.IPv4;
    public string Scheduler { get; init; } = "wlc";
    public SchedulerFlags SchedulerFlags { get; init; }
    /// <summary>ops: one-packet scheduling (UDP only).</summary>
    public bool OnePacket { get; init; }
    /// <summary>Default forwarding of the real servers (lb_kind/lvs_method; keepalived: NAT).</summary>
    public ForwardingMethod Forwarding { get; init; } = ForwardingMethod.Masquerade;
    public TunnelSettings? Tunnel { get; init; }
    /// <summary>Null: not persistent.</summary>
    public uint? PersistenceTimeout { get; init; }
    /// <summary>persistence_granularity as a prefix length.</summary>
    public int? PersistencePrefixLength { get; init; }
    public string? PersistenceEngine { get; init; }
    public bool HaSuspend { get; init; }
    public string? Virtualhost { get; init; }
    public bool Alpha { get; init; }
    public bool Omega { get; init; }
    public uint Quorum { get; init; } = 1;
    public uint Hysteresis { get; init; }
    public string? QuorumUp { get; init; }
    public string? QuorumDown { get; init; }
    public RealServerDefinition? SorryServer { get; init; }
    public bool SorryServerInhibit { get; init; }
    public bool InhibitOnFailure { get; init; }
    /// <summary>weight: the default weight of the real servers (1).</summary>
    public uint DefaultWeight { get; init; } = 1;
    public double DelayLoopSeconds { get; init; } = 60;
    public bool SmtpAlert { get; init; }
    public string? SnmpName { get; init; }
    public IReadOnlyList<RealServerDefinition> RealServers { get; init; } = [];
    [JsonIgnore]
    public SourceLocation Location { get; init; }

    /// <summary>How keepalived names it in messages: [IP]:PROTO:PORT, FWM N, or group NAME.</summary>
    [JsonIgnore]
    public string DisplayName => Kind switch
    {
        VirtualServerHeadKind.FirewallMark => $"FWM {FirewallMark}",
        VirtualServerHeadKind.Group => $"group {GroupName}",
        _ => $"[{Address}]:{VirtualServiceKey.ProtocolName(Protocol)}:{Port}",
    };
}

/// <summary>Tunnel forwarding options: type ipip|gue port N|gre, checksum mode.</summary>
public sealed record TunnelSettings(TunnelType Type, ushort Port, TunnelChecksum Checksum);

/// <summary>A real_server block (or a sorry_server line) with its checks.</summary>
public sealed record RealServerDefinition
{
    public required IPAddress Address { get; init; }
    public ushort Port { get; init; }
    public ForwardingMethod Forwarding { get; init; } = ForwardingMethod.Masquerade;
    public TunnelSettings? Tunnel { get; init; }
    public uint Weight { get; init; } = 1;
    public uint UpperThreshold { get; init; }
    public uint LowerThreshold { get; init; }
    public bool InhibitOnFailure { get; init; }
    public string? NotifyUp { get; init; }
    public string? NotifyDown { get; init; }
    public bool Alpha { get; init; }
    public bool SmtpAlert { get; init; }
    public string? Virtualhost { get; init; }
    public IReadOnlyList<CheckerDefinition> Checkers { get; init; } = [];
    [JsonIgnore]
    public SourceLocation Location { get; init; }

    [JsonIgnore]
    public string Endpoint => VirtualServiceKey.FormatEndpoint(Address, Port);
}

/// <summary>virtual_server_group NAME { entries }.</summary>
public sealed record VirtualServerGroupDefinition
{
    public required string Name { get; init; }
    public IReadOnlyList<VirtualServerGroupEntry> Entries { get; init; } = [];
    [JsonIgnore]
    public SourceLocation Location { get; init; }
}

/// <summary>An entry of a virtual_server_group: an address range [First, Last] with a port, or a firewall mark.</summary>
public sealed record VirtualServerGroupEntry
{
    public IPAddress? First { get; init; }
    /// <summary>Equal to First for a single address.</summary>
    public IPAddress? Last { get; init; }
    public ushort Port { get; init; }
    public uint FirewallMark { get; init; }
    /// <summary>For fwmark entries: inet/inet6 when written.</summary>
    public IpFamily? Family { get; init; }
    [JsonIgnore]
    public bool IsFirewallMark => FirewallMark != 0;
}
