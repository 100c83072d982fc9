using System.Globalization;
using System.Net;
using LvsPS.Host.Tests.Infrastructure;
using LvsPS.Native.Vrrp;
using Xunit.Abstractions;

namespace LvsPS.Host.Tests;

/// <summary>
/// Not a timed test: the fail-over benchmark of issue 5, run with VRRP_BENCH=1 (trials:
/// VRRP_BENCH_TRIALS, 5; one scenario: VRRP_BENCH_ONLY=substring). A keepalived master
/// (priority 100) dies; the backup (priority 90) is LvsPS or keepalived with the same timers.
/// Both ends of the interval are packet timestamps from one observer (<see cref="PacketCapture"/>
/// on the bridge, kernel SO_TIMESTAMPNS): from the dead master's last advert on the wire (crash:
/// SIGSTOP, then SIGKILL of the VRRP child) or its priority-0 advert (graceful stop) to the
/// backup's first gratuitous ARP for the VIP. The kill → GARP time (the kill's wall clock, taken
/// before the kill commands are spawned) is logged per trial. A trial in which the backup was
/// master before the kill (10 ms timers on a loaded machine) is void and repeated, at most 3
/// times. Writes out/vrrp-bench.md.
/// </summary>
[Collection("vrrp")]
public sealed class FailoverBenchmark(ITestOutputHelper output)
{
    private sealed record Scenario(string Name, int Version, double Interval, bool Graceful);

    private sealed record Result(double FromLastAdvert, double FromKill);

    [SkippableFact]
    public void Failover_time_LvsPS_versus_keepalived()
    {
        Skip.IfNot(Environment.GetEnvironmentVariable("VRRP_BENCH") == "1", "the benchmark runs only with VRRP_BENCH=1 (minutes, not a pass/fail test)");
        HostFacts.RequireRootAndKeepalived();
        int trials = int.TryParse(Environment.GetEnvironmentVariable("VRRP_BENCH_TRIALS"), out int t) ? t : 5;
        var scenarios = new[]
        {
            new Scenario("v2 1 s, crash", 2, 1, false),
            new Scenario("v2 1 s, graceful", 2, 1, true),
            new Scenario("v3 0.1 s, crash", 3, 0.1, false),
            new Scenario("v3 0.1 s, graceful", 3, 0.1, true),
            new Scenario("v3 0.01 s, crash", 3, 0.01, false),
            new Scenario("v3 0.01 s, graceful", 3, 0.01, true),
        };
        var lines = new List<string>
        {
            $"Fail-over, ms from the master's last advert (crash) or priority-0 advert (graceful) to the backup's first GARP, packet timestamps; {trials} trials, min / median / max.",
            "",
            "| scenario | LvsPS backup | keepalived backup | median LvsPS / keepalived | theory |",
            "|---|---|---|---|---|",
        };
        string? only = Environment.GetEnvironmentVariable("VRRP_BENCH_ONLY");
        foreach (Scenario sc in scenarios.Where(x => only is null || x.Name.Contains(only, StringComparison.Ordinal)))
        {
            var lvs = new List<Result?>();
            var ka = new List<Result?>();
            for (int i = 0; i < trials; i++)
            {
                lvs.Add(Attempts(sc, lvsBackup: true));
                ka.Add(Attempts(sc, lvsBackup: false));
            }
            double skew = (sc.Version == 2 ? 1000 : sc.Interval * 1000) * (256 - 90) / 256.0;
            string theory = sc.Graceful ? $"skew {skew:0.#}" : $"3 × {sc.Interval * 1000:0.#} + skew = {3 * sc.Interval * 1000 + skew:0.#}";
            double? ratio = Median(lvs) / Median(ka);
            string line = $"| {sc.Name} | {Stats(lvs)} | {Stats(ka)} | {(ratio is double r ? r.ToString("0.00", CultureInfo.InvariantCulture) : "–")} | {theory} |";
            lines.Add(line);
            output.WriteLine(line);
        }
        string report = string.Join('\n', lines) + "\n";
        Directory.CreateDirectory(Path.Combine(Testing.PowerShellSession.RepoRoot, "out"));
        File.WriteAllText(Path.Combine(Testing.PowerShellSession.RepoRoot, "out", "vrrp-bench.md"), report);
        output.WriteLine(report);
    }

