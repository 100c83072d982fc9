using System.Management.Automation;
using LvsPS.Lab.Tests.Infrastructure;
using LvsPS.Testing;
using Xunit;

namespace LvsPS.Lab.Tests;

/// <summary>
/// The strict address parser in front of the real kernel: per family of kernel-touching cmdlets, an
/// inet_aton form (10.1, 012.0.0.7, 167772167) is refused with the one message and the kernel's state
/// is what it was (ipvsadm, ip addr, sysctl as witnesses); the dotted-quad form of the same address works,
/// so the witnesses would have shown a change. Several legacy forms name an object that exists
/// (012.0.0.7 and 167772167 are 10.0.0.7): the old parsers changed it.
/// </summary>
public sealed class StrictAddressLabTests : CmdletLabBase
{
    private const string OneMessage = "is not an IPv4 address in dotted-quad form";

    public StrictAddressLabTests()
    {
        Ns.Exec("ip", "link", "add", "eth0", "type", "veth", "peer", "name", "eth0p");
        Ns.Exec("ip", "link", "set", "eth0", "up");
        Ns.Exec("ip", "addr", "add", "10.50.0.11/24", "dev", "eth0");
    }

    private void Refused(string script, params object[] args)
    {
        PowerShellSession.Result r = Ps.Invoke(script, args);
        ErrorRecord e = Assert.Single(r.AllErrors);
        Assert.Contains(OneMessage, e.Exception.Message);
        Assert.Empty(r.Output);
    }

    [Fact]
    public void Services_and_real_servers_named_in_legacy_forms_change_nothing()
    {
        Ps.Run("New-LvsVirtualService tcp/10.0.0.3:80 -Scheduler wrr; Add-LvsRealServer tcp/10.0.0.3:80 10.0.0.7 -Forwarding NAT -Weight 2");
        IReadOnlyList<string> before = Ns.SavedRules();

        Refused("New-LvsVirtualService -Address 10.1 -Port 80");
        Refused("New-LvsVirtualService tcp/10.1:80");
        Refused("Add-LvsRealServer tcp/10.0.0.3:80 10.8 -Forwarding NAT");
        Refused("Set-LvsRealServer tcp/10.0.0.3:80 012.0.0.7 -Weight 9");
        Refused("Suspend-LvsRealServer tcp/10.0.0.3:80 012.0.0.7");
        Refused("Remove-LvsRealServer tcp/10.0.0.3:80 167772167");
        Refused("Remove-LvsVirtualService -Address 10.3 -Port 80");
        Assert.Equal(before, Ns.SavedRules());

        Ps.Run("Set-LvsRealServer tcp/10.0.0.3:80 10.0.0.7 -Weight 9"); // the dotted quad of the same real server
        Assert.Contains("-a -t 10.0.0.3:80 -r 10.0.0.7:80 -m -w 9", Ns.SavedRules());
    }

    [Fact]
    public void Configuration_files_with_a_legacy_address_are_refused_whole()
    {
        Ps.Run("New-LvsVirtualService tcp/10.0.0.3:80 -Scheduler wrr");
        IReadOnlyList<string> before = Ns.SavedRules();
        string rules = Path.GetTempFileName(), json = Path.GetTempFileName();
        try
        {
            File.WriteAllText(rules, "-A -t 10.0.0.4:80 -s rr\n-a -t 10.0.0.4:80 -r 10.8:80 -m -w 1\n");
            PowerShellSession.Result r = Ps.Invoke("Import-LvsConfiguration $args[0]", rules);
            ErrorRecord e = Assert.Single(r.AllErrors);
            Assert.Equal("ConfigurationFormatError", e.FullyQualifiedErrorId.Split(',')[0]);
            Assert.Contains(":2:", e.Exception.Message);
            Assert.Contains(OneMessage, e.Exception.Message);

            File.WriteAllText(json, "{ \"version\": 1, \"services\": [ { \"service\": \"tcp/10.0.0.4:80\", \"scheduler\": \"rr\",\n" +
                "  \"realServers\": [ { \"address\": \"0x0a.0.0.8\", \"port\": 80 } ] } ] }\n");
            r = Ps.Invoke("Import-LvsConfiguration $args[0]", json);
            Assert.Contains(OneMessage, Assert.Single(r.AllErrors).Exception.Message);
            Assert.Equal(before, Ns.SavedRules());
        }
        finally
        {
            File.Delete(rules);
            File.Delete(json);
        }
    }

    [Fact]
    public void A_sync_daemon_with_a_legacy_group_is_not_started()
    {
        Refused("Start-LvsSyncDaemon Master eth0 -SyncId 5 -MulticastGroup 224.81");
        Assert.DoesNotContain("sync daemon", Ns.Ipvsadm("-L", "--daemon"));
        Ps.Run("Start-LvsSyncDaemon Master eth0 -SyncId 5 -MulticastGroup 224.0.0.81");
        Assert.Contains("master sync daemon (mcast=eth0, syncid=5", Ns.Ipvsadm("-L", "--daemon"));
        Ps.Run("Stop-LvsSyncDaemon Master");
    }

    [Fact]
    public void Host_settings_with_a_legacy_VIP_change_nothing()
    {
        string lo = Ns.Exec("ip", "-o", "addr", "show", "dev", "lo");
        string arpIgnore = Ns.Exec("sysctl", "-n", "net.ipv4.conf.all.arp_ignore");
        Refused("Add-LvsVip -Address 10.3");
        Refused("Initialize-LvsRealServerHost -VirtualAddress 10.0.0.4, 10.3");
        Assert.Equal(lo, Ns.Exec("ip", "-o", "addr", "show", "dev", "lo"));
        Assert.Equal(arpIgnore, Ns.Exec("sysctl", "-n", "net.ipv4.conf.all.arp_ignore"));
        Ps.Run("Add-LvsVip -Address 10.0.0.3");
        Assert.Contains("10.0.0.3/32", Ns.Exec("ip", "-o", "addr", "show", "dev", "lo"));
    }

    [Fact]
    public void A_VRRP_instance_with_a_legacy_address_does_not_start()
    {
        Refused("Start-LvsVrrpInstance VI_L -Interface eth0 -VirtualRouterId 5 -VirtualAddress 10.3/24 -InitialState Master");
        Refused("Start-LvsVrrpInstance VI_L -Interface eth0 -VirtualRouterId 5 -VirtualAddress 10.50.0.3/24 -UnicastPeer 10.2");
        Assert.Empty(Ps.Run("Get-LvsVrrpInstance"));
        Assert.DoesNotContain("10.0.0.3", Ns.Exec("ip", "-o", "addr", "show", "dev", "eth0"));
    }
}
