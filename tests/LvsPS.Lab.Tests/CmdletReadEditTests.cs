using System.Management.Automation;
using LvsPS.Lab.Tests.Infrastructure;
using LvsPS.Native.Ipvs;
using Xunit;

namespace LvsPS.Lab.Tests;

/// <summary>What ipvsadm writes, the cmdlets read identically; edits change only what they are told.</summary>
public sealed class CmdletReadEditTests : CmdletLabBase
{
    [Fact]
    public void ReadsWhatIpvsadmWrote()
    {
        Ns.Ipvsadm("-A", "-t", "10.0.0.3:80", "-s", "wrr", "-p", "20", "-M", "255.255.0.0");
        Ns.Ipvsadm("-a", "-t", "10.0.0.3:80", "-r", "10.0.0.7:80", "-g", "-w", "4", "-x", "50", "-y", "5");
        Ns.Ipvsadm("-a", "-t", "10.0.0.3:80", "-r", "10.0.0.8:80", "-i", "--tun-type", "gre", "-w", "0");
        Ns.Ipvsadm("-A", "-f", "3", "-6", "-s", "sh", "-b", "sh-port");

        var services = Ps.Run("Get-LvsVirtualService").Select(o => (VirtualService)o.BaseObject).ToDictionary(s => s.Key.ToString());
        Assert.Equal(2, services.Count);
        VirtualService web = services["tcp/10.0.0.3:80"];
        Assert.Equal(("wrr", true, 20u, (int?)16), (web.Scheduler, web.Persistent, web.PersistenceTimeout, web.PersistencePrefixLength));
        Assert.NotNull(web.Statistics);
        var byAddress = web.RealServers.ToDictionary(d => d.Address.ToString());
        Assert.Equal((ForwardingMethod.Route, 4u, 50u, 5u), (byAddress["10.0.0.7"].Forwarding, byAddress["10.0.0.7"].Weight, byAddress["10.0.0.7"].UpperThreshold, byAddress["10.0.0.7"].LowerThreshold));
        Assert.Equal((ForwardingMethod.Tunnel, TunnelType.Gre, 0u), (byAddress["10.0.0.8"].Forwarding, byAddress["10.0.0.8"].TunnelType, byAddress["10.0.0.8"].Weight));
        VirtualService mark = services["fwmark/3/ipv6"];
        Assert.Equal(("sh", SchedulerFlags.Flag2, IpFamily.IPv6), (mark.Scheduler, mark.SchedulerFlags, mark.Key.Family));

        var dests = Ps.Run("Get-LvsRealServer -VirtualService tcp/10.0.0.3:80 -Address 10.0.0.8").Select(o => (RealServer)o.BaseObject).ToList();
        Assert.Equal("10.0.0.8", Assert.Single(dests).Address.ToString());
    }

    [Fact]
    public void SetChangesOnlyWhatIsBound()
    {
        Ns.Ipvsadm("-A", "-t", "10.0.0.3:80", "-s", "sh", "-b", "sh-port", "-p", "20");
        Ns.Ipvsadm("-a", "-t", "10.0.0.3:80", "-r", "10.0.0.8:80", "-i", "--tun-type", "gue", "--tun-port", "6080", "--tun-csum", "-w", "7", "-x", "100", "-y", "10");

        // ipvsadm -E would reset the scheduler and drop persistence; -e would reset forwarding and thresholds.
        Ps.Run("Set-LvsVirtualService -VirtualService tcp/10.0.0.3:80 -PersistenceTimeout 90");
        Ps.Run("Get-LvsRealServer -VirtualService tcp/10.0.0.3:80 | Set-LvsRealServer -Weight 0");

        Assert.Equal(new[]
        {
            "-A -t 10.0.0.3:80 -s sh -p 90 -b sh-port",
            "-a -t 10.0.0.3:80 -r 10.0.0.8:80 -i -w 0 --tun-type gue --tun-port 6080 --tun-csum",
        }, Ns.SavedRules());
        LabAssert.Matches(@"-> 10\.0\.0\.8:80\s+100\s+10\s", Ns.Ipvsadm("-Ln", "--thresholds"));

        Ps.Run("Set-LvsVirtualService -VirtualService tcp/10.0.0.3:80 -Persistent:$false -Scheduler rr");
        Assert.Contains("-A -t 10.0.0.3:80 -s rr", Ns.SavedRules());
    }

