using System.Diagnostics;
using System.Globalization;
using System.Text;
using LvsPS.Native.Configuration.Director;
using LvsPS.Native.Configuration.Keepalived;
using LvsPS.Native.Health.Engine;
using LvsPS.Native.Ipvs.InMemory;

namespace LvsPS.Bench;

/// <summary>
/// "director-health NS [SERVICES] [WINDOW]" (issue 12), on the host: a director in network namespace NS
/// with SERVICES virtual servers, each with one real server checked by TCP_CHECK (delay_loop 1) on
/// its own port of 127.0.0.1 from 20000 on, where scripts/bench-director-health.sh runs a listener
/// that accepts and closes. IPVS is the in-memory one (this host's kernel has none); the probes,
/// threads and loops are real. Prints what the director adds to the process: threads, start time,
/// CPU (% of one core) over WINDOW seconds, resident memory, and the probes completed per second.
/// </summary>
internal static class DirectorHealthBench
{
    public const int BasePort = 20000;

    public static void Run(string[] args)
    {
        string ns = args[0];
        int services = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000;
        int window = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20;
        // "services": SERVICES virtual servers of one real server each (an engine each); "one": one virtual server with SERVICES real servers (one engine, as the lab's bench).
        bool one = args.Length > 3 && args[3] == "one";
        KeepalivedReadResult read = KeepalivedConfigurationReader.Parse(one ? ConfOne(services) : Conf(services), "keepalived.conf", Path.GetTempPath(), new KeepalivedReadOptions());
        if (read.HasErrors)
            throw new InvalidOperationException(string.Join('\n', read.Diagnostics));

        // The same code paths warmed once (JIT), with one service, before anything is measured.
        RunningDirector warm = RunningDirector.Start(KeepalivedConfigurationReader.Parse(Conf(1), "keepalived.conf", Path.GetTempPath(), new KeepalivedReadOptions()).Configuration,
            new DirectorRunOptions { Name = "warm", NetworkNamespace = ns, OpenIpvs = new InMemoryIpvsNamespaces().Open });
        Thread.Sleep(2500);
        warm.StopAsync().Wait();
        Thread.Sleep(500);

        using Process self = Process.GetCurrentProcess();
        Settle();
        int threads0 = Threads();
        long rss0 = Rss();
        var sw = Stopwatch.StartNew();
        RunningDirector director = RunningDirector.Start(read.Configuration, new DirectorRunOptions { Name = "bench", NetworkNamespace = ns, OpenIpvs = new InMemoryIpvsNamespaces().Open });
        double start = sw.Elapsed.TotalSeconds;
        // Every first probe is due within 1 s + delay_loop of the start; then steady state.
        Thread.Sleep(3000);
        IReadOnlyList<HealthEngine> engines = director.HealthEngines;
        self.Refresh();
        Dictionary<string, double> threadCpu0 = ThreadCpu();
        TimeSpan cpu0 = self.TotalProcessorTime;
        long probes0 = engines.Sum(e => e.GetStatus().Statistics.ProbesCompleted);
        long late0 = engines.Sum(e => e.GetStatus().Statistics.LateProbes);
        var measured = Stopwatch.StartNew();
        Thread.Sleep(TimeSpan.FromSeconds(window));
        self.Refresh();
        double cpu = (self.TotalProcessorTime - cpu0).TotalSeconds;
        Dictionary<string, double> threadCpu1 = ThreadCpu();
        var statuses = engines.Select(e => e.GetStatus()).ToArray();
        double wall = measured.Elapsed.TotalSeconds;
        long probes = statuses.Sum(s => s.Statistics.ProbesCompleted) - probes0;
        long late = statuses.Sum(s => s.Statistics.LateProbes) - late0;
        int up = statuses.Count(s => s.Services.All(v => v.RealServers.All(r => r.State == LvsPS.Native.Health.HealthState.Up)));
        TimeSpan maxLate = statuses.Max(s => s.Statistics.MaxLateness);
        int threads1 = Threads();
        long rss1 = Rss();
        sw.Restart();
        director.StopAsync().Wait();
        double stop = sw.Elapsed.TotalSeconds;

        Console.WriteLine($"director-health: {services} virtual servers, TCP_CHECK delay_loop 1, namespace {ns}, {Environment.ProcessorCount} processors, window {wall:0.0} s");
        Console.WriteLine($"  engines {engines.Count}, all real servers up in {up}");
        Console.WriteLine($"  threads     +{threads1 - threads0} (process {threads1})");
        Console.WriteLine($"  start       {start:0.00} s");
        Console.WriteLine($"  cpu         {100 * cpu / wall:0.0} % of one core");
        Console.WriteLine($"  rss         +{(rss1 - rss0) / 1048576.0:0.0} MiB (process {rss1 / 1048576.0:0.0} MiB)");
        Console.WriteLine($"  probes/s    {probes / wall:0} (ideal {services / 1.0:0}: one per delay_loop after each answer)");
        Console.WriteLine($"  late probes {late} in the window (>= 100 ms), max lateness since start {maxLate.TotalMilliseconds:0} ms");
        Console.WriteLine($"  stop        {stop:0.00} s");
        Console.WriteLine($"  cpu per probe {1e6 * cpu / Math.Max(1, probes):0} us; by thread (kind: % of one core):");
        foreach ((string name, double seconds) in threadCpu1.Select(t => (t.Key, t.Value - threadCpu0.GetValueOrDefault(t.Key))).Where(t => t.Item2 > 0).OrderByDescending(t => t.Item2))
            Console.WriteLine($"    {name,-24} {100 * seconds / wall:0.0}");
    }

