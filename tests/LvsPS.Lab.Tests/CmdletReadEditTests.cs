using System.Management.Automation;
using LvsPS.Lab.Tests.Infrastructure;
using LvsPS.Testing;
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

        var services = Ps.Run("Get-LvsVirtualService").ToDictionary(s => s.Value<string>("VirtualService"));
        Assert.Equal(2, services.Count);
        PSObject web = services["tcp/10.0.0.3:80"];
        Assert.Equal(("wrr", true, (uint?)20, "255.255.0.0"),
            (web.Value<string>("Scheduler"), web.Value<bool>("Persistent"), web.Value<uint?>("PersistenceTimeout"), web.Value<string>("PersistenceNetmask")));
        Assert.Equal(("Tcp", "10.0.0.3", (ushort?)80, "IPv4"), (web.Value<string>("Protocol"), web.Value<string>("Address"), web.Value<ushort?>("Port"), web.Value<string>("Family")));
        var byAddress = web.Items("RealServers").ToDictionary(d => d.Value<string>("Address"));
        PSObject seven = byAddress["10.0.0.7"], eight = byAddress["10.0.0.8"];
        Assert.Equal(("Route", 4u, 50u, 5u), (seven.Value<string>("Forwarding"), seven.Value<uint>("Weight"), seven.Value<uint>("UpperThreshold"), seven.Value<uint>("LowerThreshold")));
        Assert.Equal(("Tunnel", "Gre", 0u), (eight.Value<string>("Forwarding"), eight.Value<string>("TunnelType"), eight.Value<uint>("Weight")));
        PSObject mark = services["fwmark/3/ipv6"];
        Assert.Equal(("sh", "sh-port", "IPv6", (uint?)3), (mark.Value<string>("Scheduler"), mark.Value<string>("SchedulerFlags"), mark.Value<string>("Family"), mark.Value<uint?>("FirewallMark")));

        PSObject dest = Assert.Single(Ps.Run("Get-LvsRealServer -VirtualService tcp/10.0.0.3:80 -Address 10.0.0.8"));
        Assert.Equal(("10.0.0.8", (ushort)80, "tcp/10.0.0.3:80"), (dest.Value<string>("Address"), dest.Value<ushort>("Port"), dest.Value<string>("VirtualService")));
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
        Assert.Equal(9u, Assert.Single(passed).Value<uint>("Weight"));
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
        PSObject t = Assert.Single(Ps.Run("Get-LvsTimeout"));
        Assert.Equal((900u, 60u, 300u), (t.Value<uint>("Tcp"), t.Value<uint>("TcpFin"), t.Value<uint>("Udp")));
        Assert.Contains(t.ToString(), Ns.Ipvsadm("-L", "--timeout")); // "Timeout (tcp tcpfin udp): 900 60 300", as ipvsadm says it
        PSObject info = Assert.Single(Ps.Run("Get-LvsInfo"));
        Assert.Contains($"size={info.Value<uint>("ConnectionTableSize")}", Ns.Ipvsadm("-Ln").Split('\n')[0]);
        Assert.StartsWith(info.ToString(), Ns.Ipvsadm("-Ln").Split('\n')[0]); // "IP Virtual Server version 1.2.1 (size=4096)"

        Ps.Run("New-LvsVirtualService -VirtualService tcp/10.0.0.3:80; Clear-LvsStatistic -VirtualService tcp/10.0.0.3:80; Clear-LvsStatistic");
        Ps.Run("Clear-LvsVirtualService -Confirm:$false");
        Assert.Empty(Ns.SavedRules());
    }

    [Fact]
    public void DefaultListingIsIpvsadmLnLineForLineInItsOrder()
    {
        // ipvsadm sorts with comparisons that wrap: 200.0.0.1 lists before 10.0.0.1, and 10 < 100 < 200 < 10 among
        // real servers, so the order depends on the kernel's (reverse insertion) order, as in its merge sort.
        string[][] table =
        {
            new[] { "-A", "-t", "10.0.0.1:80", "-s", "wrr", "-p", "20", "-M", "255.255.255.0" },
            new[] { "-A", "-t", "200.0.0.1:80", "-s", "rr" },
            new[] { "-A", "-t", "100.0.0.1:80", "-s", "rr" },
            new[] { "-A", "-t", "10.0.0.1:8080", "-s", "rr" },
            new[] { "-A", "-u", "10.0.0.1:53", "-s", "rr", "-o" },
            new[] { "-A", "--sctp-service", "10.0.0.1:9", "-s", "rr" },
            new[] { "-A", "-t", "[2001:db8::1]:443", "-s", "wlc", "-p", "600", "-M", "64" },
            new[] { "-A", "-t", "[2001:db8:1234:5678:9abc:def0:1234:5678]:65535", "-s", "sh", "-b", "sh-fallback,sh-port" },
            new[] { "-A", "-f", "3", "-s", "rr" },
            new[] { "-A", "-f", "3", "-6", "-s", "rr" },
            new[] { "-A", "-f", "1", "-s", "rr" },
            new[] { "-A", "-u", "10.0.0.1:5060", "-s", "rr", "-p", "60", "-o", "--pe", "sip" },
            new[] { "-a", "-t", "10.0.0.1:80", "-r", "10.0.0.9", "-g" },
            new[] { "-a", "-t", "10.0.0.1:80", "-r", "200.0.0.7", "-g", "-w", "3" },
            new[] { "-a", "-t", "10.0.0.1:80", "-r", "100.0.0.7", "-g" },
            new[] { "-a", "-t", "10.0.0.1:80", "-r", "10.0.0.8:8080", "-m", "-x", "500", "-y", "400" },
            new[] { "-a", "-t", "10.0.0.1:80", "-r", "10.0.0.8:80", "-m" },
            new[] { "-a", "-t", "10.0.0.1:80", "-r", "10.0.0.8:79", "-m" },
            new[] { "-a", "-t", "[2001:db8::1]:443", "-r", "[2001:db8:1234:5678:9abc:def0:1234:5679]:443", "-i" },
            new[] { "-a", "-t", "[2001:db8::1]:443", "-r", "[2001:db8:1234:5678:9abc:def0:1234:5678]:443", "-i", "--tun-type", "gue", "--tun-port", "6080" },
            new[] { "-a", "-t", "[2001:db8::1]:443", "-r", "[2001:db8::7]:443", "-m" },
            new[] { "-a", "-f", "3", "-r", "10.0.1.7", "-i" },
            new[] { "-a", "-f", "3", "-r", "2001:db8::9", "-i" },
            new[] { "-a", "-f", "3", "-r", "10.0.1.6", "-i", "--tun-type", "gre" },
        };
        foreach (string[] rule in table)
            Ns.Ipvsadm(rule);
        static string[] Lines(string text) => text.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToArray();
        // ipvsadm -Ln's lines after its version line, and exactly those: same words, same columns, same order.
        string[] witness = Lines(Ns.Ipvsadm("-Ln")).Skip(1).ToArray();

        // The session works in the test's namespace, which the listing names first.
        var r = Ps.Invoke("Get-LvsVirtualService | Out-Default");
        Assert.Empty(r.AllErrors);
        Assert.Equal(new[] { $"Network namespace: {Ns.Name}" }.Concat(witness), Lines(r.HostText));

        // Get-LvsRealServer lists the same arrow lines in the same order, under a header per service.
        var rs = Ps.Invoke("Get-LvsRealServer | Out-Default");
        Assert.Empty(rs.AllErrors);
        Assert.Equal(witness.Where(l => l.StartsWith("  -> ", StringComparison.Ordinal) && !l.Contains("RemoteAddress", StringComparison.Ordinal)),
            Lines(rs.HostText).Where(l => l.StartsWith("  -> ", StringComparison.Ordinal) && !l.Contains("RemoteAddress", StringComparison.Ordinal)));
    }
}
