using LvsPS.Native.Ipvs;

namespace LvsPS.Native.DesiredState;

/// <summary>One step of an <see cref="IpvsPlan"/>, in the order it must be applied.</summary>
public abstract record PlanStep
{
    /// <summary>What the step acts on: a service or real server identity, "IPVS timeouts", "master sync daemon".</summary>
    public abstract string Target { get; }

    /// <summary>
    /// True for the first step of the plan's second half, which only removes or quiesces: the applier sends
    /// nothing of it before the kernel has answered everything before it, so that a refused addition keeps
    /// the real servers it was to replace (see <see cref="PlanApplier"/>).
    /// </summary>
    public bool AfterAnswers { get; init; }
}

/// <summary>
/// A service or real-server change, sent in batches. <paramref name="Before"/> is the real server as it was
/// (for updates and removals); <paramref name="RealServersRemovedWithIt"/> counts what a service removal takes along.
/// </summary>
public sealed record ChangeStep(IpvsChange Change, RealServer? Before = null, int RealServersRemovedWithIt = 0) : PlanStep
{
    public override string Target => Change.Target;

    /// <summary>The service the change belongs to.</summary>
    public VirtualServiceKey Service => Change.Service?.Key ?? Change.RealServer!.VirtualService;
}

/// <summary>Sets the timeouts (0 = leave that one).</summary>
public sealed record SetTimeoutsStep(IpvsTimeouts Desired, IpvsTimeouts? Current) : PlanStep
{
    public const string TimeoutsTarget = "IPVS timeouts";
    public override string Target => TimeoutsTarget;
}

/// <summary>Stops a sync daemon: for good, or to start it again with other settings (<paramref name="Restart"/>: the kernel cannot change one in place).</summary>
public sealed record StopSyncDaemonStep(SyncDaemonState State, bool Restart) : PlanStep
{
    public override string Target => $"{SyncDaemon.StateName(State)} sync daemon";
}

/// <summary>Starts a sync daemon, new or restarted with other settings.</summary>
public sealed record StartSyncDaemonStep(SyncDaemon Daemon, bool Restart) : PlanStep
{
    public override string Target => $"{Daemon.Name} sync daemon";
}
