using System.Diagnostics;
using LvsPS.Native.Runtime;
using LvsPS.Testing;

namespace LvsPS.Tests.Runtime;

/// <summary>
/// The executable runner against real processes: exit codes and signals, the argument vector
/// (no shell), spawn failures, timeouts (SIGTERM to the process group, SIGKILL 2 s later), output
/// caps, cancellation, the child's signal state and many runs at once without a thread each.
/// </summary>
public sealed class ProcessRunnerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lvsps-runner-").FullName;
    private readonly ProcessRunner _runner = new();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ScriptRunOptions Quick(double timeoutSeconds = 10, double killDelaySeconds = 0.5, int cap = 64 * 1024)
        => new() { Timeout = TimeSpan.FromSeconds(timeoutSeconds), KillDelay = TimeSpan.FromSeconds(killDelaySeconds), MaxOutputBytes = cap };

    private Task<ScriptResult> Sh(string script, ScriptRunOptions? options = null, CancellationToken token = default)
        => _runner.RunAsync(new ScriptCommand("/bin/sh", new[] { "-c", script }), options ?? Quick(), token);

    /// <summary>A script file: shebang, body, mode 755.</summary>
    private string Script(string name, string body, UnixFileMode mode = (UnixFileMode)0b111_101_101)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, mode);
        return path;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(255)]
    public async Task Reports_the_exit_status(int code)
    {
        ScriptResult r = await Sh($"exit {code}");
        Assert.Equal(ScriptOutcome.Exited, r.Outcome);
        Assert.Equal(code, r.ExitCode);
        Assert.Equal(code == 0, r.Succeeded);
        Assert.Null(r.Signal);
        Assert.NotNull(r.ProcessId);
    }

    [Fact]
    public async Task A_signal_it_was_not_sent_by_the_runner_is_reported_as_such()
    {
        ScriptResult r = await Sh("kill -USR1 $$; sleep 5");
        Assert.Equal(ScriptOutcome.Signaled, r.Outcome);
        Assert.Equal(10, r.Signal);
        Assert.False(r.Succeeded);
    }

    [Fact]
    public async Task Arguments_are_a_vector_not_a_shell_line()
    {
        var command = new ScriptCommand("printf", new[] { "[%s]\\n", "two words", "$HOME", "*", "'q'" });
        ScriptResult r = await _runner.RunAsync(command, Quick());
        Assert.True(r.Succeeded, r.ToString());
        Assert.Equal("[two words]\n[$HOME]\n[*]\n['q']\n", r.StandardOutput);
    }

    [Fact]
    public async Task Standard_error_is_kept_apart_from_standard_output()
    {
        ScriptResult r = await Sh("echo out; echo err >&2; exit 3");
        Assert.Equal("out\n", r.StandardOutput);
        Assert.Equal("err\n", r.StandardError);
        Assert.Equal(3, r.ExitCode);
    }

    [Fact]
    public async Task A_missing_or_not_executable_file_fails_to_start_with_its_errno()
    {
        ScriptResult missing = await _runner.RunAsync(new ScriptCommand(Path.Combine(_dir, "nope")), Quick());
        Assert.Equal(ScriptOutcome.FailedToStart, missing.Outcome);
        Assert.Equal(2, missing.Errno); // ENOENT
        Assert.Contains("ENOENT", missing.Message);

        string plain = Script("plain.sh", "exit 0", (UnixFileMode)0b110_100_100);
        ScriptResult notExecutable = await _runner.RunAsync(new ScriptCommand(plain), Quick());
        Assert.Equal(ScriptOutcome.FailedToStart, notExecutable.Outcome);
        Assert.Equal(13, notExecutable.Errno); // EACCES
        Assert.False(notExecutable.Succeeded);
    }

    [Fact]
    public void Resolve_finds_PATH_entries_and_names_the_problem()
    {
        Assert.Equal("/bin/sh", new ScriptCommand("/bin/sh").Resolve());
        Assert.EndsWith("/sh", new ScriptCommand("sh").Resolve());
        Assert.Equal(ScriptProblem.NotFound, Assert.Throws<ScriptNotUsableException>(() => new ScriptCommand(Path.Combine(_dir, "nope")).Resolve()).Problem);
        Assert.Equal(ScriptProblem.NotFound, Assert.Throws<ScriptNotUsableException>(() => new ScriptCommand("no-such-command-lvsps").Resolve()).Problem);
        Assert.Equal(ScriptProblem.IsDirectory, Assert.Throws<ScriptNotUsableException>(() => new ScriptCommand(_dir).Resolve()).Problem);
        string plain = Script("plain.sh", "exit 0", (UnixFileMode)0b110_100_100);
        ScriptNotUsableException e = Assert.Throws<ScriptNotUsableException>(() => new ScriptCommand(plain).Resolve());
        Assert.Equal(ScriptProblem.NotExecutable, e.Problem);
        Assert.Contains("not executable", e.Message);
    }

    [Fact]
    public async Task A_timeout_sends_SIGTERM_to_the_group_and_counts_as_timed_out()
    {
        string marker = Path.Combine(_dir, "term");
        string script = Script("slow.sh", $"trap 'echo TERM > {marker}; exit 0' TERM\nsleep 30 & wait");
        var sw = Stopwatch.StartNew();
        ScriptResult r = await _runner.RunAsync(new ScriptCommand(script), Quick(timeoutSeconds: 1));
        Assert.Equal(ScriptOutcome.TimedOut, r.Outcome);
        Assert.False(r.Succeeded); // even though it exited 0 on SIGTERM
        Assert.False(r.Killed);
        Assert.True(File.Exists(marker), "the script never got SIGTERM");
        Assert.InRange(sw.Elapsed.TotalSeconds, 0.95, 4);
    }

    [Fact]
    public async Task A_script_that_ignores_SIGTERM_is_killed_two_seconds_later_with_its_children()
    {
        string pids = Path.Combine(_dir, "pids");
        // The script and its child both ignore SIGTERM; the child writes its pid.
        string script = Script("stubborn.sh", $"trap '' TERM\nsh -c 'trap \"\" TERM; echo $$ > {pids}; while :; do sleep 0.1; done' &\nwhile :; do sleep 0.1; done");
        var options = new ScriptRunOptions { Timeout = TimeSpan.FromSeconds(1) }; // the default kill delay: 2 s
        var sw = Stopwatch.StartNew();
        ScriptResult r = await _runner.RunAsync(new ScriptCommand(script), options);
        Assert.Equal(ScriptOutcome.TimedOut, r.Outcome);
        Assert.True(r.Killed);
        Assert.Equal(9, r.Signal);
        Assert.InRange(sw.Elapsed.TotalSeconds, 2.95, 7);
        int child = int.Parse(File.ReadAllText(pids).Trim());
        Assert.True(SpinWait.SpinUntil(() => !Processes.IsAlive(child), TimeSpan.FromSeconds(3)), $"the child {child} outlived its group");
    }

    [Fact]
    public async Task A_script_that_dies_on_SIGTERM_takes_its_whole_group_with_it()
    {
        string pids = Path.Combine(_dir, "pids");
        // The child ignores SIGTERM, the script does not: the group is killed once the script is gone.
        string script = Script("leader.sh", $"sh -c 'trap \"\" TERM; echo $$ > {pids}; while :; do sleep 0.1; done' &\nwhile :; do sleep 0.1; done");
        ScriptResult r = await _runner.RunAsync(new ScriptCommand(script), Quick(timeoutSeconds: 1, killDelaySeconds: 5));
        Assert.Equal(ScriptOutcome.TimedOut, r.Outcome);
        Assert.Equal(15, r.Signal);
        Assert.False(r.Killed);
        Assert.InRange(r.Duration.TotalSeconds, 0.95, 5);
        int child = int.Parse(File.ReadAllText(pids).Trim());
        Assert.True(SpinWait.SpinUntil(() => !Processes.IsAlive(child), TimeSpan.FromSeconds(3)), $"the child {child} outlived its group");
    }

    [Fact]
    public async Task Each_run_is_the_leader_of_its_own_process_group()
    {
        ScriptResult r = await Sh("echo $$; cut -d' ' -f5 /proc/self/stat");
        string[] lines = r.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(lines[0], lines[1]);
        Assert.Equal(r.ProcessId.ToString(), lines[0]);
    }

    [Fact]
    public async Task The_child_has_no_signal_ignored_or_blocked()
    {
        // .NET ignores SIGPIPE; a child inheriting that would loop on EPIPE instead of dying.
        // (glibc's spawn leaves its two internal real-time signals, 32 and 33, ignored: only 1 to 31 are checked.)
        ScriptResult r = await Sh("grep -E '^Sig(Ign|Blk)' /proc/self/status");
        Dictionary<string, ulong> masks = r.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(":\t")).ToDictionary(p => p[0], p => Convert.ToUInt64(p[1], 16));
        Assert.Equal(0UL, masks["SigIgn"] & 0x7fff_ffff);
        Assert.Equal(0UL, masks["SigBlk"] & 0x7fff_ffff);
    }

    [Fact]
    public async Task Output_beyond_the_cap_is_read_and_dropped()
    {
        ScriptResult r = await Sh("head -c 1000000 /dev/zero | tr '\\0' a; echo done >&2", Quick(cap: 1000));
        Assert.True(r.Succeeded, r.ToString());
        Assert.Equal(new string('a', 1000), r.StandardOutput);
        Assert.Equal("done\n", r.StandardError);
        Assert.True(r.OutputTruncated);

        ScriptResult small = await Sh("echo hello", Quick(cap: 1000));
        Assert.False(small.OutputTruncated);
    }

    [Fact]
    public async Task A_cap_of_zero_sends_output_to_dev_null()
    {
        ScriptResult r = await Sh("readlink /proc/self/fd/1 >&2; readlink /proc/self/fd/1", Quick(cap: 0));
        Assert.True(r.Succeeded);
        Assert.Equal("", r.StandardOutput);
        Assert.Equal("", r.StandardError);
    }

    [Fact]
    public async Task A_child_left_holding_the_output_does_not_hold_the_result()
    {
        var sw = Stopwatch.StartNew();
        ScriptResult r = await Sh("echo started; sleep 3 &", Quick());
        Assert.True(r.Succeeded);
        Assert.Equal("started\n", r.StandardOutput);
        Assert.InRange(sw.Elapsed.TotalSeconds, 0, 2);
    }

    [Fact]
    public async Task The_environment_is_dotnets_with_the_commands_own_on_top()
    {
        Environment.SetEnvironmentVariable("LVSPS_RUNNER_TEST", "from-dotnet");
        var command = new ScriptCommand("/bin/sh", new[] { "-c", "echo $LVSPS_RUNNER_TEST $LVSPS_OWN" })
        {
            Environment = new Dictionary<string, string?> { ["LVSPS_OWN"] = "own" },
        };
        ScriptResult r = await _runner.RunAsync(command, Quick());
        Assert.Equal("from-dotnet own\n", r.StandardOutput);
    }

    [Fact]
    public async Task Cancellation_terminates_the_run_and_says_so()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(0.3));
        ScriptResult r = await Sh("sleep 30", Quick(), cts.Token);
        Assert.Equal(ScriptOutcome.Canceled, r.Outcome);
        Assert.InRange(r.Duration.TotalSeconds, 0.25, 3);
        Assert.Equal(0, _runner.ActiveCount);
    }

    [Fact]
    public async Task Terminate_all_stops_every_run_in_progress()
    {
        Task<ScriptResult>[] runs = Enumerable.Range(0, 5).Select(_ => Sh("sleep 30")).ToArray();
        Assert.True(SpinWait.SpinUntil(() => _runner.ActiveCount == 5, TimeSpan.FromSeconds(5)));
        var sw = Stopwatch.StartNew();
        await _runner.TerminateAllAsync();
        Assert.InRange(sw.Elapsed.TotalSeconds, 0, 3);
        Assert.All(await Task.WhenAll(runs), r => Assert.Equal(ScriptOutcome.Canceled, r.Outcome));
        Assert.Equal(0, _runner.ActiveCount);
    }

    [Fact]
    public async Task Hundreds_of_runs_at_once_need_no_thread_each()
    {
        const int Runs = 300;
        int threadsBefore = Processes.ThreadCount;
        int peakThreads = threadsBefore;
        var sw = Stopwatch.StartNew();
        Task<ScriptResult>[] runs = Enumerable.Range(0, Runs).Select(i => Sh($"sleep 1; exit {i % 3}")).ToArray();
        while (!runs.All(r => r.IsCompleted))
        {
            peakThreads = Math.Max(peakThreads, Processes.ThreadCount);
            await Task.Delay(50);
        }
        ScriptResult[] results = await Task.WhenAll(runs);
        for (int i = 0; i < Runs; i++)
            Assert.Equal(i % 3, results[i].ExitCode);
        // Serial would be 300 s; a thread per run would add 300 threads.
        Assert.InRange(sw.Elapsed.TotalSeconds, 1, 30);
        Assert.InRange(peakThreads - threadsBefore, 0, 40);
    }

}
