using System.Management.Automation;
using LvsPS.Host.Tests.Infrastructure;
using LvsPS.Native.Vrrp;
using LvsPS.Testing;
using Xunit.Abstractions;

namespace LvsPS.Host.Tests;

/// <summary>
/// Sync groups through the cmdlets: node 1 runs two LvsPS instances in one sync group (VRIDs 21
/// and 22, priority 150), node 2 two LvsPS peers without a group (priority 100). When one member
/// loses (a higher-priority peer, or its tracked interface goes down) both members leave and both
/// VIPs move to node 2; when it recovers both come back.
/// </summary>
[Collection("vrrp")]
public sealed class VrrpSyncGroupTests(ITestOutputHelper output)
{
    // 0.1 s: on a loaded 2-core host 0.05 s lets a held backup miss three adverts now and then, and a
    // group whose other member wants master then flaps for one advert (keepalived would too).
    private const string Fast = "-Version 3 -AdvertisementInterval 0.1";

    private static string Vip1(Segment s) => $"{s.Subnet}.101";
    private static string Vip2(Segment s) => $"{s.Subnet}.102";

    /// <summary>Starts the four instances; returns the warnings of G1's start.</summary>
    private static string[] Start(PowerShellSession ps, Segment s, string group, string notify = "", string track = "trk0")
    {
        Sh.Run("ip", "-n", s.Node(1), "link", "add", "trk0", "type", "veth", "peer", "name", "trk1"); // the host kernel has no dummy module
        Sh.Run("ip", "-n", s.Node(1), "link", "set", "trk1", "up");
        Sh.Run("ip", "-n", s.Node(1), "link", "set", "trk0", "up");
        return ps.Run($"""
            $a, $b, $v1, $v2 = $args
            Start-LvsVrrpInstance G1 -NetworkNamespace $a -Interface eth0 -VirtualRouterId 21 {Fast} -Priority 150 -VirtualAddress "$v1/24" -SyncGroup {group} -TrackInterface {track} {notify} -WarningVariable wv -WarningAction SilentlyContinue | Out-Null
            Start-LvsVrrpInstance G2 -NetworkNamespace $a -Interface eth0 -VirtualRouterId 22 {Fast} -Priority 150 -VirtualAddress "$v2/24" -SyncGroup {group} {notify} | Out-Null
            Start-LvsVrrpInstance P1 -NetworkNamespace $b -Interface eth0 -VirtualRouterId 21 {Fast} -Priority 100 -VirtualAddress "$v1/24" | Out-Null
            Start-LvsVrrpInstance P2 -NetworkNamespace $b -Interface eth0 -VirtualRouterId 22 {Fast} -Priority 100 -VirtualAddress "$v2/24" | Out-Null
            $wv | ForEach-Object Message
            """, s.Node(1), s.Node(2), Vip1(s), Vip2(s)).Select(o => o.ToString()).ToArray();
    }

    private static bool VipsOn(Segment s, int node)
    {
        int other = node == 1 ? 2 : 1;
        return s.HasAddress(node, Vip1(s)) && s.HasAddress(node, Vip2(s)) && !s.HasAddress(other, Vip1(s)) && !s.HasAddress(other, Vip2(s));
    }

    private static VrrpState StateOf(PowerShellSession ps, string name) => ((VrrpInstance)ps.Run($"Get-LvsVrrpInstance {name}").Single().BaseObject).State;

    private void Dump(PowerShellSession ps)
    {
        output.WriteLine(ps.Invoke("Get-LvsVrrpInstance | ForEach-Object { $_.History } | Sort-Object Time | Out-Default").HostText);
        output.WriteLine(ps.Invoke("(Get-LvsVrrpSyncGroup).History | Out-String").HostText + string.Join("\n", ps.Invoke("(Get-LvsVrrpSyncGroup).History | ForEach-Object ToString").Output));
    }

    [SkippableFact]
    public void A_higher_priority_peer_for_one_member_moves_both_VIPs_and_both_return()
    {
        HostFacts.RequireRoot();
        using var s = new Segment(2);
        using var ps = new PowerShellSession();
        string log = Path.Combine(Path.GetTempPath(), $"lvsps-group-{Guid.NewGuid():N}.log");
        string script = log + ".sh";
        File.WriteAllText(script, $"#!/bin/sh\necho \"$@\" >> {log}\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            Start(ps, s, "VG_T", $"-SyncGroupNotifyCommand {script}");
            ps.Run("Wait-LvsVrrpInstance G1, G2 -State Master -Timeout 10");
            Assert.True(Sh.Eventually(() => VipsOn(s, 1), TimeSpan.FromSeconds(5)), "both VIPs on node 1 at start");
            var group = (VrrpSyncGroup)ps.Run("Get-LvsVrrpSyncGroup VG_T").Single().BaseObject;
            Assert.Equal(VrrpState.Master, group.State);
            Assert.Equal(new[] { "G1", "G2" }, group.MemberNames);
            Assert.Equal("VG_T", ((VrrpInstance)ps.Run("Get-LvsVrrpInstance G2").Single().BaseObject).SyncGroupName);

            // Only VRID 21 gets a higher peer; VRID 22's peer stays at 100, yet G2 follows G1.
            ps.Run("Set-LvsVrrpInstance P1 -Priority 200");
            ps.Run("Wait-LvsVrrpInstance G1, G2 -State Backup -Timeout 5");
            Assert.True(Sh.Eventually(() => VipsOn(s, 2), TimeSpan.FromSeconds(5)), "both VIPs on node 2");
            Assert.Equal(VrrpState.Backup, group.State);
            Thread.Sleep(1000); // several Master_Down_Intervals: G2 must not come back alone
            Assert.Equal(VrrpState.Backup, StateOf(ps, "G2"));
            Assert.True(VipsOn(s, 2));

            ps.Run("Set-LvsVrrpInstance P1 -Priority 100");
            ps.Run("Wait-LvsVrrpInstance G1, G2 -State Master -Timeout 5");
            Assert.True(Sh.Eventually(() => VipsOn(s, 1), TimeSpan.FromSeconds(5)), "both VIPs back on node 1");
            Assert.Equal(VrrpState.Master, group.State);
            // keepalived's group notify, in order: started backup, master, backup for the higher peer, master again.
            Assert.True(Sh.Eventually(() => File.Exists(log) && File.ReadAllText(log).StartsWith("GROUP VG_T BACKUP\nGROUP VG_T MASTER\nGROUP VG_T BACKUP\n", StringComparison.Ordinal)
                && File.ReadAllText(log).EndsWith("GROUP VG_T MASTER\n", StringComparison.Ordinal), TimeSpan.FromSeconds(5)),
                "group notify: " + (File.Exists(log) ? File.ReadAllText(log) : "no log"));
            PowerShellSession.Result r = ps.Invoke("Start-LvsVrrpInstance G3 -Interface eth0 -VirtualRouterId 23 -VirtualAddress 10.9.0.3/24 -SyncGroup VG_T -SyncGroupNotifyCommand /bin/true");
            Assert.StartsWith("InvalidSyncGroup", Assert.Single(r.AllErrors).FullyQualifiedErrorId);
        }
        finally
        {
            Dump(ps);
            ps.Invoke("Get-LvsVrrpInstance | Stop-LvsVrrpInstance");
            File.Delete(log);
            File.Delete(script);
        }
    }

