using System.Net;

namespace LvsPS.Native.Ipvs;

/// <summary>The role of a connection-synchronisation daemon (IP_VS_STATE_MASTER / IP_VS_STATE_BACKUP).</summary>
public enum SyncDaemonState : uint
{
    Master = 1,
    Backup = 2,
}

/// <summary>
/// An IPVS connection-synchronisation daemon (ipvsadm --start-daemon, keepalived lvs_sync_daemon):
/// a master multicasts connection state, a backup receives it. At most one of each per namespace.
/// Optional settings left null take the kernel's defaults (group 224.0.0.81, port 8848, TTL 1,
/// a maximum length from the interface MTU); the kernel reports the values in effect.
/// </summary>
public sealed record SyncDaemon
{
    /// <summary>The kernel's defaults (ip_vs_sync.c): group 224.0.0.81, port 8848, TTL 1.</summary>
    public static readonly IPAddress DefaultMulticastGroup = IPAddress.Parse("224.0.0.81");
    public const ushort DefaultPort = 8848;
    public const byte DefaultTtl = 1;

    public required SyncDaemonState State { get; init; }
    /// <summary>The network interface that sends (master) or receives (backup) the multicast; at most 15 characters.</summary>
    public required string Interface { get; init; }
    /// <summary>Identifies a cluster's messages: 0–255 (a backup with 0 accepts every sync id).</summary>
    public uint SyncId { get; init; }
    /// <summary>The largest sync message payload; the kernel clamps it to what the interface allows.</summary>
    public ushort? MaxLength { get; init; }
    /// <summary>The IPv4 or IPv6 multicast group.</summary>
    public IPAddress? MulticastGroup { get; init; }
    /// <summary>The UDP port of the multicast (1–65535).</summary>
    public ushort? Port { get; init; }
    /// <summary>The multicast TTL (1–255).</summary>
    public byte? Ttl { get; init; }
    /// <summary>The network namespace it was read from (null: the caller's own).</summary>
    public string? NetworkNamespace { get; init; }

    /// <summary>"master" or "backup": the identity of a daemon in its namespace.</summary>
    public string Name => StateName(State);

    public static string StateName(SyncDaemonState state) => state switch
    {
        SyncDaemonState.Master => "master",
        SyncDaemonState.Backup => "backup",
        _ => $"state {(uint)state}",
    };

    /// <summary>Parses "master" or "backup" (any case).</summary>
    public static bool TryParseState(string? text, out SyncDaemonState state)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "master": state = SyncDaemonState.Master; return true;
            case "backup": state = SyncDaemonState.Backup; return true;
            default: state = default; return false;
        }
    }

    /// <summary>
    /// True when <paramref name="running"/> satisfies this desired daemon: same role, interface and
    /// sync id, and every optional setting given here equals the running one (unset ones match anything).
    /// </summary>
    public bool IsSatisfiedBy(SyncDaemon running)
        => running.State == State && running.Interface == Interface && running.SyncId == SyncId
        && (MaxLength is null || MaxLength == running.MaxLength)
        && (MulticastGroup is null || MulticastGroup.Equals(running.MulticastGroup))
        && (Port is null || Port == running.Port)
        && (Ttl is null || Ttl == running.Ttl);

    /// <summary>Like <c>ipvsadm -L --daemon</c>: "master sync daemon (mcast=lo, syncid=5, ...)".</summary>
    public override string ToString()
    {
        var parts = new List<string> { $"mcast={Interface}", $"syncid={SyncId}" };
        if (MaxLength is { } maxlen) parts.Add($"maxlen={maxlen}");
        if (MulticastGroup is { } group) parts.Add($"group={group}");
        if (Port is { } port) parts.Add($"port={port}");
        if (Ttl is { } ttl) parts.Add($"ttl={ttl}");
        return $"{Name} sync daemon ({string.Join(", ", parts)})";
    }
}
