using System.Diagnostics;
using System.Net;
using LvsPS.Host.Tests.Infrastructure;
using LvsPS.Native.Health;
using LvsPS.Native.Health.Engine;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Ipvs.InMemory;

namespace LvsPS.Host.Tests.Health;

/// <summary>
/// The engine end to end on the host: probes from the director's namespace against real servers in
/// two others, IPVS kept by the in-memory implementation (this kernel has none; the lab proves the
/// real one). Faults: a server stopped, a server that hangs, the VIP leaving the director.
/// </summary>
public sealed class HealthEngineTests : IDisposable
{
    private static readonly VirtualServiceKey Vs = VirtualServiceKey.Parse("tcp/10.250.0.1:80");
    private readonly Segment _s = new(3);
    private readonly string _root = Directory.CreateTempSubdirectory("lvsps-engine-").FullName;
    private readonly InMemoryIpvs _ipvs = new();
    private readonly List<IDisposable> _owned = new();

    public HealthEngineTests()
    {
        File.WriteAllText(Path.Combine(_root, "health"), "ok\n");
        _ipvs.AddVirtualService(new VirtualService { Key = Vs, Scheduler = "wlc" });
    }

    private NsServer Web(int node, int port = 8080)
    {
        var server = new NsServer(_s.Node(node), _root, "/usr/bin/python3", "-m", "http.server", port.ToString(), "--bind", _s.Address(node))
            .WaitTcp(_s.Node(1), _s.Address(node), port);
        _owned.Add(server);
        return server;
    }

    private HealthCheckedRealServer Rs(int node, uint weight, HealthCheck check)
        => new(new RealServer { VirtualService = Vs, Address = IPAddress.Parse(_s.Address(node)), Port = 8080, Forwarding = ForwardingMethod.Masquerade, Weight = weight })
        { Checks = new[] { check } };

    private HealthEngine Engine(HealthCheckedService service, Func<string, bool?>? vrrp = null)
    {
        var engine = new HealthEngine(new[] { service }, new HealthEngineOptions
        {
            Name = "test",
            NetworkNamespace = _s.Node(1),
            OpenIpvs = _ => _ipvs,
            IsVrrpMaster = vrrp,
            SuspensionPoll = TimeSpan.FromMilliseconds(50),
        });
        _owned.Add(engine);
        return engine;
    }

    private string Table() => string.Join(' ', _ipvs.GetRealServers(Vs).OrderBy(r => r.Address.ToString(), StringComparer.Ordinal).Select(r => $"{r.Address}={r.Weight}"));

    private static readonly HealthCheckTiming Fast = new() { Interval = TimeSpan.FromMilliseconds(200), DelayBeforeRetry = TimeSpan.FromMilliseconds(100), Retry = 1, Warmup = TimeSpan.Zero, ConnectTimeout = TimeSpan.FromSeconds(1) };
    private static HttpHealthCheck Get => new() { Urls = new[] { new HttpUrl("/health") } };

