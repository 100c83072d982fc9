using LvsPS.Native.Ipvs;
using LvsPS.Native.RouteNetlink;
using LvsPS.Native.Runtime;
using LvsPS.Native.Vrrp;

namespace LvsPS.Native.Configuration.Director;

/// <summary>How a <see cref="RunningDirector"/> runs.</summary>
public sealed record DirectorRunOptions
{
    /// <summary>A name to find it by; its health engine gets the same name.</summary>
    public required string Name { get; init; }
    /// <summary>The director's network namespace (null: this process's): IPVS, checks, VRRP and scripts all run there.</summary>
    public string? NetworkNamespace { get; init; }
    /// <summary>Opens IPVS (the kernel's client, or the in-memory one in tests).</summary>
    public required Func<string?, IIpvsClient> OpenIpvs { get; init; }
    /// <summary>Opens route netlink (interfaces, static_ipaddress); the kernel's client unless a test gives a fake.</summary>
    public Func<string?, IRouteNetlink> OpenRoute { get; init; } = ns => RouteNetlinkClient.Open(ns);
    /// <summary>Registers a part (the health engine, each VRRP instance) where users and shutdown find it; false refuses the start.</summary>
    public Func<IWorker, bool>? Register { get; init; }
    /// <summary>The sync group of a name (one per process, so other instances can join it); null: a fresh group per director.</summary>
    public Func<string, VrrpSyncGroup>? SyncGroup { get; init; }
    /// <summary>On reload, how long a removed real server (or service) is drained at weight 0 before it is removed even with connections left.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>How often draining real servers are looked at (one dump per draining service).</summary>
    public TimeSpan DrainPoll { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Where the configuration was read from (for messages and reloads).</summary>
    public string? SourcePath { get; init; }
}
