using System.Net;
using LvsPS.Host.Tests.Infrastructure;
using LvsPS.Native.Vrrp;
using Xunit.Abstractions;

namespace LvsPS.Host.Tests;

/// <summary>
/// Issue 5's faults on the host kernel, LvsPS against keepalived in both roles, VRRPv3 at 100 ms
/// (Master_Down_Interval ≈ 0.36 s; timeouts are many times that): the master's own link going
/// down and coming back, and a split brain (both bridge ports blocking, then forwarding again).
/// Packet loss needs netem and runs in the lab (VrrpLossLabTests); a master crash is in
/// VrrpInteropTests.
/// </summary>
[Collection("vrrp")]
public sealed class VrrpFaultTests(ITestOutputHelper output)
{
    private const int Version = 3;
    private const double Interval = 0.1;
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(10);

    /// <summary>One node of the pair: LvsPS or keepalived, with the same timers.</summary>
    private sealed class Speaker : IDisposable
    {
        private readonly Segment _segment;

        public Speaker(Segment segment, int node, int priority, bool lvs)
        {
            _segment = segment;
            NodeIndex = node;
            Name = $"{(lvs ? "LvsPS" : "keepalived")} (node {node}, priority {priority})";
            if (lvs)
                Lvs = VrrpInstance.Start(HostFacts.Options(segment, node, priority, Version, Interval));
            else
                Ka = new Keepalived(segment.Node(node), HostFacts.KeepalivedInstance(segment, priority, Version, Interval)).Start();
        }

        public int NodeIndex { get; }
        public string Name { get; }
        public VrrpInstance? Lvs { get; }
        public Keepalived? Ka { get; }
        public bool HoldsVip => _segment.HasAddress(NodeIndex, _segment.Vip);

        public string Dump() => Lvs is { } l
            ? $"{Name}: {l.State} prio {l.Priority} master {l.MasterAddress} {l.Counters} error {l.LastError}\n  {string.Join("\n  ", l.History)}"
            : $"{Name} log:\n{Ka!.Log}";

        public void Dispose()
        {
            Lvs?.Dispose();
            Ka?.Dispose();
        }
    }

    private static (Speaker One, Speaker Two) StartPair(Segment s, bool lvsIsNode1, int priority1 = 100, int priority2 = 90)
        => (new Speaker(s, 1, priority1, lvsIsNode1), new Speaker(s, 2, priority2, !lvsIsNode1));

    /// <summary>The VIP on <paramref name="winner"/> only, and LvsPS in the matching state.</summary>
    private static bool OnlyOn(Speaker winner, Speaker loser)
        => winner.HoldsVip && !loser.HoldsVip
           && (winner.Lvs is null || winner.Lvs.State == VrrpState.Master)
           && (loser.Lvs is null || loser.Lvs.State == VrrpState.Backup);

    /// <summary>Reached and then held for a while (a flap right after convergence fails).</summary>
    private static bool Settles(Func<bool> condition) => Sh.Eventually(condition, Converge) && !Sh.Eventually(() => !condition(), TimeSpan.FromSeconds(2));

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void Link_down_on_the_master_hands_over_and_link_up_gives_one_master_again(bool lvsIsMaster)
    {
        HostFacts.RequireRootAndKeepalived();
        using var s = new Segment(2);
        var (master, backup) = StartPair(s, lvsIsMaster);
        try
        {
            Assert.True(Settles(() => OnlyOn(master, backup)), "the pair did not settle with node 1 as master");

            s.SetLink(1, up: false);
            Assert.True(Sh.Eventually(() => backup.HoldsVip, Converge), "the backup did not take the VIP");
            if (master.Lvs is { } l)
                Assert.True(l.WaitForState(VrrpState.Fault, Converge), "LvsPS did not enter Fault with its link down");
            Assert.True(Settles(() => backup.HoldsVip && !master.HoldsVip), "the VIP is not on the backup alone while the master's link is down");

            s.SetLink(1, up: true);
            Assert.True(Settles(() => OnlyOn(master, backup)), "no single master (node 1, preempting) after the link came back");
        }
        finally
        {
            output.WriteLine(master.Dump());
            output.WriteLine(backup.Dump());
            master.Dispose();
            backup.Dispose();
        }
    }

