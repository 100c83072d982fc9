using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using LvsPS.Native.Health;
using LvsPS.Native.Health.Engine;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Ipvs.InMemory;

namespace LvsPS.Tests.Health;

/// <summary>
/// Engines sharing a <see cref="HealthLoopPool"/> (issue 12: never a thread per check): a few
/// threads for many engines, each engine still probing on time whatever the others do, and an
/// engine without a pool still on a thread of its own. Real loopback listeners; IPVS in memory.
/// </summary>
public sealed class HealthLoopPoolTests : IDisposable
{
    private readonly InMemoryIpvs _ipvs = new();
    private readonly List<IDisposable> _owned = new();
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private int _services;

    public HealthLoopPoolTests() => _listener.Start();

    public void Dispose()
    {
        for (int i = _owned.Count - 1; i >= 0; i--)
            _owned[i].Dispose();
        _listener.Stop();
    }

    private static readonly HealthCheckTiming Every100ms = new() { Interval = TimeSpan.FromMilliseconds(100), Warmup = TimeSpan.Zero };

    /// <summary>Not "never late": a loaded machine may delay a thread by a scheduling slice or two; a loop that waited on the hung probe or on the stopped engine would be seconds late.</summary>
    private static readonly TimeSpan OnTime = TimeSpan.FromSeconds(1);

