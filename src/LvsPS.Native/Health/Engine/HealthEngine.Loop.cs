using LvsPS.Native.Health.Probes;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Runtime;

namespace LvsPS.Native.Health.Engine;

/// <summary>The engine's work on its loop: start-up, the due work, stop.</summary>
public sealed partial class HealthEngine
{
    private readonly object _statusLock = new();
    private IReadOnlyList<ServiceHealthStatus>? _lastStatus;
    private HealthIpvsActuator? _actuator;
    private IIpvsClient? _client;
    private ProbeSet? _probes;
    private HealthSuspensionWatcher? _suspension;
    private bool _pollsSuspension;
    private TimeSpan _nextPoll;
    private bool _finished;
    private readonly List<Task> _stopActions = new();
    // HTTP on the loop: each url's request bytes, made once; the readers of the answers under way, by check.
    private readonly Dictionary<(int Check, int Url), byte[]> _requests = new();
    private readonly Dictionary<int, HttpResponseReader> _reading = new();
    private long _completed, _notifications, _transitions;
    private string? _lastError;
    private DateTimeOffset? _lastErrorAt;

    long IHealthLoopMember.LoopVersion { get; set; }

    private void StartOnLoop()
    {
        try
        {
            _client = _options.OpenIpvs(_options.NetworkNamespace);
            _actuator = new HealthIpvsActuator(_client);
            _probes = new ProbeSet();
            _suspension = new HealthSuspensionWatcher(_monitor.SuspensionKeys, _options);
            // Without ha_suspend or a VRRP-bound check there is nothing to poll, and no reason to wake.
            _pollsSuspension = _monitor.SuspensionKeys.Count > 0;
            _suspension.Poll(_monitor);
            _nextPoll = Now + _options.SuspensionPoll;
            Execute(_monitor.Start(Now, file => FileProbe.Read(file.Path)));
            _state = HealthEngineState.Running;
        }
        catch (Exception e)
        {
            _state = HealthEngineState.Failed;
            _finished = true;
            Cleanup();
            ReleaseLoop();
            _started.TrySetException(e);
            _stopped.TrySetResult();
            return;
        }
        _loop!.Join(this);
        _started.TrySetResult();
    }

    /// <summary>One turn, as the engine's own loop thread used to do it: polls, probes due, and when to come back.</summary>
    TimeSpan? IHealthLoopMember.RunDue()
    {
        if (_finished)
            return null;
        TimeSpan now = Now;
        if (_pollsSuspension && now >= _nextPoll)
        {
            _suspension!.Poll(_monitor);
            _nextPoll = now + _options.SuspensionPoll;
        }
        Execute(_monitor.Advance(now));
        TimeSpan? wait = _pollsSuspension ? _nextPoll - Now : null;
        if (_monitor.NextDeadline is { } due && (wait is null || due - Now < wait))
            wait = due - Now;
        return wait;
    }

    private void StopOnLoop()
    {
        if (_finished)
            return;
        _state = HealthEngineState.Stopping;
        Execute(_monitor.Stop(Now, _stopMode ?? HealthStopMode.Leave));
        Finish(HealthEngineState.Stopped);
    }

    void IHealthLoopMember.LoopEnding()
    {
        _stopMode ??= HealthStopMode.Leave;
        _stopping.Cancel();
        StopOnLoop();
    }

    void IHealthLoopMember.LoopFailed(Exception error)
    {
        if (_finished)
            return;
        Error($"the engine stopped: {error.Message}");
        Finish(HealthEngineState.Failed);
    }