    private static double? Median(List<Result?> values)
    {
        var v = values.OfType<Result>().Select(r => r.FromLastAdvert).Order().ToArray();
        return v.Length == 0 ? null : v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    private static string Stats(List<Result?> values)
    {
        var v = values.OfType<Result>().Select(r => r.FromLastAdvert).Order().ToArray();
        if (v.Length == 0)
            return "no fail-over";
        string F(double x) => x.ToString("0.0", CultureInfo.InvariantCulture);
        return $"{F(v[0])} / {F(Median(values)!.Value)} / {F(v[^1])}{(v.Length < values.Count ? $" ({values.Count - v.Length} failed)" : "")}";
    }

    /// <summary>
    /// A trial, repeated (at most 3 times) when it was void: on a loaded machine a backup with
    /// 10 ms timers sometimes takes over before the kill, which measures nothing.
    /// </summary>
    private Result? Attempts(Scenario sc, bool lvsBackup)
    {
        for (int attempt = 0; attempt < 3; attempt++)
            if (Trial(sc, lvsBackup) is { } r)
                return r;
        return null;
    }

    /// <summary>One fail-over; null when the backup did not take over, took over before the kill, or the capture lacks an end.</summary>
    private Result? Trial(Scenario sc, bool lvsBackup)
    {
        string who = lvsBackup ? "LvsPS" : "keepalived";
        using var s = new Segment(2);
        using var capture = new PacketCapture(s.Bridge, "br0");
        using var master = new Keepalived(s.Node(1), HostFacts.KeepalivedInstance(s, 100, sc.Version, sc.Interval, state: "MASTER")).Start();
        if (!Sh.Eventually(() => s.HasAddress(1, s.Vip), TimeSpan.FromSeconds(15)))
        {
            output.WriteLine($"{sc.Name} {who}: the keepalived master did not come up");
            return null;
        }
        Keepalived? kaBackup = null;
        VrrpInstance? lvs = null;
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
            // Past the master's second GARP burst (vrrp_garp_master_delay 1) and a few adverts.
            Thread.Sleep(TimeSpan.FromSeconds(Math.Max(2, 3 * sc.Interval)));
            if (s.HasAddress(2, s.Vip))
            {
                output.WriteLine($"{sc.Name} {who}: the backup held the VIP before the kill");
                return null;
            }
            double killedAt = PacketCapture.UnixNow();
            if (sc.Graceful)
                master.Stop();
            else
                master.Crash();
            IPAddress vip = IPAddress.Parse(s.Vip), masterAddress = IPAddress.Parse(s.Address(1));
            CapturedFrame? garp = capture.WaitFor(f => f.IsGratuitousArp(vip), TimeSpan.FromSeconds(10 + 4 * sc.Interval), killedAt);
            if (garp is null)
            {
                output.WriteLine($"{sc.Name} {who}: no GARP within {10 + 4 * sc.Interval} s of the kill (VIP on the backup: {s.HasAddress(2, s.Vip)})");
                return null;
            }
            CapturedFrame? last = capture.Frames.LastOrDefault(f => f.Time < garp.Time && f.IsVrrpAdvertFrom(masterAddress)
                && (!sc.Graceful || (f.IsVrrpAdvert(out _, out _, out int p) && p == 0)));
            if (last is null)
            {
                output.WriteLine($"{sc.Name} {who}: no {(sc.Graceful ? "priority-0 " : "")}advert from the master before the GARP");
                return null;
            }
            IPAddress backupAddress = IPAddress.Parse(s.Address(2));
            if (capture.Frames.Any(f => f.Time < last.Time && f.IsVrrpAdvertFrom(backupAddress)))
            {
                output.WriteLine($"{sc.Name} {who}: void, the backup advertised (was master) before the master's last advert");
                return null;
            }
            var r = new Result((garp.Time - last.Time) * 1000, (garp.Time - killedAt) * 1000);
            output.WriteLine($"{sc.Name} {who}: {r.FromLastAdvert:0.0} ms from the last advert, {r.FromKill:0.0} ms from the kill (last advert {(last.Time - killedAt) * 1000:0.0} ms after the kill started)");
            return r;
        }
        finally
        {
            lvs?.Dispose();
            kaBackup?.Dispose();
        }
    }
}
