using LvsPS.Native.Health;
using static LvsPS.Tests.Health.HealthSim;

namespace LvsPS.Tests.Health;

/// <summary>keepalived-check.md §7: what state changes do to IPVS, quorum and sorry server included.</summary>
public sealed class HealthIpvsRulesTests
{
    private static readonly ExecutableHealthCommand Up = new(new[] { "/bin/true", "up" });
    private static readonly ExecutableHealthCommand Down_ = new(new[] { "/bin/true", "down" });

    /// <summary>A real server with a TCP check that goes down on its first failure (retry 0).</summary>
    private static HealthCheckedRealServer Quick(string address, uint weight = 1)
        => Checked(address, weight, new TcpHealthCheck { Timing = new() { Retry = 0 } });

    private static HealthCheckedService Three(uint quorum = 1, uint hysteresis = 0) => new(Vs)
    {
        Timing = Timing(interval: 1),
        RealServers = new[] { Quick("10.0.0.7"), Quick("10.0.0.8"), Quick("10.0.0.9") },
        Quorum = quorum,
        Hysteresis = hysteresis,
    };

    /// <summary>Address → the time from which it fails (until it recovers at the second time, if any).</summary>
    private static Func<ProbeRequest, TimeSpan, ProbeResult> Outages(params (string Address, double From, double Until)[] outages)
        => Down((a, t) => outages.Any(o => o.Address == a && t >= S(o.From) && t < S(o.Until)));

    [Fact]
    public void A_down_real_server_is_removed_and_added_back_with_its_weight()
    {
        var sim = new HealthSim(Three()) { Respond = Outages(("10.0.0.8", 2, 4)) };
        sim.Start();
        sim.RunUntil(S(2));
        Assert.Equal("10.0.0.7:80=1 10.0.0.9:80=1", sim.TableText());
        sim.RunUntil(S(4));
        Assert.Equal("10.0.0.7:80=1 10.0.0.8:80=1 10.0.0.9:80=1", sim.TableText());
    }

    [Fact]
    public void Inhibit_on_failure_sets_weight_0_and_restores_the_weight_it_had()
    {
        var service = new HealthCheckedService(Vs)
        {
            Timing = Timing(interval: 1),
            InhibitOnFailure = true,
            RealServers = new[] { Quick("10.0.0.7", 3), Quick("10.0.0.8", 5) },
        };
        var sim = new HealthSim(service) { Respond = Outages(("10.0.0.8", 2, 4)) };
        sim.Start();
        sim.RunUntil(S(2));
        Assert.Equal("10.0.0.7:80=3 10.0.0.8:80=0", sim.TableText());
        sim.RunUntil(S(4));
        Assert.Equal("10.0.0.7:80=3 10.0.0.8:80=5", sim.TableText());
        Assert.DoesNotContain(sim.Changes, c => c.Change.Kind == HealthIpvsChangeKind.RemoveRealServer);
    }

    [Fact]
    public void Inhibit_set_on_one_real_server_overrides_the_service()
    {
        var service = Three() with
        {
            RealServers = new[] { Quick("10.0.0.7"), Quick("10.0.0.8") with { InhibitOnFailure = true } },
        };
        var sim = new HealthSim(service) { Respond = Outages(("10.0.0.7", 2, 9), ("10.0.0.8", 2, 9)) };
        sim.Start();
        sim.RunUntil(S(2));
        Assert.Equal("10.0.0.8:80=0", sim.TableText());
    }

    [Fact]
    public void Notify_up_and_down_run_when_the_real_server_flips_not_at_start()
    {
        var service = Three() with { RealServers = new[] { Quick("10.0.0.7") with { NotifyUp = Up, NotifyDown = Down_ } } };
        var sim = new HealthSim(service) { Respond = Outages(("10.0.0.7", 3, 5)) };
        sim.Start();
        sim.RunUntil(S(2));
        Assert.Empty(sim.Notifications);
        sim.RunUntil(S(6));
        Assert.Equal(new[] { (S(3), HealthNotificationKind.RealServerDown), (S(5), HealthNotificationKind.RealServerUp) },
            sim.Notifications.Select(n => (n.At, n.Notification.Kind)));
    }

    [Fact]
    public void Quorum_is_lost_below_quorum_minus_hysteresis_and_regained_at_quorum_plus_hysteresis()
    {
        var service = Three(quorum: 2, hysteresis: 1) with
        {
            RealServers = new[] { Quick("10.0.0.7"), Quick("10.0.0.8"), Quick("10.0.0.9"), Quick("10.0.0.10") },
            QuorumUp = Up,
            QuorumDown = Down_,
        };
        var sim = new HealthSim(service)
        {
            Respond = Outages(("10.0.0.7", 2, 6), ("10.0.0.8", 2, 7), ("10.0.0.9", 3, 8), ("10.0.0.10", 4, 99)),
        };
        sim.Start();
        // Start: live 4 >= 2 + 1: up (keepalived 2.2.7 runs quorum_up here: alive counts start at 0).
        Assert.Equal(HealthNotificationKind.QuorumUp, Assert.Single(sim.Notifications).Notification.Kind);
        sim.Notifications.Clear();
        sim.RunUntil(S(3.5));
        Assert.Empty(sim.Notifications);          // live 1: not below 2 - 1
        sim.RunUntil(S(4));
        Assert.Equal(HealthNotificationKind.QuorumDown, Assert.Single(sim.Notifications).Notification.Kind); // live 0
        sim.RunUntil(S(7));
        Assert.Single(sim.Notifications);         // live 2 at 7: not yet 2 + 1
        sim.RunUntil(S(8));
        Assert.Equal((S(8), HealthNotificationKind.QuorumUp), (sim.Notifications[^1].At, sim.Notifications[^1].Notification.Kind));
    }

