using LvsPS.Native.Health;
using static LvsPS.Tests.Health.HealthSim;

namespace LvsPS.Tests.Health;

/// <summary>keepalived-check.md §6: each checker's up/down rules, with a virtual clock.</summary>
public sealed class HealthCheckerRulesTests
{
    private static HealthCheckedService Service(HealthCheckTiming timing, params HealthCheckedRealServer[] rs)
        => new(Vs) { RealServers = rs, Timing = timing };

    [Fact]
    public void Every_real_server_is_put_into_IPVS_at_start_before_any_probe()
    {
        var sim = new HealthSim(Service(Timing(), Checked("10.0.0.7", 2), Checked("10.0.0.8", 3)));
        sim.Start();
        Assert.Equal("10.0.0.7:80=2 10.0.0.8:80=3", sim.TableText());
        Assert.Empty(sim.Probes);
        Assert.Equal(S(1), sim.Monitor.NextDeadline);
    }

    [Fact]
    public void The_first_ever_failure_takes_the_check_down_at_once_without_retries()
    {
        var sim = new HealthSim(Service(Timing(interval: 5, retry: 3, delayBeforeRetry: 1), Checked("10.0.0.7"), Checked("10.0.0.8")))
        {
            Respond = Down((a, _) => a == "10.0.0.7"),
        };
        sim.Start();
        sim.RunUntil(S(1));
        Assert.Equal("10.0.0.8:80=1", sim.TableText());
        Assert.Equal(S(1), Assert.Single(sim.Changes, c => c.Change.Kind == HealthIpvsChangeKind.RemoveRealServer).At);
    }

    [Fact]
    public void A_passing_check_goes_down_after_retry_plus_one_failures_spaced_by_delay_before_retry()
    {
        var sim = new HealthSim(Service(Timing(interval: 2, retry: 2, delayBeforeRetry: 0.5), Checked("10.0.0.7", 1, new PingHealthCheck())))
        {
            Respond = Down((_, t) => t >= S(4)),
        };
        sim.Start();
        sim.RunUntil(S(12.5));
        Assert.Equal(new[] { S(1), S(3), S(5), S(5.5), S(6), S(8), S(10), S(12) }, sim.ProbeTimes("10.0.0.7"));
        Assert.Equal(S(6), Assert.Single(sim.Changes, c => c.Change.Kind == HealthIpvsChangeKind.RemoveRealServer).At);
        Assert.Equal("", sim.TableText());
    }

    [Fact]
    public void A_down_TCP_check_still_alternates_retries_with_the_interval_as_keepalived_227()
    {
        var sim = new HealthSim(Service(Timing(interval: 2, retry: 2, delayBeforeRetry: 0.5), Checked("10.0.0.7")))
        {
            Respond = Down((_, t) => t >= S(4)),
        };
        sim.Start();
        sim.RunUntil(S(11));
        // Down at 6 (as any type); then 8, 8.5, 9 (retries while down), 11.
        Assert.Equal(new[] { S(1), S(3), S(5), S(5.5), S(6), S(8), S(8.5), S(9), S(11) }, sim.ProbeTimes("10.0.0.7"));
    }

    [Fact]
    public void One_success_brings_a_down_check_back()
    {
        var sim = new HealthSim(Service(Timing(interval: 2, retry: 1, delayBeforeRetry: 1), Checked("10.0.0.7", 4, new PingHealthCheck())))
        {
            Respond = Down((_, t) => t < S(6)),
        };
        sim.Start();
        sim.RunUntil(S(7));
        Assert.Equal("10.0.0.7:80=4", sim.TableText());
        Assert.Equal(new[] { (S(1), HealthIpvsChangeKind.RemoveRealServer), (S(7), HealthIpvsChangeKind.AddRealServer) },
            sim.Changes.Select(c => (c.At, c.Change.Kind)));
    }

    [Fact]
    public void The_first_probe_runs_one_second_plus_a_random_part_of_warmup_after_start()
    {
        var service = Service(Timing(interval: 3, warmup: 10), Checked("10.0.0.7"));
        var sim = new HealthSim(service, random: 0.25);
        sim.Start();
        Assert.Equal(S(1 + 2.5), sim.Monitor.NextDeadline);
        var noWarmup = new HealthSim(service with { Timing = Timing(interval: 3, warmup: 0) }, random: 0.9);
        noWarmup.Start();
        Assert.Equal(S(1), noWarmup.Monitor.NextDeadline);
    }

