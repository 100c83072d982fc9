using System.Diagnostics;
using System.Text;
using LvsPS.Native.Configuration.Director;
using LvsPS.Native.Configuration.Keepalived;
using LvsPS.Native.Ipvs.InMemory;

namespace LvsPS.Bench;

/// <summary>
/// The phases of a reload (issue 13) on the host, no kernel: the in-memory IPVS stands in for it and counts the
/// dumps and batches the real client would send (scripts/bench-reload-phases.sh). The files are those of
/// lab/guest/bench-reload.sh: SERVICES virtual servers of 2 real servers, no checkers, of every 100 one changed in
/// turn (a weight, the scheduler, a real server replaced, the service replaced by another). Each phase runs TRIALS
/// times after one warm-up; the median is printed (milliseconds), with the first (cold) run.
/// Phases: read (the files and their lines: comments, includes, macros, braces), statements (words and blocks),
/// model (the whole read, to the DirectorConfiguration), plan (PlanReload: one service dump plus what the plan
/// reads of the kernel), reload (Reload: plan and apply) and back (the reload to the old file, as a warm one).
/// </summary>
internal static class ReloadBench
{
    public static void Run(string[] args)
    {
        int services = args.Length > 0 ? int.Parse(args[0]) : 10000;
        int trials = args.Length > 1 ? int.Parse(args[1]) : 5;
        string dir = Path.Combine(Path.GetTempPath(), $"lvsps-reload-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        try
        {
            string oldConf = Path.Combine(dir, "old.conf"), newConf = Path.Combine(dir, "new.conf");
            (string oldText, string newText) = Files(services);
            File.WriteAllText(oldConf, oldText);
            File.WriteAllText(newConf, newText);
            Console.WriteLine($"reload phases: {services} services, new.conf {newText.Count(c => c == '\n')} lines ({new FileInfo(newConf).Length:N0} bytes), " +
                $"{trials} trials, {Environment.ProcessorCount} cores, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");

            var options = new KeepalivedReadOptions();
            Phase("read (lines)", trials, () =>
            {
                var source = new KeepalivedSourceReader(options, new DiagnosticBag(options.MaxFindings));
                source.ReadFile(newConf);
                return source.Lines.Count;
            });
            var lines = new KeepalivedSourceReader(options, new DiagnosticBag(options.MaxFindings));
            lines.ReadFile(newConf);
            Phase("statements (words, blocks)", trials, () => KeepalivedStatementBuilder.Build(lines.Lines, new DiagnosticBag(options.MaxFindings), new WordPool()).Count);
            Phase("whole read (to the model)", trials, () =>
            {
                KeepalivedReadResult r = KeepalivedConfigurationReader.ReadFile(newConf, options);
                Check(!r.HasErrors && r.Configuration.VirtualServers.Count == services, $"new.conf read with errors or lost services: {string.Join("; ", r.Diagnostics.Take(3))}");
                return r.Configuration.VirtualServers.Count;
            });

            DirectorConfiguration old = KeepalivedConfigurationReader.ReadFile(oldConf, options).Configuration;
            DirectorConfiguration next = KeepalivedConfigurationReader.ReadFile(newConf, options).Configuration;
            var ipvs = new InMemoryIpvs();
            var run = new DirectorRunOptions { Name = "bench", OpenIpvs = _ => ipvs, DrainPoll = TimeSpan.FromHours(1) };
            RunningDirector director = RunningDirector.Start(old, run);
            try
            {
                (int dumps, int batches) = (ipvs.Dumps, ipvs.ApplyCalls);
                DirectorReloadPlan plan = director.PlanReload(next);
                Console.WriteLine($"  plan: {plan.Changes.Count} changes, {plan.Drains.Count} drains, {plan.Unchanged} unchanged; it read {ipvs.Dumps - dumps} dumps");
                // A reload reads its file afresh: the plan compares definitions it has not seen before (a definition
                // keeps what it was compared by, so the same objects twice would measure less than a reload does).
                Phase("plan (PlanReload), same objects", trials, () => director.PlanReload(next).Changes.Count);
                var plans = new List<Sample>();
                for (int i = 0; i <= trials; i++)
                {
                    DirectorConfiguration fresh = KeepalivedConfigurationReader.ReadFile(newConf, options).Configuration;
                    plans.Add(Measure(() => director.PlanReload(fresh)));
                }
                Print("plan (PlanReload)", plans);
                // Each reload goes to new.conf and back: both figures are of reloads with the same work.
                var forth = new List<Sample>();
                var back = new List<Sample>();
                for (int i = 0; i <= trials; i++)
                {
                    DirectorConfiguration fresh = KeepalivedConfigurationReader.ReadFile(newConf, options).Configuration;
                    DirectorConfiguration freshOld = KeepalivedConfigurationReader.ReadFile(oldConf, options).Configuration;
                    (dumps, batches) = (ipvs.Dumps, ipvs.ApplyCalls);
                    DirectorReloadResult? r = null;
                    forth.Add(Measure(() => r = director.Reload(fresh)));
                    Check(r!.Errors.Count == 0, $"reload refused: {string.Join("; ", r.Errors.Take(3))}");
                    if (i == 0)
                        Console.WriteLine($"  reload: {r.Plan.Changes.Count} changes sent in {ipvs.ApplyCalls - batches} batch(es), {ipvs.Dumps - dumps} dumps read");
                    back.Add(Measure(() => director.Reload(freshOld)));
                }
                Print("reload (Reload: plan and apply)", forth);
                Print("reload back to old.conf", back);
            }
            finally
            {
                director.StopAsync().GetAwaiter().GetResult();
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void Phase(string name, int trials, Func<int> work)
    {
        var samples = new List<Sample>();
        for (int i = 0; i <= trials; i++)
            samples.Add(Measure(() => work()));
        Print(name, samples);
    }

    /// <summary>Wall time, this thread's CPU time (the host is shared: wall time includes waiting for a core) and bytes allocated.</summary>
    private readonly record struct Sample(double WallMs, double CpuMs, long Bytes);

    private static Sample Measure(Action work)
    {
        long bytes = GC.GetAllocatedBytesForCurrentThread();
        double cpu = ThreadCpuMs();
        var sw = Stopwatch.StartNew();
        work();
        return new Sample(sw.Elapsed.TotalMilliseconds, ThreadCpuMs() - cpu, GC.GetAllocatedBytesForCurrentThread() - bytes);
    }

    private static void Print(string name, List<Sample> samples)
    {
        Sample cold = samples[0];
        Sample[] warm = samples.Skip(1).ToArray();
        static double Median(IEnumerable<double> xs) { double[] a = xs.Order().ToArray(); return a[a.Length / 2]; }
        Console.WriteLine($"  {name,-34} wall {Median(warm.Select(s => s.WallMs)),7:F1} ms, cpu {Median(warm.Select(s => s.CpuMs)),7:F1} ms (min {warm.Min(s => s.CpuMs):F1}), " +
            $"{Median(warm.Select(s => (double)s.Bytes)) / (1024 * 1024),6:F1} MiB allocated; cold: wall {cold.WallMs:F1} ms, cpu {cold.CpuMs:F1} ms");
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out Timespec time);

    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private static double ThreadCpuMs()
    {
        const int CLOCK_THREAD_CPUTIME_ID = 3;
        ClockGetTime(CLOCK_THREAD_CPUTIME_ID, out Timespec t);
        return t.Seconds * 1e3 + t.Nanoseconds / 1e6;
    }

    /// <summary>old.conf and new.conf as lab/guest/bench-reload.sh writes them.</summary>
    private static (string Old, string New) Files(int services)
    {
        const string head = "global_defs {\n  router_id bench\n}\n";
        var old = new StringBuilder(head);
        var next = new StringBuilder(head);
        int added = 0;
        for (int i = 0; i < services; i++)
        {
            string vip = $"10.{i / 250}.{i % 250}.1";
            int kind = i % 100 == 50 ? i / 100 % 4 : -1;
            VirtualServer(old, vip, "wrr", 1, "192.168.0.2");
            if (kind == 3)
                VirtualServer(next, $"10.200.{added++}.1", "wrr", 1, "192.168.0.2");
            else
                VirtualServer(next, vip, kind == 1 ? "rr" : "wrr", kind == 0 ? 2 : 1, kind == 2 ? "192.168.0.3" : "192.168.0.2");
        }
        return (old.ToString(), next.ToString());
    }

    private static void VirtualServer(StringBuilder conf, string vip, string scheduler, int firstWeight, string second)
        => conf.Append($"virtual_server {vip} 80 {{\n  protocol TCP\n  lb_algo {scheduler}\n  lb_kind DR\n  real_server 192.168.0.1 80 {{\n    weight {firstWeight}\n  }}\n  real_server {second} 80 {{\n    weight 1\n  }}\n}}\n");

    private static void Check(bool ok, string what)
    {
        if (!ok)
            throw new InvalidOperationException(what);
    }
}
