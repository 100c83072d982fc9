using System.Net;
using CsCheck;
using LvsPS.Native.DesiredState;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Ipvs.InMemory;
using LvsPS.Native.Netlink;

namespace LvsPS.Tests.DesiredState;

/// <summary>What the planner changes, in which order, and nothing when nothing differs; and, applied to the in-memory IPVS, that it reaches the desired table without leaving a kept service unserved.</summary>
public sealed class DesiredStatePlannerTests
{
    private static readonly VirtualServiceKey Web = VirtualServiceKey.Parse("tcp/10.0.0.3:80");
    private static readonly VirtualServiceKey Dns = VirtualServiceKey.Parse("udp/10.0.0.3:53");

    private static RealServer Dest(VirtualServiceKey key, string address, uint weight = 1)
        => new() { VirtualService = key, Address = IPAddress.Parse(address), Port = key.Port, Forwarding = ForwardingMethod.Route, Weight = weight };

    private static VirtualService Service(VirtualServiceKey key, string scheduler, params RealServer[] dests)
        => new() { Key = key, Scheduler = scheduler, RealServers = dests };

    private static IpvsPlan Plan(IReadOnlyList<VirtualService> current, IReadOnlyList<VirtualService> desired, bool replace)
        => DesiredStatePlanner.Plan(new IpvsSnapshot { Services = current }, new IpvsSnapshot { Services = desired }, replace);

    private static string[] Describe(IpvsPlan plan)
        => plan.Steps.Select(s => (s.AfterAnswers ? "| " : "") + (s is ChangeStep c ? $"{c.Change.Kind} {c.Target}" : $"{s.GetType().Name} {s.Target}")).ToArray();

    [Fact]
    public void Equal_tables_need_no_change_whatever_their_counters()
    {
        VirtualService desired = Service(Web, "rr", Dest(Web, "10.0.0.7"), Dest(Web, "10.0.0.8"));
        VirtualService current = desired with
        {
            Statistics = new IpvsStatistics { Connections = 99 }, NetworkNamespace = "ns1",
            RealServers = desired.RealServers.Select(d => d with { ActiveConnections = 4, InactiveConnections = 2, Statistics = new IpvsStatistics { InBytes = 7 }, NetworkNamespace = "ns1" }).Reverse().ToArray(),
        };
        IpvsPlan plan = Plan(new[] { current }, new[] { desired }, replace: true);
        Assert.True(plan.IsEmpty);
        Assert.Equal(3, plan.Unchanged);
    }

    [Fact]
    public void Changed_objects_are_edited_in_place_with_the_full_desired_record()
    {
        VirtualService current = Service(Web, "rr", Dest(Web, "10.0.0.7"), Dest(Web, "10.0.0.8"));
        RealServer gue = Dest(Web, "10.0.0.8") with { Forwarding = ForwardingMethod.Tunnel, TunnelType = TunnelType.Gue, TunnelPort = 6080, UpperThreshold = 10 };
        VirtualService desired = Service(Web, "wrr", Dest(Web, "10.0.0.7"), gue) with { Persistent = true, PersistenceTimeout = 60 };

        IpvsPlan plan = Plan(new[] { current }, new[] { desired }, replace: false);
        Assert.Equal(new[] { "UpdateService tcp/10.0.0.3:80", "UpdateRealServer tcp/10.0.0.3:80 -> 10.0.0.8:80" }, Describe(plan));
        Assert.Equal(desired with { RealServers = Array.Empty<RealServer>() }, ((ChangeStep)plan.Steps[0]).Change.Service);
        Assert.Equal(gue, ((ChangeStep)plan.Steps[1]).Change.RealServer);
        Assert.Equal(current.RealServers[1], ((ChangeStep)plan.Steps[1]).Before);
    }

