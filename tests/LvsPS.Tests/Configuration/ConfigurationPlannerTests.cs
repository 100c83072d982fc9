using System.Net;
using CsCheck;
using LvsPS.Native.Configuration;
using LvsPS.Native.Ipvs;

namespace LvsPS.Tests.Configuration;

/// <summary>Idempotent apply: what changes, in which order, and nothing when nothing differs.</summary>
public sealed class ConfigurationPlannerTests
{
    private static readonly VirtualServiceKey Web = VirtualServiceKey.Parse("tcp/10.0.0.3:80");
    private static readonly VirtualServiceKey Dns = VirtualServiceKey.Parse("udp/10.0.0.3:53");

    private static RealServer Dest(VirtualServiceKey key, string address, uint weight = 1)
        => new() { VirtualService = key, Address = IPAddress.Parse(address), Port = key.Port, Forwarding = ForwardingMethod.Route, Weight = weight };

    private static VirtualService Service(VirtualServiceKey key, string scheduler, params RealServer[] dests)
        => new() { Key = key, Scheduler = scheduler, RealServers = dests };

    private static string[] Describe(IEnumerable<IpvsChange> changes) => changes.Select(c => $"{c.Kind} {c.Target}").ToArray();

    [Fact]
    public void Equal_tables_need_no_change_whatever_their_counters()
    {
        VirtualService desired = Service(Web, "rr", Dest(Web, "10.0.0.7"), Dest(Web, "10.0.0.8"));
        VirtualService current = desired with
        {
            Statistics = new IpvsStatistics { Connections = 99 }, NetworkNamespace = "ns1",
            RealServers = desired.RealServers.Select(d => d with { ActiveConnections = 4, InactiveConnections = 2, Statistics = new IpvsStatistics { InBytes = 7 }, NetworkNamespace = "ns1" }).Reverse().ToArray(),
        };
        Assert.Empty(ConfigurationPlanner.Plan(new[] { current }, new[] { desired }, replace: true));
    }

    [Fact]
    public void Changed_objects_are_edited_in_place_with_the_full_desired_record()
    {
        VirtualService current = Service(Web, "rr", Dest(Web, "10.0.0.7"), Dest(Web, "10.0.0.8"));
        RealServer gue = Dest(Web, "10.0.0.8") with { Forwarding = ForwardingMethod.Tunnel, TunnelType = TunnelType.Gue, TunnelPort = 6080, UpperThreshold = 10 };
        VirtualService desired = Service(Web, "wrr", Dest(Web, "10.0.0.7"), gue) with { Persistent = true, PersistenceTimeout = 60 };

        IReadOnlyList<IpvsChange> plan = ConfigurationPlanner.Plan(new[] { current }, new[] { desired }, replace: false);
        Assert.Equal(new[] { "UpdateService tcp/10.0.0.3:80", "UpdateRealServer tcp/10.0.0.3:80 -> 10.0.0.8:80" }, Describe(plan));
        Assert.Equal(desired with { RealServers = Array.Empty<RealServer>() }, plan[0].Service);
        Assert.Equal(gue, plan[1].RealServer);
    }

    [Fact]
    public void Missing_services_come_before_their_real_servers_and_nothing_is_removed_without_replace()
    {
        VirtualService current = Service(Web, "rr", Dest(Web, "10.0.0.7"), Dest(Web, "10.0.0.9"));
        VirtualService dns = Service(Dns, "rr", Dest(Dns, "10.0.0.7"));
        var desired = new[] { Service(Web, "rr", Dest(Web, "10.0.0.7"), Dest(Web, "10.0.0.8")), dns };

        Assert.Equal(new[]
        {
            "AddService udp/10.0.0.3:53",
            "AddRealServer tcp/10.0.0.3:80 -> 10.0.0.8:80",
            "AddRealServer udp/10.0.0.3:53 -> 10.0.0.7:53",
        }, Describe(ConfigurationPlanner.Plan(new[] { current }, desired, replace: false)));
    }

    [Fact]
    public void Replace_removes_extra_real_servers_before_their_services_and_before_any_addition()
    {
        var current = new[]
        {
            Service(Web, "rr", Dest(Web, "10.0.0.7"), Dest(Web, "10.0.0.9")),
            Service(Dns, "rr", Dest(Dns, "10.0.0.7"), Dest(Dns, "10.0.0.8")),
        };
        var mark = VirtualServiceKey.Parse("fwmark/5");
        var desired = new[] { Service(Web, "rr", Dest(Web, "10.0.0.7")), Service(mark, "rr", Dest(mark, "10.0.0.7")) };

        Assert.Equal(new[]
        {
            "RemoveRealServer tcp/10.0.0.3:80 -> 10.0.0.9:80",
            "RemoveRealServer udp/10.0.0.3:53 -> 10.0.0.7:53",
            "RemoveRealServer udp/10.0.0.3:53 -> 10.0.0.8:53",
            "RemoveService udp/10.0.0.3:53",
            "AddService fwmark/5",
            "AddRealServer fwmark/5 -> 10.0.0.7:0",
        }, Describe(ConfigurationPlanner.Plan(current, desired, replace: true)));
    }

