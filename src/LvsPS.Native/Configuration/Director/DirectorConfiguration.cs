using LvsPS.Native.Configuration.Keepalived;

namespace LvsPS.Native.Configuration.Director;

/// <summary>
/// Everything a director is meant to be, whatever file it came from: global settings, static
/// addresses, VRRP scripts, instances and sync groups, virtual server groups and virtual servers
/// with their real servers and checks. Values are the effective ones (keepalived's defaults and
/// normalisations applied), so the same model drives IPVS, VRRP and the checks, and writes back.
/// </summary>
public sealed record DirectorConfiguration
{
    public GlobalSettings Global { get; init; } = new();
    public IReadOnlyList<VrrpAddressDefinition> StaticAddresses { get; init; } = [];
    public IReadOnlyList<VrrpScriptDefinition> VrrpScripts { get; init; } = [];
    public IReadOnlyList<VrrpSyncGroupDefinition> VrrpSyncGroups { get; init; } = [];
    public IReadOnlyList<VrrpInstanceDefinition> VrrpInstances { get; init; } = [];
    public IReadOnlyList<VirtualServerGroupDefinition> VirtualServerGroups { get; init; } = [];
    public IReadOnlyList<VirtualServerDefinition> VirtualServers { get; init; } = [];
    /// <summary>Top-level blocks keepalived knows that LvsPS does not run (static_routes, track_file, SSL, ...), kept to be written back.</summary>
    public IReadOnlyList<KeywordSetting> OtherBlocks { get; init; } = [];
}

/// <summary>A statement kept as written: keyword, words and block (for settings LvsPS carries but does not act on).</summary>
public sealed record KeywordSetting(string Keyword, IReadOnlyList<string> Arguments, IReadOnlyList<KeywordSetting>? Block = null)
{
    internal static KeywordSetting From(KeepalivedStatement s)
        => new(s.Keyword, s.Arguments, s.Block?.Select(From).ToArray());
}

/// <summary>global_defs.</summary>
public sealed record GlobalSettings
{
    public string? RouterId { get; init; }
    public IReadOnlyList<string> NotificationEmails { get; init; } = [];
    public string? NotificationEmailFrom { get; init; }
    /// <summary>"IP" or "IP PORT" as written.</summary>
    public string? SmtpServer { get; init; }
    public int? SmtpConnectTimeout { get; init; }
    public string? ScriptUser { get; init; }
    public string? ScriptGroup { get; init; }
    public bool EnableScriptSecurity { get; init; }
    /// <summary>Flush the whole IPVS table at start.</summary>
    public bool LvsFlush { get; init; }
    /// <summary>Flush the whole IPVS table at stop (instead of removing only what was configured).</summary>
    public bool LvsFlushOnStop { get; init; }
    public LvsTimeoutSettings? LvsTimeouts { get; init; }
    public LvsSyncDaemonDefinition? LvsSyncDaemon { get; init; }
    /// <summary>VRRP version for instances that do not set one (keepalived: 2).</summary>
    public int VrrpVersion { get; init; } = 2;
    public bool VrrpStrict { get; init; }
    /// <summary>Other global_defs keywords, as written.</summary>
    public IReadOnlyList<KeywordSetting> Other { get; init; } = [];
}

/// <summary>lvs_timeouts tcp N tcpfin N udp N: only the ones given are set.</summary>
public sealed record LvsTimeoutSettings(uint? TcpSeconds, uint? TcpFinSeconds, uint? UdpSeconds);

/// <summary>lvs_sync_daemon INTERFACE VRRP_INSTANCE [id N] [maxlen N] [port N] [ttl N] [group IP].</summary>
public sealed record LvsSyncDaemonDefinition
{
    public required string Interface { get; init; }
    public required string VrrpInstance { get; init; }
    public byte SyncId { get; init; }
    public ushort? MaxLength { get; init; }
    public ushort? Port { get; init; }
    public byte? Ttl { get; init; }
    public System.Net.IPAddress? MulticastGroup { get; init; }
}