    [Fact]
    public void Warmup_defaults_to_the_interval()
    {
        var sim = new HealthSim(new HealthCheckedService(Vs) { RealServers = new[] { Checked("10.0.0.7") }, Timing = new() { Interval = S(4) } }, random: 0.5);
        sim.Start();
        Assert.Equal(S(1 + 2), sim.Monitor.NextDeadline);
    }

    [Fact]
    public void Alpha_keeps_the_real_server_out_until_its_first_success()
    {
        var sim = new HealthSim(Service(Timing(alpha: true), Checked("10.0.0.7", 5)));
        sim.Start();
        Assert.Equal("", sim.TableText());
        sim.RunUntil(S(1));
        Assert.Equal("10.0.0.7:80=5", sim.TableText());
    }

    [Fact]
    public void Alpha_with_inhibit_starts_at_weight_0_and_gets_its_weight_on_success()
    {
        var sim = new HealthSim(Service(Timing(alpha: true), Checked("10.0.0.7", 5)) with { InhibitOnFailure = true });
        sim.Start();
        Assert.Equal("10.0.0.7:80=0", sim.TableText());
        sim.RunUntil(S(1));
        Assert.Equal("10.0.0.7:80=5", sim.TableText());
        Assert.Equal(HealthIpvsChangeKind.SetWeight, sim.Changes[^1].Change.Kind);
    }

    [Fact]
    public void Alpha_first_failure_confirms_down_and_runs_notify_down_once()
    {
        var down = new ExecutableHealthCommand(new[] { "/bin/true", "down" });
        var rs = Checked("10.0.0.7") with { NotifyDown = down };
        var sim = new HealthSim(Service(Timing(alpha: true, interval: 1), rs)) { Respond = Down((_, _) => true) };
        sim.Start();
        sim.RunUntil(S(3.5));
        Assert.Equal(3, sim.ProbeTimes("10.0.0.7").Length);
        Assert.Equal(S(1), Assert.Single(sim.Notifications).At);
        Assert.Empty(sim.Changes);
    }

    [Fact]
    public void A_down_UDP_or_PING_check_is_probed_at_the_interval_only()
    {
        var sim = new HealthSim(Service(Timing(interval: 3, retry: 2, delayBeforeRetry: 1), Checked("10.0.0.7", 1, new UdpHealthCheck())))
        {
            Respond = Down((_, _) => true),
        };
        sim.Start();
        sim.RunUntil(S(10));
        Assert.Equal(new[] { S(1), S(4), S(7), S(10) }, sim.ProbeTimes("10.0.0.7"));
    }

    [Fact]
    public void Http_checks_one_url_per_interval_retries_a_failed_url_alone_then_all_from_the_first()
    {
        var http = new HttpHealthCheck { Urls = new[] { new HttpUrl("/a"), new HttpUrl("/b"), new HttpUrl("/c") } };
        var sim = new HealthSim(Service(Timing(interval: 2, retry: 1, delayBeforeRetry: 1), Checked("10.0.0.7", 1, http)))
        {
            Respond = By((p, t) => !(p.UrlIndex == 1 && t >= S(8) && t < S(15))),
        };
        sim.Start();
        sim.RunUntil(S(23));
        string Url(int? i) => ((HttpHealthCheck)sim.Probes[0].Probe.Check.Check).Urls[i!.Value].Path;
        Assert.Equal(
            "1/a 3/b 5/c 7/a 9/b 10/b 12/b 14/b 16/b 18/a 20/b 22/c",
            string.Join(' ', sim.Probes.Select(p => $"{p.At.TotalSeconds}{Url(p.Probe.UrlIndex)}")));
        Assert.Equal(new[] { (S(10), HealthIpvsChangeKind.RemoveRealServer), (S(22), HealthIpvsChangeKind.AddRealServer) },
            sim.Changes.Select(c => (c.At, c.Change.Kind)));
    }

