using System.Collections.Concurrent;
using System.Diagnostics;
using LvsPS.Native.Runtime;

namespace LvsPS.Tests.Runtime;

/// <summary>
/// The supervisor: names, replacement of ended workers, and shutdown — stage by stage (hand-over
/// before checks before the rest, each stage side by side), a worker that hangs does not hold the
/// others, scripts are terminated after the workers, clean-ups come last and only when nothing
/// is left, removing one owner's workers leaves another's alone.
/// </summary>
public sealed class SupervisorTests
{
    private static readonly Stopwatch Clock = Stopwatch.StartNew();

    /// <summary>A worker whose stop takes <paramref name="stopTime"/> and writes when it began and ended.</summary>
    private sealed class FakeWorker(string name, ShutdownStage stage, TimeSpan stopTime, ConcurrentQueue<string> log, string kind = "fake") : IWorker
    {
        private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public string Kind => kind;
        public string Name => name;
        public bool IsRunning => !_stopped.Task.IsCompleted;
        public ShutdownStage ShutdownStage => stage;
        public TimeSpan StopBegan { get; private set; }
        public TimeSpan StopEnded { get; private set; }
        public Exception? FailWith { get; init; }
        public Action? StopStarted { get; set; }

        public Task StopAsync()
        {
            if (!IsRunning)
                return Task.CompletedTask;
            StopStarted?.Invoke();
            StopBegan = Clock.Elapsed;
            log.Enqueue($"begin {name}");
            if (FailWith != null)
                throw FailWith;
            return Finish();
        }

        private async Task Finish()
        {
            await Task.Delay(stopTime);
            StopEnded = Clock.Elapsed;
            log.Enqueue($"end {name}");
            _stopped.TrySetResult();
        }
    }

    [Fact]
    public async Task Shutdown_stops_hand_over_workers_first_then_checks_then_the_rest_each_stage_side_by_side()
    {
        var log = new ConcurrentQueue<string>();
        var supervisor = new Supervisor(new ProcessRunner());
        var vrrp1 = new FakeWorker("VI_1", ShutdownStage.HandOver, TimeSpan.FromMilliseconds(300), log);
        var vrrp2 = new FakeWorker("VI_2", ShutdownStage.HandOver, TimeSpan.FromMilliseconds(300), log);
        var check = new FakeWorker("web", ShutdownStage.Checks, TimeSpan.FromMilliseconds(100), log);
        var other = new FakeWorker("misc", ShutdownStage.Other, TimeSpan.FromMilliseconds(10), log);
        foreach (IWorker w in new IWorker[] { other, check, vrrp2, vrrp1 })
            Assert.True(supervisor.TryAdd(w));

        ShutdownReport report = await supervisor.ShutdownAllAsync(TimeSpan.FromSeconds(10));

        Assert.True(report.AllInTime);
        Assert.Equal(new[] { ShutdownStage.HandOver, ShutdownStage.HandOver, ShutdownStage.Checks, ShutdownStage.Other }, report.Workers.Select(w => w.Stage));
        Assert.Equal(new[] { "VI_1", "VI_2" }, report.Workers.Take(2).Select(w => w.Name).Order());
        Assert.True(check.StopBegan >= vrrp1.StopEnded && check.StopBegan >= vrrp2.StopEnded, string.Join(", ", log));
        Assert.True(other.StopBegan >= check.StopEnded, string.Join(", ", log));
        // Side by side: the second VRRP stop began before the first ended.
        Assert.True(vrrp2.StopBegan < vrrp1.StopEnded && vrrp1.StopBegan < vrrp2.StopEnded, string.Join(", ", log));
        Assert.Empty(supervisor.Workers);
        Assert.True(report.ScriptsTerminated);
    }

    [Fact]
    public async Task A_worker_that_does_not_stop_in_time_is_reported_and_does_not_hold_the_next_stage()
    {
        var log = new ConcurrentQueue<string>();
        var supervisor = new Supervisor(new ProcessRunner());
        var stuck = new FakeWorker("stuck", ShutdownStage.HandOver, TimeSpan.FromSeconds(30), log);
        var broken = new FakeWorker("broken", ShutdownStage.HandOver, TimeSpan.Zero, log) { FailWith = new IOException("socket gone") };
        var check = new FakeWorker("web", ShutdownStage.Checks, TimeSpan.Zero, log);
        supervisor.TryAdd(stuck);
        supervisor.TryAdd(broken);
        supervisor.TryAdd(check);

        var sw = Stopwatch.StartNew();
        ShutdownReport report = await supervisor.ShutdownAllAsync(TimeSpan.FromSeconds(0.5));

        Assert.InRange(sw.Elapsed.TotalSeconds, 0.4, 5);
        WorkerStop s = report.Workers.Single(w => w.Name == "stuck");
        Assert.False(s.InTime);
        Assert.Contains("still stopping", s.Error);
        Assert.Equal("socket gone", report.Workers.Single(w => w.Name == "broken").Error);
        Assert.Contains("end web", log);
        Assert.False(report.AllInTime);
    }

