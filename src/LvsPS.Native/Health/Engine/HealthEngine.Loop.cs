using LvsPS.Native.Health.Probes;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Runtime;

namespace LvsPS.Native.Health.Engine;

/// <summary>The engine's thread: start-up, the loop, stop.</summary>
public sealed partial class HealthEngine
{
    private readonly object _statusLock = new();
    private IReadOnlyList<ServiceHealthStatus>? _lastStatus;
    private HealthIpvsActuator? _actuator;
    private IIpvsClient? _client;
    private ProbeSet? _probes;
    private HealthSuspensionWatcher? _suspension;
    private long _completed, _notifications, _transitions;
    private string? _lastError;
    private DateTimeOffset? _lastErrorAt;

    private void Run()
    {
        try
        {
            if (_options.NetworkNamespace is { Length: > 0 } ns)
                Namespaces.NetworkNamespace.JoinOnThisThread(ns);
            _client = _options.OpenIpvs(_options.NetworkNamespace);
            _actuator = new HealthIpvsActuator(_client);
            _probes = new ProbeSet();
            _suspension = new HealthSuspensionWatcher(_monitor.SuspensionKeys, _options);
            _suspension.Poll(_monitor);
            Execute(_monitor.Start(Now, file => FileProbe.Read(file.Path)));
            _state = HealthEngineState.Running;
            _started.TrySetResult();
        }
        catch (Exception e)
        {
            _state = HealthEngineState.Failed;
            Cleanup();
            _started.TrySetException(e);
            _stopped.TrySetResult();
            return;
        }
        try
        {
            Loop();
        }
        catch (Exception e)
        {
            _state = HealthEngineState.Failed;
            Error($"the engine stopped: {e.Message}");
        }
        finally
        {
            lock (_statusLock)
                _lastStatus = _monitor.GetStatus();
            if (_state != HealthEngineState.Failed)
                _state = HealthEngineState.Stopped;
            Cleanup();
            _stopped.TrySetResult();
        }
    }

    private void Loop()
    {
        TimeSpan nextPoll = Now;
        while (!_stopping.IsCancellationRequested)
        {
            while (_inbox.TryDequeue(out Action? action))
                action();
            TimeSpan now = Now;
            if (now >= nextPoll)
            {
                _suspension!.Poll(_monitor);
                nextPoll = now + _options.SuspensionPoll;
            }
            Execute(_monitor.Advance(now));
            TimeSpan wait = nextPoll - Now;
            if (_monitor.NextDeadline is { } due && due - Now < wait)
                wait = due - Now;
            if (wait > TimeSpan.Zero && _inbox.IsEmpty)
                _wake.WaitOne(wait);
        }
        _state = HealthEngineState.Stopping;
        while (_inbox.TryDequeue(out Action? action))
            action();
        HealthStep stop = _monitor.Stop(Now, _stopMode ?? HealthStopMode.Leave);
        Execute(stop);
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
            run.Wait(HealthCheckDefaults.StopNotifyLimit + TimeSpan.FromSeconds(1));
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
