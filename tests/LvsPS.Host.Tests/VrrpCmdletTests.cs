using System.Management.Automation;
using LvsPS.Host.Tests.Infrastructure;
using LvsPS.Native.Vrrp;
using LvsPS.Testing;
using Xunit.Abstractions;

namespace LvsPS.Host.Tests;

/// <summary>
/// The VRRP cmdlets in a hosted PowerShell engine with the built module (out/LvsPS), two
/// instances in two namespaces of one segment: start, wait, get, set, stop, notify, and the
/// validation errors with their ids.
/// </summary>
[Collection("vrrp")]
public sealed class VrrpCmdletTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void Start_Wait_Get_Set_Stop_move_the_VIP_between_two_LvsPS_instances()
    {
        HostFacts.RequireRoot();
        using var s = new Segment(2);
        using var ps = new PowerShellSession();
        string log = Path.Combine(Path.GetTempPath(), $"lvsps-notify-{Guid.NewGuid():N}.log");
        try
        {
            // The notify script block runs in a runspace of its own: it gets the path in its text, not from a variable.
            string notify = "param($change) [System.IO.File]::AppendAllText('" + log + "', \"$($change.InstanceName) $($change.To)`n\")";
            ps.Run("""
                $a, $b, $vip, $notify = $args
                Start-LvsVrrpInstance A -NetworkNamespace $a -Interface eth0 -VirtualRouterId 7 -Version 3 -AdvertisementInterval 0.05 -Priority 150 -VirtualAddress "$vip/24" `
                    -OnStateChange ([scriptblock]::Create($notify)) | Out-Null
                Start-LvsVrrpInstance B -NetworkNamespace $b -Interface eth0 -VirtualRouterId 7 -Version 3 -AdvertisementInterval 0.05 -Priority 100 -VirtualAddress "$vip/24" | Out-Null
                """, s.Node(1), s.Node(2), s.Vip, notify);
            PSObject master = ps.Run("Wait-LvsVrrpInstance A -State Master -Timeout 10").Single();
            Assert.Equal("A", ((VrrpInstance)master.BaseObject).Name);
            ps.Run("Wait-LvsVrrpInstance B -State Backup -Timeout 10");
            Assert.True(Sh.Eventually(() => s.HasAddress(1, s.Vip) && !s.HasAddress(2, s.Vip), TimeSpan.FromSeconds(5)));

            var all = ps.Run("Get-LvsVrrpInstance").Select(o => (VrrpInstance)o.BaseObject).ToArray();
            Assert.Equal(new[] { "A", "B" }, all.Select(i => i.Name).Where(n => n is "A" or "B"));
            VrrpInstance b = all.Single(i => i.Name == "B");
            // Eventually: with 50 ms adverts a loaded host can delay A's adverts past B's Master_Down_Interval, so B
            // may be master for a moment (its history shows it) before A's next advert puts it back.
            Assert.True(Sh.Eventually(() => b.State == VrrpState.Backup && b.MasterAddress?.ToString() == s.Address(1), TimeSpan.FromSeconds(5)),
                $"B is {b.State} and names {b.MasterAddress} as master, not A at {s.Address(1)}");
            Assert.True(Sh.Eventually(() => b.Counters.AdvertisementsReceived > 5, TimeSpan.FromSeconds(5)));

            PowerShellSession.Result view = ps.Invoke("Get-LvsVrrpInstance A, B | Out-Default");
            Assert.Empty(view.AllErrors);
            string table = view.HostText;
            Assert.Contains("Master", table);
            Assert.Contains($"{s.Vip}/24", table);

            // Maintenance hand-over: lower A's priority, B preempts at once.
            ps.Run("Set-LvsVrrpInstance A -Priority 50");
            ps.Run("Wait-LvsVrrpInstance B -State Master -Timeout 5");
            Assert.True(Sh.Eventually(() => s.HasAddress(2, s.Vip) && !s.HasAddress(1, s.Vip), TimeSpan.FromSeconds(5)));

            // Stop B gracefully: A (now 50) takes over after skew time, and B leaves the registry.
            ps.Run("Stop-LvsVrrpInstance B");
            ps.Run("Wait-LvsVrrpInstance A -State Master -Timeout 5");
            PowerShellSession.Result r = ps.Invoke("Get-LvsVrrpInstance B");
            Assert.Equal("VrrpInstanceNotFound", r.Errors.Single().FullyQualifiedErrorId.Split(',')[0]);

            Assert.True(Sh.Eventually(() => File.Exists(log) && File.ReadAllText(log).Contains("A Master") && File.ReadAllText(log).Contains("A Backup"), TimeSpan.FromSeconds(5)),
                "the -OnStateChange script block did not run: " + (File.Exists(log) ? File.ReadAllText(log) : "no log"));
        }
        finally
        {
            output.WriteLine(ps.Invoke("Get-LvsVrrpInstance | ForEach-Object { $_.History } | Out-Default").HostText);
            ps.Invoke("Get-LvsVrrpInstance | Stop-LvsVrrpInstance");
            Thread.Sleep(500); // the notify script of the last change runs on its own thread
            File.Delete(log);
        }
    }

    public static TheoryData<string, string> BadParameters => new()
    {
        { "-VirtualRouterId 0 -VirtualAddress 10.9.0.1/24", "InvalidVirtualRouterId" },
        { "-VirtualRouterId 300 -VirtualAddress 10.9.0.1/24", "InvalidVirtualRouterId" },
        { "-VirtualRouterId 1 -VirtualAddress 2001:db8::1/64 -Version 2", "VersionAddressFamilyConflict" },
        { "-VirtualRouterId 1 -VirtualAddress 10.9.0.1/24 -AdvertisementInterval 0.5", "InvalidAdvertisementInterval" },
        { "-VirtualRouterId 1 -VirtualAddress 10.9.0.1/24 -AuthenticationPassword ([System.Net.NetworkCredential]::new('', 'nine-char').SecurePassword)", "PasswordTooLong" },
        { "-VirtualRouterId 1 -VirtualAddress 10.9.0.1/24 -TrackInterface 'eth1 weight x'", "InvalidTrack" },
        // Sync group and IPVS sync daemon parameters.
        { "-VirtualRouterId 1 -VirtualAddress 10.9.0.1/24 -LvsSyncId 5", "InvalidLvsSyncDaemon" },
        { "-VirtualRouterId 1 -VirtualAddress 10.9.0.1/24 -SyncGroupNotifyCommand /bin/true", "InvalidSyncGroup" },
        { "-VirtualRouterId 1 -VirtualAddress 10.9.0.1/24 -LvsSyncDaemonInterface eth1 -LvsSyncMulticastGroup 10.1.1.1", "InvalidLvsSyncDaemon" },
        { "-VirtualRouterId 1 -VirtualAddress 10.9.0.1/24 -LvsSyncDaemonInterface 'eth 1'", "InvalidLvsSyncDaemon" },
        // Scripts that cannot run are refused before anything starts.
        { "-VirtualRouterId 1 -VirtualAddress 10.9.0.1/24 -TrackScript @{ Name = 'web'; Script = '/nonexistent/check.sh --port 80' }", "ScriptNotFound" },
        { "-VirtualRouterId 1 -VirtualAddress 10.9.0.1/24 -TrackScript @{ Name = 'web'; Script = { $true }; Timeout = 0 }", "InvalidTrack" },
        { "-VirtualRouterId 1 -VirtualAddress 10.9.0.1/24 -NotifyCommand {not-executable}", "ScriptNotExecutable" },
        { "-VirtualRouterId 1 -VirtualAddress 10.9.0.1/24 -NotifyCommand \"/bin/true 'open\"", "InvalidScriptCommand" },
        { "-VirtualRouterId 1 -VirtualAddress 10.9.0.1/24 -SyncGroup G -SyncGroupNotifyCommand no-such-command-lvsps", "ScriptNotFound" },
    };

    [Theory]
    [MemberData(nameof(BadParameters))]
    public void Bad_parameters_stop_with_a_clear_error_id(string parameters, string errorId)
    {
        using var ps = new PowerShellSession();
        string plain = Path.GetTempFileName(); // mode 600: no execute bit
        PowerShellSession.Result r;
        try
        {
            r = ps.Invoke($"Start-LvsVrrpInstance BAD -Interface eth0 {parameters.Replace("{not-executable}", plain)}");
        }
        finally
        {
            ps.Invoke("Get-LvsVrrpInstance BAD -ErrorAction Ignore | Stop-LvsVrrpInstance");
            File.Delete(plain);
        }
        ErrorRecord error = Assert.Single(r.AllErrors);
        Assert.StartsWith(errorId, error.FullyQualifiedErrorId);
        Assert.Empty(r.Output);
    }

    [SkippableFact]
    public void Missing_interface_and_duplicate_name_are_errors()
    {
        HostFacts.RequireRoot();
        using var s = new Segment(1);
        using var ps = new PowerShellSession();
        PowerShellSession.Result r = ps.Invoke("Start-LvsVrrpInstance X -NetworkNamespace $args[0] -Interface nope0 -VirtualRouterId 9 -VirtualAddress 10.9.0.9/24", s.Node(1));
        ErrorRecord e = Assert.Single(r.AllErrors);
        output.WriteLine($"{e.FullyQualifiedErrorId}: {e.Exception}");
        Assert.StartsWith("InterfaceNotFound", e.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, e.CategoryInfo.Category);

        try
        {
            ps.Run("Start-LvsVrrpInstance X -NetworkNamespace $args[0] -Interface eth0 -VirtualRouterId 9 -VirtualAddress 10.9.0.9/24 | Out-Null", s.Node(1));
            r = ps.Invoke("Start-LvsVrrpInstance X -NetworkNamespace $args[0] -Interface eth0 -VirtualRouterId 10 -VirtualAddress 10.9.0.10/24", s.Node(1));
            Assert.StartsWith("VrrpInstanceExists", Assert.Single(r.AllErrors).FullyQualifiedErrorId);
            r = ps.Invoke("Start-LvsVrrpInstance Y -NetworkNamespace nosuchns-lvsps -Interface eth0 -VirtualRouterId 10 -VirtualAddress 10.9.0.10/24");
            Assert.StartsWith("NetworkNamespaceNotFound", Assert.Single(r.AllErrors).FullyQualifiedErrorId);
        }
        finally
        {
            ps.Invoke("Stop-LvsVrrpInstance X");
        }
    }
}
