using System.Diagnostics;

namespace LvsPS.Native.Runtime;

/// <summary>How one worker stopped during a shutdown.</summary>
public sealed record WorkerStop(string Kind, string Name, ShutdownStage Stage, TimeSpan Elapsed, bool InTime, string? Error);

/// <summary>What a shutdown did: the workers in the order they were told to stop, and whether scripts and clean-ups ran.</summary>
public sealed record ShutdownReport(IReadOnlyList<WorkerStop> Workers, bool ScriptsTerminated, TimeSpan Elapsed)
{
    public bool AllInTime => Workers.All(w => w.InTime);
}

/// <summary>
/// The registry of this process's long-running workers (VRRP instances today, health checks
/// next) and their orderly shutdown: workers stop stage by stage (<see cref="ShutdownStage"/>:
/// VRRP masters hand over first, then checks), then the scripts still running are terminated
/// (SIGTERM, SIGKILL 2 s later), then the clean-ups registered with <see cref="AddCleanup"/> run
/// (the script-block runspaces close). Every worker is kept with the owner that started it (the
/// cmdlet layer passes its runspace), so removing the module from one session stops that
/// session's workers only.
/// </summary>
public sealed class Supervisor
{
    public static Supervisor Shared { get; } = new();

    private sealed record Entry(IWorker Worker, object? Owner);

    private readonly object _lock = new();
    private readonly List<Entry> _entries = new();
    private readonly List<(string Name, Func<Task> Run)> _cleanups = new();
    private readonly ProcessRunner _runner;

    public Supervisor(ProcessRunner? runner = null) => _runner = runner ?? ProcessRunner.Shared;

    /// <summary>Every worker, running or ended (an ended one stays until removed or replaced, so its last error can be read), by kind then name.</summary>
    public IReadOnlyList<IWorker> Workers
    {
        get
        {
            lock (_lock)
                return _entries.Select(e => e.Worker)
                    .OrderBy(w => w.Kind, StringComparer.Ordinal).ThenBy(w => w.Name, StringComparer.OrdinalIgnoreCase).ToArray();
        }
    }

    public IEnumerable<T> WorkersOf<T>() where T : IWorker => Workers.OfType<T>();

    /// <summary>The worker of that type (and kind, when given) and name (case-insensitive), running or not; null when none.</summary>
    public T? Find<T>(string name, string? kind = null) where T : class, IWorker
    {
        lock (_lock)
            return _entries.Select(e => e.Worker).OfType<T>()
                .FirstOrDefault(w => w.Name.Equals(name, StringComparison.OrdinalIgnoreCase) && (kind is null || w.Kind == kind));
    }

    /// <summary>True when a running worker of <paramref name="kind"/> has the name.</summary>
    public bool IsNameTaken(string kind, string name)
    {
        lock (_lock)
            return _entries.Any(e => Same(e.Worker, kind, name) && e.Worker.IsRunning);
    }

    /// <summary>Registers a worker; false when a running one of its kind has its name already (an ended one is replaced).</summary>
    public bool TryAdd(IWorker worker, object? owner = null)
    {
        lock (_lock)
        {
            if (_entries.Any(e => Same(e.Worker, worker.Kind, worker.Name) && e.Worker.IsRunning && !ReferenceEquals(e.Worker, worker)))
                return false;
            _entries.RemoveAll(e => Same(e.Worker, worker.Kind, worker.Name));
            _entries.Add(new Entry(worker, owner));
            return true;
        }
    }

    public bool Remove(IWorker worker)
    {
        lock (_lock)
            return _entries.RemoveAll(e => ReferenceEquals(e.Worker, worker)) > 0;
    }

    /// <summary>Stops one worker in its orderly way and removes it.</summary>
    public async Task StopAsync(IWorker worker)
    {
        try
        {
            await worker.StopAsync().ConfigureAwait(false);
        }
        finally
        {
            Remove(worker);
        }
    }

    /// <summary>Runs after a shutdown that left no worker behind, in the reverse order of registration; registering a name twice keeps the first.</summary>
    public void AddCleanup(string name, Func<Task> cleanup)
    {
        lock (_lock)
            if (!_cleanups.Any(c => c.Name == name))
                _cleanups.Add((name, cleanup));
    }

    /// <summary>Stops every worker (pwsh exit), then terminates the scripts still running and runs the clean-ups.</summary>
    public Task<ShutdownReport> ShutdownAllAsync(TimeSpan timeout) => ShutdownAsync(_ => true, timeout, evenIfNoneChosen: true);

    /// <summary>
    /// Stops the workers <paramref name="owner"/> started (the module removed from one session); scripts and
    /// clean-ups follow only when no worker is left and this owner had some: an owner that started nothing
    /// (a session that only read) leaves the runner's scripts alone, since none of them can be its leftovers.
    /// </summary>
    public Task<ShutdownReport> ShutdownOwnedByAsync(object owner, TimeSpan timeout) => ShutdownAsync(e => Equals(e.Owner, owner), timeout, evenIfNoneChosen: false);

    private async Task<ShutdownReport> ShutdownAsync(Func<Entry, bool> select, TimeSpan timeout, bool evenIfNoneChosen)
    {
        var clock = Stopwatch.StartNew();
        Entry[] chosen;
        lock (_lock)
            chosen = _entries.Where(select).ToArray();
        var stops = new List<WorkerStop>();
        foreach (IGrouping<ShutdownStage, Entry> stage in chosen.GroupBy(e => e.Worker.ShutdownStage).OrderBy(g => g.Key))
        {
            TimeSpan left = timeout - clock.Elapsed;
            stops.AddRange(await Task.WhenAll(stage.Select(e => StopInTimeAsync(e.Worker, left))).ConfigureAwait(false));
        }
        bool empty;
        lock (_lock)
        {
            _entries.RemoveAll(e => chosen.Contains(e));
            empty = _entries.All(e => !e.Worker.IsRunning) && (chosen.Length > 0 || evenIfNoneChosen);
        }
        if (empty)
        {
            await _runner.TerminateAllAsync().ConfigureAwait(false);
            await RunCleanupsAsync().ConfigureAwait(false);
        }
        return new ShutdownReport(stops, empty, clock.Elapsed);
    }

    private static async Task<WorkerStop> StopInTimeAsync(IWorker worker, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        Task stop;
        try
        {
            stop = worker.StopAsync();
        }
        catch (Exception e)
        {
            return new WorkerStop(worker.Kind, worker.Name, worker.ShutdownStage, clock.Elapsed, true, e.Message);
        }
        bool inTime = await Task.WhenAny(stop, Task.Delay(timeout > TimeSpan.Zero ? timeout : TimeSpan.Zero)).ConfigureAwait(false) == stop;
        string? error = stop.IsFaulted ? stop.Exception!.GetBaseException().Message : inTime ? null : $"still stopping after {timeout.TotalSeconds:0.#} s";
        return new WorkerStop(worker.Kind, worker.Name, worker.ShutdownStage, clock.Elapsed, inTime, error);
    }

    private async Task RunCleanupsAsync()
    {
        (string Name, Func<Task> Run)[] cleanups;
        lock (_lock)
            cleanups = _cleanups.AsEnumerable().Reverse().ToArray();
        foreach (var (_, run) in cleanups)
        {
            try
            {
                await run().ConfigureAwait(false);
            }
            catch (Exception)
            {
                // A clean-up that fails must not keep the next from running at exit.
            }
        }
    }

    private static bool Same(IWorker worker, string kind, string name)
        => worker.Kind == kind && worker.Name.Equals(name, StringComparison.OrdinalIgnoreCase);
}
