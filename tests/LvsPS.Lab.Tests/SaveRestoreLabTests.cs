using System.Management.Automation;
using LvsPS.Lab.Tests.Infrastructure;
using LvsPS.Native.Ipvs;
using LvsPS.Testing;
using Xunit;

namespace LvsPS.Lab.Tests;

/// <summary>
/// Export-/Import-LvsConfiguration and the sync-daemon cmdlets against the real kernel, with
/// ipvsadm-save, ipvsadm-restore, ipvsadm -Ln --thresholds and ipvsadm -L --daemon as witnesses.
/// </summary>
public sealed class SaveRestoreLabTests : CmdletLabBase, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lvsps-saverestore").FullName;
    private readonly List<LabNamespace> _others = new();

    public new void Dispose()
    {
        foreach (LabNamespace ns in _others)
            ns.Dispose();
        Directory.Delete(_dir, recursive: true);
        base.Dispose();
    }

    private string File(string name, string? content = null)
    {
        string path = Path.Combine(_dir, name);
        if (content != null)
            System.IO.File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Most options ipvsadm-save prints, built with ipvsadm itself.</summary>
    private void BuildWithIpvsadm()
    {
        Ns.Ipvsadm("-A", "-t", "10.0.0.3:80", "-s", "wrr", "-p", "20");
        Ns.Ipvsadm("-a", "-t", "10.0.0.3:80", "-r", "10.0.0.7:80", "-g", "-w", "1");
        Ns.Ipvsadm("-a", "-t", "10.0.0.3:80", "-r", "10.0.0.10:8080", "-m", "-w", "3", "-x", "50", "-y", "5");
        Ns.Ipvsadm("-a", "-t", "10.0.0.3:80", "-r", "10.0.0.12:80", "-i", "--tun-type", "gue", "--tun-port", "6080", "--tun-csum");
        Ns.Ipvsadm("-A", "-t", "10.0.0.4:80", "-s", "sh", "-b", "sh-fallback,sh-port", "-p", "60", "-M", "255.255.255.0");
        Ns.Ipvsadm("-A", "-u", "10.0.0.5:53", "-s", "rr", "-o");
        Ns.Ipvsadm("-A", "-u", "[2001:db8::1]:53", "-s", "sh", "-p", "60", "-M", "64");
        Ns.Ipvsadm("-a", "-u", "[2001:db8::1]:53", "-r", "[2001:db8::7]:5353", "-m", "-w", "3", "-x", "100", "-y", "10");
        Ns.Ipvsadm("-A", "-f", "43", "-6", "-s", "rr", "-p", "30", "-M", "64");
        Ns.Ipvsadm("-a", "-f", "43", "-6", "-r", "[2001:db8::10]:0", "-g", "-w", "2");
    }

    private static int Count(PSObject result, string property) => (int)result.Properties[property].Value;

    private static string Counts(PSObject r) => $"added {Count(r, "Added")} changed {Count(r, "Changed")} removed {Count(r, "Removed")} unchanged {Count(r, "Unchanged")} failed {Count(r, "Failed")}";

    [Fact]
    public void Ipvsadm_save_imported_saves_identically_and_a_second_import_changes_nothing()
    {
        BuildWithIpvsadm();
        string saved = Ns.Ipvsadm("-Sn");
        string rules = File("saved.rules", saved);
        Ns.Ipvsadm("-C");

        PSObject first = Assert.Single(Ps.Run("Import-LvsConfiguration $args[0]", rules));
        Assert.Equal("added 10 changed 0 removed 0 unchanged 0 failed 0", Counts(first));
        Assert.Equal(saved, Ns.Ipvsadm("-Sn"));

        PSObject second = Assert.Single(Ps.Run("Import-LvsConfiguration $args[0]", rules));
        Assert.Equal("added 0 changed 0 removed 0 unchanged 10 failed 0", Counts(second));
        Assert.True((bool)second.Properties["NoChange"].Value);
        Assert.Equal(saved, Ns.Ipvsadm("-Sn"));
    }

    [Fact]
    public void Exported_rules_restored_by_ipvsadm_restore_elsewhere_read_back_identically()
    {
        BuildWithIpvsadm();
        string rules = File("export.rules");
        Assert.Empty(Ps.Run("Export-LvsConfiguration -Path $args[0]", rules));
        Assert.Contains("-a -t 10.0.0.3:80 -r 10.0.0.10:8080 -m -w 3 -x 50 -y 5\n", System.IO.File.ReadAllText(rules));
        // -NoThreshold is ipvsadm-save, byte for byte.
        Assert.Equal(Ns.Ipvsadm("-Sn"), (string)Ps.Run("Export-LvsConfiguration -NoThreshold").Single().BaseObject);

        var target = new LabNamespace();
        _others.Add(target);
        target.Exec("sh", "-c", $"ipvsadm-restore < '{rules}'");
        // Every setting Get-* shows, service by service (the kernel's order is insertion order on both sides).
        string Listing(string? ns) => string.Join("\n", Ps.Run("""
            $p = @{}; if ($args[0]) { $p.NetworkNamespace = $args[0] }
            Get-LvsVirtualService @p | ForEach-Object {
                $_.VirtualService + ' ' + $_.Scheduler + ' ' + [LvsPS.LvsFormat]::Flags($_)
                foreach ($d in $_.RealServers) { '  ' + (@($d.ToString(), $d.Forwarding, $d.Weight, $d.UpperThreshold, $d.LowerThreshold, $d.TunnelType, $d.TunnelPort, $d.TunnelChecksum) -join ' ') }
            }
            """, ns).Select(o => o.ToString()).Order(StringComparer.Ordinal));
        string original = Listing(null);
        Assert.Contains("10.0.0.10:8080 Masquerade 3 50 5", original);
        Assert.Equal(original, Listing(target.Name));
        Assert.Equal(Ns.SavedRules(), target.SavedRules());
    }

    [Fact]
    public void Json_export_flush_import_restores_thresholds_timeouts_and_daemons()
    {
        BuildWithIpvsadm();
        Ps.Run("Set-LvsTimeout -Tcp 900 -TcpFin 100 -Udp 200; Start-LvsSyncDaemon Master lo -SyncId 3");
        string thresholds = Ns.Ipvsadm("-Ln", "--thresholds"), saved = Ns.Ipvsadm("-Sn"), daemon = Ns.Ipvsadm("-L", "--daemon");
        string json = File("director.json");
        Ps.Run("Export-LvsConfiguration $args[0]", json);
        string exported = System.IO.File.ReadAllText(json);
        Assert.StartsWith("{", exported);

        Ps.Run("Clear-LvsVirtualService -Confirm:$false; Stop-LvsSyncDaemon Master; Set-LvsTimeout -Tcp 60 -TcpFin 60 -Udp 60");
        Assert.Empty(Ns.SavedRules());

        PSObject result = Assert.Single(Ps.Run("Import-LvsConfiguration $args[0]", json));
        Assert.Equal("added 11 changed 1 removed 0 unchanged 0 failed 0", Counts(result)); // 10 objects + the daemon; the timeouts
        Assert.Equal(thresholds, Ns.Ipvsadm("-Ln", "--thresholds"));
        Assert.Equal(saved, Ns.Ipvsadm("-Sn"));
        Assert.Equal(daemon, Ns.Ipvsadm("-L", "--daemon"));
        Assert.Contains("Timeout (tcp tcpfin udp): 900 100 200", Ns.Ipvsadm("-L", "--timeout"));
        Assert.Equal(exported, (string)Ps.Run("Export-LvsConfiguration -Format Json").Single().BaseObject);

        PSObject again = Assert.Single(Ps.Run("Import-LvsConfiguration $args[0]", json));
        Assert.Equal("added 0 changed 0 removed 0 unchanged 12 failed 0", Counts(again));
    }

    [Fact]
    public void WhatIf_prints_the_plan_and_a_clearing_file_replaces_the_table()
    {
        Ns.Ipvsadm("-A", "-t", "10.0.0.3:80", "-s", "rr");
        Ns.Ipvsadm("-a", "-t", "10.0.0.3:80", "-r", "10.0.0.7:80", "-g", "-w", "1");
        Ns.Ipvsadm("-A", "-t", "10.9.9.9:80", "-s", "rr");
        string rules = File("desired.rules", """
            # the whole table: -C means what is not listed goes
            -C
            -A -t 10.0.0.3:80 -s wrr
            -a -t 10.0.0.3:80 -r 10.0.0.7:80 -g -w 2
            -a -t 10.0.0.3:80 -r 10.0.0.8:80 -g -w 1
            -A -u 10.0.0.5:53 -s rr

            """);
        IReadOnlyList<string> before = Ns.SavedRules();

        PowerShellSession.Result plan = Ps.Invoke("Import-LvsConfiguration $args[0] -WhatIf", rules);
        Assert.Empty(plan.AllErrors);
        Assert.Empty(plan.Output);
        string[] whatIf = plan.HostText.Split('\n').Where(l => l.StartsWith("What if:", StringComparison.Ordinal)).ToArray();
        Assert.Equal(new[]
        {
            // In the order applied: additions and edits first, the removal last.
            "What if: Performing the operation \"Create virtual service (scheduler rr)\" on target \"udp/10.0.0.5:53\".",
            "What if: Performing the operation \"Update virtual service (scheduler wrr)\" on target \"tcp/10.0.0.3:80\".",
            "What if: Performing the operation \"Add real server (route, weight 1)\" on target \"tcp/10.0.0.3:80 -> 10.0.0.8:80\".",
            "What if: Performing the operation \"Update real server (route, weight 2)\" on target \"tcp/10.0.0.3:80 -> 10.0.0.7:80\".",
            "What if: Performing the operation \"Remove virtual service and its real servers\" on target \"tcp/10.9.9.9:80\".",
        }, whatIf);
        Assert.Equal(before, Ns.SavedRules());

        // -C implies -Replace, which asks once before it removes anything (the test host answers the default, Yes).
        PowerShellSession.Result applied = Ps.Invoke("Import-LvsConfiguration $args[0]", rules);
        Assert.Empty(applied.AllErrors);
        Assert.Contains("[CHOICE Replace the IPVS table?", applied.HostText);
        PSObject result = Assert.Single(applied.Output);
        Assert.Equal("added 2 changed 2 removed 1 unchanged 0 failed 0", Counts(result));
        Assert.Equal(new[]
        {
            "-A -t 10.0.0.3:80 -s wrr",
            "-A -u 10.0.0.5:53 -s rr",
            "-a -t 10.0.0.3:80 -r 10.0.0.7:80 -g -w 2",
            "-a -t 10.0.0.3:80 -r 10.0.0.8:80 -g -w 1",
        }, Ns.SavedRules());
    }

    [Fact]
    public void An_error_in_the_file_applies_nothing()
    {
        string rules = File("broken.rules", "-A -t 10.0.0.3:80 -s wrr\n-a -t 10.0.0.3:80 -r 10.0.0.7:80 -g -w 2\n-a -t 10.0.0.3:80 -r 10.0.0.8:80 -g -w 70000\n");
        PowerShellSession.Result r = Ps.Invoke("Import-LvsConfiguration $args[0]", rules);
        ErrorRecord e = Assert.Single(r.AllErrors);
        Assert.Equal("ConfigurationFormatError", e.FullyQualifiedErrorId.Split(',')[0]);
        Assert.StartsWith(rules + ":3: ", e.Exception.Message);
        Assert.Empty(Ns.SavedRules());
    }

    [Fact]
    public void Sync_daemons_started_and_stopped_by_the_cmdlets_are_what_ipvsadm_lists()
    {
        Ns.Exec("ip", "link", "add", "dum0", "type", "dummy");
        Ns.Exec("ip", "link", "set", "dum0", "up");
        SyncDaemon master = Assert.Single(Ps.Run("Start-LvsSyncDaemon Master lo -SyncId 5 -PassThru").Records<SyncDaemon>("LvsPS.LvsSyncDaemon"));
        Assert.Equal(master.ToString(), Ns.Ipvsadm("-L", "--daemon").Trim());
        Ps.Run("Start-LvsSyncDaemon -State Backup -Interface dum0 -SyncId 7 -MaxLength 1400 -MulticastGroup 239.1.2.3 -Port 8849 -Ttl 2");
        SyncDaemon[] both = Ps.Run("Get-LvsSyncDaemon").Records<SyncDaemon>("LvsPS.LvsSyncDaemon").ToArray();
        Assert.Equal(Ns.Ipvsadm("-L", "--daemon").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).Order(),
            both.Select(d => d.ToString()).Order());
        Assert.Equal("backup sync daemon (mcast=dum0, syncid=7, maxlen=1400, group=239.1.2.3, port=8849, ttl=2)", both.Single(d => d.State == SyncDaemonState.Backup).ToString());

        Assert.Equal("SyncDaemonExists", Assert.Single(Ps.Invoke("Start-LvsSyncDaemon Master lo -SyncId 6").AllErrors).FullyQualifiedErrorId.Split(',')[0]);
        Assert.Empty(Ps.Run("Get-LvsSyncDaemon -State Backup | Stop-LvsSyncDaemon"));
        Assert.Equal(master.ToString(), Ns.Ipvsadm("-L", "--daemon").Trim());
        Ps.Run("Stop-LvsSyncDaemon Master");
        Assert.Equal("", Ns.Ipvsadm("-L", "--daemon").Trim());
        Assert.Equal("SyncDaemonNotFound", Assert.Single(Ps.Invoke("Stop-LvsSyncDaemon Master").AllErrors).FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal("SyncInterfaceNotFound", Assert.Single(Ps.Invoke("Start-LvsSyncDaemon Master nosuch0").AllErrors).FullyQualifiedErrorId.Split(',')[0]);

        // And one started by ipvsadm reads back.
        Ns.Ipvsadm("--start-daemon", "backup", "--mcast-interface", "lo", "--syncid", "9");
        Assert.Equal(9u, Assert.Single(Ps.Run("Get-LvsSyncDaemon Backup").Records<SyncDaemon>("LvsPS.LvsSyncDaemon")).SyncId);
        Ps.Run("Stop-LvsSyncDaemon Backup");
    }
}
