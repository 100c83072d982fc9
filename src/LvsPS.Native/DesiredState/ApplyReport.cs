using LvsPS.Native.Ipvs;

namespace LvsPS.Native.DesiredState;

/// <summary>What became of one step.</summary>
public enum StepStatus
{
    /// <summary>The kernel applied it.</summary>
    Applied,
    /// <summary>The kernel refused it (<see cref="StepOutcome.Error"/> says why); the steps after it went on.</summary>
    Refused,
    /// <summary>The approve callback said no (-Confirm answered No): not sent.</summary>
    Declined,
    /// <summary>Not sent because it would have left a kept service without real servers (or without one taking connections) after an addition before it failed or was declined.</summary>
    HeldBack,
    /// <summary>Not sent: the run was cancelled, or stopped by a failure, before it.</summary>
    NotAttempted,
    /// <summary>Sent in a batch the kernel's answer to which was lost (the socket failed): it may or may not be applied.</summary>
    Unknown,
}

public sealed record StepOutcome(PlanStep Step, StepStatus Status, Exception? Error = null);

/// <summary>Progress after each batch or single step: steps done (answered, declined or held back) of all.</summary>
public readonly record struct ApplyProgress(int StepsDone, int StepsTotal, int Applied, int Refused);

/// <summary>
/// Exactly what an <see cref="PlanApplier"/> run did with every step of its plan, and the counts a user
/// reads: objects added, changed, removed (a service removal counts its real servers too), refused.
/// </summary>
public sealed class ApplyReport
{
    public ApplyReport(IReadOnlyList<StepOutcome> outcomes, int unchanged, bool cancelled, Exception? stoppedBy)
    {
        Outcomes = outcomes;
        Unchanged = unchanged;
        Cancelled = cancelled;
        StoppedBy = stoppedBy;
        foreach (StepOutcome o in outcomes)
        {
            switch (o.Status)
            {
                case StepStatus.Applied: Count(o.Step); break;
                case StepStatus.Refused: Refused++; break;
                case StepStatus.Declined: Declined++; break;
                case StepStatus.HeldBack: HeldBack++; break;
                default: NotApplied++; break;
            }
        }
    }

    public IReadOnlyList<StepOutcome> Outcomes { get; }
    public int Added { get; private set; }
    public int Changed { get; private set; }
    public int Removed { get; private set; }
    /// <summary>Objects of the desired state that already matched.</summary>
    public int Unchanged { get; }
    public int Refused { get; }
    public int Declined { get; }
    public int HeldBack { get; }
    /// <summary>Steps not attempted (cancelled, stopped) or whose fate is unknown.</summary>
    public int NotApplied { get; }
    /// <summary>The run stopped between batches because it was cancelled.</summary>
    public bool Cancelled { get; }
    /// <summary>The failure that stopped the run (a batch that could not be sent), or null.</summary>
    public Exception? StoppedBy { get; }

    /// <summary>Every step was applied, refused or declined: nothing was left out for any other reason.</summary>
    public bool Complete => !Cancelled && StoppedBy is null && HeldBack == 0;

    public IEnumerable<StepOutcome> With(StepStatus status) => Outcomes.Where(o => o.Status == status);

    private void Count(PlanStep step)
    {
        switch (step)
        {
            case ChangeStep { Change.Kind: IpvsChangeKind.AddService or IpvsChangeKind.AddRealServer }: Added++; break;
            case ChangeStep { Change.Kind: IpvsChangeKind.UpdateService or IpvsChangeKind.UpdateRealServer }: Changed++; break;
            case ChangeStep { Change.Kind: IpvsChangeKind.RemoveService } c: Removed += 1 + c.RealServersRemovedWithIt; break;
            case ChangeStep: Removed++; break;
            case SetTimeoutsStep: Changed++; break;
            case StopSyncDaemonStep { Restart: false }: Removed++; break;
            case StartSyncDaemonStep { Restart: true }: Changed++; break;
            case StartSyncDaemonStep: Added++; break;
        }
    }
}