    [Fact]
    public void Additions_and_raised_weights_come_first_then_after_the_answers_quiesce_remove_real_servers_then_services()
    {
        var mark = VirtualServiceKey.Parse("fwmark/5");
        var current = new[]
        {
            Service(Web, "rr", Dest(Web, "10.0.0.7"), Dest(Web, "10.0.0.9"), Dest(Web, "10.0.0.10", weight: 0), Dest(Web, "10.0.0.11", weight: 4)),
            Service(Dns, "rr", Dest(Dns, "10.0.0.7"), Dest(Dns, "10.0.0.8")),
        };
        var desired = new[]
        {
            Service(Web, "wrr", Dest(Web, "10.0.0.7"), Dest(Web, "10.0.0.8"), Dest(Web, "10.0.0.10", weight: 3), Dest(Web, "10.0.0.11", weight: 0)),
            Service(mark, "rr", Dest(mark, "10.0.0.7")),
        };
        IpvsPlan plan = Plan(current, desired, replace: true);
        Assert.Equal(new[]
        {
            "AddService fwmark/5",
            "AddRealServer fwmark/5 -> 10.0.0.7:0",
            "UpdateService tcp/10.0.0.3:80",
            "AddRealServer tcp/10.0.0.3:80 -> 10.0.0.8:80",
            "UpdateRealServer tcp/10.0.0.3:80 -> 10.0.0.10:80",
            "| UpdateRealServer tcp/10.0.0.3:80 -> 10.0.0.11:80",
            "RemoveRealServer tcp/10.0.0.3:80 -> 10.0.0.9:80",
            "RemoveService udp/10.0.0.3:53", // its two real servers go with it, in one request
        }, Describe(plan));
        Assert.Equal(1 + 2 + 1, plan.Removals);
        Assert.Equal(2, ((ChangeStep)plan.Steps[^1]).RealServersRemovedWithIt);
        Assert.Equal(new KeptService(new RealServerCounts(4, 3), new RealServerCounts(4, 3)), plan.KeptServices[Web]);
    }

    [Fact]
    public void Nothing_is_removed_without_replace()
    {
        VirtualService current = Service(Web, "rr", Dest(Web, "10.0.0.7"), Dest(Web, "10.0.0.9"));
        VirtualService dns = Service(Dns, "rr", Dest(Dns, "10.0.0.7"));
        IpvsPlan plan = Plan(new[] { current, dns with { Key = VirtualServiceKey.Parse("udp/10.0.0.4:53"), RealServers = [] } },
            new[] { Service(Web, "rr", Dest(Web, "10.0.0.7"), Dest(Web, "10.0.0.8")), dns }, replace: false);
        Assert.Equal(new[] { "AddService udp/10.0.0.3:53", "AddRealServer udp/10.0.0.3:53 -> 10.0.0.7:53", "AddRealServer tcp/10.0.0.3:80 -> 10.0.0.8:80" }, Describe(plan));
        Assert.Equal(0, plan.Removals);
    }

    [Fact]
    public void Timeouts_change_only_when_a_given_one_differs_and_daemons_stop_before_and_start_after_the_table()
    {
        var master = new SyncDaemon { State = SyncDaemonState.Master, Interface = "eth0", SyncId = 5 };
        var backup = new SyncDaemon { State = SyncDaemonState.Backup, Interface = "eth1", SyncId = 5 };
        var current = new IpvsSnapshot
        {
            Services = [Service(Web, "rr")],
            Timeouts = new IpvsTimeouts(900, 120, 300),
            SyncDaemons = [master with { Port = 8848, Ttl = 1, MaxLength = 1472 }, backup],
        };
        IpvsPlan same = DesiredStatePlanner.Plan(current, current with { Timeouts = new IpvsTimeouts(900, 0, 0), SyncDaemons = [master, backup] }, replace: true);
        Assert.True(same.IsEmpty);
        Assert.Equal(1 + 1 + 2, same.Unchanged);

        IpvsPlan plan = DesiredStatePlanner.Plan(current, new IpvsSnapshot
        {
            Services = [Service(Web, "rr", Dest(Web, "10.0.0.7"))], Timeouts = new IpvsTimeouts(0, 60, 0), SyncDaemons = [master with { Ttl = 4 }],
        }, replace: true);
        Assert.Equal(new[]
        {
            "SetTimeoutsStep IPVS timeouts",
            "StopSyncDaemonStep master sync daemon",
            "StopSyncDaemonStep backup sync daemon",
            "AddRealServer tcp/10.0.0.3:80 -> 10.0.0.7:80",
            "StartSyncDaemonStep master sync daemon",
        }, Describe(plan));
        Assert.True(((StopSyncDaemonStep)plan.Steps[1]).Restart);
        Assert.False(((StopSyncDaemonStep)plan.Steps[2]).Restart);
        Assert.Equal(1, plan.Removals);

        IpvsPlan rulesFile = DesiredStatePlanner.Plan(current, new IpvsSnapshot { Services = current.Services }, replace: true);
        Assert.True(rulesFile.IsEmpty); // no daemons, no timeouts in the desired state: left alone
    }

