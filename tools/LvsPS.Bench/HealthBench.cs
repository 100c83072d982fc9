using System.Diagnostics;
using System.Net;
using LvsPS.Native.Health;
using LvsPS.Native.Health.Engine;
using LvsPS.Native.Ipvs;

namespace LvsPS.Bench;

/// <summary>
/// Health checks against keepalived 2.2.7 (-C) at the same settings (delay_loop 1, connect_timeout 1,
/// retry 1, delay_before_retry 1, TCP_CHECK), in one lab VM boot. Two directors (namespaces hbA for
/// LvsPS's HealthEngine, hbB for keepalived) check the same real servers: one namespace hbS whose
/// listeners a small server opens and closes on order.
///   1. Detection latency: a listener closes; time until each director's IPVS no longer lists the real
///      server (and, reopened, lists it again), both measured by one 5 ms poll of both tables.
///   2. Scale (HealthBench.Scale.cs): CHECKS real servers all healthy, each side alone for WINDOW
///      seconds after a warm-up: CPU, resident memory, late checks, false transitions; TCP_CHECK and
///      HTTP_GET, LvsPS as a whole director (RunningDirector on keepalived's own keepalived.conf,
///      engines on the director's loop pool) and as one bare HealthEngine.
/// Usage (inside the VM): LvsPS.Bench health [CHECKS=1000] [TRIALS=15] [WINDOW=60] [RUNS]; TRIALS 0
/// skips the latency part; RUNS lists the scale runs as SIDE-KIND (SIDE engine, director or
/// keepalived; KIND tcp or http), default all six.
/// </summary>
internal static partial class HealthBench
{
    private const string Vip = "192.168.80.100", Server = "10.60.0.2";
    private const int FirstPort = 20000, LatencyServers = 8;
    private static readonly VirtualServiceKey Key = VirtualServiceKey.ForAddress(IpvsProtocol.Tcp, IPAddress.Parse(Vip), 80);
    private static readonly string Dir = Directory.CreateTempSubdirectory("lvsps-healthbench-").FullName;

    public static void Run(string[] args)
    {
        int checks = args.Length > 0 ? int.Parse(args[0]) : 1000;
        int trials = args.Length > 1 ? int.Parse(args[1]) : 15;
        int window = args.Length > 2 ? int.Parse(args[2]) : 60;
        string[] runs = (args.Length > 3 ? args[3] : "engine-tcp,director-tcp,keepalived-tcp,director-http,keepalived-http").Split(',');
        Console.WriteLine($"health bench: {checks} checks at 1 s, {trials} latency trials, {window} s windows, {Environment.ProcessorCount} CPUs, kernel {Environment.OSVersion.Version}, clocksource {Clocksource()}");
        using var net = new Topology(Math.Max(checks, LatencyServers));
        try
        {
            if (trials > 0)
                Latency(net, trials);
            Scale(net, checks, window, runs);
        }
        finally
        {
            Console.WriteLine($"(files in {Dir})");
        }
    }

    // ---- 1. detection latency ---------------------------------------------------------------------

    private static void Latency(Topology net, int trials)
    {
        net.Table("hbA", LatencyServers);
        using var engine = Engine("hbA", LatencyServers);
        using var keepalived = Keepalived.Start(net, LatencyServers, CheckKind.Tcp);
        using IpvsClient a = IpvsClient.Open("hbA"), b = IpvsClient.Open("hbB");
        if (!WaitUntil(TimeSpan.FromSeconds(60), () => Count(a) == LatencyServers && Count(b) == LatencyServers))
            throw new InvalidOperationException($"the tables did not fill: LvsPS {Count(a)}, keepalived {Count(b)}\n{keepalived.Log}");
        Thread.Sleep(5000);
        var down = (Ours: new List<double>(), Theirs: new List<double>());
        var up = (Ours: new List<double>(), Theirs: new List<double>());
        var random = new Random(12);
        for (int t = 0; t < trials; t++)
        {
            int port = FirstPort + t % LatencyServers;
            // A random phase against both schedulers, so the median is not an artefact of one alignment.
            Thread.Sleep(random.Next(0, 1000));
            net.Order($"close {port}");
            (double? x, double? y) = Watch(a, b, port, present: false);
            Record(down, x, y);
            net.Order($"open {port}");
            (x, y) = Watch(a, b, port, present: true);
            Record(up, x, y);
            Console.WriteLine($"  trial {t + 1}: down LvsPS {Show(down.Ours.LastOrDefault(double.NaN))} keepalived {Show(down.Theirs.LastOrDefault(double.NaN))}; up LvsPS {Show(up.Ours.LastOrDefault(double.NaN))} keepalived {Show(up.Theirs.LastOrDefault(double.NaN))}");
            Thread.Sleep(1500);
        }
        Summary("detection (listener closed -> out of IPVS)", down.Ours, down.Theirs);
        Summary("recovery (listener open -> back in IPVS)", up.Ours, up.Theirs);
        engine.StopAsync(HealthStopMode.Leave).Wait();
    }

