using LvsPS.Native.Ipvs;
using LvsPS.Native.Netlink;

namespace LvsPS.Native.DesiredState;

/// <summary>
/// Applies an <see cref="IpvsPlan"/> in its order: service and real-server changes in batches of
/// <see cref="ChunkSize"/> (one netlink sendmsg train each), timeouts and sync daemons one by one.
/// Between batches it honours cancellation and reports progress; each step is offered to
/// <see cref="Approve"/> right before it would be sent (so -Confirm stays with the caller). The steps of
/// the plan's second half (<see cref="PlanStep.AfterAnswers"/>) are sent only once everything before them
/// has been answered, and one that would leave a kept service without real servers (or without one
/// taking connections) because an addition failed or was declined is held back. The report says what
/// became of every step. A batch is not a transaction: a refused step is reported and the rest goes on.
/// </summary>
public sealed class PlanApplier
{
    public const int DefaultChunkSize = 500;

    private readonly IIpvsClient _client;

    public PlanApplier(IIpvsClient client) => _client = client;

    /// <summary>Changes per batch (at most a few hundred fit the kernel's ACK buffer; see IpvsClient.Apply).</summary>
    public int ChunkSize { get; init; } = DefaultChunkSize;

    /// <summary>Asked for each step right before it would be sent; false declines it.</summary>
    public Func<PlanStep, bool> Approve { get; init; } = _ => true;

    /// <summary>Told after every batch and single step.</summary>
    public Action<ApplyProgress>? Progress { get; init; }

    public ApplyReport Apply(IpvsPlan plan, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<PlanStep> steps = plan.Steps;
        var outcomes = new StepOutcome?[steps.Count];
        var guard = new ServingGuard(plan.KeptServices);
        int applied = 0, refused = 0, at = 0;
        bool cancelled = false;
        Exception? stoppedBy = null;
        while (at < steps.Count)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                cancelled = true;
                break;
            }
            int next;
            try
            {
                if (steps[at] is ChangeStep)
                    next = SendBatch(steps, at, outcomes, guard, cancellationToken, ref stoppedBy);
                else
                {
                    outcomes[at] = RunSingle(steps[at], ref stoppedBy);
                    next = at + 1;
                }
            }
            catch (OperationCanceledException)
            {
                // Cancelled while the batch was put together (Ctrl+C, or at a prompt): none of it was sent.
                cancelled = true;
                break;
            }
            for (int i = at; i < next; i++)
            {
                if (outcomes[i]!.Status == StepStatus.Applied) applied++;
                else if (outcomes[i]!.Status == StepStatus.Refused) refused++;
            }
            at = next;
            if (stoppedBy is not null)
                break;
            Progress?.Invoke(new ApplyProgress(at, steps.Count, applied, refused));
        }
        for (int i = 0; i < steps.Count; i++)
            outcomes[i] ??= new StepOutcome(steps[i], StepStatus.NotAttempted);
        return new ApplyReport(outcomes!, plan.Unchanged, cancelled, stoppedBy);
    }

    /// <summary>Sends the change steps from <paramref name="start"/> up to a batch's worth, a single step, or the plan's second half; returns where it stopped.</summary>
    private int SendBatch(IReadOnlyList<PlanStep> steps, int start, StepOutcome?[] outcomes, ServingGuard guard, CancellationToken cancellationToken, ref Exception? stoppedBy)
    {
        var batch = new List<(int Index, ChangeStep Step)>();
        ServingGuard.Prediction prediction = guard.Predict();
        int at = start;
        for (; at < steps.Count && batch.Count < ChunkSize && steps[at] is ChangeStep step; at++)
        {
            if (step.AfterAnswers && batch.Count > 0)
                break;
            if (prediction.WouldUnserve(step))
                outcomes[at] = new StepOutcome(step, StepStatus.HeldBack);
            else if (!Approve(step))
                outcomes[at] = new StepOutcome(step, StepStatus.Declined);
            else
            {
                prediction.Assume(step);
                batch.Add((at, step));
            }
        }
        if (batch.Count == 0)
            return at;
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<IpvsChangeResult> results;
        try
        {
            results = _client.Apply(batch.Select(b => b.Step.Change).ToList());
        }
        catch (Exception e) when (e is NetlinkException or IpvsException)
        {
            stoppedBy = e;
            foreach ((int index, ChangeStep step) in batch)
                outcomes[index] = new StepOutcome(step, StepStatus.Unknown, e);
            return at;
        }
        for (int i = 0; i < batch.Count; i++)
        {
            (int index, ChangeStep step) = batch[i];
            if (results[i].Succeeded)
            {
                guard.Applied(step);
                outcomes[index] = new StepOutcome(step, StepStatus.Applied);
            }
            else
                outcomes[index] = new StepOutcome(step, StepStatus.Refused, results[i].Error);
        }
        return at;
    }

    private StepOutcome RunSingle(PlanStep step, ref Exception? stoppedBy)
    {
        if (!Approve(step))
            return new StepOutcome(step, StepStatus.Declined);
        try
        {
            switch (step)
            {
                case SetTimeoutsStep t: _client.SetTimeouts(t.Desired); break;
                case StopSyncDaemonStep stop: _client.StopSyncDaemon(stop.State); break;
                case StartSyncDaemonStep start: _client.StartSyncDaemon(start.Daemon); break;
                default: throw new InvalidOperationException($"{step.GetType().Name} is not a single step.");
            }
            return new StepOutcome(step, StepStatus.Applied);
        }
        catch (IpvsException e) when (e.Errno is not (Errno.EPERM or Errno.EACCES))
        {
            return new StepOutcome(step, StepStatus.Refused, e);
        }
        catch (Exception e) when (e is NetlinkException or IpvsException)
        {
            stoppedBy = e;
            return new StepOutcome(step, StepStatus.Unknown, e);
        }
    }
}
