using System.Net;
using LvsPS.Native.Vrrp;

namespace LvsPS.Tests.Vrrp;

/// <summary>
/// Sync groups against keepalived's rules (vrrp_sync.c): master only when every member wants
/// master, all masters together, one member backup makes all backup, one member in fault makes
/// all fault until every member is up. Two real state machines, the group's orders run in order.
/// </summary>
public sealed class VrrpSyncGroupTests
{
    private static readonly IPAddress[] Vips = { IPAddress.Parse("10.0.0.100") };
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private sealed class Harness
    {
        public readonly VrrpSyncGroup Group = new("VG_1");
        public readonly Queue<Action> Orders = new();
        public readonly List<VrrpSyncGroupChange> Changes = new();
        public TimeSpan Now;

        public Harness() => Group.StateChanged += (_, c) => Changes.Add(c);

        public Member Add(string name, byte priority, VrrpState initial = VrrpState.Backup)
        {
            var m = new Member(this, name, new VrrpStateMachine(2, priority, Second, IPAddress.Parse($"10.0.{Group.MemberNames.Count + 1}.2"), initialState: initial) { HoldForGroup = true });
            Group.Join(m);
            return m;
        }

        public void Drain()
        {
            while (Orders.TryDequeue(out Action? order))
                order();
        }
    }

    private sealed class Member : IVrrpSyncGroupMember
    {
        private readonly Harness _h;
        public readonly VrrpStateMachine Machine;
        public bool OwnFault;
        public int PriorityZeroAdverts;

        public Member(Harness h, string name, VrrpStateMachine machine)
        {
            _h = h;
            Name = name;
            Machine = machine;
        }

        public string Name { get; }
        public VrrpState State => Machine.State;

        public void ForceMaster(string reason) => _h.Orders.Enqueue(() => Execute(Machine.ForceMaster(_h.Now, reason)));
        public void ForceBackup(string reason) => _h.Orders.Enqueue(() => Execute(Machine.ForceBackup(_h.Now, reason)));
        public void SetGroupFault(bool faulted) => _h.Orders.Enqueue(Recompute);

        public void Start() { Execute(Machine.Start(_h.Now)); _h.Drain(); }
        public void Tick() { Execute(Machine.Tick(_h.Now)); _h.Drain(); }
        public void Hear(byte priority, string from) { Execute(Machine.Receive(_h.Now, new VrrpAdvertisement(2, 51, priority, 100, Vips), IPAddress.Parse(from))); _h.Drain(); }
        public void Fault(bool down) { OwnFault = down; Recompute(); _h.Drain(); }

        private void Recompute() => Execute(Machine.SetFault(_h.Now, _h.Group.ReportFault(this, OwnFault) | OwnFault));

        private void Execute(List<VrrpAction> actions)
        {
            foreach (VrrpAction a in actions)
            {
                if (a.Kind == VrrpActionKind.SendAdvertisement && a.Priority == 0)
                    PriorityZeroAdverts++;
                if (a.Kind == VrrpActionKind.MasterWanted && _h.Group.MayBecomeMaster(this))
                    Execute(Machine.ForceMaster(_h.Now, "group"));
            }
            _h.Group.Update(this, Machine.State, Machine.WantsMaster);
        }
    }

    private static (Harness h, Member a, Member b) Pair()
    {
        var h = new Harness();
        Member a = h.Add("VI_1", 150), b = h.Add("VI_2", 150);
        a.Start();
        b.Start();
        return (h, a, b);
    }

    /// <summary>Advances both members to <paramref name="until"/> in 10 ms steps; a peer's adverts (null: none) arrive every second.</summary>
    private static void Run(Harness h, Member a, Member b, TimeSpan until, byte? peerOfA = null, byte? peerOfB = null)
    {
        while (h.Now < until)
        {
            h.Now += TimeSpan.FromMilliseconds(10);
            if (h.Now.Ticks % TimeSpan.TicksPerSecond == 0)
            {
                if (peerOfA is { } pa) a.Hear(pa, "10.0.1.9");
                if (peerOfB is { } pb) b.Hear(pb, "10.0.2.9");
            }
            a.Tick();
            b.Tick();
        }
    }

    [Fact]
    public void Both_become_master_together_when_no_master_is_heard()
    {
        var (h, a, b) = Pair();
        Assert.Equal(VrrpState.Backup, h.Group.State);
        Run(h, a, b, Second * 5);
        Assert.Equal(VrrpState.Master, a.State);
        Assert.Equal(VrrpState.Master, b.State);
        Assert.Equal(VrrpState.Master, h.Group.State);
        Assert.Equal(new[] { VrrpState.Backup, VrrpState.Master }, h.Changes.Select(c => c.To));
    }

