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

    private static void Ip(params string[] args)
    {
        using var ip = System.Diagnostics.Process.Start("ip", args)!;
        Assert.True(ip.WaitForExit(10000) && ip.ExitCode == 0, $"ip {string.Join(' ', args)} failed");
    }

    /// <summary>
    /// -NetworkNamespace offered file names of the current folder; it offers the namespaces of ip netns. -Interface
    /// (and the other interface parameters) offered file names too; they offer the links of the namespace given.
    /// </summary>
    [Fact]
    public void NetworkNamespace_completes_the_named_namespaces_and_Interface_their_links()
    {
        if (Environment.UserName != "root")
            return; // creating a named namespace (ip netns add) needs root; the assertions below would prove nothing
        string name = $"cmpl{Environment.ProcessId}";
        Ip("netns", "add", name);
        try
        {
            Assert.Equal(new[] { name }, Complete($"Get-LvsVirtualService -NetworkNamespace {name[..5]}"));
            Assert.Equal(new[] { name }, Complete($"Add-LvsVip 10.0.0.3 -Interface lo -NetworkNamespace {name}"));
            string[] all = Complete("Get-LvsInfo -NetworkNamespace ");
            Assert.Equal(Directory.GetFileSystemEntries("/run/netns").Select(Path.GetFileName).Order(StringComparer.Ordinal), all);

            Ip("-n", name, "link", "add", "cmplA", "type", "veth", "peer", "name", "cmplB");
            Assert.Equal(new[] { "cmplA", "cmplB", "lo" }, Complete($"Add-LvsVip 10.0.0.3 -NetworkNamespace {name} -Interface "));
            Assert.Equal(new[] { "cmplB" }, Complete($"Start-LvsSyncDaemon -State Master -NetworkNamespace {name} -Interface cmplb"));
            Assert.Equal(new[] { "all", "default", "cmplA", "cmplB", "lo" }, Complete($"Get-LvsArpSuppression -NetworkNamespace {name} -Interface "));
            Assert.Equal(new[] { "cmplA" }, Complete($"Start-LvsVrrpInstance -NetworkNamespace {name} -TrackInterface cmplA"));
            // The current namespace has none of the links made in the other one.
            Assert.DoesNotContain("cmplA", Complete("Remove-LvsVip 10.0.0.3 -Interface "));
        }
        finally
        {
            System.Diagnostics.Process.Start("ip", new[] { "netns", "delete", name })!.WaitForExit(10000);
        }
    }

    [Fact]
    public void Interface_completes_the_links_of_the_current_namespace_and_nothing_for_a_missing_one()
    {
        Assert.Contains("lo", Complete("Add-LvsVip 10.0.0.3 -Interface l"));
        Assert.Contains("lo", Complete("Initialize-LvsRealServerHost 10.0.0.3 -TunnelInterface "));
        Assert.Empty(Complete("Get-LvsVip -NetworkNamespace no-such-namespace-here -Interface "));
    }

    /// <summary>The kernel's module lists decide (KernelSchedulersTests prove the reading; the lab, against ipvsadm).</summary>
    [Fact]
    public void Scheduler_completes_the_kernel_schedulers()
    {
        IReadOnlyList<string> kernel = LvsPS.Native.Ipvs.KernelSchedulers.OfRunningKernel() ?? LvsPS.Native.Ipvs.Schedulers.Names;
        Assert.Equal(kernel.Where(n => n.StartsWith('w')), Complete("New-LvsVirtualService -Scheduler w"));
        Assert.Equal(kernel.Where(n => n.StartsWith('l')), Complete("Set-LvsVirtualService tcp/10.0.0.3:80 -Scheduler l"));
        Assert.Equal(kernel, Complete("New-LvsVirtualService -Scheduler "));
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
