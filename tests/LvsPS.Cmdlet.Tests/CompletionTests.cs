using System.Management.Automation;
using LvsPS.Testing;
using Xunit;

namespace LvsPS.Cmdlet.Tests;

/// <summary>Tab completion through TabExpansion2, as a console would ask for it.</summary>
public sealed class CompletionTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    private readonly PowerShellSession _ps = fixture.Session;

    private string[] Complete(string input)
    {
        PowerShellSession.Result r = _ps.Invoke("(TabExpansion2 $args[0] $args[0].Length).CompletionMatches", input);
        Assert.Empty(r.AllErrors);
        return r.Output.Select(o => ((CompletionResult)o.BaseObject).CompletionText).ToArray();
    }

    /// <summary>-NetworkNamespace offered file names of the current folder; it offers the namespaces of ip netns.</summary>
    [Fact]
    public void NetworkNamespace_completes_the_named_namespaces()
    {
        if (Environment.UserName != "root")
            return; // creating a named namespace (ip netns add) needs root; the assertion below would prove nothing
        string name = $"cmpl{Environment.ProcessId}";
        using (var add = System.Diagnostics.Process.Start("ip", new[] { "netns", "add", name })!)
        {
            Assert.True(add.WaitForExit(10000) && add.ExitCode == 0, "ip netns add failed");
        }
        try
        {
            Assert.Equal(new[] { name }, Complete($"Get-LvsVirtualService -NetworkNamespace {name[..5]}"));
            Assert.Equal(new[] { name }, Complete($"Add-LvsVip 10.0.0.3 -Interface lo -NetworkNamespace {name}"));
            string[] all = Complete("Get-LvsInfo -NetworkNamespace ");
            Assert.Equal(Directory.GetFileSystemEntries("/run/netns").Select(Path.GetFileName).Order(StringComparer.Ordinal), all);
        }
        finally
        {
            System.Diagnostics.Process.Start("ip", new[] { "netns", "delete", name })!.WaitForExit(10000);
        }
    }

    [Fact]
    public void Scheduler_completes_the_kernel_schedulers()
    {
        Assert.Equal(new[] { "wrr", "wlc" }, Complete("New-LvsVirtualService -Scheduler w"));
        Assert.Equal(new[] { "lc", "lblc", "lblcr" }, Complete("Set-LvsVirtualService tcp/10.0.0.3:80 -Scheduler l"));
        Assert.Equal(14, Complete("New-LvsVirtualService -Scheduler ").Length);
    }

    [Fact]
    public void SchedulerFlag_completes_only_the_flags_of_the_scheduler_given()
    {
        Assert.Equal(new[] { "sh-fallback", "sh-port", "flag-1", "flag-2", "flag-3" }, Complete("New-LvsVirtualService fwmark/3 -Scheduler sh -SchedulerFlag "));
        Assert.Equal(new[] { "sh-fallback", "sh-port" }, Complete("New-LvsVirtualService fwmark/3 -Scheduler sh -SchedulerFlag sh"));
        Assert.Equal(new[] { "mh-fallback", "mh-port" }, Complete("New-LvsVirtualService fwmark/3 -Scheduler mh -SchedulerFlag m"));
        Assert.Empty(Complete("New-LvsVirtualService fwmark/3 -Scheduler mh -SchedulerFlag sh"));
    }

    [Fact]
    public void Forwarding_completes_both_vocabularies()
    {
        Assert.Equal(new[] { "Masquerade", "Route", "Tunnel", "NAT", "DR", "TUN" }, Complete("Add-LvsRealServer tcp/10.0.0.3:80 10.0.0.7 -Forwarding "));
        Assert.Equal(new[] { "Tunnel", "TUN" }, Complete("Set-LvsRealServer tcp/10.0.0.3:80 10.0.0.7 -Forwarding t"));
    }

    [Fact]
    public void Enum_and_set_parameters_complete_their_values()
    {
        Assert.Equal(new[] { "Gre", "Gue" }, Complete("Add-LvsRealServer tcp/10.0.0.3:80 10.0.0.7 -TunnelType G").Order());
        Assert.Equal(new[] { "IPv4", "IPv6" }, Complete("New-LvsVirtualService -FirewallMark 3 -AddressFamily I"));
        Assert.Equal(new[] { "sctp" }, Complete("New-LvsVirtualService -Protocol s"));
    }
}
