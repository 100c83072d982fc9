using System.Management.Automation;
using LvsPS.Native.Ipvs;
using LvsPS.Testing;
using Xunit;

namespace LvsPS.Cmdlet.Tests;

/// <summary>
/// Bad input is refused with the rule's id and InvalidArgument, before the kernel is asked:
/// none of these run with -WhatIf, and on this host (no IPVS) any kernel access would show as
/// IpvsNotAvailable instead.
/// </summary>
public sealed class ValidationTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    private readonly PowerShellSession _ps = fixture.Session;

    private ErrorRecord Refused(string script, string id, params object?[] args)
    {
        PowerShellSession.Result r = _ps.Invoke(script, args);
        ErrorRecord e = Expect.SingleError(r, id, ErrorCategory.InvalidArgument);
        Assert.Empty(r.Output);
        return e;
    }

    [Theory]
    [InlineData("New-LvsVirtualService tcp/10.0.0.3:80 -Scheduler bogus", nameof(IpvsRule.UnknownScheduler), "not an IPVS scheduler")]
    [InlineData("Set-LvsVirtualService tcp/10.0.0.3:80 -Scheduler bogus", nameof(IpvsRule.UnknownScheduler), "wlc")]
    [InlineData("New-LvsVirtualService tcp/10.0.0.3:80 -Scheduler wrr -SchedulerFlag sh-port", nameof(IpvsRule.SchedulerFlagMismatch), "belongs to the 'sh' scheduler")]
    [InlineData("New-LvsVirtualService tcp/10.0.0.3:80 -Scheduler sh -SchedulerFlag sh-sticky", "UnknownSchedulerFlag", "valid flags")]
    [InlineData("Set-LvsVirtualService tcp/10.0.0.3:80 -SchedulerFlag sh-sticky", "UnknownSchedulerFlag", "valid flags")]
    [InlineData("New-LvsVirtualService tcp/10.0.0.3:80 -Persistent -PersistenceNetmask 64", nameof(IpvsRule.InvalidPersistenceNetmask), "IPv4")]
    [InlineData("New-LvsVirtualService tcp/10.0.0.3:80 -Persistent -PersistenceNetmask 255.0.255.0", nameof(IpvsRule.InvalidPersistenceNetmask), "contiguous")]
    [InlineData("New-LvsVirtualService 'tcp/[2001:db8::1]:80' -Persistent -PersistenceNetmask 255.255.255.0", nameof(IpvsRule.InvalidPersistenceNetmask), "IPv6")]
    [InlineData("New-LvsVirtualService fwmark/3/ipv6 -Persistent -PersistenceNetmask 0", nameof(IpvsRule.InvalidPersistenceNetmask), "1 to 128")]
    [InlineData("Set-LvsVirtualService 'udp/[2001:db8::1]:53' -PersistenceNetmask 129", nameof(IpvsRule.InvalidPersistenceNetmask), "1 to 128")]
    [InlineData("New-LvsVirtualService tcp/10.0.0.3:0", nameof(IpvsRule.PortZeroNeedsPersistence), "Add -Persistent")]
    [InlineData("New-LvsVirtualService tcp/10.0.0.3:80 -PersistenceEngine sip", nameof(IpvsRule.PersistenceEngineNeedsPersistence), "-Persistent")]
    [InlineData("New-LvsVirtualService tcp/10.0.0.3:80 -Forwarding DR", "ForwardingIsPerRealServer", "Add-LvsRealServer -Forwarding")]
    public void Service_rules(string script, string id, string message)
        => Assert.Contains(message, Expect.Shown(Refused(script, id)));

    [Theory]
    [InlineData("Add-LvsRealServer tcp/10.0.0.3:80 10.0.0.7 -UpperThreshold 10 -LowerThreshold 20", nameof(IpvsRule.ThresholdOrder), "above its upper threshold")]
    [InlineData("Add-LvsRealServer tcp/10.0.0.3:80 10.0.0.7 -LowerThreshold 20", nameof(IpvsRule.ThresholdOrder), "needs an upper threshold")]
    [InlineData("Add-LvsRealServer tcp/10.0.0.3:80 10.0.0.7 -Forwarding Tunnel -TunnelType Gue", nameof(IpvsRule.GueNeedsPort), "-TunnelPort")]
    [InlineData("Add-LvsRealServer tcp/10.0.0.3:80 10.0.0.7 -TunnelType Gre", nameof(IpvsRule.TunnelSettingsWithoutTunnel), "-Forwarding Tunnel")]
    [InlineData("Add-LvsRealServer fwmark/3 2001:db8::7 -Forwarding DR", nameof(IpvsRule.FamilyMismatch), "another address family")]
    [InlineData("Add-LvsRealServer fwmark/3/ipv6 10.0.0.7 -Forwarding NAT", nameof(IpvsRule.FamilyMismatch), "tunnel forwarding")]
    [InlineData("Add-LvsRealServer tcp/10.0.0.3:80 10.0.0.7:80 -Port 81", "PortConflict", "Give the port once")]
    [InlineData("Add-LvsRealServer tcp/10.0.0.3:80 10.0.0.7 -Forwarding Bridge", "UnknownForwardingMethod", "Masquerade (NAT), Route (DR, gatewaying) or Tunnel (TUN, IPIP)")]
    [InlineData("Add-LvsRealServer tcp/10.0.0.3:80 10.0.0.7 -Forwarding Local", nameof(IpvsRule.LocalForwarding), "chosen by the kernel")]
    [InlineData("Set-LvsRealServer tcp/10.0.0.3:80 10.0.0.7 -Forwarding FNAT", "FullNatNotSupported", "mainline Linux")]
    public void Real_server_rules(string script, string id, string message)
        => Assert.Contains(message, Expect.Shown(Refused(script, id)));

    [Fact]
    public void DR_cannot_remap_ports_and_says_why()
    {
        ErrorRecord e = Refused("Add-LvsRealServer -VirtualService tcp/10.0.0.3:80 -Address 10.0.0.7:8080 -Forwarding DR", nameof(IpvsRule.PortRemapNotPossible));
        Assert.Contains("direct routing cannot change the port", e.Exception.Message);
        Assert.Contains("NAT (-Forwarding Masquerade) to remap ports", e.ErrorDetails!.RecommendedAction);
        Assert.Equal("tcp/10.0.0.3:80", e.TargetObject?.ToString());
        // The default forwarding is DR too, and tunnelling has the same limit.
        Refused("Add-LvsRealServer tcp/10.0.0.3:80 10.0.0.7 -Port 8080", nameof(IpvsRule.PortRemapNotPossible));
        Assert.Contains("tunnelling cannot change the port",
            Refused("Add-LvsRealServer tcp/10.0.0.3:80 10.0.0.7:8080 -Forwarding TUN", nameof(IpvsRule.PortRemapNotPossible)).Exception.Message);
    }

    [Fact]
    public void FULLNAT_is_refused_with_the_mainline_Linux_explanation()
    {
        ErrorRecord e = Refused("Add-LvsRealServer tcp/10.0.0.3:80 10.0.0.7 -Forwarding FULLNAT", "FullNatNotSupported");
        Assert.Contains("FULLNAT is not in mainline Linux IPVS", e.Exception.Message);
        Assert.Contains("DPVS", e.Exception.Message);
        Assert.Contains("-Forwarding Masquerade", e.ErrorDetails!.RecommendedAction);
    }

    [Fact]
    public void Weight_70000_is_refused_by_the_parameter_and_by_the_record_rule()
    {
        // The parameter's [ValidateRange(0, 65535)]: PowerShell's own binding error.
        PowerShellSession.Result r = _ps.Invoke("Add-LvsRealServer tcp/10.0.0.3:80 10.0.0.7 -Weight 70000");
        ErrorRecord binding = Expect.SingleError(r, "ParameterArgumentValidationError", ErrorCategory.InvalidData);
        Assert.Contains("65535", binding.Exception.Message);
        // A record with that weight goes through the core rule.
        ErrorRecord e = Refused("$args[0] | Add-LvsRealServer", nameof(IpvsRule.WeightOutOfRange), Records.Dr("10.0.0.7", weight: 70000));
        Assert.Contains("from 0 to 65535", e.Exception.Message);
        Assert.IsType<RealServer>(e.TargetObject);
    }

    [Fact]
    public void Bad_records_are_refused_one_by_one_and_the_batch_goes_on_to_the_kernel()
    {
        RealServer good = Records.Dr("10.0.0.7");
        RealServer drPort = Records.Dr("10.0.0.8") with { Port = 8080 };
        RealServer thresholds = Records.Dr("10.0.0.9") with { UpperThreshold = 5, LowerThreshold = 6 };
        foreach (string script in new[] { "$args[0] | Add-LvsRealServer", "Add-LvsRealServer -InputObject $args[0]" })
        {
            PowerShellSession.Result r = _ps.Invoke(script, new object[] { new[] { drPort, thresholds, good } });
            string[] ids = r.AllErrors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]).ToArray();
            // Two rule failures for their own records, then the good one reaches the kernel (none here).
            Assert.Equal(new[] { nameof(IpvsRule.PortRemapNotPossible), nameof(IpvsRule.ThresholdOrder), "IpvsNotAvailable" }, ids);
            Assert.Same(drPort, r.AllErrors.First().TargetObject);
            Assert.Same(thresholds, r.AllErrors.ElementAt(1).TargetObject);
        }
    }

    [Fact]
    public void A_service_record_with_a_flag_of_another_scheduler_is_refused()
    {
        VirtualService bad = new() { Key = Records.Web, Scheduler = "wrr", SchedulerFlags = SchedulerFlags.Flag2 };
        ErrorRecord e = Refused("$args[0] | New-LvsVirtualService", nameof(IpvsRule.SchedulerFlagMismatch), bad);
        Assert.Same(bad, e.TargetObject);
    }

    [Theory]
    [InlineData("tcp/10.0.0.300:80", "'10.0.0.300' is not an IPv4 or IPv6 address")]
    [InlineData("udp/[::1", "a '[' without its ']'")]
    [InlineData("fwmark/0", "a firewall mark is a whole number from 1")]
    [InlineData("icmp/10.0.0.3:80", "not a protocol")]
    [InlineData("tcp/10.0.0.3", "has no port")]
    [InlineData("tcp/10.0.0.3:65536", "not a port")]
    [InlineData("fwmark/3/ipv5", "is ipv4 or ipv6")]
    public void Bad_identity_strings_fail_binding_with_the_reason(string identity, string reason)
    {
        foreach (string command in new[] { "New-LvsVirtualService", "Remove-LvsVirtualService", "Get-LvsRealServer", "Clear-LvsStatistic" })
        {
            PowerShellSession.Result r = _ps.Invoke($"{command} -VirtualService $args[0]", identity);
            ErrorRecord e = Expect.SingleError(r, "CannotConvertArgumentNoMessage", ErrorCategory.InvalidArgument);
            Assert.IsType<ParameterBindingException>(e.Exception);
            Assert.Contains(reason, e.Exception.Message);
        }
        // Piped, the same reason (PowerShell alone would only say the input binds to no parameter).
        Expect.RefusedAtBinding(_ps.Invoke("$args[0] | Remove-LvsVirtualService", identity), reason);
    }

    [Fact]
    public void Set_LvsTimeout_without_a_value_is_refused()
    {
        PowerShellSession.Result r = _ps.Invoke(Expect.CatchTerminating("Set-LvsTimeout"));
        ErrorRecord e = Assert.IsType<ErrorRecord>(Assert.Single(r.Output).BaseObject);
        Assert.Equal("NoTimeoutGiven,LvsPS.Commands.SetLvsTimeoutCommand", e.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, e.CategoryInfo.Category);
    }

    [Fact]
    public void Validation_ids_carry_the_cmdlet_name()
    {
        ErrorRecord e = Refused("New-LvsVirtualService tcp/10.0.0.3:80 -Scheduler bogus", nameof(IpvsRule.UnknownScheduler));
        Assert.Equal("UnknownScheduler,LvsPS.Commands.NewLvsVirtualServiceCommand", e.FullyQualifiedErrorId);
        Assert.IsType<IpvsValidationException>(e.Exception);
    }
}
