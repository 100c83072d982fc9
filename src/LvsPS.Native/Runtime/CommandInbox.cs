using System.Collections.Concurrent;

namespace LvsPS.Native.Runtime;

/// <summary>The worker ended before it applied a command posted to it.</summary>
public sealed class WorkerStoppedException(string kind, string name)
    : InvalidOperationException($"The {kind} '{name}' is stopped.")
{
    public string Kind { get; } = kind;
    public string WorkerName { get; } = name;
}

/// <summary>
/// Commands for a worker's own thread (a VRRP protocol thread): any thread posts, the worker
/// applies them in order between its other work, and <see cref="InvokeAsync"/> completes once
/// the command ran there, so a caller that reads the worker afterwards sees the change (no
/// sleeping and hoping). A command posted from the worker's own thread runs at once.
/// </summary>
public sealed class CommandInbox
{
    private readonly ConcurrentQueue<(Action Command, TaskCompletionSource? Done)> _queue = new();
    private readonly Action _wake;
    private readonly string _kind;
    private readonly string _name;
    private volatile bool _closed;
    private int _workerThreadId;

    /// <param name="kind">The worker's kind (VRRP instance, health checks), for messages.</param>
    /// <param name="name">The worker's name, for messages.</param>
    /// <param name="wake">Makes the worker look at its inbox soon (writes its eventfd); called on the posting thread.</param>
    public CommandInbox(string kind, string name, Action wake)
    {
        _kind = kind;
        _name = name;
        _wake = wake;
    }

    public bool IsClosed => _closed;

    /// <summary>Called by the worker on its own thread before it applies anything.</summary>
    public void BindToCurrentThread() => _workerThreadId = Environment.CurrentManagedThreadId;

    private bool OnWorkerThread => _workerThreadId == Environment.CurrentManagedThreadId;

    /// <summary>Runs <paramref name="command"/> on the worker's thread; completes when it ran (with its exception if it threw), or with <see cref="WorkerStoppedException"/> when the worker ended first.</summary>
    public Task InvokeAsync(Action command)
    {
        if (OnWorkerThread)
        {
            command();
            return Task.CompletedTask;
        }
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue(command, done);
        return done.Task;
    }

    /// <summary>Queues <paramref name="command"/> without waiting (for orders between workers, which must never wait for each other); false when the worker ended.</summary>
    public bool Post(Action command)
    {
        if (_closed)
            return false;
        Enqueue(command, null);
        return true;
    }

    private void Enqueue(Action command, TaskCompletionSource? done)
    {
        if (_closed)
        {
            done?.TrySetException(new WorkerStoppedException(_kind, _name));
            return;
        }
        _queue.Enqueue((command, done));
        if (_closed)
            FailPending(); // closed meanwhile: nobody will apply it
        else
            _wake();
    }

    /// <summary>On the worker's thread: applies every queued command in order; returns how many ran.</summary>
    public int ApplyPending()
    {
        int count = 0;
        while (_queue.TryDequeue(out var item))
        {
            count++;
            try
            {
                item.Command();
                item.Done?.TrySetResult();
            }
            catch (Exception e) when (item.Done != null)
            {
                item.Done.TrySetException(e);
            }
        }
        return count;
    }

    /// <summary>The worker ended: commands still queued and any posted later fail with <see cref="WorkerStoppedException"/>.</summary>
    public void Close()
    {
        _closed = true;
        FailPending();
    }

    private void FailPending()
    {
        while (_queue.TryDequeue(out var item))
            item.Done?.TrySetException(new WorkerStoppedException(_kind, _name));
    }
}
