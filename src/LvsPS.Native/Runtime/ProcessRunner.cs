using System.Collections.Concurrent;
using System.Diagnostics;
using static LvsPS.Native.Runtime.ProcessNative;

namespace LvsPS.Native.Runtime;

/// <summary>
/// Runs executables asynchronously: no thread is held per run (exits are watched by one reaper
/// thread, output is read by .NET's socket engine, timeouts are timers), so a thousand checks
/// can run at once. A run that outlives its timeout gets SIGTERM on its whole process group and
/// SIGKILL <see cref="ScriptRunOptions.KillDelay"/> later (keepalived's rule for MISC_CHECK and
/// vrrp_script) and counts as <see cref="ScriptOutcome.TimedOut"/>. Failures of the script are in
/// its <see cref="ScriptResult"/>; RunAsync throws only for bad options.
/// </summary>
public sealed class ProcessRunner
{
    /// <summary>The runner of this process (the supervisor terminates its runs at shutdown).</summary>
    public static ProcessRunner Shared { get; } = new();

    private readonly ConcurrentDictionary<Run, byte> _active = new();

    /// <summary>Runs in progress.</summary>
    public int ActiveCount => _active.Count;

    public async Task<ScriptResult> RunAsync(ScriptCommand command, ScriptRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= ScriptRunOptions.Default;
        options.Validate();
        long start = Stopwatch.GetTimestamp();
        if (cancellationToken.IsCancellationRequested)
            return new ScriptResult { Outcome = ScriptOutcome.Canceled };
        SpawnedProcess process;
        try
        {
            process = Namespaces.NetworkNamespace.Run(command.NetworkNamespace, () => ProcessSpawner.Spawn(command, options.MaxOutputBytes > 0));
        }
        catch (SpawnException e)
        {
            return ScriptResult.NotStarted(e.Message, e.Errno, Stopwatch.GetElapsedTime(start));
        }
        catch (Netlink.NetworkNamespaceNotFoundException e)
        {
            return ScriptResult.NotStarted(e.Message, Netlink.Errno.ENOENT, Stopwatch.GetElapsedTime(start));
        }
        var run = new Run(process, ProcessReaper.Instance.Watch(process.Pid), options, cancellationToken);
        _active[run] = 0;
        try
        {
            return await run.CompleteAsync(start).ConfigureAwait(false);
        }
        finally
        {
            _active.TryRemove(run, out _);
            run.Dispose();
            run.MarkFinished();
        }
    }

    /// <summary>
    /// Terminates every run in progress (SIGTERM to each group, SIGKILL after its kill delay), waits
    /// until all are reaped, and lets the reaper thread end now if no other runner needs it.
    /// </summary>
    public async Task TerminateAllAsync()
    {
        Run[] runs = _active.Keys.ToArray();
        foreach (Run run in runs)
            run.Terminate();
        await Task.WhenAll(runs.Select(r => r.Finished)).ConfigureAwait(false);
        if (ProcessReaper.Instance.Count == 0)
            await ProcessReaper.Instance.ReleaseThreadAsync().ConfigureAwait(false);
    }

    /// <summary>One process from spawn to reap.</summary>
    private sealed class Run : IDisposable
    {
        private readonly SpawnedProcess _process;
        private readonly ProcessWatch _watch;
        private readonly ScriptRunOptions _options;
        private readonly CancellationTokenSource _stop;
        private readonly CancellationTokenSource _timeout;
        private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly CappedOutput _output;
        private readonly CappedOutput _error;

        public Run(SpawnedProcess process, ProcessWatch watch, ScriptRunOptions options, CancellationToken cancellationToken)
        {
            _process = process;
            _watch = watch;
            _options = options;
            _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _timeout = new CancellationTokenSource(options.Timeout);
            _output = new CappedOutput(process.Output, options.MaxOutputBytes);
            _error = new CappedOutput(process.Error, options.MaxOutputBytes);
        }

        public Task Finished => _finished.Task;

        public void Terminate()
        {
            try { _stop.Cancel(); } catch (ObjectDisposedException) { }
        }

        public async Task<ScriptResult> CompleteAsync(long start)
        {
            ScriptOutcome? forced = await WaitOrTerminateAsync().ConfigureAwait(false);
            int? status = await _watch.Exited.ConfigureAwait(false);
            TimeSpan duration = Stopwatch.GetElapsedTime(start);
            await DrainOutputAsync().ConfigureAwait(false);
            return Result(forced, status, duration);
        }

        /// <summary>Reaped, read, and no longer counted as active.</summary>
        public void MarkFinished() => _finished.TrySetResult();

        /// <summary>Null when the process exited by itself; else why it was terminated.</summary>
        private async Task<ScriptOutcome?> WaitOrTerminateAsync()
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, _timeout.Token);
            var stopRequested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (linked.Token.Register(() => stopRequested.TrySetResult()))
                await Task.WhenAny(_watch.Exited, stopRequested.Task).ConfigureAwait(false);
            if (_watch.Exited.IsCompleted)
                return null;
            ScriptOutcome reason = _stop.IsCancellationRequested ? ScriptOutcome.Canceled : ScriptOutcome.TimedOut;
            _watch.KillGroupOnExit = true;
            kill(-_process.Pid, SIGTERM);
            if (await Task.WhenAny(_watch.Exited, Task.Delay(_options.KillDelay)).ConfigureAwait(false) != _watch.Exited)
            {
                Killed = true;
                kill(-_process.Pid, SIGKILL);
            }
            return reason;
        }

        private bool Killed { get; set; }

        /// <summary>
        /// After the exit: reads on until both streams end. A stream still open after the grace with
        /// nothing left to read is held by a child the script left behind: it is closed then. While
        /// bytes are waiting, the reader is only slow (a loaded machine) and is given more time.
        /// </summary>
        private async Task DrainOutputAsync()
        {
            Task both = Task.WhenAll(_output.Completion, _error.Completion);
            while (await Task.WhenAny(both, Task.Delay(_options.OutputGrace)).ConfigureAwait(false) != both)
            {
                if (_output.Pending == 0 && _error.Pending == 0)
                {
                    _output.Close();
                    _error.Close();
                    break;
                }
            }
            await both.ConfigureAwait(false);
        }

        private ScriptResult Result(ScriptOutcome? forced, int? status, TimeSpan duration)
        {
            int? exitCode = null, signal = null;
            if (status is { } s)
            {
                if (Exited(s, out int code))
                    exitCode = code;
                else if (Signaled(s, out int sig))
                    signal = sig;
            }
            ScriptOutcome outcome = forced ?? (signal != null ? ScriptOutcome.Signaled : ScriptOutcome.Exited);
            return new ScriptResult
            {
                Outcome = outcome,
                ExitCode = exitCode,
                Signal = signal,
                Killed = Killed,
                Duration = duration,
                StandardOutput = _output.Text,
                StandardError = _error.Text,
                OutputTruncated = _output.Truncated || _error.Truncated,
                ProcessId = _process.Pid,
                Message = status is null && forced is null ? "the exit status was reaped by another part of this process (SIGCHLD ignored?)" : null,
            };
        }

        public void Dispose()
        {
            _output.Close();
            _error.Close();
            _stop.Dispose();
            _timeout.Dispose();
        }
    }
}