    [Fact]
    public void The_sorry_server_replaces_the_alive_real_servers_while_the_quorum_is_lost()
    {
        var service = Three(quorum: 2) with { SorryServer = Rs("10.0.0.99", weight: 7) };
        var sim = new HealthSim(service) { Respond = Outages(("10.0.0.7", 2, 99), ("10.0.0.8", 3, 5)) };
        sim.Start();
        Assert.Equal("10.0.0.7:80=1 10.0.0.8:80=1 10.0.0.9:80=1", sim.TableText());
        sim.RunUntil(S(2));
        Assert.Equal("10.0.0.8:80=1 10.0.0.9:80=1", sim.TableText());
        sim.RunUntil(S(3));
        Assert.Equal("10.0.0.99:80=1", sim.TableText());     // weight 1 whatever was given
        sim.RunUntil(S(5));
        Assert.Equal("10.0.0.8:80=1 10.0.0.9:80=1", sim.TableText());
    }

    [Fact]
    public void Real_server_changes_are_not_pushed_while_the_sorry_server_serves()
    {
        var service = Three(quorum: 3) with { SorryServer = Rs("10.0.0.99") };
        var sim = new HealthSim(service) { Respond = Outages(("10.0.0.7", 2, 99), ("10.0.0.8", 4, 99)) };
        sim.Start();
        sim.RunUntil(S(2));
        Assert.Equal("10.0.0.99:80=1", sim.TableText());
        int changes = sim.Changes.Count;
        sim.RunUntil(S(4));
        Assert.Equal(changes, sim.Changes.Count);
        Assert.Equal("10.0.0.99:80=1", sim.TableText());
    }

    [Fact]
    public void Sorry_server_inhibit_keeps_it_in_at_weight_0_while_the_quorum_holds()
    {
        var service = Three(quorum: 3) with { SorryServer = Rs("10.0.0.99"), SorryServerInhibit = true };
        var sim = new HealthSim(service) { Respond = Outages(("10.0.0.7", 2, 4)) };
        sim.Start();
        Assert.Equal("10.0.0.7:80=1 10.0.0.8:80=1 10.0.0.9:80=1 10.0.0.99:80=0", sim.TableText());
        sim.RunUntil(S(2));
        Assert.Equal("10.0.0.99:80=1", sim.TableText());
        sim.RunUntil(S(4));
        Assert.Equal("10.0.0.7:80=1 10.0.0.8:80=1 10.0.0.9:80=1 10.0.0.99:80=0", sim.TableText());
    }

    [Fact]
    public void Inhibited_real_servers_go_to_weight_0_while_the_sorry_server_serves()
    {
        var service = Three(quorum: 3) with { SorryServer = Rs("10.0.0.99"), InhibitOnFailure = true };
        var sim = new HealthSim(service) { Respond = Outages(("10.0.0.7", 2, 4)) };
        sim.Start();
        sim.RunUntil(S(2));
        Assert.Equal("10.0.0.7:80=0 10.0.0.8:80=0 10.0.0.9:80=0 10.0.0.99:80=1", sim.TableText());
        sim.RunUntil(S(4));
        Assert.Equal("10.0.0.7:80=1 10.0.0.8:80=1 10.0.0.9:80=1", sim.TableText());
    }

    [Fact]
    public void Alpha_with_a_sorry_server_starts_on_the_sorry_server()
    {
        var service = Three() with { SorryServer = Rs("10.0.0.99"), Timing = Timing(interval: 1, alpha: true), QuorumDown = Down_ };
        var sim = new HealthSim(service);
        sim.Start();
        Assert.Equal("10.0.0.99:80=1", sim.TableText());
        Assert.Equal(HealthNotificationKind.QuorumDown, Assert.Single(sim.Notifications).Notification.Kind);
        sim.RunUntil(S(1));
        Assert.Equal("10.0.0.7:80=1 10.0.0.8:80=1 10.0.0.9:80=1", sim.TableText());
    }

