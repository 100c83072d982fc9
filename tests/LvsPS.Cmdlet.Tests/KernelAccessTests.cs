using System.Management.Automation;
using LvsPS.Native.Ipvs;
using LvsPS.Testing;
using Xunit;

namespace LvsPS.Cmdlet.Tests;

/// <summary>
/// This host's kernel has no IPVS: every cmdlet that reaches the kernel must stop with the
/// terminating IpvsNotAvailable error that tells the operator to load ip_vs. A missing network
/// namespace is found before that.
/// </summary>
public sealed class KernelAccessTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    private readonly PowerShellSession _ps = fixture.Session;

    public static IEnumerable<object[]> KernelCommands => new[]
    {
        "Get-LvsVirtualService",
        "Get-LvsVirtualService tcp/10.0.0.3:80 -NoRealServer",
        "Get-LvsRealServer",
        "Get-LvsRealServer -Address 10.0.0.7",
        "Get-LvsTimeout",
        "Get-LvsInfo",
        "New-LvsVirtualService tcp/10.0.0.3:80 -Scheduler wrr -PersistenceTimeout 20",
        "Set-LvsVirtualService tcp/10.0.0.3:80 -Scheduler rr",
        "Remove-LvsVirtualService tcp/10.0.0.3:80",
        "Clear-LvsVirtualService -Confirm:$false",
        "Add-LvsRealServer tcp/10.0.0.3:80 10.0.0.7 -Forwarding DR",
        "Set-LvsRealServer tcp/10.0.0.3:80 10.0.0.7 -Weight 0",
        "Remove-LvsRealServer tcp/10.0.0.3:80 10.0.0.7",
        "Clear-LvsStatistic",
        "Set-LvsTimeout -Tcp 900",
    }.Select(c => new object[] { c });

    [Theory]
    [MemberData(nameof(KernelCommands))]
    public void Without_IPVS_every_kernel_call_terminates_with_IpvsNotAvailable(string command)
    {
        PowerShellSession.Result r = _ps.Invoke(Expect.CatchTerminating(command));
        object? caught = Assert.Single(r.Output).BaseObject;
        ErrorRecord e = Assert.IsType<ErrorRecord>(caught); // caught by try/catch: terminating
        Assert.Equal("IpvsNotAvailable", e.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(ErrorCategory.ResourceUnavailable, e.CategoryInfo.Category);
        Assert.IsType<IpvsNotAvailableException>(e.Exception);
        Assert.Contains("modprobe ip_vs", Expect.Shown(e));
        Assert.StartsWith("Load the IPVS module (modprobe ip_vs)", e.ErrorDetails?.RecommendedAction);
    }

    [Fact]
    public void Terminating_means_the_rest_of_the_pipeline_is_not_tried()
    {
        PowerShellSession.Result r = _ps.Invoke("'tcp/10.0.0.3:80', 'tcp/10.0.0.4:80', 'fwmark/3' | Remove-LvsVirtualService");
        Assert.Equal("IpvsNotAvailable", Expect.SingleError(r, "IpvsNotAvailable", ErrorCategory.ResourceUnavailable).FullyQualifiedErrorId.Split(',')[0]);
    }

    [Fact]
    public void Verbose_says_what_is_opened()
    {
        PowerShellSession.Result r = _ps.Invoke("Get-LvsInfo -Verbose");
        Assert.Contains("VERBOSE: Opening IPVS (generic netlink) in the current network namespace.", r.HostText);
    }

    [Theory]
    [InlineData("Get-LvsVirtualService -NetworkNamespace lvsps-no-such-ns")]
    [InlineData("Get-LvsInfo -NetworkNamespace lvsps-no-such-ns")]
    [InlineData("New-LvsVirtualService fwmark/3 -NetworkNamespace lvsps-no-such-ns")]
    [InlineData("Add-LvsRealServer tcp/10.0.0.3:80 10.0.0.7 -NetworkNamespace lvsps-no-such-ns")]
    [InlineData("Clear-LvsVirtualService -NetworkNamespace lvsps-no-such-ns -Confirm:$false")]
    public void A_missing_network_namespace_terminates_with_NetworkNamespaceNotFound(string command)
    {
        PowerShellSession.Result r = _ps.Invoke(Expect.CatchTerminating(command));
        ErrorRecord e = Assert.IsType<ErrorRecord>(Assert.Single(r.Output).BaseObject);
        Assert.Equal("NetworkNamespaceNotFound", e.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(ErrorCategory.ObjectNotFound, e.CategoryInfo.Category);
        Assert.Equal("lvsps-no-such-ns", e.TargetObject);
        Assert.Contains("ip netns add lvsps-no-such-ns", Expect.Shown(e));
    }

    [Fact]
    public void Piped_objects_bring_their_namespace_and_the_parameter_overrides_it()
    {
        // Set-LvsRealServer reads the real server first: the namespace it opens shows which one was used.
        RealServer fromLb7 = Records.Dr("10.0.0.7") with { NetworkNamespace = "lvsps-lb7" };
        ErrorRecord e = Assert.IsType<ErrorRecord>(Assert.Single(_ps.Invoke(Expect.CatchTerminating("$args[0] | Set-LvsRealServer -Weight 0"), fromLb7).Output).BaseObject);
        Assert.Equal("NetworkNamespaceNotFound", e.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal("lvsps-lb7", e.TargetObject);

        e = Assert.IsType<ErrorRecord>(Assert.Single(_ps.Invoke(Expect.CatchTerminating("$args[0] | Remove-LvsVirtualService -NetworkNamespace lvsps-lb8"), fromLb7).Output).BaseObject);
        Assert.Equal("lvsps-lb8", e.TargetObject);

        VirtualService service = Records.WebService(ns: "lvsps-lb9");
        e = Assert.IsType<ErrorRecord>(Assert.Single(_ps.Invoke(Expect.CatchTerminating("$args[0] | Get-LvsRealServer"), service).Output).BaseObject);
        Assert.Equal("lvsps-lb9", e.TargetObject);
    }

    [Fact]
    public void Default_parameter_values_set_the_namespace_for_a_session()
    {
        using var session = new PowerShellSession(networkNamespace: "lvsps-default-ns");
        ErrorRecord e = Assert.IsType<ErrorRecord>(Assert.Single(session.Invoke(Expect.CatchTerminating("Get-LvsTimeout")).Output).BaseObject);
        Assert.Equal("NetworkNamespaceNotFound", e.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal("lvsps-default-ns", e.TargetObject);
    }

    [Fact]
    public void Tab_completion_of_services_is_empty_not_an_error_without_IPVS()
    {
        PowerShellSession.Result r = _ps.Invoke("$s = 'Remove-LvsVirtualService -VirtualService tc'; (TabExpansion2 $s $s.Length).CompletionMatches");
        Assert.Empty(r.AllErrors);
        Assert.DoesNotContain(r.Output, m => ((CompletionResult)m.BaseObject).CompletionText.StartsWith("tcp/", StringComparison.Ordinal));
    }
}
