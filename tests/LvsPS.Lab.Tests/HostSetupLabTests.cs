using LvsPS.Testing;
using LvsPS.Lab.Tests.Infrastructure;
using LvsPS.Native.HostSettings;
using System.Management.Automation;
using Xunit;

namespace LvsPS.Lab.Tests;

/// <summary>
/// Host setup through the cmdlets, read back with ip and sysctl inside the namespace: ARP
/// suppression, VIP binding, real-server preparation and its undoing. Each test has its own
/// namespace with a veth NIC (eth0), so the VM's own namespace must stay untouched.
/// </summary>
public sealed class HostSetupLabTests : CmdletLabBase
{
    public HostSetupLabTests()
    {
        Ns.Exec("ip", "link", "add", "eth0", "type", "veth", "peer", "name", "eth0p");
        Ns.Exec("ip", "link", "set", "eth0", "up");
        // The peer stays down: only interfaces that are up count by default, so eth0 is the one NIC.
        Ns.Exec("ip", "addr", "add", "10.50.0.11/24", "dev", "eth0");
    }

    private string Sysctl(string name) => Ns.Exec("sysctl", "-n", name).Trim();
    private static string RootSysctl(string name) => File.ReadAllText(SysctlNames.PathOf(name)).Trim();
    private string Addresses(string dev) => Ns.Exec("ip", "-o", "addr", "show", "dev", dev);

    [Fact]
    public void Set_LvsArpSuppression_writes_all_in_the_namespace_only_and_Disable_restores()
    {
        string rootIgnore = RootSysctl("net.ipv4.conf.all.arp_ignore");
        Ps.Run("Set-LvsArpSuppression");
        Assert.Equal("1", Sysctl("net.ipv4.conf.all.arp_ignore"));
        Assert.Equal("2", Sysctl("net.ipv4.conf.all.arp_announce"));
        Assert.Equal(rootIgnore, RootSysctl("net.ipv4.conf.all.arp_ignore")); // the VM's own namespace is untouched

        ArpSuppressionStatus eth0 = Ps.Run("Get-LvsArpSuppression").Select(o => o.BaseObject).OfType<ArpSuppressionStatus>().Single();
        Assert.Equal("eth0", eth0.Interface); // lo and NOARP devices do not speak ARP
        Assert.True(eth0.IsSuppressed, eth0.Reason);
        Assert.Equal((1, 2, 0, 0), (eth0.AllArpIgnore, eth0.AllArpAnnounce, eth0.InterfaceArpIgnore, eth0.InterfaceArpAnnounce));
        Assert.Contains("conf/all", eth0.Reason);

        Ps.Run("Set-LvsArpSuppression -Interface eth0");
        Ps.Run("Set-LvsArpSuppression -Disable"); // resets all and eth0, which is not 0 any more
        Assert.Equal("0", Sysctl("net.ipv4.conf.all.arp_ignore"));
        Assert.Equal("0", Sysctl("net.ipv4.conf.all.arp_announce"));
        Assert.Equal("0", Sysctl("net.ipv4.conf.eth0.arp_ignore"));
        Assert.False(Ps.Run("Get-LvsArpSuppression eth0").Select(o => o.BaseObject).OfType<ArpSuppressionStatus>().Single().IsSuppressed);
    }

    [Fact]
    public void Only_lo_suppresses_nothing_because_the_kernel_takes_the_max_of_all_and_the_NIC()
    {
        Ps.Run("Set-LvsArpSuppression -Interface lo");
        Assert.Equal("1", Sysctl("net.ipv4.conf.lo.arp_ignore"));
        ArpSuppressionStatus eth0 = Ps.Run("Get-LvsArpSuppression eth0").Select(o => o.BaseObject).OfType<ArpSuppressionStatus>().Single();
        Assert.False(eth0.IsSuppressed);
        Assert.Contains("Not suppressed", eth0.Reason);
        Ps.Run("Set-LvsArpSuppression -Interface eth0");
        Assert.True(Ps.Run("Get-LvsArpSuppression eth0").Select(o => o.BaseObject).OfType<ArpSuppressionStatus>().Single().IsSuppressed);
    }

    [Fact]
    public void Persist_writes_a_sysctl_d_drop_in_and_WhatIf_changes_nothing()
    {
        string dir = Directory.CreateTempSubdirectory("lvsps-sysctl").FullName;
        Ps.Run("Set-LvsArpSuppression -Persist -SysctlDirectory $args[0] -WhatIf", dir);
        Assert.Equal("0", Sysctl("net.ipv4.conf.all.arp_ignore"));
        Assert.False(File.Exists(Path.Combine(dir, "90-lvsps-arp.conf")));

        Ps.Run("Set-LvsArpSuppression -Persist -SysctlDirectory $args[0]", dir);
        string text = File.ReadAllText(Path.Combine(dir, "90-lvsps-arp.conf"));
        Assert.Contains("net.ipv4.conf.all.arp_ignore = 1\n", text);
        Assert.Contains("net.ipv4.conf.all.arp_announce = 2\n", text);
        Ps.Run("Set-LvsArpSuppression -Disable -Persist -SysctlDirectory $args[0]", dir);
        Assert.False(File.Exists(Path.Combine(dir, "90-lvsps-arp.conf")));
    }

    [Fact]
    public void Add_LvsVip_binds_a_host_prefix_idempotently_and_Remove_unbinds()
    {
        Ps.Run("Add-LvsVip 10.50.0.100");
        Ps.Run("Add-LvsVip 10.50.0.100"); // again: no error, no second address
        Ps.Run("Add-LvsVip 2001:db8::100");
        string lo = Addresses("lo");
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(lo, @"inet 10\.50\.0\.100/32 "));
        Assert.Contains("inet6 2001:db8::100/128", lo);

