namespace LvsPS.Native.Health.Engine;

/// <summary>
/// The health loops that the engines of one director share: at most <see cref="MaxLoops"/> threads
/// (fewer on a machine with fewer processors), however many virtual servers are checked. A new
/// engine gets a new loop while there are fewer than <see cref="Size"/>, else the loop with the
/// fewest engines. Stopping an engine leaves its loop running for the others; disposing the pool
/// stops every engine still on it (IPVS left as it is) and ends the threads.
/// </summary>
internal sealed class HealthLoopPool : IDisposable
{
    public const int MaxLoops = 4;

    private readonly object _gate = new();
    private readonly List<HealthLoop> _loops = new();
    private readonly string _name;
    private bool _disposed;

    /// <param name="name">Names the threads (lvsps-hl-NAME-N).</param>
    /// <param name="networkNamespace">Every loop runs in it, so engines of this namespace only.</param>
    /// <param name="size">At most this many threads (default: <see cref="MaxLoops"/>, or the processor count if smaller).</param>
    public HealthLoopPool(string name, string? networkNamespace, int? size = null)
    {
        if (size is < 1)
            throw new ArgumentOutOfRangeException(nameof(size), size, "A pool needs at least one loop.");
        _name = name;
        NetworkNamespace = networkNamespace;
        Size = size ?? Math.Min(MaxLoops, Environment.ProcessorCount);
    }

    public string? NetworkNamespace { get; }
    public int Size { get; }

    public IReadOnlyList<HealthLoop> Loops
    {
        get { lock (_gate) return _loops.ToArray(); }
    }

    /// <summary>The loop for the next engine, counted as its from now on (give it to an engine that starts; it leaves the loop when it stops).</summary>
    public HealthLoop Next()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            HealthLoop loop;
            if (_loops.Count < Size)
            {
                loop = new HealthLoop($"lvsps-hl-{_name}-{_loops.Count}", NetworkNamespace);
                _loops.Add(loop);
            }
            else
                loop = _loops.MinBy(l => l.EngineCount)!;
            loop.Enter();
            return loop;
        }
    }

    /// <summary>Stops the engines still on the pool's loops and ends their threads (waits for them, at most 10 s).</summary>
    public void Dispose()
    {
        HealthLoop[] loops;
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            loops = _loops.ToArray();
        }
        foreach (HealthLoop loop in loops)
            loop.BeginClose();
        Task.WhenAll(loops.Select(l => l.Completion)).Wait(TimeSpan.FromSeconds(10));
    }
}
