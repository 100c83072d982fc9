using LvsPS.Host.Tests.Infrastructure;
using LvsPS.Native.Vrrp;
using LvsPS.Testing;
using Xunit.Abstractions;

namespace LvsPS.Host.Tests;

/// <summary>
/// An LvsPS sync group (node 1, VRIDs 31 and 32, priority 150) facing keepalived 2.2.7 on node 2:
/// against a keepalived vrrp_sync_group both groups hand both VIPs over together; against
/// keepalived instances without a group, a higher priority on one VRID takes both.
/// </summary>
[Collection("vrrp")]
public sealed class VrrpSyncGroupKeepalivedTests(ITestOutputHelper output)
{
    private const string LvsFast = "-Version 3 -AdvertisementInterval 0.1";

    private static string Vip(Segment s, int vrid) => $"{s.Subnet}.{vrid + 100}";

    private static string Instance(Segment s, int vrid, int priority)
        => string.Join('\n',
            "  state BACKUP",
            $"  virtual_router_id {vrid}",
            $"  priority {priority}",
            "  advert_int 0.1",
            "  version 3",
            $"  virtual_ipaddress {{ {Vip(s, vrid)}/24 dev eth0 }}");

    /// <summary>Keepalived's helper writes one vrrp_instance VI_1; the body closes it and adds VI_2 (and a sync group, whose brace the helper closes).</summary>
    private static string TwoInstances(Segment s, int priority1, int priority2, bool syncGroup)
        => Instance(s, 31, priority1) + "\n}\nvrrp_instance VI_2 {\n  interface eth0\n" + Instance(s, 32, priority2)
            + (syncGroup ? "\n}\nvrrp_sync_group VG_K {\n  group {\n    VI_1\n    VI_2\n  }" : "");

    private static void StartLvsPS(PowerShellSession ps, Segment s, string group)
    {
        Sh.Run("ip", "-n", s.Node(1), "link", "add", "trk0", "type", "veth", "peer", "name", "trk1");
        Sh.Run("ip", "-n", s.Node(1), "link", "set", "trk1", "up");
        Sh.Run("ip", "-n", s.Node(1), "link", "set", "trk0", "up");
        ps.Run($"""
            $a, $v1, $v2 = $args
            Start-LvsVrrpInstance K1 -NetworkNamespace $a -Interface eth0 -VirtualRouterId 31 {LvsFast} -Priority 150 -VirtualAddress "$v1/24" -SyncGroup {group} -TrackInterface trk0 | Out-Null
            Start-LvsVrrpInstance K2 -NetworkNamespace $a -Interface eth0 -VirtualRouterId 32 {LvsFast} -Priority 150 -VirtualAddress "$v2/24" -SyncGroup {group} | Out-Null
            """, s.Node(1), Vip(s, 31), Vip(s, 32));
    }

    private static bool VipsOn(Segment s, int node)
    {
        int other = node == 1 ? 2 : 1;
        return s.HasAddress(node, Vip(s, 31)) && s.HasAddress(node, Vip(s, 32)) && !s.HasAddress(other, Vip(s, 31)) && !s.HasAddress(other, Vip(s, 32));
    }

    private void Dump(PowerShellSession ps, Keepalived ka)
    {
        output.WriteLine(string.Join("\n", ps.Invoke("Get-LvsVrrpInstance | ForEach-Object { $_.History } | Sort-Object Time | ForEach-Object ToString").Output));
        output.WriteLine(string.Join("\n", ps.Invoke("Get-LvsVrrpSyncGroup | ForEach-Object { $_.History } | ForEach-Object ToString").Output));
        output.WriteLine(ka.Log);
    }

    [SkippableFact]
    public void Against_a_keepalived_sync_group_a_fault_moves_both_VIPs_and_recovery_brings_both_back()
    {
        HostFacts.RequireRootAndKeepalived();
        using var s = new Segment(2);
        using var ps = new PowerShellSession();
        using var ka = new Keepalived(s.Node(2), TwoInstances(s, 100, 100, syncGroup: true));
        try
        {
            StartLvsPS(ps, s, "VG_KA1");
            ps.Run("Wait-LvsVrrpInstance K1, K2 -State Master -Timeout 10");
            ka.Start();
            Thread.Sleep(2000);
            Assert.True(Sh.Eventually(() => VipsOn(s, 1), TimeSpan.FromSeconds(5)), "both VIPs on LvsPS");

            Sh.Run("ip", "-n", s.Node(1), "link", "set", "trk0", "down");
            ps.Run("Wait-LvsVrrpInstance K1, K2 -State Fault -Timeout 5");
            Assert.True(Sh.Eventually(() => VipsOn(s, 2), TimeSpan.FromSeconds(10)), "both VIPs on keepalived");

            Sh.Run("ip", "-n", s.Node(1), "link", "set", "trk0", "up");
            ps.Run("Wait-LvsVrrpInstance K1, K2 -State Master -Timeout 10");
            Assert.True(Sh.Eventually(() => VipsOn(s, 1), TimeSpan.FromSeconds(10)), "both VIPs back on LvsPS");
        }
        finally
        {
            Dump(ps, ka);
            ps.Invoke("Get-LvsVrrpInstance | Stop-LvsVrrpInstance");
            ka.Stop();
        }
    }

    [SkippableFact]
    public void A_higher_keepalived_peer_on_one_VRID_takes_both_and_its_stop_gives_both_back()
    {
        HostFacts.RequireRootAndKeepalived();
        using var s = new Segment(2);
        using var ps = new PowerShellSession();
        using var ka = new Keepalived(s.Node(2), TwoInstances(s, 200, 100, syncGroup: false));
        try
        {
            StartLvsPS(ps, s, "VG_KA2");
            ps.Run("Wait-LvsVrrpInstance K1, K2 -State Master -Timeout 10");
            Assert.True(Sh.Eventually(() => VipsOn(s, 1), TimeSpan.FromSeconds(5)), "both VIPs on LvsPS");

            ka.Start(); // VI_1 at 200 preempts K1; VI_2 at 100 gets VRID 32 only because K2 follows its group
            ps.Run("Wait-LvsVrrpInstance K1, K2 -State Backup -Timeout 10");
            Assert.True(Sh.Eventually(() => VipsOn(s, 2), TimeSpan.FromSeconds(10)), "both VIPs on keepalived");
            Thread.Sleep(1500);
            Assert.True(VipsOn(s, 2), "K2 stayed backup although its own peer has the lower priority");

            ka.Stop(); // priority 0 on both VRIDs
            ps.Run("Wait-LvsVrrpInstance K1, K2 -State Master -Timeout 10");
            Assert.True(Sh.Eventually(() => VipsOn(s, 1), TimeSpan.FromSeconds(10)), "both VIPs back on LvsPS");
        }
        finally
        {
            Dump(ps, ka);
            ps.Invoke("Get-LvsVrrpInstance | Stop-LvsVrrpInstance");
            ka.Stop();
        }
    }
}
