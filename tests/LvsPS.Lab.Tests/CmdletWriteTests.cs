using LvsPS.Lab.Tests.Infrastructure;
using LvsPS.Native.Ipvs;
using Xunit;

namespace LvsPS.Lab.Tests;

/// <summary>What the cmdlets write, ipvsadm reads back identically.</summary>
public sealed class CmdletWriteTests : CmdletLabBase
{
    [Fact]
    public void QuickStartDirectRoutingService()
    {
        Ps.Run(@"
            New-LvsVirtualService -VirtualService tcp/10.0.0.3:80 -Scheduler wrr -PersistenceTimeout 20 -PassThru |
                Add-LvsRealServer -Address 10.0.0.7 -Forwarding DR -Weight 1
            Add-LvsRealServer -VirtualService tcp/10.0.0.3:80 -Address 10.0.0.8 -Forwarding DR");
        Assert.Equal(new[]
        {
            "-A -t 10.0.0.3:80 -s wrr -p 20",
            "-a -t 10.0.0.3:80 -r 10.0.0.7:80 -g -w 1",
            "-a -t 10.0.0.3:80 -r 10.0.0.8:80 -g -w 1",
        }, Ns.SavedRules());
    }

    [Fact]
    public void EveryScheduler()
    {
        int i = 0;
        foreach (string scheduler in Schedulers.Names)
        {
            i++;
            var r = Ps.Invoke("New-LvsVirtualService -VirtualService $args[0] -Scheduler $args[1]", $"tcp/10.0.1.{i}:80", scheduler);
            if (scheduler == "twos" && !LabEnvironment.ModuleAvailable("ip_vs_twos"))
            {
                // Linux 6.1 has no ip_vs_twos (added in 6.3): the kernel's ENOENT must say which module is missing.
                var e = Assert.Single(r.AllErrors);
                Assert.Equal("SchedulerNotAvailable", e.FullyQualifiedErrorId.Split(',')[0]);
                Assert.Contains("ip_vs_twos", e.Exception.Message);
                continue;
            }
            Assert.Empty(r.AllErrors);
            Assert.Contains($"-A -t 10.0.1.{i}:80 -s {scheduler}", Ns.SavedRules());
        }
    }

    [Fact]
    public void SchedulerFlagsPersistenceOnePacketAndEngine()
    {
        Ps.Run(@"
            New-LvsVirtualService -VirtualService tcp/10.0.0.3:80 -Scheduler sh -SchedulerFlag sh-fallback, sh-port
            New-LvsVirtualService -FirewallMark 7 -Scheduler mh -SchedulerFlag mh-fallback, mh-port -PersistenceTimeout 30 -PersistenceNetmask 255.255.255.0
            New-LvsVirtualService -VirtualService 'tcp/[2001:db8::3]:443' -Scheduler wlc -PersistenceTimeout 600 -PersistenceNetmask 64
            New-LvsVirtualService -VirtualService udp/10.0.0.3:53 -Scheduler rr -OnePacket
            New-LvsVirtualService -VirtualService udp/10.0.0.3:5060 -Scheduler rr -Persistent -PersistenceEngine sip
            New-LvsVirtualService -FirewallMark 9 -AddressFamily IPv6 -Scheduler lc");
        Assert.Equal(new[]
        {
            "-A -f 7 -s mh -p 30 -M 255.255.255.0 -b mh-fallback,mh-port",
            "-A -f 9 -6 -s lc",
            "-A -t 10.0.0.3:80 -s sh -b sh-fallback,sh-port",
            "-A -t [2001:db8::3]:443 -s wlc -p 600 -M 64",
            "-A -u 10.0.0.3:5060 -s rr -p 360 --pe sip",
            "-A -u 10.0.0.3:53 -s rr -o",
        }, Ns.SavedRules());
    }

    [Fact]
    public void RealServersOfEveryForwardingMethodAndTunnelType()
    {
        Ps.Run(@"
            New-LvsVirtualService -VirtualService tcp/10.0.0.3:80 -Scheduler wrr
            Add-LvsRealServer -VirtualService tcp/10.0.0.3:80 -Address 10.0.0.7:8080 -Forwarding NAT -Weight 3 -UpperThreshold 200 -LowerThreshold 150
            Add-LvsRealServer -VirtualService tcp/10.0.0.3:80 -Address 10.0.0.8 -Forwarding Route
            Add-LvsRealServer -VirtualService tcp/10.0.0.3:80 -Address 10.0.0.9 -Forwarding TUN -Weight 2
            Add-LvsRealServer -VirtualService tcp/10.0.0.3:80 -Address 10.0.0.10 -Forwarding Tunnel -TunnelType Gue -TunnelPort 6080 -TunnelChecksum Checksum
            Add-LvsRealServer -VirtualService tcp/10.0.0.3:80 -Address 10.0.0.11 -Forwarding Tunnel -TunnelType Gre -TunnelChecksum RemoteChecksum
            New-LvsVirtualService -VirtualService 'tcp/[2001:db8::3]:80' -Scheduler rr
            Add-LvsRealServer -VirtualService 'tcp/[2001:db8::3]:80' -Address 10.0.0.12 -Forwarding Tunnel");
        Assert.Equal(new[]
        {
            "-A -t 10.0.0.3:80 -s wrr",
            "-A -t [2001:db8::3]:80 -s rr",
            "-a -t 10.0.0.3:80 -r 10.0.0.10:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum",
            "-a -t 10.0.0.3:80 -r 10.0.0.11:80 -i -w 1 --tun-type gre --tun-remcsum",
            "-a -t 10.0.0.3:80 -r 10.0.0.7:8080 -m -w 3",
            "-a -t 10.0.0.3:80 -r 10.0.0.8:80 -g -w 1",
            "-a -t 10.0.0.3:80 -r 10.0.0.9:80 -i -w 2 --tun-type ipip",
            "-a -t [2001:db8::3]:80 -r 10.0.0.12:80 -i -w 1 --tun-type ipip",
        }, Ns.SavedRules());
        LabAssert.Matches(@"-> 10\.0\.0\.7:8080\s+200\s+150\s", Ns.Ipvsadm("-Ln", "--thresholds"));
    }

    [Fact]
    public void WhatIfChangesNothingAndSaysWhatItWouldDo()
    {
        var r = Ps.Invoke(@"
            New-LvsVirtualService -VirtualService tcp/10.0.0.3:80 -Scheduler wrr -PersistenceTimeout 20 -WhatIf
            Add-LvsRealServer -VirtualService tcp/10.0.0.3:80 -Address 10.0.0.7 -Forwarding DR -WhatIf");
        Assert.Empty(r.AllErrors);
        Assert.Contains("What if: Performing the operation \"Create virtual service (scheduler wrr, persistent 20 s)\" on target \"tcp/10.0.0.3:80\"", r.HostText);
        Assert.Contains("on target \"tcp/10.0.0.3:80 -> 10.0.0.7:80\"", r.HostText);
        Assert.Empty(Ns.SavedRules());
    }

    [Fact]
    public void BulkInputObjectCreatesServicesWithTheirRealServersAndClonesNamespaces()
    {
        var table = Enumerable.Range(1, 40).Select(i =>
        {
            var key = VirtualServiceKey.Parse($"tcp/10.5.0.{i}:80");
            return new VirtualService
            {
                Key = key, Scheduler = "wrr",
                RealServers = Enumerable.Range(1, 4).Select(j => new RealServer
                {
                    VirtualService = key, Address = System.Net.IPAddress.Parse($"10.6.{i}.{j}"), Port = 8080, Weight = (uint)j,
                }).ToArray(),
            };
        }).ToArray();
        Ps.Run("New-LvsVirtualService -InputObject $args[0]", (object)table);
        IReadOnlyList<string> rules = Ns.SavedRules();
        Assert.Equal(40 * 5, rules.Count);
        Assert.Contains("-a -t 10.5.0.17:80 -r 10.6.17.3:8080 -m -w 3", rules);

        using var copy = new LabNamespace();
        Ps.Run("Get-LvsVirtualService | New-LvsVirtualService -NetworkNamespace $args[0]", copy.Name);
        Assert.Equal(rules, copy.SavedRules());
    }

    [Fact]
    public void APipedTableOf200ServicesLandsInBatches()
    {
        // 200 NAT services with two real servers each: 600 changes, more than one Apply chunk.
        var services = Enumerable.Range(0, 200).Select(i =>
        {
            var key = VirtualServiceKey.Parse($"tcp/10.9.{i / 100}.{i % 100 + 1}:80");
            return new VirtualService
            {
                Key = key, Scheduler = "wlc",
                RealServers = new[] { 7, 8 }.Select(h => new RealServer
                {
                    VirtualService = key, Address = System.Net.IPAddress.Parse($"192.168.9.{h}"), Port = 8080,
                    Forwarding = ForwardingMethod.Masquerade, Weight = (uint)h,
                }).ToArray(),
            };
        }).ToList();
        VirtualService duplicate = services[17] with { RealServers = Array.Empty<RealServer>() };

        var r = Ps.Invoke("$args[0] | New-LvsVirtualService -PassThru", new object[] { services.Append(duplicate).ToArray() });

        // The duplicate is refused on its own, with itself as the target; everything else is created.
        var e = Assert.Single(r.AllErrors);
        Assert.Equal("VirtualServiceExists", e.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Same(duplicate, e.TargetObject);
        Assert.Equal(200, r.Output.Count(o => o.TypeNames.Contains("LvsPS.LvsVirtualService")));
        var expected = services.SelectMany(s => new[] { $"-A -t {s.Key.Address}:80 -s wlc" }
                .Concat(s.RealServers.Select(d => $"-a -t {s.Key.Address}:80 -r {d.Address}:8080 -m -w {d.Weight}")))
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, Ns.SavedRules());

        // Piped real-server records are batched the same way: a third real server for every service.
        var third = services.Select(s => s.RealServers[0] with { Address = System.Net.IPAddress.Parse("192.168.9.9"), Weight = 9 }).ToArray();
        var added = Ps.Invoke("$args[0] | Add-LvsRealServer -PassThru", new object[] { third });
        Assert.Empty(added.AllErrors);
        Assert.Equal(200, added.Output.Count(o => o.TypeNames.Contains("LvsPS.LvsRealServer")));
        Assert.Equal(200, Ns.SavedRules().Count(r => r.Contains("-r 192.168.9.9:8080 -m -w 9", StringComparison.Ordinal)));
    }
}
