using System.Diagnostics;
using System.Globalization;
using LvsPS.Native.Configuration.Director;
using LvsPS.Native.Configuration.Keepalived;
using LvsPS.Native.Health;
using LvsPS.Native.Health.Engine;
using LvsPS.Native.Ipvs;

namespace LvsPS.Bench;

internal enum CheckKind { Tcp, Http }

/// <summary>
/// The scale part: every real server healthy, one side at a time for WINDOW seconds after a warm-up.
/// "engine": one HealthEngine over a table written with ipvsadm -R (TCP only); "director": a
/// RunningDirector started on the very keepalived.conf keepalived runs, as Start-LvsDirector does;
/// "keepalived": keepalived -C, measured on its checker process.
/// </summary>
internal static partial class HealthBench
{
    /// <summary>Before each window (BENCH_WARM seconds, default 15): the first probes, and the JIT's work, which is slow under emulation.</summary>
    private static readonly TimeSpan Warm = TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("BENCH_WARM"), out int s) ? s : 15);
    private static readonly Dictionary<CheckKind, (string Side, Figures Figures)> Ours = new();

    /// <summary>What one side used over the window; Late and Transitions are counts in the window.</summary>
    private readonly record struct Figures(double Cpu, long Rss, long Late, long Transitions);

    private static void Scale(Topology net, int checks, int window, string[] runs)
    {
        foreach (string run in runs)
        {
            string[] parts = run.Split('-');
            var kind = Enum.Parse<CheckKind>(parts[1], ignoreCase: true);
            switch (parts[0])
            {
                case "engine" when kind == CheckKind.Tcp:
                    ScaleEngine(net, checks, window);
                    break;
                case "director":
                    ScaleDirector(checks, window, kind);
                    break;
                case "keepalived":
                    ScaleKeepalived(net, checks, window, kind);
                    break;
                default:
                    throw new ArgumentException($"unknown scale run '{run}' (SIDE-KIND: engine-tcp, director-tcp|http, keepalived-tcp|http)");
            }
        }
    }

    private static void ScaleEngine(Topology net, int checks, int window)
    {
        net.Table("hbA", checks);
        using IpvsClient a = IpvsClient.Open("hbA");
        long rssBefore = SettledRss();
        using HealthEngine engine = Engine("hbA", checks);
        Figures f = MeasureOurs(() => new[] { engine }, window, rssBefore, out long probes, out TimeSpan maxLate, out double wall);
        Print("engine", CheckKind.Tcp, checks, window, f, probes, maxLate, wall, Count(a));
        engine.StopAsync(HealthStopMode.Leave).Wait();
        Ours[CheckKind.Tcp] = ("engine", f);
    }

    private static void ScaleDirector(int checks, int window, CheckKind kind)
    {
        Sh("ip netns exec hbA ipvsadm -C");
        KeepalivedReadResult read = KeepalivedConfigurationReader.Parse(KeepalivedConf(checks, kind), "keepalived.conf", Dir, new KeepalivedReadOptions());
        if (read.HasErrors)
            throw new InvalidOperationException(string.Join('\n', read.Diagnostics));
        long rssBefore = SettledRss();
        RunningDirector director = RunningDirector.Start(read.Configuration, new DirectorRunOptions { Name = "bench", NetworkNamespace = "hbA", OpenIpvs = n => IpvsClient.Open(n) });
        using IpvsClient a = IpvsClient.Open("hbA");
        Figures f = MeasureOurs(() => director.HealthEngines, window, rssBefore, out long probes, out TimeSpan maxLate, out double wall);
        Print("director", kind, checks, window, f, probes, maxLate, wall, Count(a));
        Console.WriteLine($"  director: {director.HealthEngines.Count} engines, {Process.GetCurrentProcess().Threads.Count} threads in the process");
        director.StopAsync().Wait();
        Ours[kind] = ("director", f);
    }

    private static long SettledRss()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using Process self = Process.GetCurrentProcess();
        return self.WorkingSet64;
    }

    /// <summary>Warm-up, then the window: the process's CPU (the bench itself sleeps), peak RSS, the engines' counters.</summary>
    private static Figures MeasureOurs(Func<IReadOnlyList<HealthEngine>> engines, int window, long rssBefore, out long probes, out TimeSpan maxLate, out double wall)
    {
        Thread.Sleep(Warm);
        using Process self = Process.GetCurrentProcess();
        HealthEngineStatistics[] s0 = engines().Select(e => e.GetStatus().Statistics).ToArray();
        self.Refresh();
        Dictionary<string, double> threads0 = DirectorHealthBench.ThreadCpu();
        TimeSpan cpu0 = self.TotalProcessorTime;
        long opens0 = ActiveOpens("hbA");
        var sw = Stopwatch.StartNew();
        long peakRss = 0;
        while (sw.Elapsed < TimeSpan.FromSeconds(window))
        {
            Thread.Sleep(1000);
            self.Refresh();
            peakRss = Math.Max(peakRss, self.WorkingSet64);
        }
        self.Refresh();
        wall = sw.Elapsed.TotalSeconds;
        double cpu = (self.TotalProcessorTime - cpu0).TotalSeconds / wall;
        Console.WriteLine($"  connects from hbA {(ActiveOpens("hbA") - opens0) / wall:F0}/s (the kernel's TCP ActiveOpens; a TCP or HTTP check is one)");
        Dictionary<string, double> threads1 = DirectorHealthBench.ThreadCpu();
        double seconds = wall;
        Console.WriteLine("  CPU by thread (% of one core): " + string.Join(", ", threads1.Select(t => (t.Key, Used: t.Value - threads0.GetValueOrDefault(t.Key)))
            .Where(t => t.Used > 0).OrderByDescending(t => t.Used).Select(t => $"{t.Key} {100 * t.Used / seconds:0.0}")));
        HealthEngineStatistics[] s1 = engines().Select(e => e.GetStatus().Statistics).ToArray();
        probes = s1.Sum(s => s.ProbesCompleted) - s0.Sum(s => s.ProbesCompleted);
        maxLate = s1.Max(s => s.MaxLateness);
        return new Figures(cpu, peakRss - rssBefore, s1.Sum(s => s.LateProbes) - s0.Sum(s => s.LateProbes), s1.Sum(s => s.Transitions) - s0.Sum(s => s.Transitions));
    }

    private static void Print(string side, CheckKind kind, int checks, int window, Figures f, long probes, TimeSpan maxLate, double wall, int inTable)
        => Console.WriteLine($"scale LvsPS {side} {kind} ({checks} checks, {window} s): CPU {f.Cpu * 100:F1}% of one core (process, bench idle), RSS +{f.Rss / 1048576.0:F0} MiB, "
            + $"GC heap {GC.GetTotalMemory(false) / 1048576.0:F0} MiB, {probes} probes ({probes / wall:F0}/s, expected {checks}/s), "
            + $"late > 100 ms {f.Late} ({100.0 * f.Late / Math.Max(1, probes):F2}%), max lateness since start {maxLate.TotalMilliseconds:F0} ms, false transitions {f.Transitions}, {inTable}/{checks} in IPVS");

    private static void ScaleKeepalived(Topology net, int checks, int window, CheckKind kind)
    {
        using Keepalived keepalived = Keepalived.Start(net, checks, kind);
        using IpvsClient b = IpvsClient.Open("hbB");
        Thread.Sleep(Warm);
        int pid = keepalived.CheckerPid();
        long logStart = keepalived.Log.Length;
        double t0 = CpuSeconds(pid);
        long opens0 = ActiveOpens("hbB");
        var sw = Stopwatch.StartNew();
        long peakRss = 0;
        while (sw.Elapsed < TimeSpan.FromSeconds(window))
        {
            Thread.Sleep(1000);
            peakRss = Math.Max(peakRss, RssBytes(pid));
        }
        double cpu = (CpuSeconds(pid) - t0) / sw.Elapsed.TotalSeconds;
        double connects = (ActiveOpens("hbB") - opens0) / sw.Elapsed.TotalSeconds;
        string log = keepalived.Log[(int)Math.Min(logStart, keepalived.Log.Length)..];
        int late = log.Split('\n').Count(l => l.Contains("thread timer expired", StringComparison.Ordinal));
        int transitions = log.Split('\n').Count(l => new[] { "Removing service", "Adding service", "Enabling service", "Disabling service" }.Any(w => l.Contains(w, StringComparison.Ordinal)));
        Console.WriteLine($"scale keepalived {kind} ({checks} checks, {window} s): CPU {cpu * 100:F1}% of one core (checker process), RSS {peakRss / 1048576.0:F0} MiB, "
            + $"'thread timer expired' (late) lines {late}, false transitions {transitions}, {Count(b)}/{checks} in IPVS, connects {connects:F0}/s (expected {checks}/s)");
        if (Ours.TryGetValue(kind, out var ours))
            Console.WriteLine($"scale ratios {kind} LvsPS {ours.Side}/keepalived: CPU {ours.Figures.Cpu / Math.Max(cpu, 1e-9):F2}x, memory {ours.Figures.Rss / (double)Math.Max(peakRss, 1):F2}x "
                + $"(LvsPS's increase vs the checker's whole RSS); late LvsPS {ours.Figures.Late} vs keepalived {late}; false transitions {ours.Figures.Transitions} vs {transitions}");
    }

    /// <summary>The TCP connects made so far from namespace <paramref name="ns"/> (ActiveOpens in its /proc/net/snmp): keepalived's own check rate.</summary>
    private static long ActiveOpens(string ns)
    {
        var psi = new ProcessStartInfo("ip", ["netns", "exec", ns, "cat", "/proc/net/snmp"]) { RedirectStandardOutput = true };
        using Process p = Process.Start(psi)!;
        string[] tcp = p.StandardOutput.ReadToEnd().Split('\n').Where(l => l.StartsWith("Tcp:", StringComparison.Ordinal)).ToArray();
        p.WaitForExit();
        return long.Parse(tcp[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[Array.IndexOf(tcp[0].Split(' ', StringSplitOptions.RemoveEmptyEntries), "ActiveOpens")], CultureInfo.InvariantCulture);
    }

    /// <summary>The one configuration both sides run: a virtual server with CHECKS real servers, delay_loop 1, connect_timeout 1, retry 1, delay_before_retry 1.</summary>
    private static string KeepalivedConf(int servers, CheckKind kind)
    {
        string check = kind == CheckKind.Tcp
            ? "TCP_CHECK {\n            connect_timeout 1\n            retry 1\n            delay_before_retry 1\n        }"
            : "HTTP_GET {\n            url {\n                path /\n                status_code 200\n            }\n            connect_timeout 1\n            retry 1\n            delay_before_retry 1\n        }";
        string realServers = string.Concat(Enumerable.Range(FirstPort, servers).Select(p => string.Create(CultureInfo.InvariantCulture, $$"""
                real_server {{Server}} {{p}} {
                    weight 1
                    {{check}}
                }

            """)));
        return $$"""
            global_defs {
                router_id bench
            }
            virtual_server {{Vip}} 80 {
                delay_loop 1
                lb_algo wrr
                lb_kind NAT
                protocol TCP
            {{realServers}}
            }

            """;
    }

    private static double CpuSeconds(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string[] f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(f[11]) + long.Parse(f[12])) / 100.0; // utime, stime in clock ticks (USER_HZ 100)
    }

    private static long RssBytes(int pid)
        => File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024).FirstOrDefault();
}