    [Fact]
    public void The_kernel_reporting_local_forwarding_and_a_timeout_never_sent_are_no_difference()
    {
        VirtualService desired = Service(Web, "rr", Dest(Web, "10.0.0.7")) with { PersistenceTimeout = 300 }; // not persistent
        VirtualService current = Service(Web, "rr", Dest(Web, "10.0.0.7") with { Forwarding = ForwardingMethod.Local });
        Assert.True(Plan(new[] { current }, new[] { desired }, replace: true).IsEmpty);
    }

    [Fact]
    public void Tunnel_settings_count_only_for_tunnels_but_then_every_one_counts()
    {
        RealServer tunnel = Dest(Web, "10.0.0.7") with { Forwarding = ForwardingMethod.Tunnel, TunnelType = TunnelType.Gre, TunnelChecksum = TunnelChecksum.Checksum };
        Assert.True(IpvsSettings.Same(tunnel, tunnel with { Statistics = new IpvsStatistics() }));
        Assert.False(IpvsSettings.Same(tunnel, tunnel with { TunnelChecksum = TunnelChecksum.NoChecksum }));
        Assert.False(IpvsSettings.Same(tunnel, tunnel with { LowerThreshold = 1, UpperThreshold = 1 }));
        Assert.False(IpvsSettings.Same(tunnel, tunnel with { Weight = 2 }));
        Assert.False(IpvsSettings.Same(tunnel, tunnel with { Forwarding = ForwardingMethod.Masquerade, TunnelType = TunnelType.Ipip, TunnelChecksum = TunnelChecksum.NoChecksum }));
    }