    [Fact]
    public void Http_retries_use_delay_before_retry_and_the_failed_url_waits_the_longer_of_both()
    {
        var http = new HttpHealthCheck { Urls = new[] { new HttpUrl("/") } };
        var sim = new HealthSim(Service(Timing(interval: 2, retry: 1, delayBeforeRetry: 5), Checked("10.0.0.7", 1, http)))
        {
            Respond = Down((_, t) => t >= S(2)),
        };
        sim.Start();
        sim.RunUntil(S(20));
        // pass at 1; fail at 3, retry 5 s later at 8 (down); failed url every max(2, 5) = 5 s.
        Assert.Equal(new[] { S(1), S(3), S(8), S(13), S(18) }, sim.ProbeTimes("10.0.0.7"));
    }

    [Fact]
    public void Http_fast_recovery_checks_the_urls_without_waiting_while_not_up()
    {
        var urls = new[] { new HttpUrl("/a"), new HttpUrl("/b"), new HttpUrl("/c") };
        var slow = new HealthSim(Service(Timing(interval: 2, alpha: true), Checked("10.0.0.7", 1, new HttpHealthCheck { Urls = urls })));
        slow.Start();
        slow.RunUntil(S(6));
        Assert.Equal(S(5), Assert.Single(slow.Changes).At);
        var fast = new HealthSim(Service(Timing(interval: 2, alpha: true), Checked("10.0.0.7", 1, new HttpHealthCheck { Urls = urls, FastRecovery = true })));
        fast.Start();
        fast.RunUntil(S(6));
        Assert.Equal(S(1), Assert.Single(fast.Changes).At);
    }

    [Fact]
    public void Http_startup_pass_needs_every_url_and_one_failure_in_it_is_enough()
    {
        var http = new HttpHealthCheck { Urls = new[] { new HttpUrl("/a"), new HttpUrl("/b") } };
        var sim = new HealthSim(Service(Timing(interval: 2, retry: 3, delayBeforeRetry: 1), Checked("10.0.0.7", 1, http)))
        {
            Respond = By((p, _) => p.UrlIndex == 0),
        };
        sim.Start();
        sim.RunUntil(S(3));
        Assert.Equal(S(3), Assert.Single(sim.Changes).At);
    }

    [Fact]
    public void Script_exit_codes_follow_keepalived()
    {
        Assert.True(HealthRules.ScriptPasses(0, dynamic: false));
        Assert.False(HealthRules.ScriptPasses(1, dynamic: true));
        Assert.False(HealthRules.ScriptPasses(2, dynamic: false));
        Assert.True(HealthRules.ScriptPasses(2, dynamic: true));
        Assert.True(HealthRules.ScriptPasses(255, dynamic: true));
        Assert.False(HealthRules.ScriptPasses(null, dynamic: true));
        Assert.Equal(0, HealthRules.ScriptWeight(2));
        Assert.Equal(253, HealthRules.ScriptWeight(255));
        Assert.Null(HealthRules.ScriptWeight(0));
    }

    [Fact]
    public void A_script_runs_start_to_start_and_its_default_retry_is_0()
    {
        var script = new ScriptHealthCheck(new ExecutableHealthCommand(new[] { "/bin/true" }));
        var sim = new HealthSim(Service(Timing(interval: 3), Checked("10.0.0.7", 1, script)))
        {
            Latency = S(1),
            Respond = (p, t) => new ProbeResult(p.CheckId, false, null, S(1), ExitCode: t >= S(3) ? 1 : 0),
        };
        sim.Start();
        sim.RunUntil(S(8));
        Assert.Equal(new[] { S(1), S(4), S(7) }, sim.Probes.Select(p => p.At));
        // The 4 s run exits 1 at 5 s: down at once (retry 0).
        Assert.Equal(S(5), Assert.Single(sim.Changes).At);
    }

    [Fact]
    public void A_script_that_times_out_fails()
    {
        var script = new ScriptHealthCheck(new ExecutableHealthCommand(new[] { "/bin/true" })) { Dynamic = true };
        var sim = new HealthSim(Service(Timing(interval: 3), Checked("10.0.0.7", 1, script)))
        {
            Respond = (p, _) => new ProbeResult(p.CheckId, false, "timed out", S(3), ExitCode: null),
        };
        sim.Start();
        sim.RunUntil(S(1));
        Assert.Equal(HealthIpvsChangeKind.RemoveRealServer, Assert.Single(sim.Changes).Change.Kind);
    }

