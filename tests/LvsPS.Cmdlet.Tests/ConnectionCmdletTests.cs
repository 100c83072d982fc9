using System.Management.Automation;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Proc;
using LvsPS.Testing;
using Xunit;

namespace LvsPS.Cmdlet.Tests;

/// <summary>
/// Get-LvsConnection on the recorded /proc samples of tests/LvsPS.Tests/Proc/Samples (through -Path):
/// filters, pipeline binding, the ipvsadm -Lnc view, malformed lines. The live table needs IPVS (lab).
/// </summary>
public sealed class ConnectionCmdletTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    private readonly PowerShellSession _ps = fixture.Session;

    private static string Sample(string name) => Path.Combine(PowerShellSession.RepoRoot, "tests", "LvsPS.Tests", "Proc", "Samples", name);

    private IpvsConnection[] Connections(string arguments, params object?[] args)
    {
        PowerShellSession.Result r = _ps.Invoke($"Get-LvsConnection -Path $args[0] {arguments}", new[] { (object?)Sample("ip_vs_conn.txt") }.Concat(args).ToArray());
        Assert.True(!r.AllErrors.Any(), string.Join("; ", r.AllErrors.Select(e => e.Exception.Message)));
        return r.Records<IpvsConnection>("LvsPS.LvsConnection").ToArray();
    }

    [Fact]
    public void Every_row_of_the_sample_is_read()
    {
        IpvsConnection[] all = Connections("");
        Assert.Equal(11, all.Length);
        Assert.Equal(2, all.Count(c => c.IsTemplate));
        Assert.Equal(7u, Assert.Single(all, c => c.Protocol == "IP").FirewallMark);
    }

    [Theory]
    [InlineData("-VirtualService tcp/192.168.50.100:8080", 3)]
    [InlineData("-VirtualService tcp/192.168.50.100:8080 -ExcludeTemplate", 2)]
    [InlineData("-VirtualService tcp/192.168.50.100:8080 -Template", 1)]
    [InlineData("-VirtualService tcp/192.168.50.100:0", 8)]
    [InlineData("-VirtualService udp/192.168.50.100:5061", 1)]
    [InlineData("-RealServerAddress 10.20.0.12", 5)]
    [InlineData("-RealServerAddress 10.20.0.12 -Protocol tcp", 3)]
    [InlineData("-RealServerAddress 10.20.0.11:80", 4)]
    [InlineData("-RealServerAddress 10.20.0.11 -RealServerPort 81", 0)]
    [InlineData("-RealServerAddress '[fd00:20::12]:9000'", 1)]
    [InlineData("-State TIME_WAIT", 6)]
    [InlineData("-State time_wait, SYN_RECV", 7)]
    [InlineData("-ClientAddress 192.168.50.2", 10)]
    [InlineData("-ClientAddress 192.168.0.0/16 -Template", 2)]
    [InlineData("-ClientAddress fd00:50::/32", 1)]
    [InlineData("-ClientAddress 10.0.0.0/8", 0)]
    [InlineData("-Protocol udp", 1)]
    [InlineData("-VirtualService tcp/192.168.50.100:80 -RealServerAddress 10.20.0.11 -State TIME_WAIT", 1)]
    public void Filters_select_the_rows_ipvsadm_Lnc_and_grep_would(string filters, int expected)
        => Assert.Equal(expected, Connections(filters).Length);

    [Fact]
    public void Piped_real_servers_and_services_filter_by_their_identity()
    {
        RealServer rs = Records.Dr("10.20.0.11", service: VirtualServiceKey.Parse("tcp/192.168.50.100:80"));
        IpvsConnection only = Assert.Single(_ps.Invoke("$args[1] | Get-LvsConnection -Path $args[0]", Sample("ip_vs_conn.txt"), rs).Records<IpvsConnection>("LvsPS.LvsConnection"));
        Assert.Equal(("192.168.50.2:55098", "10.20.0.11:80"), (only.ClientEndpoint, only.RealServerEndpoint));

        VirtualService service = new() { Key = VirtualServiceKey.Parse("tcp/192.168.50.100:8080") };
        Assert.Equal(3, _ps.Invoke("$args[1] | Get-LvsConnection -Path $args[0]", Sample("ip_vs_conn.txt"), service).Records<IpvsConnection>("LvsPS.LvsConnection").Count());
        Assert.Equal(4, _ps.Invoke("'tcp/192.168.50.100:80', 'udp/192.168.50.100:5061' | Get-LvsConnection -Path $args[0]", Sample("ip_vs_conn.txt")).Records<IpvsConnection>("LvsPS.LvsConnection").Count());
    }

    [Fact]
    public void A_firewall_mark_service_matches_its_templates_and_says_why()
    {
        PowerShellSession.Result r = _ps.Invoke("Get-LvsConnection -Path $args[0] -VirtualService fwmark/7 -WarningVariable w; $w", Sample("ip_vs_conn.txt"));
        Assert.Equal("IP", Assert.Single(r.Records<IpvsConnection>("LvsPS.LvsConnection")).Protocol);
        Assert.Contains(r.Output, o => o.BaseObject is WarningRecord w && w.Message.Contains("filter its connections by -RealServer", StringComparison.OrdinalIgnoreCase));
        // With the real server, the mark is not a criterion: its connections are found by their destination.
        Assert.Equal(5, Connections("-VirtualService fwmark/7 -RealServerAddress 10.20.0.12").Length);
    }

    [Fact]
    public void The_sync_layout_brings_the_origin()
    {
        PowerShellSession.Result r = _ps.Invoke("Get-LvsConnection -Path $args[0] -ExcludeTemplate", Sample("ip_vs_conn_sync-backup.txt"));
        IpvsConnection[] rows = r.Records<IpvsConnection>("LvsPS.LvsConnection").ToArray();
        Assert.Equal(6, rows.Length);
        Assert.All(rows, c => Assert.Equal(ConnectionOrigin.Sync, c.Origin));
    }

    [Fact]
    public void The_table_view_reads_like_ipvsadm_Lnc()
    {
        PowerShellSession.Result r = _ps.Invoke("Get-LvsConnection -Path $args[0] | Out-Default", Sample("ip_vs_conn.txt"));
        Assert.Empty(r.AllErrors);
        string[] lines = r.HostText.Split('\n').Where(l => l.Trim().Length > 0).ToArray();
        string[] Words(string l) => l.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // ipvsadm -Lnc of the same table (recorded a second apart, so the expire column is compared apart).
        string[] witnessLines = File.ReadAllLines(Sample("ipvsadm-Lnc.txt"));
        Assert.Equal(witnessLines[1], lines[0].TrimEnd());
        string[][] witness = witnessLines.Skip(2).Select(Words).ToArray();
        string[][] ours = lines.Skip(1).Select(Words).ToArray();
        Assert.Equal(witness.Length, ours.Length);
        for (int i = 0; i < witness.Length; i++)
            Assert.Equal(new[] { witness[i][0], witness[i][2], witness[i][3], witness[i][4], witness[i][5] }, new[] { ours[i][0], ours[i][2], ours[i][3], ours[i][4], ours[i][5] });
        Assert.Equal("04:50", ours.Single(w => w[0] == "UDP")[1]); // 290 s, as ipvsadm prints it
    }

    [Fact]
    public void A_malformed_line_is_an_error_naming_file_and_line_after_the_good_rows()
    {
        PowerShellSession.Result r = _ps.Invoke("Get-LvsConnection -Path $args[0]", Sample("malformed-port.txt"));
        Assert.Equal(2, r.Records<IpvsConnection>("LvsPS.LvsConnection").Count()); // streamed before the bad line
        ErrorRecord e = Expect.SingleError(r, "ProcFormatError", ErrorCategory.InvalidData);
        Assert.Contains("malformed-port.txt, line 4: FPrt is not a port", e.Exception.Message);
        Assert.IsType<ProcFormatException>(e.Exception);
    }

    [Theory]
    [InlineData("Get-LvsConnection -RealServerAddress 10.0.0.7:80 -RealServerPort 81", "PortConflict")]
    public void Bad_filters_are_refused_before_the_table_is_opened(string command, string id)
    {
        PowerShellSession.Result r = _ps.Invoke(command);
        Expect.SingleError(r, id, ErrorCategory.InvalidArgument); // not IpvsNotAvailable: nothing was opened
    }

    [Theory]
    [InlineData("Get-LvsConnection -ClientAddress 10.0.0.300", "'10.0.0.300' is not an IPv4 or IPv6 address")]
    [InlineData("Get-LvsConnection -ClientAddress 10.0.0.0/33", "0 to 32")]
    [InlineData("Get-LvsConnection -ClientAddress 10.1/16", "dotted-quad")]
    [InlineData("Get-LvsConnection -RealServerAddress 10.7:80", "dotted-quad")]
    public void Bad_addresses_are_refused_while_binding(string command, string message)
        => Expect.RefusedAtBinding(_ps.Invoke(command), message);

    [Fact]
    public void Template_and_ExcludeTemplate_exclude_each_other()
    {
        PowerShellSession.Result r = _ps.Invoke(Expect.CatchTerminating("Get-LvsConnection -Template -ExcludeTemplate"));
        ErrorRecord e = Assert.IsType<ErrorRecord>(Assert.Single(r.Output).BaseObject);
        Assert.Equal("TemplateSwitchConflict", e.FullyQualifiedErrorId.Split(',')[0]);
    }

    [Fact]
    public void A_missing_file_is_PathNotFound()
        => Expect.SingleError(_ps.Invoke("Get-LvsConnection -Path /nonexistent/ip_vs_conn"), "PathNotFound", ErrorCategory.ObjectNotFound);

    [Fact]
    public void The_live_table_needs_IPVS()
    {
        foreach ((string command, string file) in new[] { ("Get-LvsConnection", "ip_vs_conn"), ("Get-LvsConnection -IncludeOrigin -State ESTABLISHED", "ip_vs_conn_sync") })
        {
            ErrorRecord e = Assert.IsType<ErrorRecord>(Assert.Single(_ps.Invoke(Expect.CatchTerminating(command)).Output).BaseObject);
            Assert.Equal("IpvsNotAvailable", e.FullyQualifiedErrorId.Split(',')[0]);
            // The message names the file that is missing, not the netlink family that was never asked for.
            Assert.Contains($"/proc/net/{file} is missing", e.Exception.Message);
            Assert.DoesNotContain("netlink", e.Exception.Message);
            Assert.StartsWith("Load the IPVS module (modprobe ip_vs)", e.ErrorDetails?.RecommendedAction);
        }
        ErrorRecord ns = Assert.IsType<ErrorRecord>(Assert.Single(_ps.Invoke(Expect.CatchTerminating("Get-LvsConnection -NetworkNamespace lvsps-no-such-ns")).Output).BaseObject);
        Assert.Equal("NetworkNamespaceNotFound", ns.FullyQualifiedErrorId.Split(',')[0]);
    }

    [Fact]
    public void State_completes_the_kernel_state_names()
    {
        PowerShellSession.Result r = _ps.Invoke("(TabExpansion2 $args[0] $args[0].Length).CompletionMatches", "Get-LvsConnection -State SYN");
        Assert.Equal(new[] { "SYN_RECV", "SYN_SENT", "SYNACK" }, r.Output.Select(o => ((CompletionResult)o.BaseObject).CompletionText));
    }

    [Fact]
    public void A_directory_as_the_saved_table_says_it_is_a_directory()
    {
        string dir = Directory.CreateTempSubdirectory("lvsps-conn-dir").FullName;
        try
        {
            ErrorRecord e = Assert.Single(_ps.Invoke("Get-LvsConnection -Path $args[0]", dir).AllErrors);
            Assert.Equal("PathIsDirectory", e.FullyQualifiedErrorId.Split(',')[0]);
            Assert.Contains("is a directory", e.Exception.Message);
        }
        finally
        {
            Directory.Delete(dir);
        }
    }

    [Fact]
    public void Control_characters_of_a_bad_line_are_escaped_in_the_message()
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, File.ReadLines(Sample("ip_vs_conn.txt")).First() + "\nTCP \u001b[2J\u001b[31mgotcha\u202e\n");
            ErrorRecord e = Assert.Single(_ps.Invoke("Get-LvsConnection -Path $args[0]", file).AllErrors);
            Assert.Equal("ProcFormatError", e.FullyQualifiedErrorId.Split(',')[0]);
            Assert.DoesNotContain('\u001b', e.Exception.Message);
            Assert.DoesNotContain('\u202e', e.Exception.Message);
            Assert.Contains("\\x1B[2J\\x1B[31mgotcha\\u202E", e.Exception.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
