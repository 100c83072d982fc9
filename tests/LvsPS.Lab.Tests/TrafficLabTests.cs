using System.Diagnostics;
using System.Management.Automation;
using LvsPS.Lab.Tests.Infrastructure;
using LvsPS.Native.HostSettings;
using LvsPS.Native.Ipvs;
using LvsPS.Testing;
using Xunit;
using static LvsPS.Lab.Tests.Infrastructure.TrafficTopology;

namespace LvsPS.Lab.Tests;

/// <summary>
/// Real HTTP traffic from a client namespace through a director namespace to two real-server
/// namespaces, with LVS configured only through LvsPS cmdlets: NAT, DR and TUN (ipip) each
/// reach both real servers; rr, wrr, persistence, sh and weight 0 behave as documented; and
/// Test-LvsConfiguration finds seeded mistakes and nothing in a correct set-up.
/// </summary>
public sealed class TrafficLabTests : IClassFixture<TrafficTopology>
{
    private readonly TrafficTopology _t;
    private readonly PowerShellSession _ps;

    public TrafficLabTests(TrafficTopology topology)
    {
        _t = topology;
        _ps = topology.Ps;
        _ps.Run("Clear-LvsVirtualService -Confirm:$false");
    }

    private void NatService(string scheduler, string extra = "")
    {
        _ps.Run("Enable-LvsDirectorForwarding");
        _ps.Run($"Add-LvsVip {NatVip} -Interface eth1");
        _ps.Run($"New-LvsVirtualService tcp/{NatVip}:80 -Scheduler {scheduler} {extra}");
        _ps.Run($"Add-LvsRealServer tcp/{NatVip}:80 {Rs1Address} -Forwarding NAT; Add-LvsRealServer tcp/{NatVip}:80 {Rs2Address} -Forwarding NAT");
    }

    private void DrService()
    {
        _ps.Run($"Add-LvsVip {DrVip} -Interface eth0");
        foreach (string rs in new[] { _t.Rs1, _t.Rs2 })
            _ps.Run($"Initialize-LvsRealServerHost -VirtualAddress {DrVip} -Forwarding Route -NetworkNamespace {rs}");
        _ps.Run($"New-LvsVirtualService tcp/{DrVip}:80 -Scheduler rr");
        _ps.Run($"Add-LvsRealServer tcp/{DrVip}:80 {Rs1Address} -Forwarding DR; Add-LvsRealServer tcp/{DrVip}:80 {Rs2Address} -Forwarding DR");
    }

    private List<LvsFinding> Findings(string extra = "")
        => _ps.Run($"Test-LvsConfiguration -RealServerNamespace {_t.Rs1}, {_t.Rs2} {extra}").Records<LvsFinding>("LvsPS.LvsFinding").ToList();

    private static void AssertBoth(List<string> answers)
    {
        Assert.DoesNotContain("FAILED", answers);
        Assert.Contains("rs1", answers);
        Assert.Contains("rs2", answers);
    }

    private static void AssertAlternates(List<string> answers)
    {
        for (int i = 1; i < answers.Count; i++)
            Assert.NotEqual(answers[i - 1], answers[i]);
    }

    [Fact]
    public void Nat_reaches_both_real_servers_round_robin_then_wrr_3_to_1()
    {
        NatService("rr");
        List<string> answers = _t.Get(NatVip, 4);
        AssertBoth(answers);
        AssertAlternates(answers);
        Assert.Empty(Findings()); // ip_forward on, redirects off, return path via the director

        _ps.Run($"Set-LvsVirtualService tcp/{NatVip}:80 -Scheduler wrr; Set-LvsRealServer tcp/{NatVip}:80 {Rs1Address} -Weight 3");
        answers = _t.Get(NatVip, 8);
        Assert.Equal(6, answers.Count(a => a == "rs1"));
        Assert.Equal(2, answers.Count(a => a == "rs2"));
    }

    [Fact]
    public void Dr_reaches_both_real_servers_and_diagnostics_are_silent()
    {
        DrService();
        List<string> answers = _t.Get(DrVip, 4);
        AssertBoth(answers);
        AssertAlternates(answers);
        Assert.Empty(Findings());
    }

    [Fact]
    public void Tun_reaches_both_real_servers_over_ipip()
    {
        _ps.Run($"Add-LvsVip {TunVip} -Interface eth0");
        foreach (string rs in new[] { _t.Rs1, _t.Rs2 })
            _ps.Run($"Initialize-LvsRealServerHost -VirtualAddress {TunVip} -Forwarding Tunnel -NetworkNamespace {rs}");
        _ps.Run($"New-LvsVirtualService tcp/{TunVip}:80 -Scheduler rr");
        _ps.Run($"Add-LvsRealServer tcp/{TunVip}:80 {Rs1Address} -Forwarding TUN; Add-LvsRealServer tcp/{TunVip}:80 {Rs2Address} -Forwarding TUN");
        List<string> answers = _t.Get(TunVip, 4);
        AssertBoth(answers);
        AssertAlternates(answers);
        Assert.Empty(Findings());

        // Seeded mistake: strict reverse-path filtering on one real server's tunnel.
        _t.Exec(_t.Rs2, "sysctl", "-qw", "net.ipv4.conf.tunl0.rp_filter=1");
        try
        {
            LvsFinding f = Assert.Single(Findings(), x => x.Check == DiagnosticChecks.RpFilterBlocksTunnel);
            Assert.Equal(_t.Rs2, f.NetworkNamespace);
            Assert.Equal(FindingSeverity.Error, f.Severity);
        }
        finally
        {
            _t.Exec(_t.Rs2, "sysctl", "-qw", "net.ipv4.conf.tunl0.rp_filter=0");
        }
    }

