using System.Diagnostics;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Runtime;

namespace LvsPS.Native.Health.Engine;

/// <summary>
/// Runs health checks: on a <see cref="HealthLoop"/> inside the director's network namespace (its
/// own thread, or a loop of a director's pool shared with other engines) it drives the pure
/// <see cref="HealthMonitor"/>, starts the probes (asynchronous sockets and script runs; no thread
/// per check), applies the IPVS changes in batches and starts the notify actions. A probe that
/// hangs delays nothing else: its timeout ends it. Public members are thread-safe; they post to
/// the engine's loop and wait for its answer.
/// </summary>
public sealed partial class HealthEngine : IWorker, IDisposable, IHealthLoopMember
{
    /// <summary>The runtime's kind for health-check engines.</summary>
    public const string WorkerKind = "health check";

    private readonly HealthEngineOptions _options;
    private readonly HealthMonitor _monitor;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private HealthLoop? _loop;
    private bool _ownLoop;
    private volatile HealthEngineState _state = HealthEngineState.Starting;
    private HealthStopMode? _stopMode;

    /// <param name="services">Validated now: a bad definition throws <see cref="HealthCheckDefinitionException"/> and nothing starts.</param>
    /// <param name="options">The engine's clock, IPVS client, actuator and timing settings.</param>
    public HealthEngine(IReadOnlyList<HealthCheckedService> services, HealthEngineOptions options)
    {
        _options = options;
        Services = services;
        _monitor = new HealthMonitor(services, options.Random) { LateThreshold = options.LateThreshold };
        StartedAt = DateTimeOffset.Now;
    }

    public string Name => _options.Name;
    public string? NetworkNamespace => _options.NetworkNamespace;
    public IReadOnlyList<HealthCheckedService> Services { get; }
    public HealthEngineState State => _state;
    public DateTimeOffset StartedAt { get; }
    /// <summary>Distinct checks probed (shared ones once).</summary>
    public int CheckCount => _monitor.CheckCount;
    /// <summary>Raised on the engine's loop for every transition; handlers must return quickly (other engines may share the loop).</summary>
    public event Action<HealthEngine, HealthTransition>? Transition;
    /// <summary>The loop it runs on (null until started).</summary>
    internal HealthLoop? Loop => _loop;
    /// <summary>Completes when the engine has stopped (its stop actions included).</summary>
    public Task Completion => _stopped.Task;

    string IWorker.Kind => WorkerKind;
    public bool IsRunning => _state is HealthEngineState.Starting or HealthEngineState.Running && !_stopped.Task.IsCompleted;
    /// <summary>Health checks stop after VRRP has handed over and before scripts are terminated (their omega actions run).</summary>
    public ShutdownStage ShutdownStage => ShutdownStage.Checks;
    /// <summary>The runtime's orderly stop: IPVS left as it is (keepalived -I), omega actions run.</summary>
    Task IWorker.StopAsync() => StopAsync(HealthStopMode.Leave);

    /// <summary>
    /// Starts on its loop (<see cref="HealthEngineOptions.Loop"/>, or a thread of its own) and waits
    /// until the start-up changes are in IPVS. Throws what stopped it (no such namespace, no IPVS, no
    /// permission) and leaves nothing running.
    /// </summary>
    public void Start(TimeSpan? timeout = null)
    {
        if (_loop is not null)
            throw new InvalidOperationException($"The health engine '{Name}' has already been started.");
        HealthLoop loop = _options.Loop ?? new HealthLoop($"lvsps-health-{Name}", _options.NetworkNamespace);
        if (_options.Loop is not null && loop.NetworkNamespace != _options.NetworkNamespace)
            throw new ArgumentException($"The health engine '{Name}' runs in network namespace '{_options.NetworkNamespace}', its loop in '{loop.NetworkNamespace}'.", nameof(HealthEngineOptions.Loop));
        _ownLoop = _options.Loop is null;
        _loop = loop;
        if (_ownLoop)
            loop.Enter();
        TimeSpan limit = timeout ?? TimeSpan.FromSeconds(30);
        try
        {
            if (!loop.Ready.Wait(limit))
                throw new TimeoutException($"The health engine '{Name}' did not start within {limit.TotalSeconds} s.");
            if (!loop.Post(this, StartOnLoop))
                throw new ObjectDisposedException(nameof(HealthLoop), $"The health engine '{Name}' was given a loop that has ended.");
        }
        catch (Exception e)
        {
            _state = HealthEngineState.Failed;
            loop.Leave();
            if (_ownLoop)
                loop.Dispose();
            _started.TrySetException(e is AggregateException { InnerException: { } inner } ? inner : e);
            _stopped.TrySetResult();
        }
        if (!_started.Task.Wait(limit))
            throw new TimeoutException($"The health engine '{Name}' did not start within {limit.TotalSeconds} s.");
        _started.Task.GetAwaiter().GetResult();
    }

    /// <summary>Stops: no more probes; IPVS is left, cleaned or restored as <paramref name="mode"/> says; omega actions run.</summary>
    public Task StopAsync(HealthStopMode mode = HealthStopMode.Leave)
    {
        if (_loop is null)
        {
            _state = HealthEngineState.Stopped;
            _stopped.TrySetResult();
            return Task.CompletedTask;
        }
        _stopMode ??= mode;
        _stopping.Cancel();
        // A loop that has ended already stopped the engine (LoopEnding).
        _loop.Post(this, StopOnLoop);
        return _stopped.Task;
    }

    /// <summary>Pauses or resumes the checks of a suspension key ("vip:ADDRESS", "vrrp:NAME"), as ha_suspend does.</summary>
    public void SetSuspended(string key, bool suspended) => Post(() => _monitor.SetSuspended(key, suspended));

    /// <summary>The state of every service, real server and check, read on the engine's loop thread.</summary>
    public HealthEngineStatus GetStatus(TimeSpan? timeout = null)
    {
        if (_state is HealthEngineState.Stopped or HealthEngineState.Failed || _loop is null)
            return Snapshot();
        var answer = new TaskCompletionSource<HealthEngineStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_loop.Post(this, () => answer.TrySetResult(Snapshot())))
            return Snapshot();
        if (!answer.Task.Wait(timeout ?? TimeSpan.FromSeconds(5)))
            throw new TimeoutException($"The health engine '{Name}' did not answer within {(timeout ?? TimeSpan.FromSeconds(5)).TotalSeconds} s.");
        return answer.Task.Result;
    }

    public void Dispose() => StopAsync().Wait(TimeSpan.FromSeconds(10));

    private void Post(Action action) => _loop?.Post(this, action);

    private TimeSpan Now => _clock.Elapsed;

    private HealthEngineStatus Snapshot()
    {
        lock (_statusLock)
            return new HealthEngineStatus(Name, NetworkNamespace, _state, _lastStatus ?? _monitor.GetStatus(), Statistics(), Now);
    }
}