    private ushort Port => (ushort)((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>An engine checking one real server (the listener, unless <paramref name="port"/> says otherwise) of a fresh service.</summary>
    private HealthEngine Engine(HealthLoop? loop, HealthCheck? check = null, ushort? port = null, Action<int>? onOpen = null)
    {
        var key = VirtualServiceKey.Parse($"tcp/10.0.{_services / 200}.{1 + _services % 200}:80");
        string name = $"pool-{_services++}";
        _ipvs.AddVirtualService(new VirtualService { Key = key, Scheduler = "rr" });
        var rs = new RealServer { VirtualService = key, Address = IPAddress.Loopback, Port = port ?? Port, Forwarding = ForwardingMethod.Masquerade, Weight = 1 };
        var service = new HealthCheckedService(key)
        {
            Timing = Every100ms,
            RealServers = new[] { new HealthCheckedRealServer(rs) { Checks = new[] { check ?? new TcpHealthCheck() } } },
        };
        var engine = new HealthEngine(new[] { service }, new HealthEngineOptions
        {
            Name = name,
            Loop = loop,
            OpenIpvs = _ =>
            {
                onOpen?.Invoke(Environment.CurrentManagedThreadId);
                return _ipvs;
            },
        });
        _owned.Add(engine);
        return engine;
    }

    private HealthLoopPool Pool(int size)
    {
        var pool = new HealthLoopPool("t", null, size);
        _owned.Add(pool);
        return pool;
    }

    private static long Probes(HealthEngine e) => e.GetStatus().Statistics.ProbesCompleted;

    [Fact]
    public void Twenty_engines_on_a_pool_of_two_run_on_two_threads_and_all_probe()
    {
        HealthLoopPool pool = Pool(2);
        var threads = new ConcurrentDictionary<int, bool>();
        var engines = Enumerable.Range(0, 20).Select(_ => Engine(pool.Next(), onOpen: id => threads[id] = true)).ToArray();
        foreach (HealthEngine e in engines)
            e.Start();
        var loopThreads = pool.Loops.Select(l => l.ManagedThreadId).ToHashSet();
        Assert.Equal(2, loopThreads.Count);
        // Each engine's start-up (IPVS opened, first changes) ran on a loop thread, none elsewhere.
        Assert.Subset(loopThreads, threads.Keys.ToHashSet());
        Assert.Equal(new[] { 10, 10 }, pool.Loops.Select(l => l.EngineCount).ToArray());
        Assert.True(SpinWait.SpinUntil(() => engines.All(e => Probes(e) >= 3), TimeSpan.FromSeconds(10)),
            string.Join(' ', engines.Select(Probes)));
        Assert.All(engines, e => Assert.Equal(HealthState.Up, e.GetStatus().Services[0].RealServers[0].State));
    }

    [Fact]
    public async Task Without_a_pool_each_engine_runs_on_a_thread_of_its_own_that_ends_with_it()
    {
        var threads = new ConcurrentBag<Thread>();
        HealthEngine a = Engine(null, onOpen: _ => threads.Add(Thread.CurrentThread));
        HealthEngine b = Engine(null, onOpen: _ => threads.Add(Thread.CurrentThread));
        a.Start();
        b.Start();
        Assert.Equal(2, threads.Distinct().Count());
        Assert.Equal(new[] { $"lvsps-health-{a.Name}", $"lvsps-health-{b.Name}" }.Order(), threads.Select(t => t.Name!).Order());
        Assert.True(SpinWait.SpinUntil(() => Probes(a) >= 3 && Probes(b) >= 3, TimeSpan.FromSeconds(10)));
        await a.StopAsync().WaitAsync(TimeSpan.FromSeconds(5));
        Thread aThread = threads.Single(t => t.Name == $"lvsps-health-{a.Name}");
        Assert.True(aThread.Join(TimeSpan.FromSeconds(5)), "the engine's own thread outlived it");
        Assert.Equal(HealthEngineState.Stopped, a.State);
        long before = Probes(b);
        Assert.True(SpinWait.SpinUntil(() => Probes(b) >= before + 3, TimeSpan.FromSeconds(5)), "the other engine stopped probing");
        Assert.True(threads.Single(t => t.Name == $"lvsps-health-{b.Name}").IsAlive);
    }

    [Fact]
    public async Task Stopping_one_engine_leaves_the_others_on_its_loop_probing_on_time()
    {
        HealthLoopPool pool = Pool(1);
        HealthEngine a = Engine(pool.Next());
        HealthEngine b = Engine(pool.Next());
        a.Start();
        b.Start();
        Assert.True(SpinWait.SpinUntil(() => Probes(a) >= 2 && Probes(b) >= 2, TimeSpan.FromSeconds(10)));
        await a.StopAsync().WaitAsync(TimeSpan.FromSeconds(5));
        long aProbes = a.GetStatus().Statistics.ProbesStarted;
        long bBefore = Probes(b);
        // Every 100 ms after each answer: 5 more take ~0.5 s; 5 s leaves room for a loaded machine (the unit tier runs in parallel).
        Assert.True(SpinWait.SpinUntil(() => Probes(b) >= bBefore + 5, TimeSpan.FromSeconds(5)), $"{Probes(b) - bBefore} probes in 5 s after the other engine stopped");
        HealthEngineStatistics bStats = b.GetStatus().Statistics;
        Assert.True(bStats.MaxLateness < OnTime, $"a probe started {bStats.MaxLateness} late");
        Assert.Equal(aProbes, a.GetStatus().Statistics.ProbesStarted);
        Assert.Equal(HealthEngineState.Stopped, a.State);
        Assert.Equal(HealthEngineState.Running, b.State);
        Assert.False(pool.Loops[0].Completion.IsCompleted);
        Assert.Equal(1, pool.Loops[0].EngineCount);
    }

    [Fact]
    public void A_hung_probe_delays_no_probe_of_another_engine_on_the_same_loop()
    {
        // Accepts (the kernel completes the handshake) and never answers: HTTP_GET waits for its timeout.
        var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        try
        {
            HealthLoopPool pool = Pool(1);
            var hung = new HttpHealthCheck { Urls = new[] { new HttpUrl("/") }, Timing = new() { ConnectTimeout = TimeSpan.FromSeconds(3) } };
            HealthEngine a = Engine(pool.Next(), hung, (ushort)((IPEndPoint)silent.LocalEndpoint).Port);
            HealthEngine b = Engine(pool.Next());
            a.Start();
            b.Start();
            Assert.True(SpinWait.SpinUntil(() => a.GetStatus().Statistics.ProbesStarted >= 1, TimeSpan.FromSeconds(5)));
            long bBefore = Probes(b);
            // The hung probe waits 3 s: 7 probes of the other engine at 100 ms intervals fit well before it ends.
            Assert.True(SpinWait.SpinUntil(() => Probes(b) >= bBefore + 7, TimeSpan.FromSeconds(2.5)), $"{Probes(b) - bBefore} probes in 2.5 s beside a hung one");
            HealthEngineStatistics aStats = a.GetStatus().Statistics, bStats = b.GetStatus().Statistics;
            Assert.Equal(0, aStats.ProbesCompleted);
            Assert.True(bStats.MaxLateness < OnTime, $"a probe started {bStats.MaxLateness} late");
        }
        finally
        {
            silent.Stop();
        }
    }

    [Fact]
    public async Task Disposing_the_pool_stops_its_engines_leaves_IPVS_and_ends_its_threads()
    {
        HealthLoopPool pool = Pool(2);
        HealthEngine[] engines = Enumerable.Range(0, 4).Select(_ => Engine(pool.Next())).ToArray();
        foreach (HealthEngine e in engines)
            e.Start();
        Assert.True(SpinWait.SpinUntil(() => engines.All(e => Probes(e) >= 2), TimeSpan.FromSeconds(10)));
        HealthLoop[] loops = pool.Loops.ToArray();
        pool.Dispose();
        Assert.All(loops, l => Assert.True(l.Completion.IsCompleted));
        await Task.WhenAll(engines.Select(e => e.Completion)).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.All(engines, e => Assert.Equal(HealthEngineState.Stopped, e.State));
        long[] started = engines.Select(e => e.GetStatus().Statistics.ProbesStarted).ToArray();
        await Task.Delay(300);
        Assert.Equal(started, engines.Select(e => e.GetStatus().Statistics.ProbesStarted).ToArray());
        // Stopped as the runtime stops them: the real servers stay in IPVS.
        Assert.All(engines, e => Assert.Single(_ipvs.GetRealServers(e.Services[0].Service)));
        Assert.Throws<ObjectDisposedException>(() => pool.Next());
    }

    [Fact]
    public void An_engine_refuses_a_loop_in_another_network_namespace_and_starts_nothing()
    {
        var pool = new HealthLoopPool("ns", "lvsps-no-such-ns", 1);
        _owned.Add(pool);
        var opened = 0;
        HealthEngine e = Engine(pool.Next(), onOpen: _ => opened++);
        Assert.Throws<ArgumentException>(() => e.Start());
        Assert.Equal(0, opened);
    }
}
