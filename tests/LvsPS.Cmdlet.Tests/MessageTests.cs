using System.Management.Automation;
using LvsPS.Native.Ipvs;
using LvsPS.Testing;
using Xunit;

namespace LvsPS.Cmdlet.Tests;

/// <summary>
/// What a user reads when input is wrong (issue 10, "Messages"). -WhatIf keeps the kernel out of it.
/// </summary>
public sealed class MessageTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    private readonly PowerShellSession _ps = fixture.Session;

    /// <summary>A bad identity piped by value was PowerShell's InputObjectNotBound ("cannot be bound to any parameters"), which names neither the text nor the fault.</summary>
    [Theory]
    [InlineData("'tcp/10.1:80' | Remove-LvsVirtualService -WhatIf", "dotted-quad")]
    [InlineData("'tcp/2001:db8::1:80' | New-LvsVirtualService -WhatIf", "[2001:db8::1]:80")]
    [InlineData("'tcp/2001:db8::1:80' | Add-LvsRealServer -Address 10.0.0.7 -WhatIf", "brackets")]
    [InlineData("'http/10.0.0.3:80' | Get-LvsRealServer", "http/10.0.0.3:80")]
    [InlineData("'tcp/10.0.0.3' | Clear-LvsStatistic -WhatIf", "tcp/10.0.0.3")]
    [InlineData("'fwmark/x' | Get-LvsConnection", "fwmark/x")]
    public void A_bad_identity_piped_by_value_gets_the_parsers_message(string script, string said)
    {
        PowerShellSession.Result r = _ps.Invoke(script);
        Expect.RefusedAtBinding(r, said);
        Assert.DoesNotContain(r.AllErrors, e => e.FullyQualifiedErrorId.StartsWith("InputObjectNotBound", StringComparison.Ordinal));
    }

    [Fact]
    public void The_good_identities_around_a_bad_one_go_on()
    {
        PowerShellSession.Result r = _ps.Invoke("'tcp/10.0.0.3:80', 'tcp/10.1:80', 'udp/[2001:db8::1]:53' | Remove-LvsVirtualService -WhatIf");
        Assert.Contains("What if: Performing the operation \"Remove virtual service and its real servers\" on target \"tcp/10.0.0.3:80\".", r.HostText);
        Assert.Contains("What if: Performing the operation \"Remove virtual service and its real servers\" on target \"udp/[2001:db8::1]:53\".", r.HostText);
        ErrorRecord e = Assert.Single(r.AllErrors);
        Assert.Contains("'10.1' is not an IPv4 address in dotted-quad form", e.Exception.Message);
    }

    /// <summary>-PersistenceTimeout -5 said "Value was either too large or too small for a UInt32".</summary>
    [Theory]
    [InlineData("New-LvsVirtualService tcp/10.0.0.3:80 -PersistenceTimeout -5 -WhatIf", "-5", "1 to 4294967")]
    [InlineData("New-LvsVirtualService tcp/10.0.0.3:80 -PersistenceTimeout 4294968 -WhatIf", "4294968", "1 to 4294967")]
    [InlineData("Set-LvsVirtualService tcp/10.0.0.3:80 -PersistenceTimeout -1 -WhatIf", "-1", "1 to 4294967")]
    [InlineData("Set-LvsTimeout -Tcp -30 -WhatIf", "-30", "1 to ")]
    [InlineData("Add-LvsRealServer tcp/10.0.0.3:80 10.0.0.7 -UpperThreshold -1 -WhatIf", "-1", "0 to 4294967295")]
    [InlineData("New-LvsVirtualService -FirewallMark -3 -WhatIf", "-3", "1 to 4294967295")]
    [InlineData("Start-LvsSyncDaemon -State Master -Interface eth0 -SyncId 256 -WhatIf", "256", "0 to 255")]
    [InlineData("New-LvsVirtualService tcp/10.0.0.3:80 -PersistenceTimeout 2.5 -WhatIf", "2.5", "whole number")]
    public void An_unsigned_value_out_of_range_names_the_range(string script, string value, string range)
    {
        PowerShellSession.Result r = _ps.Invoke(script);
        ErrorRecord e = Expect.SingleError(r, "ParameterArgumentTransformationError", ErrorCategory.InvalidData);
        Assert.Contains(value, e.Exception.Message);
        Assert.Contains(range, e.Exception.Message);
        Assert.DoesNotContain("UInt32", e.Exception.Message);
        Assert.Empty(r.Output);
    }

    [Fact]
    public void Every_unsigned_parameter_is_read_with_its_range()
    {
        string[] missing = _ps.Run("""
            foreach ($c in Get-Command -Module LvsPS -CommandType Cmdlet) {
                foreach ($p in $c.Parameters.Values) {
                    $t = if ($p.ParameterType.IsArray) { $p.ParameterType.GetElementType() } else { $p.ParameterType }
                    $t = if ([Nullable]::GetUnderlyingType($t)) { [Nullable]::GetUnderlyingType($t) } else { $t }
                    if ($t -in [uint32], [uint64], [uint16], [byte] -and -not ($p.Attributes | Where-Object { $_ -is [LvsPS.UnsignedTransformationAttribute] })) {
                        "$($c.Name) -$($p.Name)"
                    }
                }
            }
            """).Select(o => o.ToString()).ToArray();
        Assert.Empty(missing);
    }
}
