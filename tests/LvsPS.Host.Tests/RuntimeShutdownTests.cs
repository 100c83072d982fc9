using System.Diagnostics;
using System.Net;
using System.Management.Automation;
using LvsPS.Host.Tests.Infrastructure;
using LvsPS.Native.Runtime;
using LvsPS.Native.Vrrp;
using Xunit.Abstractions;

namespace LvsPS.Host.Tests;

/// <summary>
/// The runtime's orderly shutdown with real VRRP peers: Remove-Module while an LvsPS instance is
/// master (keepalived sees the priority-0 advert and takes over within its skew time, not after
/// its Master_Down_Interval; the notify script of the last change has run; no VRRP or reaper
/// thread and no track-script process is left), Ctrl+C of Start-LvsVrrpInstance -Wait, and one
/// session's removal leaving another session's instance alone; with health checks running too, VRRP
/// hands over first, then the checks stop and the scripts they were running end.
/// </summary>
[Collection("vrrp")]
public sealed class RuntimeShutdownTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lvsps-shutdown-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>An executable track script that writes its pid and then sleeps a minute (so a run is in progress at shutdown).</summary>
    private string SleepingTrackScript(out string pidFile)
    {
        pidFile = Path.Combine(_dir, "track.pid");
        string path = Path.Combine(_dir, "track.sh");
        File.WriteAllText(path, $"#!/bin/sh\necho $$ > {pidFile}\nexec sleep 60\n");
        File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        return path;
    }

    /// <summary>This process's threads that the runtime, VRRP and health checks name (vrrp:NAME, vrrp-notify:NAME, lvsps-reaper, lvsps-health-NAME).</summary>
    private static string[] RuntimeThreads()
        => Processes.ThreadNames().Where(n => n.StartsWith("vrrp", StringComparison.Ordinal) || n.StartsWith("lvsps-reaper", StringComparison.Ordinal) || n.StartsWith("lvsps-health-", StringComparison.Ordinal)).ToArray();

    [SkippableFact]
    public void Remove_Module_while_master_hands_over_at_once_and_leaves_nothing_running()
    {
        HostFacts.RequireRootAndKeepalived();
        using var s = new Segment(2);
        using var ka = new Keepalived(s.Node(2), HostFacts.KeepalivedInstance(s, 100)).Start();
        using var capture = new PacketCapture(s.Node(2), "eth0");
        string track = SleepingTrackScript(out string pidFile);
        string log = Path.Combine(_dir, "notify.log");
        var ps = new PowerShellSession();
        try
        {
            ps.Run("""
                param($ns, $vip, $track, $log)
                $notify = [scriptblock]::Create("param(`$change) [IO.File]::AppendAllText('$log', `"`$(`$change.To)``n`")")
                Start-LvsVrrpInstance VI_1 -NetworkNamespace $ns -Interface eth0 -VirtualRouterId 51 -Priority 150 -VirtualAddress "$vip/24" `
                    -TrackScript @{ Name = 'slow'; Script = $track; Interval = 1; Timeout = 120 } -OnStateChange $notify | Out-Null
                """, s.Node(1), s.Vip, track, log);
            var lvs = (VrrpInstance)ps.Run("Wait-LvsVrrpInstance VI_1 -State Master -Timeout 15").Single().BaseObject;
            Assert.True(Sh.Eventually(() => ka.Log.Contains("Entering BACKUP STATE"), TimeSpan.FromSeconds(15)), "keepalived did not enter backup");
            Assert.True(Sh.Eventually(() => File.Exists(pidFile), TimeSpan.FromSeconds(10)), "the track script never ran");
            int trackPid = int.Parse(File.ReadAllText(pidFile).Trim());
            Assert.True(Processes.IsAlive(trackPid));
            Assert.NotEmpty(RuntimeThreads());

            double removedAt = PacketCapture.UnixNow();
            var sw = Stopwatch.StartNew();
            ps.Run("Remove-Module LvsPS");
            TimeSpan removal = sw.Elapsed;
            Assert.True(Sh.Eventually(() => s.HasAddress(2, s.Vip), TimeSpan.FromSeconds(3)), "keepalived did not take over");
            TimeSpan takeover = sw.Elapsed;
            output.WriteLine($"Remove-Module took {removal.TotalMilliseconds:0} ms; keepalived held the VIP {takeover.TotalMilliseconds:0} ms after it began");

            // keepalived (priority 100, 1 s adverts) took over after its skew time (0.61 s), not its Master_Down_Interval (3.61 s).
            Assert.True(takeover < TimeSpan.FromSeconds(2.5), $"take-over after {takeover.TotalSeconds:0.00} s");
            Assert.NotNull(capture.WaitFor(f => f.IsVrrpAdvert(out IPAddress src, out int vrid, out int prio) && src.Equals(IPAddress.Parse(s.Address(1))) && vrid == 51 && prio == 0,
                TimeSpan.FromSeconds(2), removedAt));
            Assert.False(lvs.IsRunning);
            Assert.False(s.HasAddress(1, s.Vip));
            // Orderly: the notification of the last change ran before Remove-Module returned.
            Assert.EndsWith("Init\n", File.ReadAllText(log));
            Assert.True(Sh.Eventually(() => !Processes.IsAlive(trackPid), TimeSpan.FromSeconds(3)), $"the track script {trackPid} is still running");
            Assert.True(Sh.Eventually(() => RuntimeThreads().Length == 0, TimeSpan.FromSeconds(3)), "threads left: " + string.Join(", ", RuntimeThreads()));
        }
        finally
        {
            output.WriteLine("keepalived log:\n" + ka.Log);
            ps.Invoke("Get-Module LvsPS | ForEach-Object { Get-LvsVrrpInstance | Stop-LvsVrrpInstance }");
            ps.Dispose();
        }
    }

    [SkippableFact]
    public void Removing_the_module_from_one_session_leaves_the_instances_of_another()
    {
        HostFacts.RequireRoot();
        using var s = new Segment(2);
        using var first = new PowerShellSession();
        using var second = new PowerShellSession();
        try
        {
            const string start = "Start-LvsVrrpInstance $args[0] -NetworkNamespace $args[1] -Interface eth0 -VirtualRouterId $args[2] -Version 3 -AdvertisementInterval 0.1 -VirtualAddress $args[3] | Out-Null";
            first.Run(start, "MINE", s.Node(1), 71, $"{s.Subnet}.71/24");
            second.Run(start, "THEIRS", s.Node(2), 72, $"{s.Subnet}.72/24");
            var mine = (VrrpInstance)first.Run("Wait-LvsVrrpInstance MINE -Timeout 10").Single().BaseObject;
            var theirs = (VrrpInstance)second.Run("Wait-LvsVrrpInstance THEIRS -Timeout 10").Single().BaseObject;

            first.Run("Remove-Module LvsPS");

            Assert.False(mine.IsRunning);
            Assert.True(theirs.IsRunning);
            Assert.Equal(VrrpState.Master, theirs.State);
            Assert.Equal("THEIRS", Assert.Single(second.Run("Get-LvsVrrpInstance"), o => ((VrrpInstance)o.BaseObject).Name is "MINE" or "THEIRS").Properties["Name"].Value);
        }
        finally
        {
            second.Invoke("Get-LvsVrrpInstance | Stop-LvsVrrpInstance");
        }
    }

    [SkippableFact]
    public void Ctrl_C_of_Start_LvsVrrpInstance_Wait_stops_the_instance_gracefully()
    {
        HostFacts.RequireRootAndKeepalived();
        using var s = new Segment(2);
        using var ka = new Keepalived(s.Node(2), HostFacts.KeepalivedInstance(s, 100)).Start();
        using var ps = new PowerShellSession();
        using PowerShellSession.Running running = ps.Start(
            "Start-LvsVrrpInstance VI_1 -NetworkNamespace $args[0] -Interface eth0 -VirtualRouterId 51 -Priority 150 -VirtualAddress \"$($args[1])/24\" -Wait",
            s.Node(1), s.Vip);
        try
        {
            Assert.True(Sh.Eventually(() => s.HasAddress(1, s.Vip), TimeSpan.FromSeconds(15)), "LvsPS did not become master: " + running.Errors);
            Assert.True(Sh.Eventually(() => ka.Log.Contains("Entering BACKUP STATE"), TimeSpan.FromSeconds(15)), "keepalived did not enter backup");
            Assert.False(running.IsCompleted, running.Errors);

            var sw = Stopwatch.StartNew();
            running.Stop();
            Assert.True(running.Wait(TimeSpan.FromSeconds(10)), "-Wait did not end on Ctrl+C");
            Assert.False(s.HasAddress(1, s.Vip));
            Assert.True(Sh.Eventually(() => s.HasAddress(2, s.Vip), TimeSpan.FromSeconds(3)), "keepalived did not take over");
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(2.5), $"take-over after {sw.Elapsed.TotalSeconds:0.00} s: no priority-0 advert?");
            PowerShellSession.Result r = ps.Invoke("Get-LvsVrrpInstance VI_1");
            Assert.Equal("VrrpInstanceNotFound", Assert.Single(r.Errors).FullyQualifiedErrorId.Split(',')[0]);
        }
        finally
        {
            output.WriteLine("keepalived log:\n" + ka.Log);
            ps.Invoke("Get-LvsVrrpInstance | Stop-LvsVrrpInstance");
        }
    }

    [SkippableFact]
    public void Set_LvsVrrpInstance_returns_once_applied_so_what_it_reads_back_is_the_new_value()
    {
        HostFacts.RequireRoot();
        using var s = new Segment(1);
        using var ps = new PowerShellSession();
        try
        {
            ps.Run("Start-LvsVrrpInstance SET -NetworkNamespace $args[0] -Interface eth0 -VirtualRouterId 73 -Version 3 -AdvertisementInterval 0.1 -VirtualAddress $args[1] | Out-Null",
                s.Node(1), $"{s.Vip}/24");
            ps.Run("Wait-LvsVrrpInstance SET -Timeout 10");
            var random = new Random(7);
            var slowest = TimeSpan.Zero;
            for (int i = 0; i < 40; i++)
            {
                int priority = random.Next(1, 255);
                bool preempt = random.Next(2) == 0;
                double delay = random.Next(0, 30);
                var sw = Stopwatch.StartNew();
                var back = (VrrpInstance)ps.Run("Set-LvsVrrpInstance SET -Priority $args[0] -Preempt:$args[1] -PreemptDelay $args[2] -PassThru", priority, preempt, delay).Single().BaseObject;
                slowest = sw.Elapsed > slowest ? sw.Elapsed : slowest;
                Assert.Equal((priority, preempt, TimeSpan.FromSeconds(delay)), (back.Priority, back.Preempt, back.PreemptDelay));
                var read = (VrrpInstance)ps.Run("Get-LvsVrrpInstance SET").Single().BaseObject;
                Assert.Equal(priority, read.Priority);
            }
            output.WriteLine($"slowest Set-LvsVrrpInstance -PassThru: {slowest.TotalMilliseconds:0.0} ms");

            // A stopped instance refuses the change with an error naming it.
            ps.Run("$script:stopped = Get-LvsVrrpInstance SET; Stop-LvsVrrpInstance SET");
            PowerShellSession.Result r = ps.Invoke("$script:stopped | Set-LvsVrrpInstance -Priority 20 -PassThru");
            ErrorRecord e = Assert.Single(r.AllErrors);
            Assert.StartsWith("WorkerStopped", e.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidOperation, e.CategoryInfo.Category);
            Assert.Empty(r.Output);
        }
        finally
        {
            ps.Invoke("Get-LvsVrrpInstance | Stop-LvsVrrpInstance");
        }
    }

    [SkippableFact]
    public void Remove_Module_hands_VRRP_over_first_then_stops_health_checks_and_their_scripts()
    {
        HostFacts.RequireRoot();
        using var s = new Segment(1);
        var ps = new PowerShellSession();
        string started = Path.Combine(_dir, "block.log");
        string executable = SleepingTrackScript(out string pidFile);
        try
        {
            var ipvs = new InMemoryIpvsSwitch(ps);
            ps.Run("Start-LvsVrrpInstance VI_H -NetworkNamespace $args[0] -Interface eth0 -VirtualRouterId 74 -Version 3 -AdvertisementInterval 0.1 -VirtualAddress $args[1] | Out-Null",
                s.Node(1), $"{s.Vip}/24");
            var vrrp = (VrrpInstance)ps.Run("Wait-LvsVrrpInstance VI_H -State Master -Timeout 10").Single().BaseObject;
            ps.Run("""
                param($executable, $log)
                New-LvsVirtualService tcp/10.0.0.3:80; Add-LvsRealServer tcp/10.0.0.3:80 127.0.0.1:8080 -Forwarding Masquerade
                New-LvsVirtualService tcp/10.0.0.4:80; Add-LvsRealServer tcp/10.0.0.4:80 127.0.0.1:8081 -Forwarding Masquerade
                Start-LvsHealthCheck tcp/10.0.0.3:80 -Command $executable -Interval 1 -Warmup 0 -ScriptTimeout 120 -Name x1 | Out-Null
                # A wait of the core language only: this test host has System.Management.Automation without the Utility module (no Start-Sleep).
                $block = [scriptblock]::Create("try { [IO.File]::AppendAllText('$log', ""running``n""); while (`$true) { [Threading.Thread]::Sleep(50) } } finally { [IO.File]::AppendAllText('$log', ""stopped``n"") }")
                Start-LvsHealthCheck tcp/10.0.0.4:80 -ScriptBlock $block -Interval 1 -Warmup 0 -ScriptTimeout 120 -Name x2 | Out-Null
                """, executable, started);
            Assert.True(Sh.Eventually(() => File.Exists(pidFile) && File.Exists(started), TimeSpan.FromSeconds(15)), "the checks never ran: " + string.Join("; ", ps.Run("Get-LvsHealthCheck | ForEach-Object { \"$($_.Name) $($_.Probes) $($_.State) $($_.Reason)\" }")));
            int checkPid = int.Parse(File.ReadAllText(pidFile).Trim());
            IReadOnlyList<string> rules = ipvs.Rules();
            // This test's threads only (other classes run health checks at the same time): Linux keeps 15 characters of a name.
            string[] Mine() => Processes.ThreadNames().Where(n => n is "vrrp:VI_H" or "vrrp-notify:VI_H" or "lvsps-health-x1" or "lvsps-health-x2").ToArray();
            Assert.Contains("lvsps-health-x1", Mine());

            // Both checks are still running their first probe (no result yet): the stop, not a failure, ends them.
            Assert.Equal(new[] { "x1 0 Unknown", "x2 0 Unknown" },
                ps.Run("Get-LvsHealthCheck x1, x2 | ForEach-Object { \"$($_.Name) $($_.Probes) $($_.State)\" }").Select(o => o.ToString()).Order(StringComparer.Ordinal));

            var sw = Stopwatch.StartNew();
            ps.Run("Remove-Module LvsPS");
            output.WriteLine($"Remove-Module took {sw.Elapsed.TotalMilliseconds:0} ms");

            var report = (ShutdownReport)ps.Run("[LvsPS.Runtime.ModuleLifecycle]::LastShutdown").Single().BaseObject;
            output.WriteLine(string.Join("\n", report.Workers.Select(w => $"{w.Stage} {w.Kind} {w.Name}: {w.Elapsed.TotalMilliseconds:0} ms, in time {w.InTime}")));
            // The VRRP instance hands over in the first stage, the health checks stop in the next; all in time.
            Assert.Equal(new[] { (ShutdownStage.HandOver, "VI_H"), (ShutdownStage.Checks, "x1"), (ShutdownStage.Checks, "x2") },
                report.Workers.Select(w => (w.Stage, w.Name)).OrderBy(w => w.Stage).ThenBy(w => w.Name, StringComparer.Ordinal));
            Assert.True(report.AllInTime);
            Assert.False(vrrp.IsRunning);
            Assert.False(s.HasAddress(1, s.Vip));
            // The running checks were stopped: the script block's finally ran, the executable's process group is gone.
            Assert.True(Sh.Eventually(() => File.ReadAllText(started) == "running\nstopped\n", TimeSpan.FromSeconds(3)), "the script block was not stopped: " + File.ReadAllText(started));
            Assert.True(Sh.Eventually(() => !Processes.IsAlive(checkPid), TimeSpan.FromSeconds(3)), $"the check script {checkPid} is still running");
            Assert.True(Sh.Eventually(() => Mine().Length == 0, TimeSpan.FromSeconds(3)), "threads left: " + string.Join(", ", Mine()));
            // Stopping health checks leaves IPVS as it is.
            ps.Run("Import-Module $args[0]", PowerShellSession.ModuleManifest);
            Assert.Equal(rules, ipvs.Rules());
            Assert.Empty(ps.Run("Get-LvsHealthCheck"));
            ipvs.Dispose();
        }
        finally
        {
            ps.Invoke("Get-Module LvsPS | ForEach-Object { Get-LvsHealthCheck | Stop-LvsHealthCheck -Confirm:$false; Get-LvsVrrpInstance | Stop-LvsVrrpInstance }");
            ps.Dispose();
        }
    }
}