    [Fact]
    public void Quorum_and_hysteresis_are_lowered_as_keepalived_does()
    {
        var service = Three(quorum: 10, hysteresis: 5);
        (uint q, uint h, IReadOnlyList<string> notes) = HealthCheckResolver.EffectiveQuorum(service);
        Assert.Equal((3u, 2u), (q, h));
        Assert.Equal(2, notes.Count);
        var zero = service with { RealServers = new[] { Quick("10.0.0.7", 0) }, Quorum = 1, Hysteresis = 0 };
        Assert.Equal((0u, uint.MaxValue), (HealthCheckResolver.EffectiveQuorum(zero).Quorum, HealthCheckResolver.EffectiveQuorum(zero).Hysteresis));
    }

    [Fact]
    public void Omega_runs_the_down_actions_at_stop_and_without_it_nothing_runs()
    {
        var service = Three() with { QuorumDown = Down_, RealServers = new[] { Quick("10.0.0.7") with { NotifyDown = Down_ }, Quick("10.0.0.8") } };
        var quiet = new HealthSim(service);
        quiet.Start();
        quiet.Notifications.Clear();
        quiet.Apply(quiet.Monitor.Stop(quiet.Now, HealthStopMode.Remove));
        Assert.Empty(quiet.Notifications);
        var omega = new HealthSim(service with { Omega = true });
        omega.Start();
        omega.Notifications.Clear();
        omega.Apply(omega.Monitor.Stop(omega.Now, HealthStopMode.Leave));
        Assert.Equal(new[] { HealthNotificationKind.RealServerDown, HealthNotificationKind.QuorumDown }, omega.Notifications.Select(n => n.Notification.Kind));
        Assert.All(omega.Notifications, n => Assert.True(n.Notification.Stopping));
    }

    [Theory]
    [InlineData(HealthStopMode.Leave, "10.0.0.8:80=0 10.0.0.9:80=1 10.0.0.99:80=0")]
    [InlineData(HealthStopMode.Remove, "")]
    [InlineData(HealthStopMode.Restore, "10.0.0.7:80=1 10.0.0.8:80=1 10.0.0.9:80=1")]
    public void Stop_leaves_removes_or_restores(HealthStopMode mode, string expected)
    {
        var service = new HealthCheckedService(Vs)
        {
            Timing = Timing(interval: 1),
            RealServers = new[] { Quick("10.0.0.7"), Quick("10.0.0.8") with { InhibitOnFailure = true }, Quick("10.0.0.9") },
            SorryServer = Rs("10.0.0.99"),
            SorryServerInhibit = true,
        };
        var sim = new HealthSim(service) { Respond = Outages(("10.0.0.7", 0, 99), ("10.0.0.8", 0, 99)) };
        sim.Start();
        sim.RunUntil(S(1));
        sim.Apply(sim.Monitor.Stop(sim.Now, mode));
        Assert.Equal(expected, sim.TableText());
        Assert.Null(sim.Monitor.NextDeadline);
    }

    [Fact]
    public void Slow_start_ramps_the_weight_after_recovery_but_not_at_start()
    {
        var service = Three() with { RealServers = new[] { Quick("10.0.0.7", 16) }, SlowStart = S(8) };
        var sim = new HealthSim(service) { Respond = Outages(("10.0.0.7", 2, 3)) };
        sim.Start();
        Assert.Equal("10.0.0.7:80=16", sim.TableText());
        sim.RunUntil(S(3));
        Assert.Equal("10.0.0.7:80=1", sim.TableText());
        sim.RunUntil(S(7));
        Assert.Equal("10.0.0.7:80=8", sim.TableText());
        sim.RunUntil(S(12));
        Assert.Equal("10.0.0.7:80=16", sim.TableText());
        uint[] weights = sim.Changes.Where(c => c.At >= S(3)).Select(c => c.Change.RealServer.Weight).ToArray();
        Assert.Equal(weights.OrderBy(w => w), weights);
    }

    [Fact]
    public void Weight_changes_reach_IPVS_only_while_alive()
    {
        var script = new ScriptHealthCheck(new ExecutableHealthCommand(new[] { "/bin/true" })) { Dynamic = true };
        var ping = new PingHealthCheck { Timing = new() { Retry = 0 } };
        var service = Three() with { RealServers = new[] { Checked("10.0.0.7", 10, script, ping) } };
        var sim = new HealthSim(service)
        {
            Respond = (p, t) => p.Check.Type == HealthCheckType.Script
                ? new ProbeResult(p.CheckId, false, null, TimeSpan.Zero, ExitCode: t >= S(3) ? 6 : 0)
                : new ProbeResult(p.CheckId, t < S(2) || t >= S(4), "ping", TimeSpan.Zero),
        };
        sim.Start();
        sim.RunUntil(S(3));
        Assert.Equal("", sim.TableText());
        sim.RunUntil(S(4));
        Assert.Equal("10.0.0.7:80=4", sim.TableText());
        Assert.DoesNotContain(sim.Changes, c => c.Change.Kind == HealthIpvsChangeKind.SetWeight);
        Assert.Contains(sim.Transitions, t => t.Kind == HealthTransitionKind.WeightChanged && t.Reason.Contains("10 -> 4"));
    }
}