    /// <summary>
    /// Both ports blocking: each side hears nothing, so both are master and both hold the VIP.
    /// Forwarding again: the higher priority wins, or at equal priority the higher primary
    /// address (node 2; RFC 5798 6.4.3; node 1 is started first so that before the cut it is the
    /// master, a backup of equal priority does not preempt), the loser drops the VIP, and the
    /// winner's gratuitous ARP for the VIP is on the wire after the heal, so that hosts which
    /// learned the loser's MAC during the split relearn it. Only a master that hears a second
    /// master re-announces; an LvsPS loser sends a parting advert when it yields, so that the
    /// winner always does. A keepalived loser yields silently when the winner's advert reaches
    /// it first (a race; keepalived's weakness in vrrp.md), so with a keepalived loser the GARP
    /// is reported, not asserted.
    /// </summary>
    [SkippableTheory]
    [InlineData("LvsPS", "keepalived", 100, 90)]
    [InlineData("keepalived", "LvsPS", 100, 90)]
    [InlineData("LvsPS", "keepalived", 100, 100)]
    [InlineData("keepalived", "LvsPS", 100, 100)]
    [InlineData("LvsPS", "LvsPS", 100, 90)]
    public void Split_brain_heals_to_one_master_with_a_GARP_from_the_winner(string node1, string node2, int priority1, int priority2)
    {
        HostFacts.RequireRootAndKeepalived();
        using var s = new Segment(2);
        var one = new Speaker(s, 1, priority1, node1 == "LvsPS");
        Speaker? two = null;
        try
        {
            Assert.True(Sh.Eventually(() => one.HoldsVip, Converge), $"{one.Name} did not become master alone");
            two = new Speaker(s, 2, priority2, node2 == "LvsPS");
            Assert.True(Settles(() => OnlyOn(one, two)), $"the pair did not settle with {one.Name} as master");
            var (winner, loser) = priority1 > priority2 ? (one, two) : (two, one);

            s.Isolate(1, true);
            s.Isolate(2, true);
            Assert.True(Settles(() => one.HoldsVip && two.HoldsVip), "both sides should be master with the VIP while cut off");

            using var capture = new PacketCapture(s.Bridge, "br0");
            double healedAt = PacketCapture.UnixNow();
            s.Isolate(1, false);
            s.Isolate(2, false);
            Assert.True(Settles(() => OnlyOn(winner, loser)), $"no single master ({winner.Name}) after the heal");

            IPAddress vip = IPAddress.Parse(s.Vip);
            byte[] winnerMac = s.MacAddress(winner.NodeIndex);
            CapturedFrame? garp = capture.WaitFor(f => f.IsGratuitousArp(vip) && f.Data.AsSpan(6, 6).SequenceEqual(winnerMac), TimeSpan.FromSeconds(3), healedAt);
            string arps = string.Join(", ", capture.Frames.Where(f => f.IsGratuitousArp(vip))
                .Select(f => $"{(f.Time - healedAt) * 1000:0} ms from {(f.Data.AsSpan(6, 6).SequenceEqual(winnerMac) ? "the winner" : "the loser")}"));
            output.WriteLine($"GARPs for the VIP after the heal: {(arps.Length == 0 ? "none" : arps)}");
            var adverts = capture.Frames.Where(f => f.IsVrrpAdvertFrom(IPAddress.Parse(s.Address(winner.NodeIndex)))).Select(f => f.Time).ToArray();
            if (adverts.Length > 1)
                output.WriteLine($"the winner's adverts after the heal: {adverts.Length}, largest gap {adverts.Zip(adverts.Skip(1), (a, b) => b - a).Max() * 1000:0} ms");
            if (loser.Lvs is not null)
                Assert.True(garp is not null, $"no gratuitous ARP for the VIP from the winner, {winner.Name}, after the heal");
        }
        finally
        {
            output.WriteLine(one.Dump());
            if (two is not null)
                output.WriteLine(two.Dump());
            one.Dispose();
            two?.Dispose();
        }
    }
}