    private static string ConfOne(int servers)
    {
        var text = new StringBuilder("virtual_server 10.100.0.1 80 {\n  delay_loop 1\n  lb_algo rr\n  lb_kind NAT\n  protocol TCP\n");
        for (int i = 0; i < servers; i++)
            text.Append(CultureInfo.InvariantCulture, $"  real_server 127.0.0.1 {BasePort + i} {{\n    weight 1\n    TCP_CHECK {{\n      connect_timeout 3\n    }}\n  }}\n");
        return text.Append("}\n").ToString();
    }

    private static string Conf(int services)
    {
        var text = new StringBuilder();
        for (int i = 0; i < services; i++)
            text.Append(CultureInfo.InvariantCulture, $$"""
                virtual_server 10.{{100 + i / 250}}.0.{{1 + i % 250}} 80 {
                  delay_loop 1
                  lb_algo rr
                  lb_kind NAT
                  protocol TCP
                  real_server 127.0.0.1 {{BasePort + i}} {
                    weight 1
                    TCP_CHECK {
                      connect_timeout 3
                    }
                  }
                }

                """);
        return text.ToString();
    }

    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Thread.Sleep(500);
    }

    /// <summary>CPU seconds (user + system; "NAME (sys)" the system part) of this process's threads, summed by name with digits dropped (the loops, the thread pool's workers, the socket engine...).</summary>
    internal static Dictionary<string, double> ThreadCpu()
    {
        var byKind = new Dictionary<string, double>();
        foreach (string task in Directory.GetDirectories("/proc/self/task"))
        {
            try
            {
                string stat = File.ReadAllText(Path.Combine(task, "stat"));
                int open = stat.IndexOf('('), close = stat.LastIndexOf(')');
                string name = new string(stat[(open + 1)..close].Where(c => !char.IsDigit(c)).ToArray()).TrimEnd('-', ' ');
                string[] f = stat[(close + 2)..].Split(' ');
                double user = long.Parse(f[11], CultureInfo.InvariantCulture) / 100.0, system = long.Parse(f[12], CultureInfo.InvariantCulture) / 100.0;
                byKind[name] = byKind.GetValueOrDefault(name) + user + system;
                byKind[name + " (sys)"] = byKind.GetValueOrDefault(name + " (sys)") + system;
            }
            catch (IOException)
            {
                // The thread ended between the listing and the read.
            }
        }
        return byKind;
    }

    private static int Threads() => Directory.GetDirectories("/proc/self/task").Length;

    private static long Rss()
    {
        string line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }
}
