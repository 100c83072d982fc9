using System.Net;
using LvsPS.Lab.Tests.Infrastructure;
using LvsPS.Native.Ipvs;
using Xunit;

namespace LvsPS.Lab.Tests;

/// <summary>The core IpvsClient against the real kernel, with ipvsadm as the witness.</summary>
public sealed class CoreClientTests : IDisposable
{
    private readonly LabNamespace _ns = new();
    private readonly IpvsClient _client;

    public CoreClientTests() => _client = IpvsClient.Open(_ns.Name);

    public void Dispose()
    {
        _client.Dispose();
        _ns.Dispose();
    }

    private static VirtualServiceKey Tcp(string endpoint) => VirtualServiceKey.Parse("tcp/" + endpoint);

    [Fact]
    public void ServiceAndDirectRoutingRealServerAreWhatIpvsadmReads()
    {
        var key = Tcp("10.0.0.3:80");
        _client.AddVirtualService(new VirtualService { Key = key, Scheduler = "wrr", Persistent = true, PersistenceTimeout = 20 });
        _client.AddRealServer(new RealServer { VirtualService = key, Address = IPAddress.Parse("10.0.0.7"), Port = 80, Forwarding = ForwardingMethod.Route, Weight = 1 });
        _client.AddRealServer(new RealServer { VirtualService = key, Address = IPAddress.Parse("10.0.0.8"), Port = 80, Forwarding = ForwardingMethod.Route, Weight = 1 });

        Assert.Equal(new[]
        {
            "-A -t 10.0.0.3:80 -s wrr -p 20",
            "-a -t 10.0.0.3:80 -r 10.0.0.7:80 -g -w 1",
            "-a -t 10.0.0.3:80 -r 10.0.0.8:80 -g -w 1",
        }, _ns.SavedRules());
    }

    [Fact]
    public void WhatIpvsadmWritesIsReadBackIdentically()
    {
        _ns.Ipvsadm("-A", "-u", "[2001:db8::1]:53", "-s", "sh", "-b", "sh-fallback,sh-port", "-p", "60", "-M", "64");
        _ns.Ipvsadm("-a", "-u", "[2001:db8::1]:53", "-r", "[2001:db8::7]:5353", "-m", "-w", "3", "-x", "100", "-y", "10");
        _ns.Ipvsadm("-A", "-f", "42", "-s", "mh", "-b", "mh-port", "-o");
        _ns.Ipvsadm("-a", "-f", "42", "-r", "10.0.0.9:0", "-i", "--tun-type", "gue", "--tun-port", "6080", "--tun-csum", "-w", "5");

        var services = _client.GetVirtualServices().ToDictionary(s => s.Key.ToString());
        VirtualService udp = services["udp/[2001:db8::1]:53"];
        Assert.Equal("sh", udp.Scheduler);
        Assert.Equal(SchedulerFlags.Flag1 | SchedulerFlags.Flag2, udp.SchedulerFlags);
        Assert.True(udp.Persistent);
        Assert.Equal(60u, udp.PersistenceTimeout);
        Assert.Equal(64, udp.PersistencePrefixLength);
        RealServer udpDest = Assert.Single(udp.RealServers);
        Assert.Equal(IPAddress.Parse("2001:db8::7"), udpDest.Address);
        Assert.Equal(5353, udpDest.Port);
        Assert.Equal(ForwardingMethod.Masquerade, udpDest.Forwarding);
        Assert.Equal((3u, 100u, 10u), (udpDest.Weight, udpDest.UpperThreshold, udpDest.LowerThreshold));

        VirtualService mark = services["fwmark/42"];
        Assert.Equal("mh", mark.Scheduler);
        Assert.Equal(SchedulerFlags.Flag2, mark.SchedulerFlags);
        Assert.True(mark.OnePacket);
        Assert.False(mark.Persistent);
        RealServer tun = Assert.Single(mark.RealServers);
        Assert.Equal(ForwardingMethod.Tunnel, tun.Forwarding);
        Assert.Equal(TunnelType.Gue, tun.TunnelType);
        Assert.Equal(6080, tun.TunnelPort);
        Assert.Equal(TunnelChecksum.Checksum, tun.TunnelChecksum);
        Assert.Equal(5u, tun.Weight);
    }