    [Fact]
    public async Task Scripts_still_running_are_terminated_after_the_workers_and_the_cleanups_run_last_in_reverse()
    {
        var log = new ConcurrentQueue<string>();
        var runner = new ProcessRunner();
        var supervisor = new Supervisor(runner);
        var worker = new FakeWorker("VI_1", ShutdownStage.HandOver, TimeSpan.FromMilliseconds(200), log);
        supervisor.TryAdd(worker);
        supervisor.AddCleanup("first", () => { log.Enqueue($"cleanup first, {runner.ActiveCount} running"); return Task.CompletedTask; });
        supervisor.AddCleanup("second", () => { log.Enqueue($"cleanup second, {runner.ActiveCount} running"); return Task.CompletedTask; });
        supervisor.AddCleanup("first", () => { log.Enqueue("cleanup duplicate"); return Task.CompletedTask; });
        Task<ScriptResult> script = runner.RunAsync(new ScriptCommand("/bin/sleep", new[] { "30" }), new ScriptRunOptions { Timeout = TimeSpan.FromMinutes(1) });
        Assert.True(SpinWait.SpinUntil(() => runner.ActiveCount == 1, TimeSpan.FromSeconds(5)));
        worker.StopStarted = () => log.Enqueue($"{runner.ActiveCount} running");

        ShutdownReport report = await supervisor.ShutdownAllAsync(TimeSpan.FromSeconds(10));

        Assert.True(script.IsCompleted, "the shutdown returned before the script was terminated");
        Assert.Equal(ScriptOutcome.Canceled, (await script).Outcome);
        Assert.True(report.ScriptsTerminated);
        // The script still ran while the worker stopped; it was gone before the clean-ups, which ran last, in reverse.
        Assert.Equal(new[] { "1 running", "begin VI_1", "end VI_1", "cleanup second, 0 running", "cleanup first, 0 running" }, log.ToArray());
    }

    [Fact]
    public async Task Removing_one_owners_workers_leaves_the_others_and_their_scripts_alone()
    {
        var log = new ConcurrentQueue<string>();
        var runner = new ProcessRunner();
        var supervisor = new Supervisor(runner);
        var mine = new FakeWorker("mine", ShutdownStage.HandOver, TimeSpan.Zero, log);
        var theirs = new FakeWorker("theirs", ShutdownStage.HandOver, TimeSpan.Zero, log);
        supervisor.TryAdd(mine, owner: "session 1");
        supervisor.TryAdd(theirs, owner: "session 2");
        supervisor.AddCleanup("pool", () => { log.Enqueue("cleanup"); return Task.CompletedTask; });
        using var cts = new CancellationTokenSource();
        Task<ScriptResult> script = runner.RunAsync(new ScriptCommand("/bin/sleep", new[] { "30" }), new ScriptRunOptions { Timeout = TimeSpan.FromMinutes(1) }, cts.Token);

        ShutdownReport report = await supervisor.ShutdownOwnedByAsync("session 1", TimeSpan.FromSeconds(5));

        Assert.Equal("mine", Assert.Single(report.Workers).Name);
        Assert.False(report.ScriptsTerminated);
        Assert.False(mine.IsRunning);
        Assert.True(theirs.IsRunning);
        Assert.Same(theirs, Assert.Single(supervisor.Workers));
        Assert.DoesNotContain("cleanup", log);
        Assert.False(script.IsCompleted);
        cts.Cancel();
        await script;
    }

    [Fact]
    public async Task An_owner_that_started_nothing_leaves_the_scripts_and_the_cleanups_alone()
    {
        var log = new ConcurrentQueue<string>();
        var runner = new ProcessRunner();
        var supervisor = new Supervisor(runner);
        supervisor.AddCleanup("pool", () => { log.Enqueue("cleanup"); return Task.CompletedTask; });
        using var cts = new CancellationTokenSource();
        // A script of the process that no worker of this owner started (another caller of the runner).
        Task<ScriptResult> script = runner.RunAsync(new ScriptCommand("/bin/sleep", new[] { "30" }), new ScriptRunOptions { Timeout = TimeSpan.FromMinutes(1) }, cts.Token);
        Assert.True(SpinWait.SpinUntil(() => runner.ActiveCount == 1, TimeSpan.FromSeconds(5)));

        ShutdownReport report = await supervisor.ShutdownOwnedByAsync("a session that only read", TimeSpan.FromSeconds(5));

        Assert.Empty(report.Workers);
        Assert.False(report.ScriptsTerminated);
        Assert.Empty(log);
        Assert.False(script.IsCompleted);
        Assert.Equal(1, runner.ActiveCount);
        cts.Cancel();
        await script;
    }

    [Fact]
    public async Task A_running_name_is_taken_an_ended_one_is_replaced_and_stop_removes()
    {
        var log = new ConcurrentQueue<string>();
        var supervisor = new Supervisor(new ProcessRunner());
        var first = new FakeWorker("VI_1", ShutdownStage.HandOver, TimeSpan.Zero, log);
        Assert.True(supervisor.TryAdd(first));
        Assert.True(supervisor.IsNameTaken("fake", "vi_1"));
        Assert.False(supervisor.IsNameTaken("other kind", "VI_1"));
        Assert.False(supervisor.TryAdd(new FakeWorker("vi_1", ShutdownStage.HandOver, TimeSpan.Zero, log)));
        Assert.True(supervisor.TryAdd(new FakeWorker("VI_1", ShutdownStage.HandOver, TimeSpan.Zero, log, kind: "other kind")));
        Assert.Same(first, supervisor.Find<FakeWorker>("vi_1", "fake"));

        await first.StopAsync();
        Assert.Same(first, supervisor.Find<FakeWorker>("VI_1", "fake")); // an ended worker stays readable...
        var second = new FakeWorker("VI_1", ShutdownStage.HandOver, TimeSpan.Zero, log);
        Assert.True(supervisor.TryAdd(second)); // ...until one of its name replaces it
        Assert.Same(second, supervisor.Find<FakeWorker>("VI_1", "fake"));

        await supervisor.StopAsync(second);
        Assert.False(second.IsRunning);
        Assert.Null(supervisor.Find<FakeWorker>("VI_1", "fake"));
    }
}
