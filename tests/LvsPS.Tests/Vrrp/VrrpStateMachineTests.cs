using System.Net;
using LvsPS.Native.Vrrp;

namespace LvsPS.Tests.Vrrp;

/// <summary>The state machine against the state tables of RFC 3768 6.4 and RFC 5798 6.4, with explicit time.</summary>
public sealed class VrrpStateMachineTests
{
    private static readonly IPAddress Me = IPAddress.Parse("10.0.0.2");
    private static readonly IPAddress Lower = IPAddress.Parse("10.0.0.1");
    private static readonly IPAddress Higher = IPAddress.Parse("10.0.0.3");
    private static readonly IPAddress[] Vips = { IPAddress.Parse("10.0.0.100") };
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);
    private static VrrpAdvertisement Advert(byte priority, int version = 2, int intervalCs = 100) => new(version, 51, priority, intervalCs, Vips);
    private static VrrpActionKind[] Kinds(List<VrrpAction> actions) => actions.Select(a => a.Kind).ToArray();

    private static VrrpStateMachine Machine(byte priority = 100, int version = 2, TimeSpan? interval = null, bool preempt = true, TimeSpan preemptDelay = default, VrrpState initial = VrrpState.Backup)
        => new(version, priority, interval ?? Second, Me, preempt, preemptDelay, initial);

    [Fact]
    public void Startup_as_backup_arms_Master_Down_Interval_of_3_intervals_plus_skew()
    {
        VrrpStateMachine m = Machine(priority: 100);
        List<VrrpAction> a = m.Start(TimeSpan.Zero);
        Assert.Equal(VrrpState.Backup, m.State);
        Assert.Equal(new[] { VrrpActionKind.StateChanged }, Kinds(a));
        // RFC 3768: Skew_Time = (256 - Priority) / 256 s = 156/256 s = 609.375 ms.
        Assert.Equal(TimeSpan.FromTicks(156 * TimeSpan.TicksPerSecond / 256), m.SkewTime);
        Assert.Equal(3 * Second + m.SkewTime, m.NextDeadline);
    }

    [Fact]
    public void Owner_priority_255_becomes_master_at_startup_with_advert_and_announcement()
    {
        VrrpStateMachine m = Machine(priority: 255);
        List<VrrpAction> a = m.Start(TimeSpan.Zero);
        Assert.Equal(VrrpState.Master, m.State);
        Assert.Equal(new[] { VrrpActionKind.AddVirtualAddresses, VrrpActionKind.SendAdvertisement, VrrpActionKind.Announce, VrrpActionKind.StateChanged }, Kinds(a));
        Assert.Equal(255, a[1].Priority);
        Assert.Equal(Second, m.NextDeadline);
    }

    [Fact]
    public void Backup_becomes_master_when_Master_Down_Timer_fires_not_before()
    {
        VrrpStateMachine m = Machine();
        m.Start(TimeSpan.Zero);
        TimeSpan down = m.MasterDownInterval;
        Assert.Empty(m.Tick(down - Ms(1)));
        Assert.Equal(VrrpState.Backup, m.State);
        List<VrrpAction> a = m.Tick(down);
        Assert.Equal(VrrpState.Master, m.State);
        Assert.Contains(a, x => x.Kind == VrrpActionKind.SendAdvertisement && x.Priority == 100);
        Assert.Equal(Me, m.MasterAddress);
    }

    [Fact]
    public void Backup_resets_the_down_timer_on_an_advert_of_higher_or_equal_priority()
    {
        VrrpStateMachine m = Machine();
        m.Start(TimeSpan.Zero);
        m.Receive(Ms(2000), Advert(150), Lower);
        Assert.Equal(Ms(2000) + m.MasterDownInterval, m.NextDeadline);
        Assert.Equal(Lower, m.MasterAddress);
        m.Receive(Ms(3000), Advert(100), Higher); // equal priority: accepted too (RFC: >=)
        Assert.Equal(Ms(3000) + m.MasterDownInterval, m.NextDeadline);
    }

    [Fact]
    public void Backup_with_preempt_ignores_a_lower_priority_master_and_takes_over()
    {
        VrrpStateMachine m = Machine(priority: 150);
        m.Start(TimeSpan.Zero);
        TimeSpan deadline = m.NextDeadline!.Value;
        m.Receive(Ms(1000), Advert(100), Lower);
        Assert.Equal(deadline, m.NextDeadline); // not reset
        m.Tick(deadline);
        Assert.Equal(VrrpState.Master, m.State);
    }

    [Fact]
    public void Backup_without_preempt_follows_a_lower_priority_master()
    {
        VrrpStateMachine m = Machine(priority: 150, preempt: false);
        m.Start(TimeSpan.Zero);
        for (int t = 1; t <= 10; t++)
            m.Receive(Second * t, Advert(100), Lower);
        m.Tick(Second * 10 + Ms(10));
        Assert.Equal(VrrpState.Backup, m.State);
        Assert.Equal(Lower, m.MasterAddress);
    }

    [Fact]
    public void Preempt_delay_holds_preemption_until_it_has_passed()
    {
        VrrpStateMachine m = Machine(priority: 150, preemptDelay: TimeSpan.FromSeconds(10));
        m.Start(TimeSpan.Zero);
        for (int t = 1; t <= 9; t++)
            m.Receive(Second * t, Advert(100), Lower);
        m.Tick(Second * 9 + Ms(1));
        Assert.Equal(VrrpState.Backup, m.State);
        // From 10 s on the lower master's adverts are ignored; the down timer runs out.
        m.Receive(Second * 10, Advert(100), Lower);
        m.Receive(Second * 11, Advert(100), Lower);
        m.Tick(Second * 9 + m.MasterDownInterval);
        Assert.Equal(VrrpState.Master, m.State);
    }

    [Fact]
    public void Backup_takes_over_after_skew_time_only_on_a_priority_zero_advert()
    {
        VrrpStateMachine m = Machine(priority: 100);
        m.Start(TimeSpan.Zero);
        m.Receive(Second, Advert(150), Lower);
        m.Receive(Ms(1500), Advert(0), Lower);
        Assert.Equal(Ms(1500) + m.SkewTime, m.NextDeadline);
        m.Tick(Ms(1500) + m.SkewTime);
        Assert.Equal(VrrpState.Master, m.State);
    }

    [Fact]
    public void Master_sends_an_advert_every_interval()
    {
        VrrpStateMachine m = Machine(initial: VrrpState.Master);
        m.Start(TimeSpan.Zero);
        Assert.Empty(m.Tick(Ms(999)));
        Assert.Equal(new[] { VrrpActionKind.SendAdvertisement }, Kinds(m.Tick(Second)));
        Assert.Equal(2 * Second, m.NextDeadline);
    }

    [Fact]
    public void Master_answers_a_priority_zero_advert_with_an_advert_at_once()
    {
        VrrpStateMachine m = Machine(initial: VrrpState.Master);
        m.Start(TimeSpan.Zero);
        List<VrrpAction> a = m.Receive(Ms(300), Advert(0), Lower);
        Assert.Equal(new[] { VrrpActionKind.SendAdvertisement }, Kinds(a));
        Assert.Equal(Ms(1300), m.NextDeadline);
        Assert.Equal(VrrpState.Master, m.State);
    }

    [Fact]
    public void Master_yields_to_a_higher_priority_with_one_parting_advert_and_removes_the_addresses()
    {
        VrrpStateMachine m = Machine(initial: VrrpState.Master);
        m.Start(TimeSpan.Zero);
        List<VrrpAction> a = m.Receive(Ms(300), Advert(200), Lower);
        Assert.Equal(VrrpState.Backup, m.State);
        Assert.Equal(new[] { VrrpActionKind.SendAdvertisement, VrrpActionKind.RemoveVirtualAddresses, VrrpActionKind.StateChanged }, Kinds(a));
        Assert.Equal(m.Priority, a[0].Priority); // our own priority: the winner sees a lower one and announces itself
        Assert.Equal(Lower, m.MasterAddress);
        Assert.Equal(Ms(300) + m.MasterDownInterval, m.NextDeadline);
    }

    [Fact]
    public void Master_with_equal_priority_yields_only_to_a_higher_primary_address()
    {
        VrrpStateMachine m = Machine(initial: VrrpState.Master);
        m.Start(TimeSpan.Zero);
        m.Receive(Ms(100), Advert(100), Lower);
        Assert.Equal(VrrpState.Master, m.State);
        m.Receive(Ms(200), Advert(100), Higher);
        Assert.Equal(VrrpState.Backup, m.State);
    }

    [Fact]
    public void Master_asserts_itself_against_a_lower_priority_master_with_advert_and_announcement()
    {
        VrrpStateMachine m = Machine(initial: VrrpState.Master);
        m.Start(TimeSpan.Zero);
        List<VrrpAction> a = m.Receive(Ms(100), Advert(50), Higher);
        Assert.Equal(new[] { VrrpActionKind.SendAdvertisement, VrrpActionKind.Announce }, Kinds(a));
        Assert.Equal(VrrpState.Master, m.State);
    }

    [Fact]
    public void Shutdown_of_a_master_sends_priority_zero_and_removes_the_addresses()
    {
        VrrpStateMachine m = Machine(initial: VrrpState.Master);
        m.Start(TimeSpan.Zero);
        List<VrrpAction> a = m.Shutdown(Second);
        Assert.Equal(new[] { VrrpActionKind.SendAdvertisement, VrrpActionKind.RemoveVirtualAddresses, VrrpActionKind.StateChanged }, Kinds(a));
        Assert.Equal(0, a[0].Priority);
        Assert.Equal(VrrpState.Init, m.State);
        Assert.Null(m.NextDeadline);
    }

    [Fact]
    public void Shutdown_of_a_backup_sends_nothing()
    {
        VrrpStateMachine m = Machine();
        m.Start(TimeSpan.Zero);
        Assert.Equal(new[] { VrrpActionKind.StateChanged }, Kinds(m.Shutdown(Second)));
    }

    [Fact]
    public void V3_skew_and_down_interval_scale_with_the_masters_learned_interval()
    {
        VrrpStateMachine m = Machine(priority: 100, version: 3, interval: Ms(10));
        m.Start(TimeSpan.Zero);
        // RFC 5798: Skew = ((256 - 100) * 1 cs) / 256; Down = 3 * 10 ms + skew ≈ 36.1 ms.
        Assert.Equal(TimeSpan.FromTicks(156 * Ms(10).Ticks / 256), m.SkewTime);
        m.Receive(Ms(5), Advert(200, version: 3, intervalCs: 100), Lower);
        Assert.Equal(Second, m.MasterAdvertisementInterval);
        Assert.Equal(3 * Second + TimeSpan.FromTicks(156 * Second.Ticks / 256), m.MasterDownInterval);
    }

    [Fact]
    public void Priority_change_on_a_master_is_advertised_at_once()
    {
        VrrpStateMachine m = Machine(initial: VrrpState.Master);
        m.Start(TimeSpan.Zero);
        List<VrrpAction> a = m.SetPriority(Ms(100), 50);
        Assert.Equal(new[] { VrrpActionKind.SendAdvertisement }, Kinds(a));
        Assert.Equal(50, a[0].Priority);
    }

    [Fact]
    public void Fault_drops_mastership_and_recovery_returns_to_backup()
    {
        VrrpStateMachine m = Machine(initial: VrrpState.Master);
        m.Start(TimeSpan.Zero);
        List<VrrpAction> a = m.SetFault(Ms(100), true);
        Assert.Equal(VrrpState.Fault, m.State);
        Assert.Contains(a, x => x.Kind == VrrpActionKind.SendAdvertisement && x.Priority == 0);
        Assert.Contains(a, x => x.Kind == VrrpActionKind.RemoveVirtualAddresses);
        Assert.Empty(m.Receive(Ms(200), Advert(10), Lower));
        Assert.Null(m.NextDeadline);
        m.SetFault(Ms(300), false);
        Assert.Equal(VrrpState.Backup, m.State);
    }

    [Fact]
    public void Address_comparison_is_unsigned_in_network_order()
    {
        Assert.True(VrrpStateMachine.Compare(IPAddress.Parse("10.0.0.200"), IPAddress.Parse("10.0.0.3")) > 0);
        Assert.True(VrrpStateMachine.Compare(IPAddress.Parse("192.168.0.1"), IPAddress.Parse("10.255.255.255")) > 0);
        Assert.Equal(0, VrrpStateMachine.Compare(Me, IPAddress.Parse("10.0.0.2")));
    }
}
