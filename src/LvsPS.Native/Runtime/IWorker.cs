namespace LvsPS.Native.Runtime;

/// <summary>When a worker stops at shutdown: every worker of a stage stops (side by side) before the next stage starts.</summary>
public enum ShutdownStage
{
    /// <summary>First: work that hands traffic to a peer (a VRRP master's priority-0 advert, its addresses released).</summary>
    HandOver = 0,
    /// <summary>Then the checks that edit this host's IPVS table (health checks, their omega actions).</summary>
    Checks = 1,
    /// <summary>Last: anything else.</summary>
    Other = 2,
}

/// <summary>
/// Long-running work of this process (a VRRP instance, a health check) that the
/// <see cref="Supervisor"/> keeps by name, lists, stops, and stops in order at shutdown.
/// </summary>
public interface IWorker
{
    /// <summary>What it is, for messages and the registry: "VRRP instance", "health check".</summary>
    string Kind { get; }
    /// <summary>Unique among running workers of its kind (case-insensitive).</summary>
    string Name { get; }
    bool IsRunning { get; }
    ShutdownStage ShutdownStage { get; }

    /// <summary>Stops in an orderly way and completes when nothing of it runs any more; stopping a stopped worker does nothing.</summary>
    Task StopAsync();
}
