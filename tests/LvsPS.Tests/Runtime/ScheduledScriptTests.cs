using System.Collections.Concurrent;
using System.Diagnostics;
using LvsPS.Native.Runtime;

namespace LvsPS.Tests.Runtime;

/// <summary>
/// The runtime's two schedules of scripts: <see cref="PeriodicScript"/> (track scripts: start to
/// start every interval, overlong runs skip slots, timeouts fail, rise/fall changes) and
/// <see cref="ScriptQueue"/> (notify scripts: one at a time in order; closing terminates the rest).
/// </summary>
public sealed class ScheduledScriptTests
{
    /// <summary>A script that takes <see cref="RunTime"/> and passes while <see cref="Healthy"/>; records its start times.</summary>
    private sealed class TimedScript : IScript
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        public readonly ConcurrentQueue<TimeSpan> Starts = new();
        public readonly ConcurrentQueue<object?> Arguments = new();
        public volatile bool Healthy = true;
        public TimeSpan RunTime = TimeSpan.Zero;
        public string Description => "timed";

        public async Task<ScriptResult> RunAsync(IReadOnlyList<object?> arguments, ScriptRunOptions options, CancellationToken cancellationToken)
        {
            Starts.Enqueue(_clock.Elapsed);
            foreach (object? a in arguments)
                Arguments.Enqueue(a);
            try
            {
                using var timeout = new CancellationTokenSource(options.Timeout);
                using var both = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
                if (RunTime > TimeSpan.Zero)
                    await Task.Delay(RunTime, both.Token);
            }
            catch (OperationCanceledException)
            {
                return new ScriptResult { Outcome = cancellationToken.IsCancellationRequested ? ScriptOutcome.Canceled : ScriptOutcome.TimedOut };
            }
            return new ScriptResult { Outcome = ScriptOutcome.Exited, ExitCode = Healthy ? 0 : 1 };
        }
    }

    [Theory]
    [InlineData(0, 40, 1, 0)]     // a short run: the next slot
    [InlineData(0, 199, 1, 0)]
    [InlineData(0, 200, 2, 1)]    // ended on the next slot: that one is skipped
    [InlineData(0, 450, 3, 2)]    // 200 and 400 skipped, the next at 600
    [InlineData(3, 610, 4, 0)]    // the run of slot 3 (600 ms) ended at 610: slot 4
    [InlineData(3, 1250, 7, 3)]
    [InlineData(5, 100, 6, 0)]    // never backwards, even when the clock reads earlier
    public void The_schedule_is_start_to_start_and_skips_the_slots_a_long_run_covered(long slot, int nowMs, long next, long skipped)
        => Assert.Equal((next, skipped), PeriodicScript.NextSlot(slot, TimeSpan.FromMilliseconds(nowMs), TimeSpan.FromMilliseconds(200)));

    [Fact]
    public async Task Runs_begin_at_once_repeat_and_never_overlap()
    {
        var script = new TimedScript { RunTime = TimeSpan.FromMilliseconds(150) };
        var periodic = new PeriodicScript("p", script, TimeSpan.FromMilliseconds(100), new RiseFallCounter(1, 1),
            new ScriptRunOptions { Timeout = TimeSpan.FromSeconds(5) });
        periodic.Start();
        Assert.True(SpinWait.SpinUntil(() => periodic.Runs >= 3, TimeSpan.FromSeconds(10)));
        await periodic.StopAsync();
        TimeSpan[] starts = script.Starts.ToArray();
        for (int i = 1; i < starts.Length; i++)
            Assert.True((starts[i] - starts[i - 1]).TotalMilliseconds >= 145, "a run started before the one before it ended");
        Assert.True(periodic.Skipped >= periodic.Runs - 1, $"{periodic.Runs} runs of 150 ms every 100 ms skipped only {periodic.Skipped} slots");
    }

    [Fact]
    public async Task A_run_past_its_timeout_counts_as_a_failure()
    {
        var script = new TimedScript { RunTime = TimeSpan.FromSeconds(10) };
        var periodic = new PeriodicScript("p", script, TimeSpan.FromMilliseconds(100), new RiseFallCounter(1, 1, RiseFallStart.Up));
        var changes = new ConcurrentQueue<bool>();
        periodic.Changed += (_, up) => changes.Enqueue(up);
        periodic.Start();
        Assert.True(SpinWait.SpinUntil(() => changes.Count > 0, TimeSpan.FromSeconds(5)));
        await periodic.StopAsync();
        Assert.False(changes.First());
        Assert.Equal(ScriptOutcome.TimedOut, periodic.LastResult?.Outcome);
    }

    [Fact]
    public async Task Rise_and_fall_decide_when_Changed_is_raised()
    {
        var script = new TimedScript();
        var periodic = new PeriodicScript("p", script, TimeSpan.FromMilliseconds(30), new RiseFallCounter(2, 3, RiseFallStart.Up));
        var changes = new ConcurrentQueue<(bool Up, long Runs)>();
        periodic.Changed += (p, up) => changes.Enqueue((up, p.Runs));
        periodic.Start();
        Assert.True(SpinWait.SpinUntil(() => periodic.Runs >= 3, TimeSpan.FromSeconds(5)));
        Assert.Empty(changes); // successes keep it up
        long before = periodic.Runs;
        script.Healthy = false;
        Assert.True(SpinWait.SpinUntil(() => changes.Count == 1, TimeSpan.FromSeconds(5)));
        script.Healthy = true;
        Assert.True(SpinWait.SpinUntil(() => changes.Count == 2, TimeSpan.FromSeconds(5)));
        await periodic.StopAsync();
        (bool Up, long Runs)[] seen = changes.ToArray();
        Assert.False(seen[0].Up);
        Assert.InRange(seen[0].Runs - before, 3, 4); // three failures in a row (one run may have started healthy)
        Assert.True(seen[1].Up);
        Assert.True(periodic.IsUp);
    }

    [Fact]
    public async Task Stop_terminates_a_running_executable()
    {
        var runner = new ProcessRunner();
        var periodic = new PeriodicScript("p", new ExecutableScript(new ScriptCommand("/bin/sleep", new[] { "30" }), runner),
            TimeSpan.FromSeconds(60), new RiseFallCounter(1, 1));
        periodic.Start();
        Assert.True(SpinWait.SpinUntil(() => runner.ActiveCount == 1, TimeSpan.FromSeconds(5)));
        var sw = Stopwatch.StartNew();
        await periodic.StopAsync();
        Assert.InRange(sw.Elapsed.TotalSeconds, 0, 3);
        Assert.Equal(0, runner.ActiveCount);
    }

    [Fact]
    public async Task A_queue_runs_one_script_at_a_time_in_order()
    {
        var queue = new ScriptQueue();
        var script = new TimedScript { RunTime = TimeSpan.FromMilliseconds(30) };
        var results = new ConcurrentQueue<ScriptOutcome>();
        queue.Completed += (_, r) => results.Enqueue(r.Outcome);
        for (int i = 0; i < 5; i++)
            Assert.True(queue.Enqueue(script, new object?[] { i }, ScriptRunOptions.Default));
        await queue.IdleAsync();
        Assert.Equal(new object?[] { 0, 1, 2, 3, 4 }, script.Arguments.ToArray());
        TimeSpan[] starts = script.Starts.ToArray();
        for (int i = 1; i < starts.Length; i++)
            Assert.True((starts[i] - starts[i - 1]).TotalMilliseconds >= 25, "two runs overlapped");
        Assert.Equal(5, results.Count);
    }

    [Fact]
    public async Task Closing_a_queue_lets_it_finish_for_the_grace_then_terminates_the_rest()
    {
        var runner = new ProcessRunner();
        var queue = new ScriptQueue();
        var sleep = new ExecutableScript(new ScriptCommand("/bin/sleep"), runner);
        var results = new ConcurrentQueue<ScriptOutcome>();
        queue.Completed += (_, r) => results.Enqueue(r.Outcome);
        queue.Enqueue(sleep, new object?[] { "0.1" }, ScriptRunOptions.Default);
        queue.Enqueue(sleep, new object?[] { "30" }, ScriptRunOptions.Default);
        queue.Enqueue(sleep, new object?[] { "30" }, ScriptRunOptions.Default);
        var sw = Stopwatch.StartNew();
        await queue.CloseAsync(TimeSpan.FromMilliseconds(500));
        Assert.InRange(sw.Elapsed.TotalSeconds, 0.4, 4);
        Assert.Equal(new[] { ScriptOutcome.Exited, ScriptOutcome.Canceled, ScriptOutcome.Canceled }, results.ToArray());
        Assert.False(queue.Enqueue(sleep, Array.Empty<object?>(), ScriptRunOptions.Default));
        Assert.Equal(0, runner.ActiveCount);
    }
}
