namespace LvsPS.Native.Runtime;

/// <summary>
/// Runs scripts one after another in the order they were queued, off the caller's thread and
/// without a thread of its own (notify scripts: a protocol thread queues and never waits).
/// <see cref="CloseAsync"/> lets the queued ones finish for a while, then terminates the rest.
/// </summary>
public sealed class ScriptQueue
{
    private readonly object _lock = new();
    private readonly CancellationTokenSource _abort = new();
    private Task _tail = Task.CompletedTask;
    private bool _closed;

    /// <summary>Called with each result, on the queue's continuation (failures of notify scripts end up in LastError this way).</summary>
    public event Action<IScript, ScriptResult>? Completed;

    /// <summary>Queues one run; false when the queue is closed.</summary>
    public bool Enqueue(IScript script, IReadOnlyList<object?> arguments, ScriptRunOptions options)
    {
        lock (_lock)
        {
            if (_closed)
                return false;
            _tail = _tail.ContinueWith(_ => RunAsync(script, arguments, options), CancellationToken.None,
                TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
            return true;
        }
    }

    /// <summary>Completes when everything queued so far has run.</summary>
    public Task IdleAsync()
    {
        lock (_lock)
            return _tail;
    }

    /// <summary>Takes no more runs; waits up to <paramref name="grace"/> for the queued ones, then cancels what is left (terminating a running process).</summary>
    public async Task CloseAsync(TimeSpan grace)
    {
        Task tail;
        lock (_lock)
        {
            _closed = true;
            tail = _tail;
        }
        if (await Task.WhenAny(tail, Task.Delay(grace)).ConfigureAwait(false) != tail)
        {
            _abort.Cancel();
            await tail.ConfigureAwait(false);
        }
    }

    private async Task RunAsync(IScript script, IReadOnlyList<object?> arguments, ScriptRunOptions options)
    {
        ScriptResult result;
        try
        {
            result = _abort.IsCancellationRequested
                ? new ScriptResult { Outcome = ScriptOutcome.Canceled }
                : await script.RunAsync(arguments, options, _abort.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            result = ScriptResult.NotStarted(e.Message);
        }
        try
        {
            Completed?.Invoke(script, result);
        }
        catch (Exception)
        {
            // A failing observer must not stop the next script.
        }
    }
}