    /// <summary>
    /// Leaves the loop and cleans up; the engine counts as stopped once its stop actions (omega
    /// notify_down, quorum_down: 1 s each) have ended. They are not waited for on the loop, which
    /// other engines may share.
    /// </summary>
    private void Finish(HealthEngineState final)
    {
        _finished = true;
        _stopping.Cancel();
        lock (_statusLock)
            _lastStatus = _monitor.GetStatus();
        if (final == HealthEngineState.Failed)
            _state = final;
        Cleanup();
        ReleaseLoop();
        Task actions = _stopActions.Count == 0 ? Task.CompletedTask : Task.WhenAll(_stopActions);
        actions.WaitAsync(HealthCheckDefaults.StopNotifyLimit + TimeSpan.FromSeconds(1)).ContinueWith(_ =>
        {
            if (_state != HealthEngineState.Failed)
                _state = HealthEngineState.Stopped;
            _stopped.TrySetResult();
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void ReleaseLoop()
    {
        HealthLoop loop = _loop!;
        loop.Part(this);
        loop.Leave();
        if (_ownLoop)
            loop.BeginClose();
    }

    private void Execute(HealthStep step)
    {
        if (step.IsEmpty)
            return;
        foreach (ProbeRequest probe in step.Probes)
            StartProbe(probe);
        if (step.Changes.Count > 0)
            foreach (string error in _actuator!.Apply(step.Changes))
                Error(error);
        foreach (HealthNotification n in step.Notifications)
            Notify(n);
        foreach (HealthTransition t in step.Transitions)
        {
            _transitions++;
            try
            {
                Transition?.Invoke(this, t);
            }
            catch (Exception e)
            {
                Error($"a transition handler failed: {e.Message}");
            }
        }
    }

    private void StartProbe(ProbeRequest probe)
    {
        if (probe.Check.Type == HealthCheckType.Tcp)
        {
            StartConnect(probe);
            return;
        }
        if (probe.Check.Check is HttpHealthCheck { Tls: null } http && (probe.UrlIndex is not null || http.Urls.Count == 1))
        {
            StartHttp(probe, http, probe.UrlIndex ?? 0);
            return;
        }
        Task<ProbeResult> running;
        try
        {
            running = _probes!.For(probe.Check.Type).Start(probe, _stopping.Token);
        }
        catch (Exception e)
        {
            running = Task.FromResult(ProbeResult.Fail(probe.CheckId, TimeSpan.Zero, $"could not start: {e.Message}"));
        }
        if (running.IsCompleted)
            Complete(running.Result);
        else
            running.ContinueWith(static (t, state) =>
            {
                var engine = (HealthEngine)state!;
                ProbeResult result = t.Result;
                engine.Post(() => engine.Complete(result));
            }, this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>TCP_CHECK on the loop's own epoll set (<see cref="HealthLoop.Connect"/>): connected within connect_timeout, closed at once.</summary>
    private void StartConnect(ProbeRequest probe)
    {
        ResolvedHealthCheck check = probe.Check;
        HealthConnection options = check.Check is NetworkHealthCheck { Connection: { } c } ? c : HealthConnection.Default;
        if (_loop!.Connect(this, probe.CheckId, check.Target!, options, check.Timing.ConnectTimeout) is { } error)
            Complete(ConnectResult(probe.CheckId, error, null, check.Timing.ConnectTimeout, TimeSpan.Zero, null));
    }

    /// <summary>HTTP_GET (not SSL_GET) on the loop: keepalived's request, prepared once per url, and the answer read into a <see cref="HttpResponseReader"/>.</summary>
    private void StartHttp(ProbeRequest probe, HttpHealthCheck http, int index)
    {
        ResolvedHealthCheck check = probe.Check;
        if (!_requests.TryGetValue((probe.CheckId, index), out byte[]? request))
            _requests[(probe.CheckId, index)] = request = HttpExchange.Request(http.Urls[index].Path, check.UrlHosts[index], http.Protocol);
        var reader = new HttpResponseReader(http.Urls[index]);
        if (_loop!.Connect(this, probe.CheckId, check.Target!, http.Connection, check.Timing.ConnectTimeout, request, reader) is { } error)
        {
            reader.Dispose();
            Complete(ConnectResult(probe.CheckId, error, null, check.Timing.ConnectTimeout, TimeSpan.Zero, null));
            return;
        }
        _reading[probe.CheckId] = reader;
    }

    void IHealthLoopMember.Connected(int token, int error, string? timedOutStep, TimeSpan timeout, TimeSpan took)
    {
        _reading.Remove(token, out HttpResponseReader? reader);
        using (reader)
            Complete(ConnectResult(token, error, timedOutStep, timeout, took, reader));
    }

    /// <summary>The verdict, in the words of the task-based probes (<see cref="HealthProbe"/>, <see cref="HttpProbe"/>).</summary>
    private static ProbeResult ConnectResult(int checkId, int error, string? timedOutStep, TimeSpan timeout, TimeSpan took, HttpResponseReader? reader)
        => timedOutStep is not null ? ProbeResult.Fail(checkId, took, $"{timedOutStep} timed out after {timeout.TotalSeconds:0.###} s")
            : error == HealthLoop.SinkRefused ? ProbeResult.Fail(checkId, took, "the response header is too long")
            : error != 0 ? ProbeResult.Fail(checkId, took, HealthProbe.Describe(error))
            : reader?.Finish() is { } failure ? ProbeResult.Fail(checkId, took, failure)
            : ProbeResult.Pass(checkId, took);

    private void Complete(ProbeResult result)
    {
        // A probe that ends once the engine is stopping was cut short by the stop (a script stopped, a
        // socket closed): no verdict on the server, and the stop must leave IPVS as its mode says.
        if (_stopping.IsCancellationRequested)
            return;
        _completed++;
        Execute(_monitor.Complete(Now, result));
    }

    private void Notify(HealthNotification n)
    {
        _notifications++;
        // Spawned from this thread: an executable runs in the director's namespace.
        IScript script = n.Command.Script;
        // Executables get keepalived's command line as configured; a script block gets what happened as $args.
        IReadOnlyList<object?> args = n.Command is ScriptBlockHealthCommand
            ? new object?[] { n.Kind.ToString(), n.Service.ToString(), n.RealServer?.Endpoint }
            : Array.Empty<object?>();
        var options = new ScriptRunOptions
        {
            Timeout = n.Stopping ? HealthCheckDefaults.StopNotifyLimit : _options.NotifyTimeout,
            KillDelay = n.Stopping ? TimeSpan.Zero : HealthCheckDefaults.ScriptKillGrace,
            MaxOutputBytes = 4096,
        };
        Task<ScriptResult> run = script.RunAsync(args, options, CancellationToken.None);
        if (n.Stopping)
            _stopActions.Add(run);
        run.ContinueWith(t =>
        {
            if (t.IsFaulted || t.Result.Outcome != ScriptOutcome.Exited)
                Post(() => Error($"{n.Kind} action {n.Command.Text}: {(t.IsFaulted ? t.Exception!.GetBaseException().Message : t.Result.ToString())}"));
        }, TaskScheduler.Default);
    }

    private void Error(string message)
    {
        _lastError = message;
        _lastErrorAt = DateTimeOffset.Now;
    }

    private HealthEngineStatistics Statistics() => new(
        _monitor.ProbesStarted, _completed, _monitor.LateProbes, _monitor.MaxLateness, _actuator?.Applied ?? 0, _actuator?.Failed ?? 0,
        _notifications, _transitions, _lastError, _lastErrorAt, StartedAt);

    private void Cleanup()
    {
        _probes?.Dispose();
        _suspension?.Dispose();
        _client?.Dispose();
    }
}