    [Fact]
    public void The_kernel_reporting_local_forwarding_is_not_a_difference()
    {
        VirtualService desired = Service(Web, "rr", Dest(Web, "10.0.0.7"));
        VirtualService current = desired with { RealServers = new[] { Dest(Web, "10.0.0.7") with { Forwarding = ForwardingMethod.Local } } };
        Assert.Empty(ConfigurationPlanner.Plan(new[] { current }, new[] { desired }, replace: true));
    }

    [Fact]
    public void A_timeout_the_kernel_is_never_sent_is_not_a_difference()
    {
        VirtualService desired = Service(Web, "rr") with { PersistenceTimeout = 300 }; // not persistent
        VirtualService current = Service(Web, "rr");
        Assert.Empty(ConfigurationPlanner.Plan(new[] { current }, new[] { desired }, replace: true));
    }

    [Fact]
    public void Tunnel_settings_count_only_for_tunnels_but_then_every_one_counts()
    {
        RealServer tunnel = Dest(Web, "10.0.0.7") with { Forwarding = ForwardingMethod.Tunnel, TunnelType = TunnelType.Gre, TunnelChecksum = TunnelChecksum.Checksum };
        Assert.True(ConfigurationPlanner.SameSettings(tunnel, tunnel with { Statistics = new IpvsStatistics() }));
        Assert.False(ConfigurationPlanner.SameSettings(tunnel, tunnel with { TunnelChecksum = TunnelChecksum.NoChecksum }));
        Assert.False(ConfigurationPlanner.SameSettings(tunnel, tunnel with { LowerThreshold = 1, UpperThreshold = 1 }));
        Assert.False(ConfigurationPlanner.SameSettings(tunnel, tunnel with { Weight = 2 }));
        Assert.False(ConfigurationPlanner.SameSettings(tunnel, tunnel with { Forwarding = ForwardingMethod.Masquerade, TunnelType = TunnelType.Ipip, TunnelChecksum = TunnelChecksum.NoChecksum }));
    }

    [Fact]
    public void Duplicates_in_the_desired_table_are_refused()
    {
        Assert.Throws<ArgumentException>(() => ConfigurationPlanner.Plan(Array.Empty<VirtualService>(), new[] { Service(Web, "rr"), Service(Web, "wrr") }, true));
        Assert.Throws<ArgumentException>(() => ConfigurationPlanner.Plan(Array.Empty<VirtualService>(), new[] { Service(Web, "rr", Dest(Web, "10.0.0.7"), Dest(Web, "10.0.0.7", 2)) }, true));
    }

    [Fact]
    public void Applying_the_plan_reaches_the_desired_table_and_a_second_plan_is_empty()
        => Gen.Select(ValidTables.Table, ValidTables.Table, Gen.Bool).Sample((current, desired, replace) =>
        {
            List<VirtualService> after = ValidTables.ApplyInMemory(current, ConfigurationPlanner.Plan(current, desired, replace));
            Assert.Empty(ConfigurationPlanner.Plan(after, desired, replace));
            foreach (VirtualService want in desired)
            {
                VirtualService got = Assert.Single(after, s => s.Key.Equals(want.Key));
                Assert.True(ConfigurationPlanner.SameSettings(want, got));
                Assert.Equal(want.RealServers.Count, got.RealServers.Count(d => want.RealServers.Any(w => ConfigurationPlanner.SameSettings(w, d))));
                if (replace)
                    Assert.Equal(want.RealServers.Count, got.RealServers.Count);
            }
            if (replace)
                Assert.Equal(desired.Count, after.Count);
            else
                Assert.All(current, c => Assert.Contains(after, s => s.Key.Equals(c.Key)));
        }, iter: 300);

    [Fact]
    public void Sync_daemons_are_restarted_only_when_their_settings_differ()
    {
        var master = new SyncDaemon { State = SyncDaemonState.Master, Interface = "eth0", SyncId = 5 };
        var backup = new SyncDaemon { State = SyncDaemonState.Backup, Interface = "eth1", SyncId = 5 };
        var running = new[] { master with { Port = 8848, Ttl = 1, MaxLength = 1472 }, backup };

        Assert.True(ConfigurationPlanner.PlanSyncDaemons(running, new[] { master, backup }, replace: true).IsEmpty);
        SyncDaemonPlan changed = ConfigurationPlanner.PlanSyncDaemons(running, new[] { master with { Ttl = 4 } }, replace: false);
        Assert.Equal(new[] { SyncDaemonState.Master }, changed.Stop);
        Assert.Equal(new[] { master with { Ttl = 4 } }, changed.Start);
        SyncDaemonPlan replaced = ConfigurationPlanner.PlanSyncDaemons(running, new[] { master }, replace: true);
        Assert.Equal(new[] { SyncDaemonState.Backup }, replaced.Stop);
        Assert.Empty(replaced.Start);
    }
}
