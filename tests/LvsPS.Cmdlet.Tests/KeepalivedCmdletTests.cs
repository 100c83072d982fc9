using LvsPS.Testing;
using Xunit;

namespace LvsPS.Cmdlet.Tests;

/// <summary>
/// The keepalived.conf cmdlets in the hosted engine: reading the seeds into objects that the
/// existing cmdlets take (against the in-memory IPVS), keepalived -t's exit codes, files with
/// errors that write nothing, and writing keepalived.conf back. Assertions use strings.
/// </summary>
public sealed class KeepalivedCmdletTests(SessionFixture fixture) : IClassFixture<SessionFixture>, IDisposable
{
    private readonly PowerShellSession _ps = fixture.Session;
    private readonly InMemoryIpvsSwitch _ipvs = new(fixture.Session);
    private readonly string _dir = Directory.CreateTempSubdirectory("lvsps-kconf-cmdlet-").FullName;

    public void Dispose()
    {
        _ipvs.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static string Seed(string name) => Path.Combine(PowerShellSession.RepoRoot, "tests", "LvsPS.Tests", "Configuration", "Keepalived", "Seeds", name);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Seed_VirtualServices_PipeIntoNewLvsVirtualService()
    {
        PowerShellSession.Result r = _ps.Invoke("Get-LvsKeepalivedConfiguration $args[0] -NoHostCheck -As VirtualService 3>$null | New-LvsVirtualService", Seed("002-master.conf"));
        Assert.Empty(r.AllErrors);
        Assert.Equal(new[]
        {
            "-A -t 192.168.1.100:80 -s wrr -p 50",
            "-a -t 192.168.1.100:80 -r 192.168.1.101:80 -g -w 3",
            "-a -t 192.168.1.100:80 -r 192.168.1.102:80 -g -w 1",
        }, _ipvs.Rules());
    }

    [Fact]
    public void Seed_WarningsCarryFileAndLine()
    {
        PowerShellSession.Result r = _ps.Invoke("Get-LvsKeepalivedConfiguration $args[0] -NoHostCheck 3>&1 | ForEach-Object { if ($_ -is [System.Management.Automation.WarningRecord]) { \"$_\" } else { $_.GetType().Name } }", Seed("003-master.conf"));
        string[] lines = r.Output.Select(o => o.ToString()).ToArray();
        Assert.Contains(lines, l => l.Contains("003-master.conf:12: warning:") && l.Contains("vrrp_garp_interval"));
        Assert.Contains(lines, l => l.Contains("003-master.conf:64: warning: unknown keyword 'nb_get_retry'"));
        Assert.Equal(1, lines.Count(l => l == "DirectorConfiguration"));
    }

    [Fact]
    public void VrrpInstances_BindToStartLvsVrrpInstanceByPropertyName()
    {
        PowerShellSession.Result r = _ps.Invoke("Get-LvsKeepalivedConfiguration $args[0] -NoHostCheck -As VrrpInstance 3>$null | Start-LvsVrrpInstance -WhatIf", Seed("003-backup.conf"));
        Assert.Empty(r.AllErrors);
        string text = r.HostText;
        Assert.Contains("VRRP instance VI_EXT (VRID 51 on eth0: 172.16.100.10/24)", text);
        Assert.Contains("VRRP instance VI_INT (VRID 52 on eth1: 192.168.10.254/24)", text);
    }

    [Theory]
    [InlineData("virtual_server 10.0.0.1 80 {\n protocol TCP\n lb_algo rr\n lb_kind NAT\n real_server 10.0.0.2 80 { }\n}\n", 0, true)]
    [InlineData("virtual_server 10.0.0.1 80 {\n real_server 10.0.0.2 80 { }\n}\n", 5, true)]
    [InlineData("virtual_server 10.0.0.1 80 {\n real_server 10.0.0.2 80 {\n", 4, false)]
    public void Test_GivesKeepalivedsExitCode(string text, int exitCode, bool valid)
    {
        string file = Write("t.conf", text);
        PowerShellSession.Result r = _ps.Invoke("$t = Test-LvsKeepalivedConfiguration $args[0] -NoHostCheck; $t.ExitCode; $t.IsValid; Test-LvsKeepalivedConfiguration $args[0] -NoHostCheck -Quiet", file);
        Assert.Empty(r.AllErrors);
        Assert.Equal(new[] { exitCode.ToString(), valid.ToString(), valid.ToString() }, r.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void FileWithErrors_WritesErrorsAtFileAndLine_AndNothingElse()
    {
        string file = Write("broken.conf", "include missing.conf\nvirtual_server 10.0.0.1 80 {\n protocol TCP\n real_server 10.0.0.2 80 { }\n");
        PowerShellSession.Result r = _ps.Invoke("Get-LvsKeepalivedConfiguration $args[0] -NoHostCheck -As VirtualService 3>$null | New-LvsVirtualService", file);
        Assert.Empty(r.Output);
        Assert.Equal(new[] { "ConfigurationFormatError", "ConfigurationFormatError" }, r.AllErrors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
        Assert.StartsWith(file + ":1: include 'missing.conf'", r.AllErrors.First().Exception.Message);
        Assert.Contains(file + ":2:", r.AllErrors.Last().Exception.Message);
        Assert.Empty(_ipvs.Rules());
    }

    [Fact]
    public void Export_FromTheIpvsTable_ReadsBackToTheSameTable()
    {
        _ps.Run("New-LvsVirtualService tcp/10.0.0.3:80 -Scheduler wrr -PersistenceTimeout 20; Add-LvsRealServer tcp/10.0.0.3:80 10.0.0.7 -Forwarding DR -Weight 2");
        _ps.Run("New-LvsVirtualService udp/10.0.0.3:53 -Scheduler rr");
        string file = Path.Combine(_dir, "out.conf");
        PowerShellSession.Result r = _ps.Invoke("Export-LvsKeepalivedConfiguration -Path $args[0] 3>&1 | ForEach-Object { \"$_\" }", file);
        Assert.Empty(r.AllErrors);
        Assert.Contains(r.Output, o => o.ToString()!.Contains("udp/10.0.0.3:53 has no real servers"));
        string[] before = _ipvs.Rules().Where(l => !l.Contains("10.0.0.3:53")).ToArray();
        _ps.Run("Clear-LvsVirtualService -Confirm:$false");
        PowerShellSession.Result back = _ps.Invoke("Get-LvsKeepalivedConfiguration $args[0] -NoHostCheck -As VirtualService 3>&1", file);
        Assert.DoesNotContain(back.Output, o => o.BaseObject is System.Management.Automation.WarningRecord);
        _ps.Run("Get-LvsKeepalivedConfiguration $args[0] -NoHostCheck -As VirtualService | New-LvsVirtualService", file);
        Assert.Equal(before, _ipvs.Rules());
    }

    [Fact]
    public void Export_APipedDirector_WritesItBackWithoutKeepalivedsComplaints()
    {
        PowerShellSession.Result r = _ps.Invoke("Get-LvsKeepalivedConfiguration $args[0] -NoHostCheck 3>$null | Export-LvsKeepalivedConfiguration", Seed("002-master.conf"));
        Assert.Empty(r.AllErrors);
        string text = Assert.Single(r.Output).ToString()!;
        Assert.Contains("virtual_server 192.168.1.100 80 {", text);
        Assert.DoesNotContain("nb_get_retry", text);
        string file = Write("again.conf", text);
        PowerShellSession.Result again = _ps.Invoke("(Test-LvsKeepalivedConfiguration $args[0] -NoHostCheck).ExitCode", file);
        Assert.Equal("0", Assert.Single(again.Output).ToString());
    }
}