    [Fact]
    public void WeightOnlyUpdateKeepsGueTunnelSettingsAndThresholds()
    {
        var key = Tcp("10.0.0.3:80");
        _client.AddVirtualService(new VirtualService { Key = key, Scheduler = "rr" });
        var gue = new RealServer
        {
            VirtualService = key, Address = IPAddress.Parse("10.0.0.8"), Port = 80, Forwarding = ForwardingMethod.Tunnel,
            TunnelType = TunnelType.Gue, TunnelPort = 6080, TunnelChecksum = TunnelChecksum.RemoteChecksum, Weight = 2, UpperThreshold = 100, LowerThreshold = 10,
        };
        _client.AddRealServer(gue);
        RealServer current = Assert.Single(_client.GetRealServers(key));
        _client.UpdateRealServer(current with { Weight = 0 });

        RealServer after = Assert.Single(_client.GetRealServers(key));
        Assert.Equal(0u, after.Weight);
        Assert.Equal((TunnelType.Gue, (ushort)6080, TunnelChecksum.RemoteChecksum), (after.TunnelType, after.TunnelPort, after.TunnelChecksum));
        Assert.Equal((100u, 10u), (after.UpperThreshold, after.LowerThreshold));
        // ipvsadm-save leaves thresholds out; its threshold listing shows them.
        Assert.Contains("-a -t 10.0.0.3:80 -r 10.0.0.8:80 -i -w 0 --tun-type gue --tun-port 6080 --tun-remcsum", _ns.SavedRules());
        LabAssert.Matches(@"-> 10\.0\.0\.8:80\s+100\s+10\s", _ns.Ipvsadm("-Ln", "--thresholds"));
    }

    [Fact]
    public void KernelRefusalsKeepTheirErrnoAndSayWhatToDo()
    {
        var key = Tcp("10.0.0.3:80");
        _client.AddVirtualService(new VirtualService { Key = key });
        var exists = Assert.Throws<IpvsException>(() => _client.AddVirtualService(new VirtualService { Key = key }));
        Assert.Equal(17, exists.Errno);
        Assert.Contains("already exists", exists.Message);

        var missing = Assert.Throws<IpvsException>(() => _client.RemoveVirtualService(Tcp("10.0.0.4:80")));
        Assert.Equal(3, missing.Errno);

        var noDest = Assert.Throws<IpvsException>(() => _client.RemoveRealServer(key, IPAddress.Parse("10.9.9.9"), 80));
        Assert.Equal(2, noDest.Errno);
        Assert.Null(_client.GetVirtualService(Tcp("10.0.0.4:80")));
    }

    [Fact]
    public void BatchReportsEachFailureAndAppliesTheRest()
    {
        var changes = new List<IpvsChange>();
        for (int i = 0; i < 300; i++)
            changes.Add(IpvsChange.Add(new VirtualService { Key = Tcp($"10.1.{i / 250}.{i % 250 + 1}:80"), Scheduler = "rr" }));
        changes.Insert(150, IpvsChange.Add(new VirtualService { Key = Tcp("10.1.0.1:80"), Scheduler = "rr" })); // a duplicate
        IReadOnlyList<IpvsChangeResult> results = _client.Apply(changes);

        Assert.Equal(new[] { 150 }, results.Select((r, i) => (r, i)).Where(x => !x.r.Succeeded).Select(x => x.i));
        Assert.Equal(17, results[150].Errno);
        Assert.Equal(300, _client.GetVirtualServices(includeRealServers: false).Count);
        Assert.Equal(300, _ns.SavedRules().Count);
    }

    [Fact]
    public void TimeoutsInfoZeroAndFlush()
    {
        _client.SetTimeouts(new IpvsTimeouts(900, 120, 300));
        Assert.Equal(new IpvsTimeouts(900, 120, 300), _client.GetTimeouts());
        _client.SetTimeouts(new IpvsTimeouts(0, 60, 0));
        Assert.Equal(new IpvsTimeouts(900, 60, 300), _client.GetTimeouts());
        Assert.Contains("Timeout (tcp tcpfin udp): 900 60 300", _ns.Ipvsadm("-L", "--timeout"));

        IpvsInfo info = _client.GetInfo();
        Assert.Equal(new Version(1, 2, 1), info.Version);
        Assert.True(info.ConnectionTableSize > 0);

        _client.AddVirtualService(new VirtualService { Key = Tcp("10.0.0.3:80") });
        _client.ZeroCounters(null);
        _client.Flush();
        Assert.Empty(_client.GetVirtualServices());
        Assert.Empty(_ns.SavedRules());
    }
}