    private static void Record((List<double> Ours, List<double> Theirs) into, double? ours, double? theirs)
    {
        into.Ours.Add(ours ?? double.NaN);
        into.Theirs.Add(theirs ?? double.NaN);
    }

    /// <summary>Seconds until each table has (or lacks) the real server, or null after 20 s.</summary>
    private static (double?, double?) Watch(IpvsClient a, IpvsClient b, int port, bool present)
    {
        var sw = Stopwatch.StartNew();
        double? x = null, y = null;
        while ((x is null || y is null) && sw.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (x is null && Has(a, port) == present) x = sw.Elapsed.TotalSeconds;
            if (y is null && Has(b, port) == present) y = sw.Elapsed.TotalSeconds;
            Thread.Sleep(5);
        }
        return (x, y);
    }

    private static bool Has(IpvsClient c, int port) => c.GetRealServers(Key).Any(r => r.Port == port && r.Weight > 0);
    private static int Count(IpvsClient c) => c.GetVirtualService(Key, includeRealServers: false) is null ? 0 : c.GetRealServers(Key).Count;

    private static void Summary(string what, List<double> ours, List<double> theirs)
    {
        double[] x = ours.Where(double.IsFinite).Order().ToArray(), y = theirs.Where(double.IsFinite).Order().ToArray();
        int missedX = ours.Count - x.Length, missedY = theirs.Count - y.Length;
        Console.WriteLine($"{what}: LvsPS median {Show(Pct(x, 50))} (p10 {Show(Pct(x, 10))}, p90 {Show(Pct(x, 90))}, min {Show(x.FirstOrDefault(double.NaN))}, max {Show(x.LastOrDefault(double.NaN))}{(missedX > 0 ? $", {missedX} missed" : "")})"
            + $" vs keepalived median {Show(Pct(y, 50))} (p10 {Show(Pct(y, 10))}, p90 {Show(Pct(y, 90))}, min {Show(y.FirstOrDefault(double.NaN))}, max {Show(y.LastOrDefault(double.NaN))}{(missedY > 0 ? $", {missedY} missed" : "")})"
            + $" -> ratio LvsPS/keepalived {Pct(x, 50) / Pct(y, 50):F2}");
    }

