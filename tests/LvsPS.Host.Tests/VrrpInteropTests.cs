using LvsPS.Host.Tests.Infrastructure;
using LvsPS.Native.Vrrp;
using Xunit.Abstractions;

namespace LvsPS.Host.Tests;

/// <summary>
/// LvsPS against keepalived 2.2 on a bridge of namespaces on the host kernel. Timeouts are
/// generous (several Master_Down_Intervals); the state is polled, never slept on blindly.
/// </summary>
[Collection("vrrp")]
public sealed class VrrpInteropTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(15);

    private void Dump(Keepalived ka, VrrpInstance lvs)
    {
        output.WriteLine($"LvsPS: {lvs.State} prio {lvs.Priority} master {lvs.MasterAddress} {lvs.Counters} dropped [{string.Join(", ", lvs.Counters.Dropped.Select(d => $"{d.Key}={d.Value}"))}] error {lvs.LastError}");
        foreach (VrrpStateChange c in lvs.History)
            output.WriteLine($"  {c}");
        output.WriteLine("keepalived log:\n" + ka.Log);
    }

    [SkippableFact]
    public void LvsPS_backup_takes_over_when_the_keepalived_master_crashes()
    {
        HostFacts.RequireRootAndKeepalived();
        using var s = new Segment(2);
        using var ka = new Keepalived(s.Node(1), HostFacts.KeepalivedInstance(s, 150, password: "s3cret")).Start();
        Assert.True(Sh.Eventually(() => s.HasAddress(1, s.Vip), Converge), "keepalived did not become master");
        using VrrpInstance lvs = VrrpInstance.Start(HostFacts.Options(s, 2, 100, password: "s3cret"));
        try
        {
            Assert.True(lvs.WaitForState(VrrpState.Backup, TimeSpan.FromSeconds(5)));
            Assert.True(Sh.Eventually(() => lvs.Counters.AdvertisementsReceived >= 3, TimeSpan.FromSeconds(10)), "no adverts accepted from keepalived");
            Assert.Equal(VrrpState.Backup, lvs.State);
            Assert.Equal(s.Address(1), lvs.MasterAddress?.ToString());
            Assert.Equal(0, lvs.Counters.DroppedTotal - lvs.Counters.DroppedFor(VrrpDropReason.OtherVirtualRouterId));
            Assert.False(s.HasAddress(2, s.Vip));

            ka.Crash();
            Assert.True(lvs.WaitForState(VrrpState.Master, TimeSpan.FromSeconds(10)), "LvsPS did not take over");
            Assert.True(s.HasAddress(2, s.Vip));
        }
        finally { Dump(ka, lvs); }
    }

    [SkippableFact]
    public void Keepalived_takes_over_when_the_LvsPS_master_stops_and_when_it_falls_silent()
    {
        HostFacts.RequireRootAndKeepalived();
        using var s = new Segment(2);
        VrrpInstance lvs = VrrpInstance.Start(HostFacts.Options(s, 1, 150));
        using var ka = new Keepalived(s.Node(2), HostFacts.KeepalivedInstance(s, 100)).Start();
        try
        {
            Assert.True(lvs.WaitForState(VrrpState.Master, Converge));
            Assert.True(Sh.Eventually(() => ka.Log.Contains("Entering BACKUP STATE"), Converge), "keepalived did not enter backup");
            Thread.Sleep(4000); // longer than keepalived's Master_Down_Interval: it must stay backup
            Assert.True(s.HasAddress(1, s.Vip));
            Assert.False(s.HasAddress(2, s.Vip));

            lvs.Stop(); // priority 0: keepalived takes over after its skew time
            Assert.False(s.HasAddress(1, s.Vip));
            Assert.True(lvs.Counters.PriorityZeroSent >= 1);
            Assert.True(Sh.Eventually(() => s.HasAddress(2, s.Vip), TimeSpan.FromSeconds(3)), "keepalived did not take over after the priority-0 advert");

            // And back: LvsPS preempts, then falls silent (bridge port blocked) and keepalived takes over again.
            lvs = VrrpInstance.Start(HostFacts.Options(s, 1, 150));
            Assert.True(lvs.WaitForState(VrrpState.Master, Converge));
            Assert.True(Sh.Eventually(() => !s.HasAddress(2, s.Vip), Converge), "keepalived kept the VIP after LvsPS preempted");
            s.Isolate(1, true);
            Assert.True(Sh.Eventually(() => s.HasAddress(2, s.Vip), TimeSpan.FromSeconds(10)), "keepalived did not take over from a silent LvsPS");
        }
        finally
        {
            Dump(ka, lvs);
            lvs.Dispose();
        }
    }

    public static TheoryData<string> EqualConfigs => new() { "v2-pass", "v3", "v3-unicast" };

    [SkippableTheory]
    [MemberData(nameof(EqualConfigs))]
    public void Equal_configuration_converges_to_exactly_one_master(string config)
    {
        HostFacts.RequireRootAndKeepalived();
        using var s = new Segment(2);
        int version = config.StartsWith("v3") ? 3 : 2;
        string? password = config == "v2-pass" ? "equal" : null;
        bool unicast = config.EndsWith("unicast");
        double interval = version == 3 ? 0.1 : 1;
        using var ka = new Keepalived(s.Node(1), HostFacts.KeepalivedInstance(s, 100, version, interval, password,
            unicastPeers: unicast ? new[] { s.Address(2) } : null)).Start();
        using VrrpInstance lvs = VrrpInstance.Start(HostFacts.Options(s, 2, 100, version, interval, password,
            unicastPeers: unicast ? new[] { s.Address(1) } : null));
        try
        {
            Assert.True(Sh.Eventually(() => s.HasAddress(1, s.Vip) ^ s.HasAddress(2, s.Vip), Converge), "no single master");
            for (int i = 0; i < 10; i++)
            {
                Thread.Sleep(300);
                Assert.True(s.HasAddress(1, s.Vip) ^ s.HasAddress(2, s.Vip), "the VIP is on both or neither node");
            }
            // Equal priority: the higher primary address (node 2, LvsPS) wins if both were master; either way one stays.
            Assert.Equal(s.HasAddress(2, s.Vip), lvs.State == VrrpState.Master);
            Assert.True(lvs.Counters.AdvertisementsReceived + lvs.Counters.AdvertisementsSent > 0);
            Assert.Equal(0, lvs.Counters.DroppedTotal - lvs.Counters.DroppedFor(VrrpDropReason.OtherVirtualRouterId));
        }
        finally { Dump(ka, lvs); }
    }

    [SkippableFact]
    public void Higher_priority_LvsPS_preempts_keepalived()
    {
        HostFacts.RequireRootAndKeepalived();
        using var s = new Segment(2);
        using var ka = new Keepalived(s.Node(1), HostFacts.KeepalivedInstance(s, 100)).Start();
        Assert.True(Sh.Eventually(() => s.HasAddress(1, s.Vip), Converge), "keepalived did not become master");
        using VrrpInstance lvs = VrrpInstance.Start(HostFacts.Options(s, 2, 150));
        try
        {
            Assert.True(lvs.WaitForState(VrrpState.Master, TimeSpan.FromSeconds(10)), "LvsPS did not preempt");
            Assert.True(Sh.Eventually(() => !s.HasAddress(1, s.Vip), TimeSpan.FromSeconds(5)), "keepalived kept the VIP");
            Assert.True(s.HasAddress(2, s.Vip));
        }
        finally { Dump(ka, lvs); }
    }

    [SkippableFact]
    public void NoPreempt_LvsPS_leaves_the_lower_priority_keepalived_master_alone()
    {
        HostFacts.RequireRootAndKeepalived();
        using var s = new Segment(2);
        using var ka = new Keepalived(s.Node(1), HostFacts.KeepalivedInstance(s, 100)).Start();
        Assert.True(Sh.Eventually(() => s.HasAddress(1, s.Vip), Converge), "keepalived did not become master");
        using VrrpInstance lvs = VrrpInstance.Start(HostFacts.Options(s, 2, 150, preempt: false));
        try
        {
            Assert.True(lvs.WaitForState(VrrpState.Backup, TimeSpan.FromSeconds(5)));
            Thread.Sleep(6000); // well past Master_Down_Interval (3 + 106/256 s)
            Assert.Equal(VrrpState.Backup, lvs.State);
            Assert.True(s.HasAddress(1, s.Vip));
            Assert.False(s.HasAddress(2, s.Vip));
            Assert.True(lvs.Counters.AdvertisementsReceived >= 4);

            ka.Crash(); // but it does take over when the master dies
            Assert.True(lvs.WaitForState(VrrpState.Master, TimeSpan.FromSeconds(10)));
        }
        finally { Dump(ka, lvs); }
    }

    [SkippableFact]
    public void IPv6_VRRPv3_LvsPS_backup_takes_over_from_a_crashed_keepalived()
    {
        HostFacts.RequireRootAndKeepalived();
        using var s = new Segment(2);
        string vip = "fe80::100";
        string body = $"""
              state BACKUP
              virtual_router_id 52
              priority 150
              advert_int 0.1
              version 3
              virtual_ipaddress {"{"} {vip}/64 dev eth0 {"}"}
            """;
        using var ka = new Keepalived(s.Node(1), body).Start();
        bool KaHas() => Sh.Try("ip", "-n", s.Node(1), "-6", "-o", "addr", "show", "dev", "eth0").Output.Contains(vip + "/");
        Assert.True(Sh.Eventually(KaHas, Converge), "keepalived did not become master");
        using VrrpInstance lvs = VrrpInstance.Start(new VrrpInstanceOptions
        {
            Name = "VI_6", Interface = "eth0", VirtualRouterId = 52, Priority = 100, Version = 3,
            AdvertisementInterval = TimeSpan.FromMilliseconds(100),
            VirtualAddresses = new[] { VrrpVirtualAddress.Parse($"{vip}/64") }, NetworkNamespace = s.Node(2),
        });
        try
        {
            Assert.True(lvs.WaitForState(VrrpState.Backup, TimeSpan.FromSeconds(5)));
            Assert.True(Sh.Eventually(() => lvs.Counters.AdvertisementsReceived >= 5, TimeSpan.FromSeconds(5)), "no IPv6 adverts accepted");
            Assert.Equal(VrrpState.Backup, lvs.State);
            ka.Crash();
            Assert.True(lvs.WaitForState(VrrpState.Master, TimeSpan.FromSeconds(5)), "LvsPS did not take over over IPv6");
            Assert.Contains(vip + "/", Sh.Run("ip", "-n", s.Node(2), "-6", "-o", "addr", "show", "dev", "eth0"));
        }
        finally { Dump(ka, lvs); }
    }
}