    [Fact]
    public void A_member_that_hears_a_higher_master_keeps_the_whole_group_backup()
    {
        var (h, a, b) = Pair();
        Run(h, a, b, Second * 10, peerOfA: 200);
        Assert.Equal(VrrpState.Backup, a.State);
        Assert.Equal(VrrpState.Backup, b.State); // its down timer ran out, but A does not want master
        Assert.True(b.Machine.WantsMaster);
        Assert.False(a.Machine.WantsMaster);
    }

    [Fact]
    public void A_higher_peer_appearing_for_one_member_makes_both_backup_and_both_return_after()
    {
        var (h, a, b) = Pair();
        Run(h, a, b, Second * 5);
        Assert.Equal(VrrpState.Master, b.State);
        Run(h, a, b, Second * 8, peerOfA: 200);
        Assert.Equal(VrrpState.Backup, a.State);
        Assert.Equal(VrrpState.Backup, b.State);
        Assert.Equal(VrrpState.Backup, h.Group.State);
        Assert.Equal(1, b.PriorityZeroAdverts); // B's peer takes over after skew time
        Run(h, a, b, Second * 15, peerOfB: 100); // A's peer gone; B's lower peer is master now
        Assert.Equal(VrrpState.Master, a.State);
        Assert.Equal(VrrpState.Master, b.State); // preempts its lower peer with the group
    }

    [Fact]
    public void A_member_in_fault_puts_all_in_fault_and_all_leave_it_together()
    {
        var (h, a, b) = Pair();
        Run(h, a, b, Second * 5);
        a.Fault(true);
        Assert.Equal(VrrpState.Fault, a.State);
        Assert.Equal(VrrpState.Fault, b.State);
        Assert.Equal(VrrpState.Fault, h.Group.State);
        Assert.Equal(1, b.PriorityZeroAdverts);
        Run(h, a, b, Second * 10);
        Assert.Equal(VrrpState.Fault, b.State); // stays while A is down
        a.Fault(false);
        Assert.Equal(VrrpState.Backup, a.State);
        Assert.Equal(VrrpState.Backup, b.State);
        Run(h, a, b, Second * 15);
        Assert.Equal(VrrpState.Master, a.State);
        Assert.Equal(VrrpState.Master, b.State);
    }

    [Fact]
    public void A_member_with_its_own_fault_stays_in_fault_while_the_other_recovers()
    {
        var (h, a, b) = Pair();
        a.Fault(true);
        b.Fault(true);
        a.Fault(false);
        Assert.Equal(VrrpState.Fault, a.State);
        Assert.Equal(VrrpState.Fault, h.Group.State);
        b.Fault(false);
        Assert.Equal(VrrpState.Backup, a.State);
        Assert.Equal(VrrpState.Backup, h.Group.State);
    }

    [Fact]
    public void An_owner_in_a_group_waits_for_the_others_instead_of_starting_as_master()
    {
        var h = new Harness();
        Member a = h.Add("VI_1", 255), b = h.Add("VI_2", 100);
        a.Start();
        b.Start();
        Assert.Equal(VrrpState.Backup, a.State);
        Assert.True(a.Machine.WantsMaster);
        Run(h, a, b, Second * 5);
        Assert.Equal(VrrpState.Master, a.State);
        Assert.Equal(VrrpState.Master, b.State);
    }

    [Fact]
    public void A_stopped_member_that_held_the_group_in_fault_releases_it()
    {
        var (h, a, b) = Pair();
        a.Fault(true);
        Assert.Equal(VrrpState.Fault, b.State);
        h.Group.Leave(a);
        h.Drain();
        Assert.Equal(VrrpState.Backup, b.State);
        Assert.Equal(new[] { "VI_2" }, h.Group.MemberNames);
    }

    [Fact]
    public void Names_are_unique_in_a_group_and_a_group_needs_a_name()
    {
        var h = new Harness();
        h.Add("VI_1", 100);
        Assert.Equal(VrrpRule.InvalidSyncGroup, Assert.Throws<VrrpValidationException>(() => h.Add("vi_1", 100)).Rule);
        Assert.Equal(VrrpRule.InvalidSyncGroup, Assert.Throws<VrrpValidationException>(() => new VrrpSyncGroup(" ")).Rule);
    }
}
