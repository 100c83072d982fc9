using LvsPS.Host.Tests.Infrastructure;
using LvsPS.Native.Vrrp;
using Xunit.Abstractions;

namespace LvsPS.Host.Tests;

/// <summary>Start-up clean-up and tracking, LvsPS alone on a segment.</summary>
[Collection("vrrp")]
public sealed class VrrpLifecycleTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void A_stale_VIP_left_by_a_crashed_run_is_removed_at_start()
    {
        HostFacts.RequireRoot();
        using var s = new Segment(1);
        Sh.Run("ip", "-n", s.Node(1), "addr", "add", $"{s.Vip}/24", "dev", "eth0");
        Assert.True(s.HasAddress(1, s.Vip));
        using VrrpInstance lvs = VrrpInstance.Start(HostFacts.Options(s, 1, 100));
        Assert.False(s.HasAddress(1, s.Vip)); // a backup must not answer for the VIP
        Assert.Equal($"{s.Vip}/24", Assert.Single(lvs.StaleAddressesRemoved).ToString());
        Assert.True(lvs.WaitForState(VrrpState.Master, TimeSpan.FromSeconds(10)));
        Assert.True(s.HasAddress(1, s.Vip));
    }

    [SkippableFact]
    public void A_tracked_interface_going_down_means_Fault_without_the_VIP_and_back_up_means_Backup_then_Master()
    {
        HostFacts.RequireRoot();
        using var s = new Segment(1);
        // A veth pair (the host kernel may lack the dummy driver): trk0 is up while both ends are.
        Sh.Run("ip", "-n", s.Node(1), "link", "add", "trk0", "type", "veth", "peer", "name", "trk1");
        Sh.Run("ip", "-n", s.Node(1), "link", "set", "trk1", "up");
        Sh.Run("ip", "-n", s.Node(1), "link", "set", "trk0", "up");
        using VrrpInstance lvs = VrrpInstance.Start(new VrrpInstanceOptions
        {
            Name = "VI_T", Interface = "eth0", VirtualRouterId = 61, Version = 3, AdvertisementInterval = TimeSpan.FromMilliseconds(100),
            VirtualAddresses = new[] { VrrpVirtualAddress.Parse($"{s.Vip}/24") }, NetworkNamespace = s.Node(1),
            InitialState = VrrpState.Master, TrackInterfaces = new[] { new VrrpTrackedInterface("trk0") },
        });
        try
        {
            Assert.True(lvs.WaitForState(VrrpState.Master, TimeSpan.FromSeconds(5)));
            Sh.Run("ip", "-n", s.Node(1), "link", "set", "trk0", "down");
            Assert.True(lvs.WaitForState(VrrpState.Fault, TimeSpan.FromSeconds(3)), "no Fault on link down");
            Assert.False(s.HasAddress(1, s.Vip));
            Assert.True(lvs.Counters.PriorityZeroSent >= 1);
            Sh.Run("ip", "-n", s.Node(1), "link", "set", "trk0", "up");
            Assert.True(lvs.WaitForState(VrrpState.Master, TimeSpan.FromSeconds(5)), "no recovery");
            Assert.Contains(lvs.History, c => c.From == VrrpState.Fault && c.To == VrrpState.Backup);
        }
        finally
        {
            foreach (VrrpStateChange c in lvs.History)
                output.WriteLine(c.ToString());
        }
    }

    [SkippableFact]
    public void A_failing_track_check_with_a_negative_weight_lowers_the_priority_after_Fall_failures()
    {
        HostFacts.RequireRoot();
        using var s = new Segment(1);
        bool healthy = true;
        using VrrpInstance lvs = VrrpInstance.Start(new VrrpInstanceOptions
        {
            Name = "VI_C", Interface = "eth0", VirtualRouterId = 62, Priority = 100, Version = 3, AdvertisementInterval = TimeSpan.FromMilliseconds(100),
            VirtualAddresses = new[] { VrrpVirtualAddress.Parse($"{s.Vip}/24") }, NetworkNamespace = s.Node(1), InitialState = VrrpState.Master,
            TrackScripts = new[] { new VrrpTrackedScript("web", new DelegateScript(() => healthy), TimeSpan.FromMilliseconds(50), Weight: -30, Rise: 2, Fall: 3) },
        });
        Assert.True(lvs.WaitForState(VrrpState.Master, TimeSpan.FromSeconds(5)));
        Assert.Equal(100, lvs.Priority);
        healthy = false;
        Assert.True(Sh.Eventually(() => lvs.Priority == 70, TimeSpan.FromSeconds(3)), $"priority {lvs.Priority}");
        healthy = true;
        Assert.True(Sh.Eventually(() => lvs.Priority == 100, TimeSpan.FromSeconds(3)), $"priority {lvs.Priority}");
    }
}
