using System.Management.Automation;
using System.Net;
using System.Xml.Linq;
using LvsPS.Native.Configuration;
using LvsPS.Native.DesiredState;
using LvsPS.Native.Operations;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Netlink;
using LvsPS.Native.Proc;
using LvsPS.Testing;
using Xunit;

namespace LvsPS.Cmdlet.Tests;

/// <summary>
/// Statistics, metrics, sync daemons, save/restore and drain without a kernel: -WhatIf texts,
/// validation before any kernel access, views of constructed objects, export of constructed
/// services, and files that are refused before anything is applied.
/// </summary>
[Collection(DrainStoreCollection.Name)]
public sealed class OperationsCmdletTests(SessionFixture fixture) : IClassFixture<SessionFixture>, IDisposable
{
    private readonly PowerShellSession _ps = fixture.Session;
    private readonly string _dir = Directory.CreateTempSubdirectory("lvsps-ops").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string[] Words(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static string LineWith(string text, string start) => text.Split('\n').Single(l => l.TrimStart().StartsWith(start, StringComparison.Ordinal));

    private ErrorRecord Terminating(string command, params object?[] args)
        => Assert.IsType<ErrorRecord>(Assert.Single(_ps.Invoke(Expect.CatchTerminating(command), args).Output).BaseObject);

    public static IEnumerable<object[]> KernelCommands => new[]
    {
        "Get-LvsStatistic", "Get-LvsStatistic -Global", "Get-LvsStatistic tcp/10.0.0.3:80", "Export-LvsMetric",
        "Get-LvsSyncDaemon", "Start-LvsSyncDaemon Master eth0 -SyncId 5", "Stop-LvsSyncDaemon Backup",
        "Export-LvsConfiguration", "Suspend-LvsRealServer tcp/10.0.0.3:80 10.0.0.7", "Resume-LvsRealServer tcp/10.0.0.3:80 10.0.0.7 -Weight 3",
    }.Select(c => new object[] { c });

    [Theory]
    [MemberData(nameof(KernelCommands))]
    public void Without_IPVS_the_kernel_calls_terminate_with_IpvsNotAvailable(string command)
    {
        ErrorRecord e = Terminating(command);
        Assert.Equal("IpvsNotAvailable", e.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(ErrorCategory.ResourceUnavailable, e.CategoryInfo.Category);
    }

    // ---- Statistics and metrics ----

    [Fact]
    public void Statistic_rows_render_like_ipvsadm_stats_and_rate()
    {
        VirtualService web = Records.WebService();
        var total = new IpvsStatistics { Connections = 40, InPackets = 900, OutPackets = 800, InBytes = 70000, OutBytes = 900000, ConnectionsPerSecond = 3 };
        RealServer[] servers = web.RealServers.Select(d => d with { Statistics = new IpvsStatistics { Connections = 17, InBytesPerSecond = 4242 } }).ToArray();
        servers[1] = servers[1] with { Statistics = new IpvsStatistics { InBytesPerSecond = 4242 } };
        servers[0] = servers[0] with { Statistics = new IpvsStatistics { Connections = 17 } };
        PowerShellSession.Result r = _ps.Invoke("""
            $rows = @([LvsPS.LvsStatistic]::Global($args[0], $null), [LvsPS.LvsStatistic]::Of($args[1])) + @($args[2] | ForEach-Object { [LvsPS.LvsStatistic]::Of($_) })
            $rows | Out-Default
            """, total, web, servers);
        Assert.Empty(r.AllErrors);
        string[] text = r.HostText.Split('\n');
        Assert.Equal(new[] { "Prot", "LocalAddress:Port", "Conns", "InPkts", "OutPkts", "InBytes", "OutBytes" }, Words(text.First(l => l.Contains("Conns"))));
        Assert.Equal(new[] { "Total", "40", "900", "800", "70000", "900000" }, Words(text.First(l => l.StartsWith("Total"))));
        Assert.Equal(new[] { "TCP", "10.0.0.3:80", "1234", "5000", "4000", "600000", "9000000" }, Words(text.First(l => l.StartsWith("TCP"))));
        Assert.Equal(new[] { "->", "10.0.0.7:80", "17", "0", "0", "0", "0" }, Words(text.First(l => l.Contains("-> 10.0.0.7:80"))));
        Assert.Equal(new[] { "->", "10.0.0.8:80", "0", "0", "0", "0", "0" }, Words(text.Last(l => l.Contains("-> 10.0.0.8:80"))));

        // The hosted engine has no Format-Table; the Rate view (Format-Table -View Rate) is checked in the format file.
        XElement rate = XDocument.Load(Path.Combine(PowerShellSession.RepoRoot, "LvsPS.format.ps1xml")).Descendants("View").Single(v => (string?)v.Element("Name") == "Rate");
        Assert.Equal("LvsPS.LvsStatistic", rate.Descendants("TypeName").Single().Value);
        Assert.Equal(new[] { "Name", "CPS", "InPPS", "OutPPS", "InBPS", "OutBPS" }, rate.Descendants("Label").Select(l => l.Value));
        Assert.Equal(new[] { "Name", "ConnectionsPerSecond", "InPacketsPerSecond", "OutPacketsPerSecond", "InBytesPerSecond", "OutBytesPerSecond" }, rate.Descendants("PropertyName").Select(l => l.Value));
    }

    [Fact]
    public void Statistic_rows_are_flat_and_named_by_identity()
    {
        VirtualService web = Records.WebService(ns: "lb1");
        string[] fields = _ps.Run("""
            $s = [LvsPS.LvsStatistic]::Of($args[0]); $r = [LvsPS.LvsStatistic]::Of($args[0].RealServers[0])
            "$($s.Kind)", $s.Name, "$($s.Connections)", $s.NetworkNamespace, "$($r.Kind)", $r.Name, $r.RealServer, "$($r.Connections)"
            """, web).Select(o => o.ToString()).ToArray();
        Assert.Equal(new[] { "Service", "tcp/10.0.0.3:80", "1234", "lb1", "RealServer", "tcp/10.0.0.3:80 -> 10.0.0.7:80", "10.0.0.7:80", "0" }, fields);
        // A service row pipes into Clear-LvsStatistic by its VirtualService property.
        Expect.WhatIf(_ps.Invoke("[LvsPS.LvsStatistic]::Of($args[0]) | Clear-LvsStatistic -WhatIf", web), "Zero the counters", "tcp/10.0.0.3:80");
    }

    // ---- Sync daemons ----

    [Fact]
    public void Sync_daemon_WhatIf_names_the_role_and_the_settings_as_ipvsadm_lists_them()
    {
        Expect.WhatIf(_ps.Invoke("Start-LvsSyncDaemon -State Master -Interface eth0 -SyncId 5 -WhatIf"), "Start sync daemon (mcast=eth0, syncid=5)", "master sync daemon");
        Expect.WhatIf(_ps.Invoke("Start-LvsSyncDaemon Backup eth1 -SyncId 5 -MulticastGroup ff02::8848 -Port 8849 -Ttl 2 -MaxLength 1400 -WhatIf"),
            "Start sync daemon (mcast=eth1, syncid=5, maxlen=1400, group=ff02::8848, port=8849, ttl=2)", "backup sync daemon");
        Expect.WhatIf(_ps.Invoke("Stop-LvsSyncDaemon Master -WhatIf"), "Stop sync daemon", "master sync daemon");
        var running = new SyncDaemon { State = SyncDaemonState.Backup, Interface = "eth1", SyncId = 5, NetworkNamespace = "lb7" };
        Expect.WhatIf(_ps.Invoke("$args[0] | Stop-LvsSyncDaemon -WhatIf", _ps.New("LvsPS.LvsSyncDaemon", running)), "Stop sync daemon", "backup sync daemon");
        // A copy (Import-Clixml, Import-Csv, a job's output) names its role by its State property.
        Expect.WhatIf(_ps.Invoke("[pscustomobject]@{ State = 'Backup'; Interface = 'eth1' } | Stop-LvsSyncDaemon -WhatIf"), "Stop sync daemon", "backup sync daemon");
    }

    [Theory]
    [InlineData("Start-LvsSyncDaemon Master eth0 -MulticastGroup 10.0.0.1", nameof(IpvsRule.InvalidMulticastGroup), "not a multicast group")]
    [InlineData("Start-LvsSyncDaemon Master 'an-interface-name-too-long'", nameof(IpvsRule.InvalidSyncInterface), "1 to 15")]
    [InlineData("Start-LvsSyncDaemon Master 'eth 0'", nameof(IpvsRule.InvalidSyncInterface), "without spaces")]
    public void Sync_daemon_settings_are_checked_before_the_kernel(string command, string id, string message)
        => Assert.Contains(message, Expect.Shown(Expect.SingleError(_ps.Invoke(command), id, ErrorCategory.InvalidArgument)));

    [Fact]
    public void A_multicast_group_that_is_not_an_address_is_refused_while_binding()
        => Expect.RefusedAtBinding(_ps.Invoke("Start-LvsSyncDaemon Master eth0 -MulticastGroup bogus"), "'bogus' is not an IPv4 or IPv6 address");

    [Theory]
    [InlineData("Start-LvsSyncDaemon Master eth0 -SyncId 256")]
    [InlineData("Start-LvsSyncDaemon Master eth0 -Ttl 0")]
    [InlineData("Start-LvsSyncDaemon Master eth0 -Port 0")]
    [InlineData("Start-LvsSyncDaemon Primary eth0")]
    public void Out_of_range_sync_settings_fail_binding(string command)
        => Assert.IsAssignableFrom<ParameterBindingException>(Assert.Single(_ps.Invoke(command).AllErrors).Exception); // not IpvsNotAvailable

    [Fact]
    public void Sync_daemons_render_like_ipvsadm_daemon()
    {
        var master = new SyncDaemon { State = SyncDaemonState.Master, Interface = "eth0", SyncId = 5, MaxLength = 1472, MulticastGroup = IPAddress.Parse("224.0.0.81"), Port = 8848, Ttl = 1 };
        PowerShellSession.Result r = _ps.Invoke("$args[0] | Out-Default; \"$($args[0])\"", _ps.New("LvsPS.LvsSyncDaemon", master));
        Assert.Equal(new[] { "State", "Interface", "SyncId", "MaxLength", "MulticastGroup", "Port", "Ttl" }, Words(LineWith(r.HostText, "State")));
        Assert.Equal(new[] { "Master", "eth0", "5", "1472", "224.0.0.81", "8848", "1" }, Words(LineWith(r.HostText, "Master")));
        Assert.Equal("master sync daemon (mcast=eth0, syncid=5, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)", r.Output.Last().BaseObject);
    }

    // ---- Export and import ----

    [Fact]
    public void Export_writes_piped_services_as_ipvsadm_save_rules_or_json()
    {
        VirtualService web = Records.WebService();
        web = web with { RealServers = [web.RealServers[0] with { UpperThreshold = 100, LowerThreshold = 10 }, web.RealServers[1]] };
        string rules = (string)_ps.Run("$args[0] | Export-LvsConfiguration", web).Single().BaseObject;
        Assert.Equal("-A -t 10.0.0.3:80 -s wrr -p 20\n-a -t 10.0.0.3:80 -r 10.0.0.7:80 -g -w 1 -x 100 -y 10\n-a -t 10.0.0.3:80 -r 10.0.0.8:80 -g -w 3\n", rules);
        string save = (string)_ps.Run("Export-LvsConfiguration -InputObject $args[0] -NoThreshold", web).Single().BaseObject;
        Assert.Equal("-A -t 10.0.0.3:80 -s wrr -p 20\n-a -t 10.0.0.3:80 -r 10.0.0.7:80 -g -w 1\n-a -t 10.0.0.3:80 -r 10.0.0.8:80 -g -w 3\n", save);

        string json = (string)_ps.Run("$args[0] | Export-LvsConfiguration -Format Json", web).Single().BaseObject;
        LvsConfiguration read = LvsConfigurationJson.Parse(json);
        Assert.Equal((100u, 10u), (read.Services[0].RealServers[0].UpperThreshold, read.Services[0].RealServers[0].LowerThreshold));
        Assert.True(DesiredStatePlanner.Plan(new IpvsSnapshot { Services = read.Services }, new IpvsSnapshot { Services = new[] { web } }, replace: true).IsEmpty);
    }

    [Fact]
    public void Export_to_a_file_picks_the_format_from_the_extension()
    {
        VirtualService web = Records.WebService();
        string json = Path.Combine(_dir, "web.json"), rules = Path.Combine(_dir, "web.rules");
        Assert.Empty(_ps.Run("$args[0] | Export-LvsConfiguration -Path $args[1]; $args[0] | Export-LvsConfiguration $args[2]", web, json, rules));
        Assert.StartsWith("{", File.ReadAllText(json));
        Assert.Equal(web.Key, LvsConfigurationJson.ReadFile(json).Services.Single().Key);
        Assert.StartsWith("-A -t 10.0.0.3:80 -s wrr -p 20\n", File.ReadAllText(rules));
    }

    [Theory]
    [InlineData("bad.rules", "-A -t 10.0.0.3:80 -s wrr\n-a -t 10.0.0.3:80 -r 10.0.0.7 -g -w 1\n-a -t 10.0.0.9:80 -r 10.0.0.7\n", ":3: ", "not defined above")]
    [InlineData("bad.rules", "# comment\n-A -t 10.0.0.3:80 -s bogus\n", ":2: ", "bogus")]
    [InlineData("bad.json", "{ \"version\": 1,\n  \"services\": [\n    { \"service\": \"tcp/10.0.0.3:80\", \"schedular\": \"wrr\" } ] }\n", ":3: ", "schedular")]
    public void A_bad_file_is_refused_with_file_and_line_and_nothing_is_attempted(string name, string content, string location, string reason)
    {
        string file = Path.Combine(_dir, name);
        File.WriteAllText(file, content);
        foreach (string command in new[] { "Import-LvsConfiguration $args[0]", "Import-LvsConfiguration $args[0] -Replace -WhatIf" })
        {
            PowerShellSession.Result r = _ps.Invoke(command, file);
            // One error, and not IpvsNotAvailable: the kernel was never asked.
            ErrorRecord e = Expect.SingleError(r, "ConfigurationFormatError", ErrorCategory.InvalidData);
            Assert.StartsWith(file + location, e.Exception.Message);
            Assert.Contains(reason, e.Exception.Message);
            Assert.IsType<ConfigurationFormatException>(e.Exception);
            Assert.Empty(r.Output);
            Assert.DoesNotContain("What if:", r.HostText);
        }
    }

    [Fact]
    public void Import_of_a_missing_file_is_ConfigurationFileNotFound_and_a_good_file_reaches_the_kernel()
    {
        Expect.SingleError(_ps.Invoke("Import-LvsConfiguration $args[0]", Path.Combine(_dir, "nothing.rules")), "ConfigurationFileNotFound", ErrorCategory.ObjectNotFound);
        string file = Path.Combine(_dir, "good.json");
        File.WriteAllText(file, "{ \"version\": 1, \"services\": [ { \"service\": \"fwmark/3\", \"scheduler\": \"rr\" } ] }");
        Assert.Equal("IpvsNotAvailable", Terminating("Import-LvsConfiguration $args[0]", file).FullyQualifiedErrorId.Split(',')[0]);
    }

    [Fact]
    public void Import_results_render_as_a_summary()
    {
        PowerShellSession.Result r = _ps.Invoke("""
            $r = [LvsPS.LvsImportResult]@{ Path = '/etc/ipvsadm.rules'; Added = 3; Changed = 1; Unchanged = 12 }
            $r | Out-Default; $r.NoChange; ([LvsPS.LvsImportResult]@{ Path = 'x'; Unchanged = 4 }).NoChange
            """);
        Assert.Empty(r.AllErrors);
        Assert.Equal(new[] { "Added", "Changed", "Removed", "Unchanged", "Failed", "Format", "Path" }, Words(LineWith(r.HostText, "Added")));
        Assert.Equal(new[] { "3", "1", "0", "12", "0", "IpvsadmRules", "/etc/ipvsadm.rules" }, Words(LineWith(r.HostText, "3")));
        Assert.Equal(new object[] { false, true }, r.Output.Select(o => o.BaseObject));
    }

    // ---- Drain ----

    [Fact]
    public void Resume_without_a_remembered_weight_says_so_before_the_kernel_and_with_one_goes_on()
    {
        string store = Path.Combine(_dir, "drain");
        Environment.SetEnvironmentVariable(PreviousWeightStore.DirectoryVariable, store);
        try
        {
            PowerShellSession.Result r = _ps.Invoke("Resume-LvsRealServer tcp/10.0.0.3:80 10.0.0.7");
            ErrorRecord e = Expect.SingleError(r, "NoPreviousWeight", ErrorCategory.ObjectNotFound);
            Assert.Contains("-Weight", e.ErrorDetails!.RecommendedAction);

            new PreviousWeightStore(store).Remember(null, Records.Web, IPAddress.Parse("10.0.0.7"), 80, 5);
            Assert.Equal("IpvsNotAvailable", Terminating("$args[0] | Resume-LvsRealServer", Records.Dr("10.0.0.7")).FullyQualifiedErrorId.Split(',')[0]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(PreviousWeightStore.DirectoryVariable, null);
        }
    }

    [Theory]
    [InlineData("Suspend-LvsRealServer tcp/10.0.0.3:80 10.0.0.7:80 -Port 81", "PortConflict")]
    public void Drain_input_is_checked_before_the_kernel(string command, string id)
        => Expect.SingleError(_ps.Invoke(command), id, ErrorCategory.InvalidArgument);

    [Theory]
    [InlineData("Suspend-LvsRealServer tcp/10.0.0.3:80 10.0.0.300", "'10.0.0.300' is not an IPv4 or IPv6 address")]
    [InlineData("Resume-LvsRealServer tcp/10.0.0.3:80 '[2001:db8::7' -Weight 1", "without its ']'")]
    [InlineData("Suspend-LvsRealServer tcp/10.0.0.3:80 10.7 -WhatIf", "dotted-quad")]
    public void Drain_addresses_are_refused_while_binding(string command, string message)
        => Expect.RefusedAtBinding(_ps.Invoke(command), message);

    [Fact]
    public void A_zero_timeout_fails_binding()
        => Assert.Equal("ParameterArgumentValidationError", Assert.Single(_ps.Invoke("Suspend-LvsRealServer tcp/10.0.0.3:80 10.0.0.7 -Wait -Timeout 0").AllErrors).FullyQualifiedErrorId.Split(',')[0]);

    // ---- Error map ----

    [Theory]
    [InlineData(IpvsOperation.StartSyncDaemon, Errno.EEXIST, "SyncDaemonExists", ErrorCategory.ResourceExists)]
    [InlineData(IpvsOperation.StartSyncDaemon, Errno.ENODEV, "SyncInterfaceNotFound", ErrorCategory.ObjectNotFound)]
    [InlineData(IpvsOperation.StartSyncDaemon, Errno.EINVAL, "SyncDaemonNotPossible", ErrorCategory.InvalidOperation)]
    [InlineData(IpvsOperation.StopSyncDaemon, Errno.ESRCH, "SyncDaemonNotFound", ErrorCategory.ObjectNotFound)]
    [InlineData(IpvsOperation.StartSyncDaemon, Errno.EPERM, "PermissionDenied", ErrorCategory.PermissionDenied)]
    public void Sync_daemon_refusals_have_their_own_ids(IpvsOperation op, int errno, string id, ErrorCategory category)
    {
        object[] m = _ps.Run("$m = [LvsPS.ErrorMapper]::Map($args[0], $null); $m.Item1", IpvsException.From(op, errno, "master sync daemon")).Select(o => o.BaseObject).ToArray();
        ErrorRecord e = (ErrorRecord)m[0];
        Assert.Equal((id, category), (e.FullyQualifiedErrorId, e.CategoryInfo.Category));
        Assert.Equal("master sync daemon", e.TargetObject);
    }

    [Fact]
    public void File_format_errors_point_at_the_file()
    {
        ErrorRecord proc = (ErrorRecord)_ps.Run("([LvsPS.ErrorMapper]::Map($args[0], $null)).Item1", new ProcFormatException("/proc/net/ip_vs_conn", 7, "TCP x", "bad")).Single().BaseObject;
        Assert.Equal(("ProcFormatError", ErrorCategory.InvalidData, "/proc/net/ip_vs_conn"), (proc.FullyQualifiedErrorId, proc.CategoryInfo.Category, (string)proc.TargetObject));
        ErrorRecord config = (ErrorRecord)_ps.Run("([LvsPS.ErrorMapper]::Map($args[0], $null)).Item1", new ConfigurationFormatException("a.rules", 3, "bad")).Single().BaseObject;
        Assert.Equal(("ConfigurationFormatError", ErrorCategory.InvalidData, "a.rules"), (config.FullyQualifiedErrorId, config.CategoryInfo.Category, (string)config.TargetObject));
        Assert.Equal("a.rules:3: bad", config.Exception.Message);
    }
}
