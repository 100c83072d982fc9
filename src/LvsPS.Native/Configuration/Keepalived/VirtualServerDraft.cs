using LvsPS.Native.Configuration.Director;
using LvsPS.Native.Ipvs;

namespace LvsPS.Native.Configuration.Keepalived;

/// <summary>What a virtual_server block said, before keepalived's defaults: null means "not written".</summary>
internal sealed class VirtualServerDraft
{
    public required VirtualServerDefinition Head { get; set; }
    public KeepalivedStatement? ProtocolLine { get; set; }
    public IpvsProtocol? Protocol { get; set; }
    public string? Scheduler { get; set; }
    public List<string> FlagWords { get; } = new();
    public KeepalivedStatement? OnePacketLine { get; set; }
    public ForwardingMethod? Forwarding { get; set; }
    public TunnelSettings? Tunnel { get; set; }
    public bool PersistenceWritten { get; set; }
    public uint? PersistenceTimeout { get; set; }
    public IpFamily? Family { get; set; }
    public uint? Weight { get; set; }
    public bool InhibitOnFailure { get; set; }
    public bool Alpha { get; set; }
    public CheckTimingDraft Timing { get; } = new();
    public bool? SmtpAlert { get; set; }
    public string? Virtualhost { get; set; }
    public (KeepalivedStatement Line, System.Net.IPAddress Address, ushort? Port)? SorryServer { get; set; }
    public ForwardingMethod? SorryForwarding { get; set; }
    public List<RealServerDraft> RealServers { get; } = new();
}

/// <summary>A real_server block before defaults and the virtual server's rules.</summary>
internal sealed class RealServerDraft
{
    public required KeepalivedStatement Line { get; init; }
    public required System.Net.IPAddress Address { get; init; }
    public ushort? Port { get; init; }
    public ForwardingMethod? Forwarding { get; set; }
    public TunnelSettings? Tunnel { get; set; }
    public uint? Weight { get; set; }
    public uint UpperThreshold { get; set; }
    public uint LowerThreshold { get; set; }
    public bool? InhibitOnFailure { get; set; }
    public string? NotifyUp { get; set; }
    public string? NotifyDown { get; set; }
    public bool? Alpha { get; set; }
    public CheckTimingDraft Timing { get; } = new();
    public bool? SmtpAlert { get; set; }
    public string? Virtualhost { get; set; }
    public List<(KeepalivedStatement Block, CheckerDraft Checker)> Checkers { get; } = new();
}

/// <summary>A checker block: the options written in it (null: inherit), the rest as read.</summary>
internal sealed class CheckerDraft
{
    public required CheckerDefinition Definition { get; set; }
    public ushort? ConnectPort { get; set; }
    public CheckTimingDraft Timing { get; } = new();
    public bool? Alpha { get; set; }
    public bool UrlWithoutPath { get; set; }
}

/// <summary>
/// The checker timing keys, written at virtual server, real server or checker level (null: not
/// written there); a checker takes the nearest level that wrote each one.
/// </summary>
internal sealed class CheckTimingDraft
{
    public int? Retry { get; set; }
    public double? DelayBeforeRetry { get; set; }
    public double? DelayLoop { get; set; }
    public double? Warmup { get; set; }
    public double? ConnectTimeout { get; set; }
}