    [Fact]
    public void Persistence_keeps_one_client_on_one_real_server()
    {
        NatService("rr", "-PersistenceTimeout 60");
        List<string> answers = _t.Get(NatVip, 4);
        Assert.DoesNotContain("FAILED", answers);
        Assert.Single(answers.Distinct());
    }

    [Fact]
    public void Source_hashing_pins_each_client_address()
    {
        NatService("sh");
        List<string> first = _t.Get(NatVip, 3, ClientWan), second = _t.Get(NatVip, 3, ClientWan2);
        Assert.DoesNotContain("FAILED", first.Concat(second));
        Assert.Single(first.Distinct());
        Assert.Single(second.Distinct());
    }

    [Fact]
    public void Weight_0_stops_new_connections_while_an_open_one_finishes()
    {
        NatService("rr");
        using Process slow = _t.StartSlowRequest(NatVip, 20);
        PSObject? busy = null;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (busy is null && DateTime.UtcNow < deadline)
        {
            busy = _ps.Run($"Get-LvsRealServer tcp/{NatVip}:80").FirstOrDefault(r => r.Value<uint>("ActiveConnections") > 0);
            if (busy is null)
                Thread.Sleep(500);
        }
        Assert.NotNull(busy);
        _ps.Run($"Set-LvsRealServer tcp/{NatVip}:80 {busy!.Value<string>("Address")} -Weight 0");
        string other = _t.NameOf(busy.Value<string>("Address")) == "rs1" ? "rs2" : "rs1";
        Assert.Equal(new[] { other, other, other }, _t.Get(NatVip, 3));

        Assert.True(slow.WaitForExit(90_000), "the slow request did not finish");
        Assert.Equal(_t.NameOf(busy.Value<string>("Address")), slow.StandardOutput.ReadToEnd().Trim());
    }

    [Fact]
    public void Missing_ARP_suppression_is_found_and_the_real_server_really_answers_ARP_for_the_VIP()
    {
        DrService();
        Assert.Empty(Findings());
        string rs1Mac = _t.MacOf(_t.Rs1, "eth0");
        Assert.DoesNotContain(rs1Mac, Arping(DrVip));

        _ps.Run($"Set-LvsArpSuppression -Disable -NetworkNamespace {_t.Rs1}");
        try
        {
            LvsFinding f = Assert.Single(Findings());
            Assert.Equal((DiagnosticChecks.ArpNotSuppressed, FindingSeverity.Error, _t.Rs1), (f.Check, f.Severity, f.NetworkNamespace));
            Assert.Contains($"-NetworkNamespace {_t.Rs1}", f.Fix);
            Assert.Contains(rs1Mac, Arping(DrVip)); // the real server now competes with the director for the VIP
        }
        finally
        {
            _ps.Run($"Set-LvsArpSuppression -NetworkNamespace {_t.Rs1}");
            _t.Exec(_t.Client, "ip", "neigh", "flush", "dev", "eth0");
        }
        Assert.Empty(Findings());
    }

    [Fact]
    public void Seeded_director_mistakes_are_found()
    {
        NatService("rr");
        _t.Exec(_t.Director, "sysctl", "-qw", "net.ipv4.ip_forward=0");
        _ps.Run($"New-LvsVirtualService tcp/{DrVip}:80 -Scheduler rr; Add-LvsRealServer tcp/{DrVip}:80 172.31.0.9 -Forwarding DR");
        try
        {
            var checks = Findings("-MinimumSeverity Info").Select(f => f.Check).ToHashSet();
            Assert.Contains(DiagnosticChecks.IpForwardOff, checks);
            Assert.Contains(DiagnosticChecks.RealServerNotOnDirectorSegment, checks); // 172.31.0.9 is on no network of the director
            Assert.Contains(DiagnosticChecks.ExpireNodestConnOff, checks);           // advice, at Info
            Assert.DoesNotContain(DiagnosticChecks.NatReturnPathNotViaDirector, checks); // rs1 and rs2 route via the director
        }
        finally
        {
            _ps.Run("Enable-LvsDirectorForwarding");
        }
    }

    /// <summary>The MAC addresses that answer an ARP request for <paramref name="address"/> on the client's LAN, lower case.</summary>
    private string Arping(string address)
    {
        _t.Exec(_t.Client, "ip", "neigh", "flush", "dev", "eth0");
        (string stdout, _) = Shell.RunWithStatus(new[] { "ip", "netns", "exec", _t.Client, "busybox", "arping", "-c", "3", "-w", "4", "-I", "eth0", address }, out _);
        return stdout.ToLowerInvariant();
    }
}