    [Fact]
    public void Duplicates_in_the_desired_table_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Plan(Array.Empty<VirtualService>(), new[] { Service(Web, "rr"), Service(Web, "wrr") }, true));
        Assert.Throws<ArgumentException>(() => Plan(Array.Empty<VirtualService>(), new[] { Service(Web, "rr", Dest(Web, "10.0.0.7"), Dest(Web, "10.0.0.7", 2)) }, true));
    }

    [Fact]
    public void Applied_in_any_batch_size_the_plan_reaches_the_desired_table_never_leaves_a_kept_service_unserved_and_edits_in_place()
        => Gen.Select(KernelTables.Table, KernelTables.Table, Gen.Bool, Gen.Int[1, 6]).Sample((current, desired, replace, chunk) =>
        {
            InMemoryIpvs ipvs = KernelTables.Load(current);
            IpvsSnapshot before = IpvsSnapshot.Capture(ipvs);
            IpvsPlan plan = DesiredStatePlanner.Plan(before, KernelTables.Desired(desired), replace);
            var watch = new ServedWatch(before, desired);
            ipvs.AfterChange = _ => watch.Check(ipvs);

            ApplyReport report = new PlanApplier(ipvs) { ChunkSize = chunk }.Apply(plan);

            Assert.True(report.Complete && report.Refused == 0, string.Join("; ", report.Outcomes.Where(o => o.Status != StepStatus.Applied).Select(o => $"{o.Step.Target} {o.Status} {o.Error?.Message}")));
            Assert.Equal(plan.Steps.Count, watch.Checks);
            IpvsSnapshot after = IpvsSnapshot.Capture(ipvs);
            Assert.True(DesiredStatePlanner.Plan(after, KernelTables.Desired(desired), replace).IsEmpty);
            foreach (VirtualService want in desired)
            {
                VirtualService got = Assert.Single(after.Services, s => s.Key.Equals(want.Key));
                Assert.True(IpvsSettings.Same(want, got));
                Assert.All(want.RealServers, w => Assert.Contains(got.RealServers, d => IpvsSettings.Same(w, d)));
                if (replace)
                    Assert.Equal(want.RealServers.Count, got.RealServers.Count);
            }
            if (replace)
                Assert.Equal(desired.Count, after.Services.Count);
            else
                Assert.All(current, c => Assert.Contains(after.Services, s => s.Key.Equals(c.Key)));
            // In place: nothing is removed that the desired table keeps, nothing added that was there.
            foreach (ChangeStep step in plan.Steps.OfType<ChangeStep>())
            {
                bool inCurrent = Has(current, step), inDesired = Has(desired, step);
                if (step.Change.Kind is IpvsChangeKind.RemoveService or IpvsChangeKind.RemoveRealServer)
                    Assert.False(inDesired, $"{step.Target} is removed though the desired table keeps it");
                if (step.Change.Kind is IpvsChangeKind.AddService or IpvsChangeKind.AddRealServer)
                    Assert.False(inCurrent, $"{step.Target} is added though it exists");
            }
        }, iter: 400);

    [Fact]
    public void Whatever_the_kernel_refuses_no_kept_service_is_left_unserved_and_the_report_names_every_refusal()
        => Gen.Select(KernelTables.Table, KernelTables.Table, Gen.Int[1, 6], Gen.Int[0, 3]).Sample((current, desired, chunk, oneIn) =>
        {
            InMemoryIpvs ipvs = KernelTables.Load(current);
            IpvsSnapshot before = IpvsSnapshot.Capture(ipvs);
            IpvsPlan plan = DesiredStatePlanner.Plan(before, KernelTables.Desired(desired), replace: true);
            int n = 0;
            foreach (ChangeStep step in plan.Steps.OfType<ChangeStep>())
                if (step.Change.Kind is IpvsChangeKind.AddService or IpvsChangeKind.AddRealServer or IpvsChangeKind.UpdateRealServer && n++ % (oneIn + 2) == 0)
                    ipvs.Refuse(step.Change.Kind, step.Target, Errno.ENOMEM);
            var watch = new ServedWatch(before, desired);
            ipvs.AfterChange = _ => watch.Check(ipvs);

            ApplyReport report = new PlanApplier(ipvs) { ChunkSize = chunk }.Apply(plan);

            Assert.Null(report.StoppedBy);
            Assert.All(report.Outcomes, o => Assert.True(o.Status is StepStatus.Applied or StepStatus.Refused or StepStatus.HeldBack, $"{o.Step.Target}: {o.Status}"));
            Assert.All(report.With(StepStatus.Refused), o => Assert.NotNull(o.Error));
            Assert.All(report.With(StepStatus.HeldBack), o => Assert.True(((ChangeStep)o.Step).Change.Kind is IpvsChangeKind.RemoveRealServer or IpvsChangeKind.UpdateRealServer));
            Assert.Equal(report.Outcomes.Count(o => o.Status is StepStatus.Applied or StepStatus.Refused), watch.Checks);
        }, iter: 300);

    private static bool Has(IReadOnlyList<VirtualService> table, ChangeStep step)
        => table.FirstOrDefault(s => s.Key.Equals(step.Service)) is { } s
        && (step.Change.RealServer is not { } d || s.RealServers.Any(x => IpvsSettings.SameEndpoint(x, d)));
}