    [Fact]
    public void A_dynamic_script_sets_the_weight_to_exit_minus_2_and_exit_0_restores_the_configured_weight()
    {
        var script = new ScriptHealthCheck(new ExecutableHealthCommand(new[] { "/bin/true" })) { Dynamic = true };
        int[] codes = { 7, 7, 2, 0 };
        int run = 0;
        var sim = new HealthSim(Service(Timing(interval: 1), Checked("10.0.0.7", 10, script)))
        {
            Respond = (p, _) => new ProbeResult(p.CheckId, false, null, TimeSpan.Zero, ExitCode: codes[Math.Min(run++, codes.Length - 1)]),
        };
        sim.Start();
        var seen = new List<string>();
        for (int t = 1; t <= 4; t++)
        {
            sim.RunUntil(S(t));
            seen.Add(sim.TableText());
        }
        Assert.Equal(new[] { "10.0.0.7:80=5", "10.0.0.7:80=5", "10.0.0.7:80=0", "10.0.0.7:80=10" }, seen);
        // exit 7 twice: one weight change only (keepalived acts on a changed exit code).
        Assert.Equal(3, sim.Changes.Count(c => c.Change.Kind == HealthIpvsChangeKind.SetWeight));
    }

    [Fact]
    public void A_file_adds_value_times_weight_and_a_fault_takes_the_real_server_down()
    {
        var file = new FileHealthCheck("/run/weight") { Weight = 2 };
        var sim = new HealthSim(Service(Timing(interval: 60), Checked("10.0.0.7", 10, file)));
        sim.Start(_ => 3);
        Assert.Equal("10.0.0.7:80=16", sim.TableText());
        sim.Apply(sim.Monitor.FileChanged(sim.Now, 0, -5));
        Assert.Equal("10.0.0.7:80=0", sim.TableText());
        sim.Apply(sim.Monitor.FileChanged(sim.Now, 0, int.MinValue));
        Assert.Equal("", sim.TableText());
        sim.Apply(sim.Monitor.FileChanged(sim.Now, 0, 1));
        Assert.Equal("10.0.0.7:80=12", sim.TableText());
    }

    [Theory]
    [InlineData(0L, 0, false, 0)]
    [InlineData(1L, 0, false, int.MinValue)]
    [InlineData(0L, 0, true, int.MinValue)]
    [InlineData(7L, 0, true, 0)]
    [InlineData(3L, 5, false, 15)]
    [InlineData(3L, 5, true, -15)]
    [InlineData(3_000_000_000L, 1, false, int.MaxValue)]
    [InlineData(-3_000_000_000L, 1, false, int.MinValue)]
    public void File_status_follows_keepalived(long value, int weight, bool reverse, int expected)
        => Assert.Equal(expected, HealthRules.FileStatus(value, weight, reverse));

    [Theory]
    [InlineData("42\n", 42L)]
    [InlineData("  -7 trailing", -7L)]
    [InlineData("0x1f", 31L)]
    [InlineData("010", 8L)]
    [InlineData("abc", 0L)]
    [InlineData("", 0L)]
    [InlineData("2147483648", 2147483648L)]
    [InlineData("99999999999", null)]
    public void File_numbers_read_like_strtol_base_0(string text, long? expected)
        => Assert.Equal(expected, HealthRules.ParseFileValue(text));

    [Fact]
    public void A_file_that_starts_in_fault_keeps_the_real_server_out()
    {
        var file = new FileHealthCheck("/run/flag") { Weight = 0 };
        var sim = new HealthSim(Service(Timing(), Checked("10.0.0.7", 1, file), Checked("10.0.0.8")));
        sim.Start(_ => 1);
        Assert.Equal("10.0.0.8:80=1", sim.TableText());
        sim.Apply(sim.Monitor.FileChanged(sim.Now, 0, 0));
        Assert.Equal("10.0.0.7:80=1 10.0.0.8:80=1", sim.TableText());
    }