    private static double Pct(double[] sorted, int p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Round(p / 100.0 * (sorted.Length - 1)))];
    private static string Show(double s) => double.IsFinite(s) ? $"{s:F2} s" : "-";

    private static HealthEngine Engine(string ns, int servers)
    {
        var timing = new HealthCheckTiming { Interval = TimeSpan.FromSeconds(1), ConnectTimeout = TimeSpan.FromSeconds(1), Retry = 1, DelayBeforeRetry = TimeSpan.FromSeconds(1) };
        var service = new HealthCheckedService(Key)
        {
            Timing = timing,
            RealServers = Enumerable.Range(FirstPort, servers).Select(p => new HealthCheckedRealServer(new RealServer { VirtualService = Key, Address = IPAddress.Parse(Server), Port = (ushort)p, Weight = 1 })
            {
                Checks = new HealthCheck[] { new TcpHealthCheck() },
            }).ToArray(),
        };
        var engine = new HealthEngine(new[] { service }, new HealthEngineOptions { Name = "bench", NetworkNamespace = ns, OpenIpvs = n => IpvsClient.Open(n) });
        engine.Start();
        return engine;
    }

    private static string Clocksource()
    {
        const string Path = "/sys/devices/system/clocksource/clocksource0/current_clocksource";
        return File.Exists(Path) ? File.ReadAllText(Path).Trim() : "?";
    }

    private static bool WaitUntil(TimeSpan limit, Func<bool> done)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < limit)
        {
            if (done()) return true;
            Thread.Sleep(200);
        }
        return done();
    }

    /// <summary>hbS (the real servers' listeners on one address), hbA and hbB (the two directors) on one bridge.</summary>
    private sealed class Topology : IDisposable
    {
        private readonly Process _server;

        public Topology(int ports)
        {
            Sh("modprobe ip_vs; ip link add hbbr type bridge && ip link set hbbr up");
            foreach ((string ns, string address) in new[] { ("hbS", Server), ("hbA", "10.60.0.1"), ("hbB", "10.60.0.3") })
            {
                Sh($"ip netns add {ns} && ip -n {ns} link set lo up && ip link add {ns}h type veth peer name eth0 netns {ns} && ip link set {ns}h master hbbr up"
                    + $" && ip -n {ns} link set eth0 up && ip -n {ns} addr add {address}/24 dev eth0");
            }
            foreach (string ns in new[] { "hbA", "hbB" })
                Sh($"ip -n {ns} addr add {Vip}/32 dev lo");
            string script = Path.Combine(Dir, "listeners.py");
            File.WriteAllText(script, Listeners);
            var psi = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true };
            foreach (string a in new[] { "netns", "exec", "hbS", "python3", script, Server, FirstPort.ToString(), ports.ToString() })
                psi.ArgumentList.Add(a);
            _server = Process.Start(psi)!;
            if (_server.StandardOutput.ReadLine() != "ready")
                throw new InvalidOperationException("the listeners did not start");
        }

        /// <summary>"close PORT" or "open PORT"; returns once the server did it.</summary>
        public void Order(string order)
        {
            _server.StandardInput.WriteLine(order);
            _server.StandardInput.Flush();
            _server.StandardOutput.ReadLine();
        }

        /// <summary>The service with <paramref name="servers"/> real servers, written with ipvsadm -R into a clean table.</summary>
        public void Table(string ns, int servers)
        {
            string rules = Path.Combine(Dir, $"{ns}-{servers}.rules");
            File.WriteAllLines(rules, Enumerable.Range(FirstPort, servers).Select(p => $"-a -t {Vip}:80 -r {Server}:{p} -m -w 1").Prepend($"-A -t {Vip}:80 -s wrr"));
            Sh($"ip netns exec {ns} ipvsadm -C && ip netns exec {ns} ipvsadm -R < {rules}");
        }

        public void Dispose()
        {
            try { _server.Kill(true); } catch (InvalidOperationException) { }
            foreach (string ns in new[] { "hbS", "hbA", "hbB" })
                Sh($"ip netns del {ns} 2>/dev/null; true");
            Sh("ip link del hbbr 2>/dev/null; true");
        }

        /// <summary>Listens on COUNT ports from FIRST, answers a GET with 200 and closes; stdin orders close/open a port.</summary>
        private const string Listeners = """
            import asyncio, sys
            address, first, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
            async def accepted(reader, writer):
                # A TCP check closes at once (end of file here); an HTTP check gets a 200 with a short body.
                try:
                    await reader.readuntil(b'\r\n\r\n')
                    writer.write(b'HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok')
                    await writer.drain()
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    pass
                writer.close()
            async def main():
                servers = {}
                for p in range(first, first + count):
                    servers[p] = await asyncio.start_server(accepted, address, p, backlog=64, reuse_address=True)
                print('ready', flush=True)
                loop = asyncio.get_running_loop()
                while True:
                    line = await loop.run_in_executor(None, sys.stdin.readline)
                    if not line:
                        return
                    verb, port = line.split()
                    port = int(port)
                    if verb == 'close':
                        servers[port].close()
                        await servers[port].wait_closed()
                    else:
                        servers[port] = await asyncio.start_server(accepted, address, port, backlog=64, reuse_address=True)
                    print('done', flush=True)
            asyncio.run(main())
            """;
    }

    private static void Sh(string script)
    {
        var psi = new ProcessStartInfo("sh") { UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        using var p = Process.Start(psi)!;
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"'{script}' exited {p.ExitCode}");
    }

    /// <summary>keepalived -C in hbB with the bench's checks (<see cref="KeepalivedConf"/>); its table starts empty (keepalived fills it).</summary>
    private sealed class Keepalived : IDisposable
    {
        private readonly Process _process;
        private readonly string _log;

        private Keepalived(Process process, string log) => (_process, _log) = (process, log);

        public string Log => File.Exists(_log) ? File.ReadAllText(_log) : "";

        public static Keepalived Start(Topology net, int servers, CheckKind kind)
        {
            Sh("ip netns exec hbB ipvsadm -C");
            string dir = Directory.CreateDirectory(Path.Combine(Dir, $"keepalived-{servers}-{kind}")).FullName;
            File.WriteAllText(Path.Combine(dir, "keepalived.conf"), KeepalivedConf(servers, kind));
            string log = Path.Combine(dir, "keepalived.log");
            var psi = new ProcessStartInfo("sh") { UseShellExecute = false };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add($"exec ip netns exec hbB keepalived -C -n -l -D -f {dir}/keepalived.conf -p {dir}/ka.pid -c {dir}/chk.pid -r {dir}/vrrp.pid > {log} 2>&1");
            var k = new Keepalived(Process.Start(psi)!, log) { _dir = dir };
            using IpvsClient b = IpvsClient.Open("hbB");
            if (!WaitUntil(TimeSpan.FromSeconds(120), () => Count(b) == servers))
                throw new InvalidOperationException($"keepalived did not fill its table ({Count(b)}/{servers}):\n{k.Log}");
            return k;
        }

        private string _dir = "";

        public int CheckerPid() => int.Parse(File.ReadAllText(Path.Combine(_dir, "chk.pid")).Trim());

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                Sh($"kill -TERM {_process.Id}");
                if (!_process.WaitForExit(20_000))
                    _process.Kill(true);
            }
            _process.Dispose();
        }
    }
}
