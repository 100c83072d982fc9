using System.Net;
using System.Management.Automation;
using LvsPS.Native.Ipvs;
using LvsPS.Testing;
using Xunit;

namespace LvsPS.Cmdlet.Tests;

/// <summary>
/// Identities and records bind by value and by property name. -WhatIf keeps the kernel out of
/// it; the captured "What if:" line proves which target and action the cmdlet arrived at.
/// </summary>
public sealed class BindingTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    private readonly PowerShellSession _ps = fixture.Session;

    [Theory]
    [InlineData("tcp/10.0.0.3:80", "tcp/10.0.0.3:80")]
    [InlineData("TCP/10.0.0.3:80", "tcp/10.0.0.3:80")]
    [InlineData("udp/[2001:db8::1]:53", "udp/[2001:db8::1]:53")]
    [InlineData("sctp/10.0.0.3:9", "sctp/10.0.0.3:9")]
    [InlineData("fwmark/3", "fwmark/3")]
    [InlineData("fwmark/3/ipv6", "fwmark/3/ipv6")]
    public void Identity_strings_bind_by_name_position_and_pipeline(string text, string canonical)
    {
        Expect.WhatIf(_ps.Invoke("New-LvsVirtualService -VirtualService $args[0] -WhatIf", text), "Create virtual service (scheduler wlc)", canonical);
        Expect.WhatIf(_ps.Invoke("New-LvsVirtualService $args[0] -Scheduler rr -WhatIf", text), "Create virtual service (scheduler rr)", canonical);
        Expect.WhatIf(_ps.Invoke("$args[0] | New-LvsVirtualService -Scheduler sh -SchedulerFlag sh-port -WhatIf", text), "Create virtual service (scheduler sh, flags sh-port)", canonical);
        Expect.WhatIf(_ps.Invoke("$args[0] | Remove-LvsVirtualService -WhatIf", text), "Remove virtual service and its real servers", canonical);
        Expect.WhatIf(_ps.Invoke("Clear-LvsStatistic $args[0] -WhatIf", text), "Zero the counters", canonical);
    }

    [Fact]
    public void Address_and_firewall_mark_parameter_sets_name_the_same_services()
    {
        Expect.WhatIf(_ps.Invoke("New-LvsVirtualService -Protocol udp -Address 2001:db8::1 -Port 53 -OnePacket -WhatIf"),
            "Create virtual service (scheduler wlc, one-packet)", "udp/[2001:db8::1]:53");
        Expect.WhatIf(_ps.Invoke("New-LvsVirtualService -Address 10.0.0.3 -Port 0 -PersistenceTimeout 600 -PersistenceNetmask 255.255.255.0 -WhatIf"),
            "Create virtual service (scheduler wlc, persistent 600 s, netmask 255.255.255.0)", "tcp/10.0.0.3:0");
        Expect.WhatIf(_ps.Invoke("New-LvsVirtualService -FirewallMark 3 -AddressFamily IPv6 -Persistent -PersistenceNetmask 64 -PersistenceEngine sip -WhatIf"),
            "Create virtual service (scheduler wlc, persistent 360 s, netmask 64, engine sip)", "fwmark/3/ipv6");
        Expect.WhatIf(_ps.Invoke("Remove-LvsVirtualService -FirewallMark 7 -WhatIf"), "Remove virtual service and its real servers", "fwmark/7");
    }

    [Fact]
    public void The_LVS_DR_quick_start_reads_right_under_WhatIf()
    {
        PowerShellSession.Result r = _ps.Invoke("""
            New-LvsVirtualService -VirtualService tcp/10.0.0.3:80 -Scheduler wrr -PersistenceTimeout 20 -WhatIf
            Add-LvsRealServer -VirtualService tcp/10.0.0.3:80 -Address 10.0.0.7 -Forwarding DR -WhatIf
            Add-LvsRealServer tcp/10.0.0.3:80 192.168.10.8:8080 -Forwarding NAT -Weight 3 -UpperThreshold 500 -LowerThreshold 400 -WhatIf
            Add-LvsRealServer fwmark/3 10.0.1.7 -Forwarding Tunnel -TunnelType Gue -TunnelPort 6080 -TunnelChecksum Checksum -WhatIf
            """);
        Expect.WhatIf(r, "Create virtual service (scheduler wrr, persistent 20 s)", "tcp/10.0.0.3:80");
        Expect.WhatIf(r, "Add real server (route, weight 1)", "tcp/10.0.0.3:80 -> 10.0.0.7:80");
        Expect.WhatIf(r, "Add real server (masquerade, weight 3, upper threshold 500, lower threshold 400)", "tcp/10.0.0.3:80 -> 192.168.10.8:8080");
        Expect.WhatIf(r, "Add real server (tunnel, weight 1, gue port 6080, checksum)", "fwmark/3 -> 10.0.1.7:0");
    }

    [Fact]
    public void VirtualService_records_bind_whole_to_New_with_their_real_servers()
    {
        VirtualService web = Records.WebService();
        VirtualService dns = new() { Key = VirtualServiceKey.Parse("udp/[2001:db8::1]:53"), Scheduler = "rr", OnePacket = true };
        PowerShellSession.Result r = _ps.Invoke("$args[0] | New-LvsVirtualService -WhatIf", new object[] { new[] { web, dns } });
        Expect.WhatIf(r, "Create virtual service (scheduler wrr, persistent 20 s, 2 real servers)", "tcp/10.0.0.3:80");
        Expect.WhatIf(r, "Create virtual service (scheduler rr, one-packet, 0 real servers)", "udp/[2001:db8::1]:53");
    }

    /// <summary>
    /// Run without arguments, New-LvsVirtualService asked for InputObject[0] and refused the identity typed there.
    /// It asks for -VirtualService and takes it; rows and hashtables still bind whole
    /// (their scheduler shows), not as their bare VirtualService property.
    /// </summary>
    [Fact]
    public void Without_arguments_New_asks_for_the_identity_and_piped_rows_still_bind_whole()
    {
        _ps.Host.Capture.PromptAnswers["VirtualService"] = "tcp/10.0.0.44:80";
        try
        {
            PowerShellSession.Result asked = _ps.Invoke("New-LvsVirtualService -WhatIf");
            Assert.Contains("[PROMPT VirtualService]", asked.HostText);
            Expect.WhatIf(asked, "Create virtual service (scheduler wlc)", "tcp/10.0.0.44:80");
        }
        finally
        {
            _ps.Host.Capture.PromptAnswers.Remove("VirtualService");
        }
        // A row as Import-Csv gives it (every value a string); Pester's Views.Tests.ps1 round-trips real CSV, Clixml and JSON.
        Expect.WhatIf(_ps.Invoke("[pscustomobject]@{ VirtualService = 'tcp/10.0.0.3:80'; Scheduler = 'rr'; Persistent = 'False' } | New-LvsVirtualService -WhatIf"),
            "Create virtual service (scheduler rr, 0 real servers)", "tcp/10.0.0.3:80");
        Expect.WhatIf(_ps.Invoke("@{ VirtualService = 'tcp/10.0.0.6:80'; Scheduler = 'lc' } | New-LvsVirtualService -WhatIf"),
            "Create virtual service (scheduler lc, 0 real servers)", "tcp/10.0.0.6:80");
    }

    [Fact]
    public void Records_bind_by_value_to_the_identity_of_their_service()
    {
        VirtualService web = Records.WebService();
        Expect.WhatIf(_ps.Invoke("$args[0] | Remove-LvsVirtualService -WhatIf", web), "Remove virtual service and its real servers", "tcp/10.0.0.3:80");
        Expect.WhatIf(_ps.Invoke("$args[0] | Add-LvsRealServer -Address 10.0.0.9 -Weight 0 -WhatIf", web), "Add real server (route, weight 0)", "tcp/10.0.0.3:80 -> 10.0.0.9:80");
        Expect.WhatIf(_ps.Invoke("$args[0] | Clear-LvsStatistic -WhatIf", web), "Zero the counters", "tcp/10.0.0.3:80");
        // A RealServer stands for its service too.
        Expect.WhatIf(_ps.Invoke("$args[0] | Remove-LvsVirtualService -WhatIf", Records.Dr("10.0.0.7")), "Remove virtual service and its real servers", "tcp/10.0.0.3:80");
        // And a bare VirtualServiceKey, as built in a script.
        Expect.WhatIf(_ps.Invoke("[LvsPS.Native.Ipvs.VirtualServiceKey]::Parse('fwmark/3/ipv6') | Remove-LvsVirtualService -WhatIf"),
            "Remove virtual service and its real servers", "fwmark/3/ipv6");
    }

    [Fact]
    public void RealServer_records_bind_whole_to_Add_and_by_property_name_to_Remove()
    {
        RealServer[] servers = { Records.Dr("10.0.0.7"), Records.Dr("10.0.0.8", weight: 3) with { Forwarding = ForwardingMethod.Masquerade, Port = 8080 } };
        PowerShellSession.Result add = _ps.Invoke("$args[0] | Add-LvsRealServer -WhatIf", new object[] { servers });
        Expect.WhatIf(add, "Add real server (route, weight 1)", "tcp/10.0.0.3:80 -> 10.0.0.7:80");
        Expect.WhatIf(add, "Add real server (masquerade, weight 3)", "tcp/10.0.0.3:80 -> 10.0.0.8:8080");

        // VirtualService by value (the record's service), Address (IPAddress) and Port by property name.
        PowerShellSession.Result remove = _ps.Invoke("$args[0] | Remove-LvsRealServer -WhatIf", new object[] { servers });
        Expect.WhatIf(remove, "Remove real server", "tcp/10.0.0.3:80 -> 10.0.0.7:80");
        Expect.WhatIf(remove, "Remove real server", "tcp/10.0.0.3:80 -> 10.0.0.8:8080");

        RealServer v6 = new() { VirtualService = VirtualServiceKey.Parse("tcp/[2001:db8::1]:443"), Address = IPAddress.Parse("2001:db8::7"), Port = 443, Forwarding = ForwardingMethod.Route };
        Expect.WhatIf(_ps.Invoke("$args[0] | Remove-LvsRealServer -WhatIf", v6), "Remove real server", "tcp/[2001:db8::1]:443 -> [2001:db8::7]:443");
    }

    [Fact]
    public void Plain_objects_bind_by_property_name()
    {
        Expect.WhatIf(_ps.Invoke("[pscustomobject]@{ VirtualService = 'udp/10.0.0.3:53'; Address = '10.0.0.7'; Port = 5353 } | Remove-LvsRealServer -WhatIf"),
            "Remove real server", "udp/10.0.0.3:53 -> 10.0.0.7:5353");
        Expect.WhatIf(_ps.Invoke("[pscustomobject]@{ VirtualService = 'fwmark/9' } | Remove-LvsVirtualService -WhatIf"),
            "Remove virtual service and its real servers", "fwmark/9");
    }

    [Fact]
    public void Real_server_port_comes_from_the_address_the_parameter_or_the_service()
    {
        Expect.WhatIf(_ps.Invoke("Remove-LvsRealServer tcp/10.0.0.3:80 10.0.0.7 -WhatIf"), "Remove real server", "tcp/10.0.0.3:80 -> 10.0.0.7:80");
        Expect.WhatIf(_ps.Invoke("Remove-LvsRealServer tcp/10.0.0.3:80 10.0.0.7:8080 -WhatIf"), "Remove real server", "tcp/10.0.0.3:80 -> 10.0.0.7:8080");
        Expect.WhatIf(_ps.Invoke("Remove-LvsRealServer tcp/10.0.0.3:80 '[2001:db8::7]:81' -WhatIf"), "Remove real server", "tcp/10.0.0.3:80 -> [2001:db8::7]:81");
        Expect.WhatIf(_ps.Invoke("Remove-LvsRealServer fwmark/3 10.0.0.7 -WhatIf"), "Remove real server", "fwmark/3 -> 10.0.0.7:0");
        Expect.WhatIf(_ps.Invoke("Add-LvsRealServer tcp/10.0.0.3:80 10.0.0.7 -Port 8080 -Forwarding Masquerade -WhatIf"), "Add real server (masquerade, weight 1)", "tcp/10.0.0.3:80 -> 10.0.0.7:8080");
    }

    [Fact]
    public void Flush_zero_and_timeouts_name_their_targets()
    {
        Expect.WhatIf(_ps.Invoke("Clear-LvsVirtualService -WhatIf"), "Remove every virtual service and real server (flush)", "IPVS table of the current network namespace");
        // ShouldProcess comes before the namespace is opened, so a name is enough here.
        Expect.WhatIf(_ps.Invoke("Clear-LvsVirtualService -NetworkNamespace lb9 -WhatIf"), "Remove every virtual service and real server (flush)", "IPVS table of network namespace 'lb9'");
        Expect.WhatIf(_ps.Invoke("Clear-LvsStatistic -WhatIf"), "Zero the counters", "all virtual services");
        Expect.WhatIf(_ps.Invoke("Set-LvsTimeout -Tcp 900 -TcpFin 60 -Udp 120 -WhatIf"), "Set timeouts (tcp 900 s, tcpfin 60 s, udp 120 s)", "IPVS timeouts");
        Expect.WhatIf(_ps.Invoke("Set-LvsTimeout -Udp 30 -WhatIf"), "Set timeouts (udp 30 s)", "IPVS timeouts");
    }

    [Fact]
    public void Confirm_asks_before_a_flush()
    {
        _ps.Host.Capture.ChoiceAnswer = 2; // [N] No
        try
        {
            PowerShellSession.Result r = _ps.Invoke("Clear-LvsVirtualService");
            Assert.Contains("[CHOICE Confirm: Are you sure you want to perform this action?", r.HostText);
            Assert.Contains("IPVS table of the current network namespace", r.HostText);
            Assert.Empty(r.AllErrors); // declined: the kernel was never asked, so no IpvsNotAvailable
        }
        finally
        {
            _ps.Host.Capture.ChoiceAnswer = -1;
        }
    }

    [Fact]
    public void Set_cmdlets_read_the_kernel_first_so_WhatIf_meets_IpvsNotAvailable()
    {
        foreach (string command in new[]
                 {
                     "Set-LvsVirtualService tcp/10.0.0.3:80 -Scheduler rr -WhatIf",
                     "Set-LvsRealServer tcp/10.0.0.3:80 10.0.0.7 -Weight 0 -WhatIf",
                     "$args[0] | Set-LvsRealServer -Weight 0 -WhatIf",
                 })
        {
            PowerShellSession.Result r = _ps.Invoke(Expect.CatchTerminating(command), Records.Dr("10.0.0.7"));
            ErrorRecord e = Assert.IsType<ErrorRecord>(Assert.Single(r.Output).BaseObject);
            Assert.Equal("IpvsNotAvailable", e.FullyQualifiedErrorId.Split(',')[0]);
            Assert.DoesNotContain("What if:", r.HostText);
        }
    }
}