    [SkippableFact]
    public void A_tracked_interface_down_on_one_member_faults_both_and_both_return()
    {
        HostFacts.RequireRoot();
        using var s = new Segment(2);
        using var ps = new PowerShellSession();
        try
        {
            // A weighted track in a sync group counts as weight 0, as in keepalived without sync_group_tracking_weight.
            string[] warnings = Start(ps, s, "VG_F", track: "'trk0 weight -100'");
            Assert.Contains("weight -100 ignored in sync group VG_F", Assert.Single(warnings));
            ps.Run("Wait-LvsVrrpInstance G1, G2 -State Master -Timeout 10");
            Assert.True(Sh.Eventually(() => VipsOn(s, 1), TimeSpan.FromSeconds(5)));

            Sh.Run("ip", "-n", s.Node(1), "link", "set", "trk0", "down");
            ps.Run("Wait-LvsVrrpInstance G1, G2 -State Fault -Timeout 5");
            Assert.True(Sh.Eventually(() => VipsOn(s, 2), TimeSpan.FromSeconds(5)), "both VIPs on node 2");
            Assert.True(((VrrpSyncGroup)ps.Run("Get-LvsVrrpSyncGroup VG_F").Single().BaseObject).IsFaulted);

            Sh.Run("ip", "-n", s.Node(1), "link", "set", "trk0", "up");
            ps.Run("Wait-LvsVrrpInstance G1, G2 -State Master -Timeout 5");
            Assert.True(Sh.Eventually(() => VipsOn(s, 1), TimeSpan.FromSeconds(5)), "both VIPs back on node 1");
        }
        finally
        {
            Dump(ps);
            ps.Invoke("Get-LvsVrrpInstance | Stop-LvsVrrpInstance");
        }
    }

    [SkippableFact]
    public void Without_IPVS_the_sync_daemon_fails_visibly_and_VRRP_runs_on()
    {
        HostFacts.RequireRoot();
        Skip.If(File.Exists("/proc/net/ip_vs"), "this kernel has IPVS: the lab tier tests the sync daemon");
        using var s = new Segment(1);
        using var ps = new PowerShellSession();
        try
        {
            ps.Run($"Start-LvsVrrpInstance D -NetworkNamespace $args[0] -Interface eth0 -VirtualRouterId 23 {Fast} -VirtualAddress \"$($args[1])/24\" -LvsSyncDaemonInterface eth0 -LvsSyncId 9 | Out-Null",
                s.Node(1), Vip1(s));
            ps.Run("Wait-LvsVrrpInstance D -State Master -Timeout 10");
            var d = (VrrpInstance)ps.Run("Get-LvsVrrpInstance D").Single().BaseObject;
            Assert.True(Sh.Eventually(() => d.LvsSyncDaemon!.Errors >= 2, TimeSpan.FromSeconds(5)), "backup and master start both failed");
            Assert.Contains("IPVS", d.LastError);
            Assert.True(d.IsRunning);
            Assert.True(s.HasAddress(1, Vip1(s)));
            PowerShellSession.Result r = ps.Invoke($"Start-LvsVrrpInstance E -NetworkNamespace $args[0] -Interface eth0 -VirtualRouterId 24 {Fast} -VirtualAddress \"$($args[1])/24\" -LvsSyncDaemonInterface eth0", s.Node(1), Vip2(s));
            Assert.StartsWith("LvsSyncDaemonInUse", Assert.Single(r.AllErrors).FullyQualifiedErrorId);
        }
        finally
        {
            ps.Invoke("Get-LvsVrrpInstance | Stop-LvsVrrpInstance");
        }
    }

    [Fact]
    public void An_unknown_group_is_VrrpSyncGroupNotFound()
    {
        using var ps = new PowerShellSession();
        PowerShellSession.Result r = ps.Invoke("Get-LvsVrrpSyncGroup NoSuchGroup; Get-LvsVrrpSyncGroup NoSuch*");
        Assert.StartsWith("VrrpSyncGroupNotFound", Assert.Single(r.AllErrors).FullyQualifiedErrorId);
    }
}