    [SkippableFact]
    public void A_stopped_server_leaves_IPVS_and_comes_back_when_it_returns()
    {
        HostFacts.RequireRoot();
        Web(2);
        NsServer three = Web(3);
        var service = new HealthCheckedService(Vs) { Timing = Fast, RealServers = new[] { Rs(2, 3, Get), Rs(3, 5, Get) } };
        HealthEngine engine = Engine(service);
        var transitions = new List<HealthTransition>();
        engine.Transition += (_, t) => { lock (transitions) transitions.Add(t); };
        engine.Start();
        string a2 = _s.Address(2), a3 = _s.Address(3);
        Assert.Equal($"{a2}=3 {a3}=5", Table());
        Assert.True(Sh.Eventually(() => engine.GetStatus().Services[0].RealServers.All(r => r.State == HealthState.Up), TimeSpan.FromSeconds(10)));
        var sw = Stopwatch.StartNew();
        three.Stop();
        Assert.True(Sh.Eventually(() => Table() == $"{a2}=3", TimeSpan.FromSeconds(10)), Table());
        // Down after retry + 1 = 2 failures 100 ms apart, within one 200 ms interval of the fault.
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(3), $"took {sw.Elapsed}");
        RealServerHealthStatus down = engine.GetStatus().Services[0].RealServers.Single(r => r.RealServer.Address.ToString() == a3);
        Assert.Equal(HealthState.Down, down.State);
        Assert.Contains("refused", down.Checks[0].LastResult!.Value.Reason);
        Web(3);
        Assert.True(Sh.Eventually(() => Table() == $"{a2}=3 {a3}=5", TimeSpan.FromSeconds(10)), Table());
        lock (transitions)
            Assert.Equal(new[] { HealthTransitionKind.RealServerDown, HealthTransitionKind.RealServerUp },
                transitions.Where(t => t.Kind is HealthTransitionKind.RealServerDown or HealthTransitionKind.RealServerUp).Select(t => t.Kind));
        HealthEngineStatistics stats = engine.GetStatus().Statistics;
        // Not "no late probe at all": a loaded machine may be late by a scheduling slice; nothing waited on a probe.
        Assert.True(stats.MaxLateness < TimeSpan.FromMilliseconds(500), $"a probe started {stats.MaxLateness} late");
        Assert.Null(stats.LastError);
    }

    [SkippableFact]
    public void Tcp_checks_on_the_loop_are_refused_pass_and_time_out_when_packets_are_dropped()
    {
        HostFacts.RequireRoot();
        Web(2);
        var tcp = new TcpHealthCheck { Timing = Fast };
        var service = new HealthCheckedService(Vs) { Timing = Fast, RealServers = new[] { Rs(2, 1, tcp), Rs(3, 1, tcp) } };
        HealthEngine engine = Engine(service);
        engine.Start();
        string a2 = _s.Address(2), a3 = _s.Address(3);
        HealthCheckStatus Three() => engine.GetStatus().Services[0].RealServers[1].Checks[0];
        // Nothing listens on node 3 yet: refused.
        Assert.True(Sh.Eventually(() => Table() == $"{a2}=1", TimeSpan.FromSeconds(10)), Table());
        Assert.Contains("refused", Three().LastResult!.Value.Reason);
        Web(3);
        Assert.True(Sh.Eventually(() => Table() == $"{a2}=1 {a3}=1", TimeSpan.FromSeconds(10)), Table());
        _s.Isolate(3, true);
        try
        {
            Assert.True(Sh.Eventually(() => Table() == $"{a2}=1", TimeSpan.FromSeconds(10)), Table());
            ProbeResult dropped = Three().LastResult!.Value;
            Assert.Equal("connect timed out after 1 s", dropped.Reason);
            Assert.InRange(dropped.Duration, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(2));
        }
        finally
        {
            _s.Isolate(3, false);
        }
        Assert.True(Sh.Eventually(() => Table() == $"{a2}=1 {a3}=1", TimeSpan.FromSeconds(10)), Table());
        Assert.Null(engine.GetStatus().Statistics.LastError);
    }

    [SkippableFact]
    public void Tcp_checks_on_the_loop_close_with_FIN_as_keepalived_does()
    {
        // keepalived 2.2.7 sets SO_LINGER {1, 5} on its checker sockets: a normal FIN close, seen in the
        // lab by lab/guest/keepalived-close.sh. A reset (linger 0) would show here as RST.
        HostFacts.RequireRoot();
        NsServer listener = new NsServer(_s.Node(2), _root, "/usr/bin/python3", "-u", "-c", NsServer.CloseReporter, _s.Address(2), "8080").WaitLog("ready");
        _owned.Add(listener);
        var service = new HealthCheckedService(Vs) { Timing = Fast, RealServers = new[] { Rs(2, 1, new TcpHealthCheck { Timing = Fast }) } };
        HealthEngine engine = Engine(service);
        engine.Start();
        Assert.True(Sh.Eventually(() => listener.Log.Split('\n').Count(l => l is "EOF" or "RST" or "DATA") >= 3, TimeSpan.FromSeconds(10)), listener.Log);
        Assert.DoesNotContain("RST", listener.Log);
        Assert.DoesNotContain("DATA", listener.Log);
        Assert.Contains("EOF", listener.Log);
    }

    [SkippableFact]
    public void A_server_that_hangs_delays_no_other_check()
    {
        HostFacts.RequireRoot();
        Web(2);
        const string Hang = "import socket,sys,time\ns=socket.socket()\ns.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\ns.bind((sys.argv[1],8080))\ns.listen(100)\nprint('ready',flush=True)\nc=[]\nwhile True:\n x,a=s.accept()\n c.append(x)";
        _owned.Add(new NsServer(_s.Node(3), _root, "/usr/bin/python3", "-u", "-c", Hang, _s.Address(3)).WaitLog("ready"));
        var slowGet = Get with { Timing = new() { ConnectTimeout = TimeSpan.FromSeconds(3) } };
        var service = new HealthCheckedService(Vs) { Timing = Fast, RealServers = new[] { Rs(2, 1, Get), Rs(3, 1, slowGet) } };
        HealthEngine engine = Engine(service);
        var sw = Stopwatch.StartNew();
        engine.Start();
        // The hanging server's first probe starts at 1 s and its read gives up 3 s later.
        Assert.True(Sh.Eventually(() => engine.GetStatus().Services[0].RealServers[1].Checks[0].State == HealthState.Down, TimeSpan.FromSeconds(10)));
        HealthEngineStatus status = engine.GetStatus();
        double seconds = sw.Elapsed.TotalSeconds;
        HealthCheckStatus fast = status.Services[0].RealServers[0].Checks[0];
        HealthCheckStatus hung = status.Services[0].RealServers[1].Checks[0];
        // Every 200 ms after each answer from 1 s on (answers take a few ms), the hanging probe notwithstanding.
        Assert.True(fast.Probes >= (seconds - 1.5) / 0.3, $"the healthy server was probed {fast.Probes} times in {seconds:0.0} s");
        Assert.Equal(HealthState.Down, hung.State);
        Assert.Contains("read timed out after 3 s", hung.LastResult!.Value.Reason);
        // The hung probe waits 3 s: had anything waited on it, a probe would start seconds late.
        Assert.True(status.Statistics.MaxLateness < TimeSpan.FromMilliseconds(500), $"a probe started {status.Statistics.MaxLateness} late");
        Assert.Equal($"{_s.Address(2)}=1", Table());
    }

    [SkippableFact]
    public void Ha_suspend_pauses_checks_while_the_VIP_is_not_on_the_director()
    {
        HostFacts.RequireRoot();
        var service = new HealthCheckedService(Vs) { Timing = Fast, HaSuspend = true, RealServers = new[] { Rs(2, 1, Get) } };
        HealthEngine engine = Engine(service);
        engine.Start();
        Thread.Sleep(1000);
        HealthEngineStatus paused = engine.GetStatus();
        Assert.True(paused.Services[0].Suspended);
        Assert.Equal(0, paused.Services[0].RealServers[0].Checks[0].Probes);
        Assert.Equal($"{_s.Address(2)}=1", Table());
        Sh.Run("ip", "-n", _s.Node(1), "addr", "add", "10.250.0.1/32", "dev", "lo");
        // No server on node 2: once checks run, the real server goes.
        Assert.True(Sh.Eventually(() => Table() == "", TimeSpan.FromSeconds(10)), Table());
        Assert.False(engine.GetStatus().Services[0].Suspended);
    }

    [SkippableFact]
    public void Checks_pause_while_the_named_VRRP_instance_is_not_master()
    {
        HostFacts.RequireRoot();
        bool master = false;
        var service = new HealthCheckedService(Vs) { Timing = Fast, SuspendUnlessVrrpMaster = "VI_1", RealServers = new[] { Rs(2, 1, Get) } };
        HealthEngine engine = Engine(service, name => name == "VI_1" ? Volatile.Read(ref master) : null);
        engine.Start();
        Thread.Sleep(800);
        Assert.Equal(0, engine.GetStatus().Services[0].RealServers[0].Checks[0].Probes);
        Volatile.Write(ref master, true);
        Assert.True(Sh.Eventually(() => Table() == "", TimeSpan.FromSeconds(10)), Table());
    }

    [SkippableTheory]
    [InlineData(HealthStopMode.Leave, "=0")]
    [InlineData(HealthStopMode.Restore, "=4")]
    [InlineData(HealthStopMode.Remove, "")]
    public void Stop_leaves_restores_or_removes(HealthStopMode mode, string expected)
    {
        HostFacts.RequireRoot();
        var service = new HealthCheckedService(Vs) { Timing = Fast, InhibitOnFailure = true, RealServers = new[] { Rs(2, 4, Get) } };
        HealthEngine engine = Engine(service);
        engine.Start();
        Assert.True(Sh.Eventually(() => Table() == $"{_s.Address(2)}=0", TimeSpan.FromSeconds(10)), Table());
        Assert.True(engine.StopAsync(mode).Wait(TimeSpan.FromSeconds(10)));
        Assert.Equal(HealthEngineState.Stopped, engine.State);
        Assert.Equal(expected == "" ? "" : _s.Address(2) + expected, Table());
    }

    [SkippableFact]
    public void A_missing_namespace_fails_the_start_and_leaves_nothing_running()
    {
        HostFacts.RequireRoot();
        var engine = new HealthEngine(new[] { new HealthCheckedService(Vs) { RealServers = new[] { Rs(2, 1, Get) } } },
            new HealthEngineOptions { Name = "x", NetworkNamespace = "lvsps-no-such-ns", OpenIpvs = _ => _ipvs });
        Assert.ThrowsAny<Exception>(() => engine.Start());
        Assert.Equal(HealthEngineState.Failed, engine.State);
        Assert.True(engine.Completion.IsCompleted);
    }

    public void Dispose()
    {
        foreach (IDisposable d in Enumerable.Reverse(_owned))
            d.Dispose();
        _s.Dispose();
        Directory.Delete(_root, true);
    }
}