    [Fact]
    public void Rise_and_fall_count_passes_and_failures_in_a_row_and_skip_the_startup_rule()
    {
        var timing = new HealthCheckTiming { Interval = S(2), DelayBeforeRetry = S(1), Warmup = TimeSpan.Zero, Rise = 3, Fall = 2 };
        var sim = new HealthSim(Service(timing, Checked("10.0.0.7", 1, new PingHealthCheck())))
        {
            Respond = Down((_, t) => t < S(4)),
        };
        sim.Start();
        sim.RunUntil(S(12));
        // fail at 1 (1 of 2), fail at 2 -> down; 4 pass (1 of 3), 5 pass, 6 pass -> up; then every 2 s.
        Assert.Equal(new[] { S(1), S(2), S(4), S(5), S(6), S(8), S(10), S(12) }, sim.ProbeTimes("10.0.0.7"));
        Assert.Equal(new[] { (S(2), HealthIpvsChangeKind.RemoveRealServer), (S(6), HealthIpvsChangeKind.AddRealServer) },
            sim.Changes.Select(c => (c.At, c.Change.Kind)));
    }

    [Fact]
    public void Suspended_checks_probe_nothing_and_keep_their_state()
    {
        var service = Service(Timing(interval: 1), Checked("10.0.0.7")) with { HaSuspend = true };
        var sim = new HealthSim(service) { Respond = Down((_, _) => true) };
        string key = HealthCheckResolver.SuspensionKey(service)!;
        Assert.Equal("vip:10.0.0.3", key);
        sim.Monitor.SetSuspended(key, true);
        sim.Start();
        sim.RunUntil(S(5));
        Assert.Empty(sim.Probes);
        Assert.Equal("10.0.0.7:80=1", sim.TableText());
        sim.Monitor.SetSuspended(key, false);
        sim.RunUntil(S(6));
        Assert.Equal(S(6), Assert.Single(sim.Probes).At);
        Assert.Equal("", sim.TableText());
    }

    [Fact]
    public void A_check_shared_by_two_services_runs_once_and_acts_on_both()
    {
        HealthCheckedService Svc(Native.Ipvs.VirtualServiceKey key) => new(key)
        {
            Timing = Timing(interval: 1),
            RealServers = new[] { new HealthCheckedRealServer(Rs("10.0.0.7", 1, key)) { Checks = new[] { new TcpHealthCheck() } } },
        };
        var sim = new HealthSim(new[] { Svc(Vs), Svc(Vs2) }) { Respond = Down((_, _) => true) };
        Assert.Equal(1, sim.Monitor.CheckCount);
        sim.Start();
        Assert.Equal("10.0.0.7:80=1", sim.TableText(Vs));
        Assert.Equal("10.0.0.7:80=1", sim.TableText(Vs2));
        sim.RunUntil(S(1));
        Assert.Single(sim.Probes);
        Assert.Equal("", sim.TableText(Vs) + sim.TableText(Vs2));
        Assert.Equal(2, sim.Changes.Count(c => c.Change.Kind == HealthIpvsChangeKind.RemoveRealServer));
    }

    [Fact]
    public void Different_settings_are_not_shared()
    {
        HealthCheckedService Svc(Native.Ipvs.VirtualServiceKey key, double interval) => new(key)
        {
            Timing = Timing(interval: interval),
            RealServers = new[] { new HealthCheckedRealServer(Rs("10.0.0.7", 1, key)) { Checks = new[] { new TcpHealthCheck() } } },
        };
        Assert.Equal(2, new HealthMonitor(new[] { Svc(Vs, 1), Svc(Vs2, 2) }).CheckCount);
    }

    [Fact]
    public void A_real_server_is_alive_only_while_all_its_checks_pass()
    {
        var rs = Checked("10.0.0.7", 1, new TcpHealthCheck(), new PingHealthCheck());
        var sim = new HealthSim(Service(Timing(interval: 1), rs))
        {
            Respond = By((p, t) => !(p.Check.Type == HealthCheckType.Ping && t >= S(2) && t < S(4))),
        };
        sim.Start();
        sim.RunUntil(S(2.5));
        Assert.Equal("10.0.0.7:80=1", sim.TableText());
        sim.RunUntil(S(3));
        Assert.Equal("", sim.TableText());
        sim.RunUntil(S(4));
        Assert.Equal("10.0.0.7:80=1", sim.TableText());
        Assert.Equal(2, sim.Changes.Count);
    }
}
