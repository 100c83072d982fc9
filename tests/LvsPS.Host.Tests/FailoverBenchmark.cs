using System.Diagnostics;
using System.Globalization;
using LvsPS.Host.Tests.Infrastructure;
using LvsPS.Native.Vrrp;
using Xunit.Abstractions;

namespace LvsPS.Host.Tests;

/// <summary>
/// Not a timed test: the fail-over benchmark of issue 5, run with VRRP_BENCH=1 (trials:
/// VRRP_BENCH_TRIALS, 5). A keepalived master (priority 100) dies; the backup (priority 90) is
/// LvsPS or keepalived with the same timers. Time is taken from the kill (crash: SIGSTOP, then
/// SIGKILL of the VRRP child) or from the priority-0 advert (graceful stop) to the backup's first
/// gratuitous ARP, both on the pcap clock (tcpdump on the bridge). When the capture misses the
/// packets after a crash (seen for both peers, cause unknown), the crash time falls back to
/// kill → VIP visible in 'ip addr' (10 ms polling, ≈+10–20 ms). Writes out/vrrp-bench.md.
/// </summary>
[Collection("vrrp")]
public sealed class FailoverBenchmark(ITestOutputHelper output)
{
    private sealed record Scenario(string Name, int Version, double Interval, bool Graceful);

    [SkippableFact]
    public void Failover_time_LvsPS_versus_keepalived()
    {
        Skip.IfNot(Environment.GetEnvironmentVariable("VRRP_BENCH") == "1", "the benchmark runs only with VRRP_BENCH=1 (minutes, not a pass/fail test)");
        HostFacts.RequireRootAndKeepalived();
        Skip.IfNot(Sh.Has("tcpdump"), "tcpdump is needed for packet timestamps");
        int trials = int.TryParse(Environment.GetEnvironmentVariable("VRRP_BENCH_TRIALS"), out int t) ? t : 5;
        var scenarios = new[]
        {
            new Scenario("v2 1 s, crash", 2, 1, false),
            new Scenario("v2 1 s, graceful", 2, 1, true),
            new Scenario("v3 0.1 s, crash", 3, 0.1, false),
            new Scenario("v3 0.01 s, crash", 3, 0.01, false),
            new Scenario("v3 0.01 s, graceful", 3, 0.01, true),
        };
        var lines = new List<string>
        {
            $"| scenario | LvsPS backup (ms, min / median / max) | keepalived backup (ms, min / median / max) | theory (ms) |",
            "|---|---|---|---|",
        };
        string? only = Environment.GetEnvironmentVariable("VRRP_BENCH_ONLY");
        foreach (Scenario sc in scenarios.Where(x => only is null || x.Name.Contains(only, StringComparison.Ordinal)))
        {
            var lvs = new List<double>();
            var ka = new List<double>();
            for (int i = 0; i < trials; i++)
            {
                lvs.Add(Trial(sc, lvsBackup: true));
                ka.Add(Trial(sc, lvsBackup: false));
            }
            double skew = (sc.Version == 2 ? 1000 : sc.Interval * 1000) * (256 - 90) / 256.0;
            // From the kill: Master_Down_Interval less the part of an interval since the last advert.
            string theory = sc.Graceful ? $"{skew:0.#}" : $"{2 * sc.Interval * 1000 + skew:0.#}–{3 * sc.Interval * 1000 + skew:0.#}";
            string line = $"| {sc.Name} | {Stats(lvs)} | {Stats(ka)} | {theory} |";
            lines.Add(line);
            output.WriteLine(line);
        }
        string report = string.Join('\n', lines) + "\n";
        Directory.CreateDirectory(Path.Combine(Testing.PowerShellSession.RepoRoot, "out"));
        File.WriteAllText(Path.Combine(Testing.PowerShellSession.RepoRoot, "out", "vrrp-bench.md"), report);
        output.WriteLine(report);
    }

    private static string Stats(List<double> values)
    {
        var v = values.Where(x => x >= 0).Order().ToArray();
        if (v.Length == 0)
            return "no fail-over";
        string F(double x) => x.ToString("0.0", CultureInfo.InvariantCulture);
        return $"{F(v[0])} / {F(v[v.Length / 2])} / {F(v[^1])}{(v.Length < values.Count ? $" ({values.Count - v.Length} failed)" : "")}";
    }

