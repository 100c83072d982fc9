using System.Net;
using System.Text.Json.Serialization;
using LvsPS.Native.Configuration.Keepalived;

namespace LvsPS.Native.Configuration.Director;

/// <summary>An address line of virtual_ipaddress / static_ipaddress: ADDR[/LEN] [dev IF] [scope S] [label L] ...</summary>
public sealed record VrrpAddressDefinition
{
    public required IPAddress Address { get; init; }
    /// <summary>Null when not written (keepalived: /32 or /128).</summary>
    public int? PrefixLength { get; init; }
    public string? Device { get; init; }
    public string? Scope { get; init; }
    public string? Label { get; init; }
    /// <summary>Other words of the line (brd, no_track, ...), as written.</summary>
    public IReadOnlyList<string> Options { get; init; } = [];
    [JsonIgnore]
    public SourceLocation Location { get; init; }

    public override string ToString() => PrefixLength is { } p ? $"{Address}/{p}" : Address.ToString();
}

/// <summary>vrrp_script NAME { script; interval 1; timeout 0; weight 0; rise 1; fall 1; user U [G]; init_fail }.</summary>
public sealed record VrrpScriptDefinition
{
    public required string Name { get; init; }
    public string? Script { get; init; }
    public double IntervalSeconds { get; init; } = 1;
    /// <summary>0: the interval (keepalived).</summary>
    public double TimeoutSeconds { get; init; }
    public int Weight { get; init; }
    /// <summary>"reverse" after the weight: a failing script raises the priority.</summary>
    public bool WeightReverse { get; init; }
    public int Rise { get; init; } = 1;
    public int Fall { get; init; } = 1;
    public string? User { get; init; }
    public string? Group { get; init; }
    public bool InitFail { get; init; }
    [JsonIgnore]
    public SourceLocation Location { get; init; }
}

/// <summary>An entry of track_script / track_interface: NAME [weight W [reverse]].</summary>
public sealed record TrackDefinition(string Name, int? Weight = null, bool Reverse = false);

/// <summary>vrrp_sync_group NAME { group { INSTANCE... } notify_* ...; smtp_alert; track_* }.</summary>
public sealed record VrrpSyncGroupDefinition
{
    public required string Name { get; init; }
    public IReadOnlyList<string> Instances { get; init; } = [];
    public VrrpNotifyScripts Notify { get; init; } = new();
    public bool SmtpAlert { get; init; }
    public IReadOnlyList<TrackDefinition> TrackScripts { get; init; } = [];
    public IReadOnlyList<TrackDefinition> TrackInterfaces { get; init; } = [];
    public IReadOnlyList<KeywordSetting> Other { get; init; } = [];
    [JsonIgnore]
    public SourceLocation Location { get; init; }
}

/// <summary>vrrp_instance NAME { ... }: the values LvsPS's VRRP speaker runs with.</summary>
public sealed record VrrpInstanceDefinition
{
    public required string Name { get; init; }
    /// <summary>MASTER or BACKUP as written (null: not written; keepalived starts as backup).</summary>
    public string? InitialState { get; init; }
    public string? Interface { get; init; }
    public int VirtualRouterId { get; init; }
    public int Priority { get; init; } = 100;
    public double AdvertIntervalSeconds { get; init; } = 1;
    public int Version { get; init; } = 2;
    /// <summary>PASS or AH; null without authentication.</summary>
    public string? AuthType { get; init; }
    public string? AuthPassword { get; init; }
    public IReadOnlyList<VrrpAddressDefinition> VirtualAddresses { get; init; } = [];
    public IReadOnlyList<VrrpAddressDefinition> ExcludedAddresses { get; init; } = [];
    public IReadOnlyList<TrackDefinition> TrackScripts { get; init; } = [];
    public IReadOnlyList<TrackDefinition> TrackInterfaces { get; init; } = [];
    public bool NoPreempt { get; init; }
    public double? PreemptDelaySeconds { get; init; }
    public IPAddress? UnicastSourceAddress { get; init; }
    public IReadOnlyList<IPAddress> UnicastPeers { get; init; } = [];
    public VrrpNotifyScripts Notify { get; init; } = new();
    public bool SmtpAlert { get; init; }
    public IReadOnlyList<KeywordSetting> Other { get; init; } = [];
    [JsonIgnore]
    public SourceLocation Location { get; init; }
}

/// <summary>notify_master, notify_backup, notify_fault, notify_stop and notify (any state: NAME STATE appended), as written.</summary>
public sealed record VrrpNotifyScripts
{
    public string? Master { get; init; }
    public string? Backup { get; init; }
    public string? Fault { get; init; }
    public string? Stop { get; init; }
    public string? AnyState { get; init; }
}
