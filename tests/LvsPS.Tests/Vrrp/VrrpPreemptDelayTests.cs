using System.Net;
using LvsPS.Native.Vrrp;

namespace LvsPS.Tests.Vrrp;

/// <summary>
/// keepalived's preempt_delay (vrrp.c vrrp_state_backup): the delay runs from startup, from
/// leaving FAULT, and from the first lower-priority advert after an advert of higher or equal
/// priority, which stops it.
/// </summary>
public sealed class VrrpPreemptDelayTests
{
    private static readonly IPAddress Me = IPAddress.Parse("10.0.0.2");
    private static readonly IPAddress Peer = IPAddress.Parse("10.0.0.1");
    private static readonly IPAddress[] Vips = { IPAddress.Parse("10.0.0.100") };
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private static VrrpAdvertisement Advert(byte priority) => new(2, 51, priority, 100, Vips);

    private static VrrpStateMachine Machine(TimeSpan delay) => new(2, 150, Second, Me, preempt: true, preemptDelay: delay);

    /// <summary>One advert a second from <paramref name="from"/> to <paramref name="to"/> s (inclusive), ticking every 10 ms in between; when it became master.</summary>
    private static TimeSpan? Adverts(VrrpStateMachine m, int from, int to, byte priority)
    {
        for (int t = from; t <= to; t++)
        {
            if (m.State == VrrpState.Master)
                return null;
            m.Receive(Second * t, Advert(priority), Peer);
            for (int ms = 0; ms < 1000; ms += 10)
            {
                TimeSpan now = Second * t + TimeSpan.FromMilliseconds(ms);
                m.Tick(now);
                if (m.State == VrrpState.Master)
                    return now;
            }
        }
        return null;
    }

    [Fact]
    public void A_higher_priority_master_stops_the_delay_and_the_next_lower_advert_starts_it_again()
    {
        VrrpStateMachine m = Machine(TimeSpan.FromSeconds(10));
        m.Start(TimeSpan.Zero);
        Adverts(m, 1, 20, 200); // a higher master for 20 s: the delay from startup is long over
        Adverts(m, 21, 30, 100); // the master's priority drops at 21 s: the delay starts there
        Assert.Equal(VrrpState.Backup, m.State);
        TimeSpan? at = Adverts(m, 31, 40, 100); // from 31 s the lower adverts are ignored: the down timer runs out
        Assert.Equal(VrrpState.Master, m.State);
        Assert.InRange(at!.Value, Second * 33, Second * 35);
    }

    [Fact]
    public void Without_a_delay_a_lower_advert_is_ignored_at_once()
    {
        VrrpStateMachine m = Machine(TimeSpan.Zero);
        m.Start(TimeSpan.Zero);
        Adverts(m, 1, 20, 200);
        TimeSpan? at = Adverts(m, 21, 26, 100);
        Assert.Equal(VrrpState.Master, m.State);
        Assert.InRange(at!.Value, Second * 23, Second * 25);
    }

    [Fact]
    public void Leaving_fault_starts_the_delay_again()
    {
        VrrpStateMachine m = Machine(TimeSpan.FromSeconds(10));
        m.Start(TimeSpan.Zero);
        m.SetFault(Second * 20, true);
        m.SetFault(Second * 30, false);
        Assert.Equal(VrrpState.Backup, m.State);
        Adverts(m, 31, 39, 100);
        Assert.Equal(VrrpState.Backup, m.State);
        Adverts(m, 40, 45, 100);
        Assert.Equal(VrrpState.Master, m.State);
    }

    [Fact]
    public void After_losing_master_the_delay_waits_for_a_lower_advert()
    {
        VrrpStateMachine m = Machine(TimeSpan.FromSeconds(5));
        m.Start(TimeSpan.Zero);
        m.Tick(m.MasterDownInterval);
        Assert.Equal(VrrpState.Master, m.State);
        m.Receive(Second * 10, Advert(200), Peer);
        Assert.Equal(VrrpState.Backup, m.State);
        Adverts(m, 11, 20, 200);
        Adverts(m, 21, 25, 100); // delay from 21 s to 26 s
        Assert.Equal(VrrpState.Backup, m.State);
        Adverts(m, 26, 31, 100);
        Assert.Equal(VrrpState.Master, m.State);
    }
}