    [Fact]
    public void PipelinesAddEditAndRemove()
    {
        Ps.Run(@"
            New-LvsVirtualService -VirtualService tcp/10.0.0.3:80 -Scheduler rr
            New-LvsVirtualService -VirtualService tcp/10.0.0.4:80 -Scheduler rr
            Get-LvsVirtualService | Add-LvsRealServer -Address 10.0.0.7 -Forwarding DR -Weight 2");
        Assert.Equal(4, Ns.SavedRules().Count);
        var passed = Ps.Run("Get-LvsRealServer -VirtualService tcp/10.0.0.4:80 | Set-LvsRealServer -Weight 9 -PassThru");
        Assert.Equal(9u, ((RealServer)Assert.Single(passed).BaseObject).Weight);
        Ps.Run("Get-LvsRealServer -VirtualService tcp/10.0.0.3:80 | Remove-LvsRealServer");
        Assert.Equal(new[] { "-A -t 10.0.0.3:80 -s rr", "-A -t 10.0.0.4:80 -s rr", "-a -t 10.0.0.4:80 -r 10.0.0.7:80 -g -w 9" }, Ns.SavedRules());
        Ps.Run("Get-LvsVirtualService | Remove-LvsVirtualService");
        Assert.Empty(Ns.SavedRules());
    }

    [Fact]
    public void KernelRefusalsBecomeErrorRecordsAndChangeNothing()
    {
        Ps.Run("New-LvsVirtualService -VirtualService tcp/10.0.0.3:80; Add-LvsRealServer -VirtualService tcp/10.0.0.3:80 -Address 10.0.0.7");
        var before = Ns.SavedRules();

        AssertError(Ps.Invoke("New-LvsVirtualService -VirtualService tcp/10.0.0.3:80 -Scheduler rr"), "VirtualServiceExists", ErrorCategory.ResourceExists);
        AssertError(Ps.Invoke("Add-LvsRealServer -VirtualService tcp/10.0.0.3:80 -Address 10.0.0.7 -Weight 5"), "RealServerExists", ErrorCategory.ResourceExists);
        AssertError(Ps.Invoke("Remove-LvsVirtualService -VirtualService tcp/10.9.9.9:80"), "VirtualServiceNotFound", ErrorCategory.ObjectNotFound);
        AssertError(Ps.Invoke("Remove-LvsRealServer -VirtualService tcp/10.0.0.3:80 -Address 10.0.0.99"), "RealServerNotFound", ErrorCategory.ObjectNotFound);
        AssertError(Ps.Invoke("Set-LvsRealServer -VirtualService tcp/10.0.0.3:80 -Address 10.0.0.99 -Weight 3"), "RealServerNotFound", ErrorCategory.ObjectNotFound);
        AssertError(Ps.Invoke("Add-LvsRealServer -VirtualService tcp/10.9.9.9:80 -Address 10.0.0.7"), "VirtualServiceNotFound", ErrorCategory.ObjectNotFound);
        AssertError(Ps.Invoke("Add-LvsRealServer -VirtualService tcp/10.0.0.3:80 -Address 10.0.0.8:8080 -Forwarding DR"), "PortRemapNotPossible", ErrorCategory.InvalidArgument);
        Assert.Equal(before, Ns.SavedRules());
    }

    private static void AssertError(LvsPS.Testing.PowerShellSession.Result r, string id, ErrorCategory category)
    {
        ErrorRecord e = Assert.Single(r.AllErrors);
        Assert.Equal(id, e.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(category, e.CategoryInfo.Category);
    }

    [Fact]
    public void TimeoutsInfoStatisticsAndFlush()
    {
        Ps.Run("Set-LvsTimeout -Tcp 900 -TcpFin 120 -Udp 300");
        Ps.Run("Set-LvsTimeout -TcpFin 60");
        Assert.Contains("Timeout (tcp tcpfin udp): 900 60 300", Ns.Ipvsadm("-L", "--timeout"));
        var t = (IpvsTimeouts)Assert.Single(Ps.Run("Get-LvsTimeout")).BaseObject;
        Assert.Equal(new IpvsTimeouts(900, 60, 300), t);
        var info = (IpvsInfo)Assert.Single(Ps.Run("Get-LvsInfo")).BaseObject;
        Assert.Contains($"size={info.ConnectionTableSize}", Ns.Ipvsadm("-Ln").Split('\n')[0]);

        Ps.Run("New-LvsVirtualService -VirtualService tcp/10.0.0.3:80; Clear-LvsStatistic -VirtualService tcp/10.0.0.3:80; Clear-LvsStatistic");
        Ps.Run("Clear-LvsVirtualService -Confirm:$false");
        Assert.Empty(Ns.SavedRules());
    }

    [Fact]
    public void DefaultTableViewReadsLikeIpvsadm()
    {
        Ns.Ipvsadm("-A", "-t", "10.0.0.3:80", "-s", "wrr", "-p", "20");
        Ns.Ipvsadm("-a", "-t", "10.0.0.3:80", "-r", "10.0.0.7:80", "-g", "-w", "1");
        var r = Ps.Invoke("Get-LvsVirtualService | Out-Default; Get-LvsRealServer -VirtualService tcp/10.0.0.3:80 | Out-Default");
        Assert.Empty(r.AllErrors);
        LabAssert.Matches(@"Prot\s+LocalAddress:Port\s+Scheduler\s+Flags", r.HostText);
        LabAssert.Matches(@"TCP\s+10\.0\.0\.3:80\s+wrr\s+persistent 20", r.HostText);
        LabAssert.Matches(@"-> 10\.0\.0\.7:80\s+Route\s+1\s+0\s+0", r.HostText);
    }
}
