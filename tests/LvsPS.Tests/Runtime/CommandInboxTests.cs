using LvsPS.Native.Runtime;

namespace LvsPS.Tests.Runtime;

/// <summary>
/// Commands that complete when applied: a worker thread that looks at its inbox only every
/// 100 ms; the caller's await returns after the command ran on that thread, never before.
/// </summary>
public sealed class CommandInboxTests
{
    /// <summary>A worker loop: applies its inbox when woken, or every 100 ms, until stopped.</summary>
    private sealed class Worker : IDisposable
    {
        private readonly AutoResetEvent _wake = new(false);
        private readonly Thread _thread;
        private volatile bool _stop;

        public Worker(bool wakeOnPost = true)
        {
            Inbox = new CommandInbox("test worker", "W", () => { if (wakeOnPost) _wake.Set(); });
            _thread = new Thread(() =>
            {
                Inbox.BindToCurrentThread();
                ThreadId = Environment.CurrentManagedThreadId;
                while (!_stop)
                {
                    _wake.WaitOne(100);
                    Inbox.ApplyPending();
                }
                Inbox.Close();
            }) { IsBackground = true };
            _thread.Start();
            SpinWait.SpinUntil(() => ThreadId != 0);
        }

        public CommandInbox Inbox { get; }
        public int ThreadId { get; private set; }
        public int Value;

        public void Dispose()
        {
            _stop = true;
            _wake.Set();
            _thread.Join();
        }
    }

    [Fact]
    public async Task InvokeAsync_returns_after_the_worker_thread_applied_the_command()
    {
        using var worker = new Worker(wakeOnPost: false); // the worker looks only every 100 ms
        for (int i = 1; i <= 5; i++)
        {
            int ranOn = 0;
            int expected = i;
            await worker.Inbox.InvokeAsync(() =>
            {
                Thread.Sleep(5);
                worker.Value = expected;
                ranOn = Environment.CurrentManagedThreadId;
            });
            Assert.Equal(expected, worker.Value);
            Assert.Equal(worker.ThreadId, ranOn);
        }
    }

    [Fact]
    public async Task Commands_run_in_the_order_they_were_posted()
    {
        using var worker = new Worker();
        var order = new List<int>();
        Task[] all = Enumerable.Range(0, 50).Select(i => worker.Inbox.InvokeAsync(() => order.Add(i))).ToArray();
        await Task.WhenAll(all);
        Assert.Equal(Enumerable.Range(0, 50), order);
    }

    [Fact]
    public async Task The_commands_exception_reaches_the_caller_and_the_worker_goes_on()
    {
        using var worker = new Worker();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => worker.Inbox.InvokeAsync(() => throw new ArgumentOutOfRangeException("priority")));
        await worker.Inbox.InvokeAsync(() => worker.Value = 7);
        Assert.Equal(7, worker.Value);
    }

    [Fact]
    public async Task After_the_worker_ended_pending_and_new_commands_fail_with_WorkerStopped()
    {
        var worker = new Worker(wakeOnPost: false);
        Task pending = worker.Inbox.InvokeAsync(() => worker.Value = 1);
        worker.Dispose();
        // Either it ran before the end, or it failed: never left hanging.
        Assert.True(await Task.WhenAny(pending, Task.Delay(5000)) == pending);
        WorkerStoppedException e = await Assert.ThrowsAsync<WorkerStoppedException>(() => worker.Inbox.InvokeAsync(() => worker.Value = 2));
        Assert.Equal("W", e.WorkerName);
        Assert.Contains("test worker 'W' is stopped", e.Message);
        Assert.False(worker.Inbox.Post(() => worker.Value = 3));
        Assert.NotEqual(2, worker.Value);
    }

    [Fact]
    public async Task A_command_from_the_worker_thread_itself_runs_at_once()
    {
        using var worker = new Worker();
        bool inner = false;
        await worker.Inbox.InvokeAsync(() =>
        {
            Task nested = worker.Inbox.InvokeAsync(() => inner = true); // would deadlock if queued and awaited
            Assert.True(nested.IsCompletedSuccessfully);
        });
        Assert.True(inner);
    }
}