        var vips = Ps.Run("Get-LvsVip").Records<VipBinding>("LvsPS.LvsVip").Select(v => v.ToString()).Order().ToList();
        Assert.Equal(new[] { "10.50.0.100/32 dev lo", "2001:db8::100/128 dev lo" }, vips);

        Ps.Run("Get-LvsVip | Remove-LvsVip");
        Ps.Run("Remove-LvsVip 10.50.0.100"); // not bound any more: nothing to do, no error
        Assert.DoesNotContain("10.50.0.100", Addresses("lo"));
        Assert.DoesNotContain("2001:db8::100", Addresses("lo"));
    }

    [Fact]
    public void Add_LvsVip_on_a_missing_interface_is_InterfaceNotFound_and_WhatIf_binds_nothing()
    {
        var r = Ps.Invoke("Add-LvsVip 10.50.0.100 -Interface nosuch0");
        Assert.Equal("InterfaceNotFound", Assert.Single(r.AllErrors).FullyQualifiedErrorId.Split(',')[0]);
        Ps.Run("Add-LvsVip 10.50.0.100 -Interface eth0 -WhatIf");
        Assert.DoesNotContain("10.50.0.100", Addresses("eth0"));
        Assert.Contains("Bind VIP", Ps.Invoke("Add-LvsVip 10.50.0.100 -Interface eth0 -WhatIf").HostText);
    }

    [Fact]
    public void Initialize_LvsRealServerHost_DR_then_Reset_restores_the_host()
    {
        Ps.Run("Initialize-LvsRealServerHost -VirtualAddress 10.50.0.100");
        Assert.Contains("inet 10.50.0.100/32", Addresses("lo"));
        Assert.Equal("1", Sysctl("net.ipv4.conf.all.arp_ignore"));
        Assert.Equal("2", Sysctl("net.ipv4.conf.all.arp_announce"));

        Ps.Run("Reset-LvsRealServerHost -VirtualAddress 10.50.0.100");
        Assert.DoesNotContain("10.50.0.100", Addresses("lo"));
        Assert.Equal("0", Sysctl("net.ipv4.conf.all.arp_ignore"));
        Assert.Equal("0", Sysctl("net.ipv4.conf.all.arp_announce"));
    }

    [Fact]
    public void Reset_keeps_ARP_suppression_while_another_VIP_remains()
    {
        Ps.Run("Initialize-LvsRealServerHost -VirtualAddress 10.50.0.100, 10.50.0.101");
        Ps.Run("Reset-LvsRealServerHost -VirtualAddress 10.50.0.100");
        Assert.Contains("10.50.0.101/32", Addresses("lo"));
        Assert.Equal("1", Sysctl("net.ipv4.conf.all.arp_ignore"));
    }

    [Fact]
    public void Initialize_LvsRealServerHost_TUN_brings_up_the_ipip_tunnel_with_the_VIP_and_rp_filter_off()
    {
        Ns.Exec("sysctl", "-qw", "net.ipv4.conf.all.rp_filter=1");
        Assert.DoesNotMatch("<[^>]*,UP[,>]", Ns.Exec("ip", "link", "show", "tunl0")); // the ipip module's device, down
        Ps.Run("Initialize-LvsRealServerHost -VirtualAddress 10.50.0.100 -Forwarding Tunnel");
        string link = Ns.Exec("ip", "-d", "link", "show", "tunl0");
        Assert.Contains("ipip", link);
        Assert.Matches("<[^>]*,UP[,>]", link);
        Assert.Contains("inet 10.50.0.100/32", Addresses("tunl0"));
        Assert.Equal("0", Sysctl("net.ipv4.conf.all.rp_filter"));
        Assert.Equal("0", Sysctl("net.ipv4.conf.tunl0.rp_filter"));
        Assert.Equal("1", Sysctl("net.ipv4.conf.all.arp_ignore"));

        // Again: nothing to change, no error.
        Ps.Run("Initialize-LvsRealServerHost -VirtualAddress 10.50.0.100 -Forwarding Tunnel");
        Ps.Run("Reset-LvsRealServerHost -VirtualAddress 10.50.0.100 -Forwarding Tunnel");
        Assert.DoesNotContain("10.50.0.100", Addresses("tunl0"));
        Assert.Equal("0", Sysctl("net.ipv4.conf.all.arp_ignore"));
    }

    [Fact]
    public void A_second_catch_all_ipip_device_is_refused_by_the_kernel_with_a_hint()
    {
        var r = Ps.Invoke("Initialize-LvsRealServerHost -VirtualAddress 10.50.0.100 -Forwarding Tunnel -TunnelInterface tun9");
        ErrorRecord e = Assert.Single(r.AllErrors);
        Assert.Equal("HostSettingFailed", e.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Contains("the catch-all ipip device tunl0 exists already", e.Exception.Message);
        Assert.Contains("-TunnelInterface tunl0", e.ErrorDetails!.RecommendedAction);
    }

    [Fact]
    public void Enable_LvsDirectorForwarding_sets_ip_forward_and_clears_send_redirects_everywhere()
    {
        Ps.Run("Enable-LvsDirectorForwarding");
        Assert.Equal("1", Sysctl("net.ipv4.ip_forward"));
        Assert.Equal("0", Sysctl("net.ipv4.conf.all.send_redirects"));
        Assert.Equal("0", Sysctl("net.ipv4.conf.eth0.send_redirects"));
        Assert.Equal("0", Sysctl("net.ipv4.conf.default.send_redirects"));
    }
}