    /// <summary>One fail-over; returns milliseconds, or -1 when the backup did not take over.</summary>
    private double Trial(Scenario sc, bool lvsBackup)
    {
        using var s = new Segment(2);
        using var master = new Keepalived(s.Node(1), HostFacts.KeepalivedInstance(s, 100, sc.Version, sc.Interval, state: "MASTER")).Start();
        if (!Sh.Eventually(() => s.HasAddress(1, s.Vip), TimeSpan.FromSeconds(15)))
            return -1;
        Keepalived? kaBackup = null;
        VrrpInstance? lvs = null;
        string pcap = Path.Combine(Path.GetTempPath(), $"lvsps-bench-{Guid.NewGuid():N}.pcap");
        Process? tcpdump = null;
        try
        {
            if (lvsBackup)
            {
                lvs = VrrpInstance.Start(HostFacts.Options(s, 2, 90, sc.Version, sc.Interval));
                Sh.Eventually(() => lvs.Counters.AdvertisementsReceived >= 3, TimeSpan.FromSeconds(10));
            }
            else
            {
                kaBackup = new Keepalived(s.Node(2), HostFacts.KeepalivedInstance(s, 90, sc.Version, sc.Interval)).Start();
                Sh.Eventually(() => kaBackup.Log.Contains("Entering BACKUP STATE"), TimeSpan.FromSeconds(10));
            }
            Thread.Sleep(TimeSpan.FromSeconds(Math.Max(1, 3 * sc.Interval)));
            var info = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (string a in new[] { "netns", "exec", s.Bridge, "tcpdump", "-i", "br0", "-U", "-n", "-w", pcap, "arp or ip proto 112" })
                info.ArgumentList.Add(a);
            tcpdump = Process.Start(info)!;
            Thread.Sleep(1000);
            bool hadBefore = s.HasAddress(2, s.Vip);
            double killedAt = UnixNow();
            if (sc.Graceful)
                master.Stop();
            else
                master.Crash();
            double killDone = UnixNow();
            bool ok = Sh.Eventually(() => s.HasAddress(2, s.Vip), TimeSpan.FromSeconds(10), 10);
            double vipVisible = (UnixNow() - killedAt) * 1000;
            if (hadBefore)
                return -1;
            Thread.Sleep(300);
            Sh.Try("kill", "-INT", tcpdump.Id.ToString());
            tcpdump.WaitForExit(5000);
            if (!ok)
            {
                output.WriteLine($"{sc.Name} {(lvsBackup ? "LvsPS" : "keepalived")}: the backup did not take the VIP");
                return -1;
            }
            string text = Sh.Run("tcpdump", "-r", pcap, "-nn", "-tt");
            double start = killedAt;
            if (sc.Graceful)
            {
                string? stop = text.Split('\n').FirstOrDefault(l => l.Contains("prio 0,"));
                if (stop is null)
                    return -1;
                start = double.Parse(stop.Split(' ')[0], CultureInfo.InvariantCulture);
            }
            string? garp = text.Split('\n').FirstOrDefault(l => l.Contains($"who-has {s.Vip} ") && l.Contains($"tell {s.Vip}")
                && double.Parse(l.Split(' ')[0], CultureInfo.InvariantCulture) > start);
            if (garp is null)
            {
                // The bridge capture sometimes misses the packets after a crash (for both peers alike;
                // not understood yet): fall back to the kill -> VIP visible in 'ip addr' time (10 ms polling).
                output.WriteLine($"{sc.Name} {(lvsBackup ? "LvsPS" : "keepalived")}: {vipVisible:0.0} ms (VIP polling; no GARP in the capture)");
                return sc.Graceful ? -1 : vipVisible;
            }
            double ms = (double.Parse(garp.Split(' ')[0], CultureInfo.InvariantCulture) - start) * 1000;
            output.WriteLine($"{sc.Name} {(lvsBackup ? "LvsPS" : "keepalived")}: {ms:0.0} ms");
            return ms;
        }
        finally
        {
            if (tcpdump is { HasExited: false })
                tcpdump.Kill();
            lvs?.Dispose();
            kaBackup?.Dispose();
            File.Delete(pcap);
        }
    }

    private static double UnixNow() => (DateTime.UtcNow - DateTime.UnixEpoch).TotalSeconds;
}
