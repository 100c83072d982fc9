using System.Net;
using LvsPS.Lab.Tests.Infrastructure;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Proc;
using Xunit;

namespace LvsPS.Lab.Tests;

/// <summary>
/// IpvsConnectionReader and IpvsGlobalStatistics against the real kernel: real NAT traffic
/// (client → director with IPVS → real server running busybox httpd, a <see cref="TrafficTopology"/>)
/// creates the entries; ipvsadm -Lnc and -Ln --stats in the director's namespace are the witnesses.
/// Each test builds its own topology: the global statistics must count only its own connections.
/// </summary>
public sealed class ProcLabTests : IDisposable
{
    private const string Vip = TrafficTopology.NatVip, ClientIp = TrafficTopology.ClientWan, RealIp = TrafficTopology.Rs1Address;
    private readonly TrafficTopology _t = new();
    private readonly LabNamespace _director, _client;

    public ProcLabTests()
    {
        _director = LabNamespace.Attach(_t.Director);
        _client = LabNamespace.Attach(_t.Client);
        _t.PrepareNatDirector();
        _director.Ipvsadm("-A", "-t", Vip + ":80", "-s", "rr");
        _director.Ipvsadm("-a", "-t", Vip + ":80", "-r", RealIp + ":80", "-m");
        _director.Ipvsadm("-A", "-t", Vip + ":8080", "-s", "rr", "-p", "120");
        _director.Ipvsadm("-a", "-t", Vip + ":8080", "-r", RealIp + ":80", "-m");
    }

    public void Dispose() => _t.Dispose();

    private void Get(string endpoint, int times)
    {
        for (int i = 0; i < times; i++)
            Assert.Equal("rs1\n", _client.Exec("curl", "-s", "--max-time", "5", $"http://{endpoint}/"));
    }

    /// <summary>ipvsadm -Lnc rows as (pro, state, source, virtual, destination).</summary>
    private HashSet<(string, string, string, string, string)> IpvsadmConnections()
        => _director.Ipvsadm("-Lnc").Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(2)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(f => (f[0], f[2], f[3], f[4], f[5]))
            .ToHashSet();

    private static (string, string, string, string, string) Row(IpvsConnection c)
        => (c.Protocol, c.State, c.ClientEndpoint, c.VirtualEndpoint, c.RealServerEndpoint);

    [Fact]
    public void ConnectionsMatchIpvsadmRowForRow()
    {
        Get(Vip + ":80", 3);
        Get(Vip + ":8080", 2);
        Thread.Sleep(1000); // let the closes settle into TIME_WAIT

        List<IpvsConnection> ours = IpvsConnectionReader.Read(_director.Name).ToList();
        var witness = IpvsadmConnections();
        Assert.Equal(witness.OrderBy(r => r), ours.Select(Row).OrderBy(r => r));

        Assert.Equal(5, ours.Count(c => !c.IsTemplate));
        Assert.All(ours, c => Assert.Equal(IPAddress.Parse(ClientIp), c.ClientAddress));
        Assert.All(ours, c => Assert.Equal(IPAddress.Parse(RealIp), c.RealServerAddress));
        Assert.All(ours, c => Assert.Equal(_director.Name, c.NetworkNamespace));
        Assert.All(ours.Where(c => !c.IsTemplate), c => Assert.InRange(c.Expires, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(120)));

        // The persistent service left one template: client port 0, its virtual port, a template state.
        IpvsConnection template = Assert.Single(ours, c => c.IsTemplate);
        Assert.Equal(("TCP", (ushort)0, (ushort)8080), (template.Protocol, template.ClientPort, template.VirtualPort));
        Assert.Contains(template.State, new[] { "NONE", "ASSURED" });
        Assert.InRange(template.Expires, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(120));
    }

    [Fact]
    public void FiltersAndOriginOnTheRealTable()
    {
        Get(Vip + ":80", 2);
        Get(Vip + ":8080", 3);
        Thread.Sleep(1000);

        var persistent = VirtualServiceKey.Parse($"tcp/{Vip}:8080");
        var ofService = IpvsConnectionReader.Read(_director.Name, new ConnectionFilter { VirtualService = persistent }).ToList();
        Assert.Equal(IpvsadmConnections().Count(r => r.Item4 == $"{Vip}:8080"), ofService.Count);
        Assert.Equal(4, ofService.Count); // 3 connections + the template
        Assert.Single(ofService, c => c.IsTemplate);

        using (IpvsConnectionParser templates = IpvsConnectionReader.Open(_director.Name, new ConnectionFilter { Templates = TemplateFilter.Only }))
            Assert.Equal(1, templates.CountMatching());
        Assert.Equal(5, IpvsConnectionReader.Read(_director.Name, new ConnectionFilter { Templates = TemplateFilter.Exclude, ClientNetwork = ConnectionFilter.ParseClientNetwork("192.168.60.0/24") }).Count());
        Assert.Empty(IpvsConnectionReader.Read(_director.Name, new ConnectionFilter { ClientNetwork = ConnectionFilter.ParseClientNetwork("192.168.78.0/24") }));

        // ip_vs_conn_sync: the same entries, all scheduled here.
        var withOrigin = IpvsConnectionReader.Read(_director.Name, includeOrigin: true).ToList();
        Assert.Equal(6, withOrigin.Count);
        Assert.All(withOrigin, c => Assert.Equal(ConnectionOrigin.Local, c.Origin));
    }

    [Fact]
    public async Task TheTableIsTheNamespacesNotTheProcesss()
    {
        Get(Vip + ":80", 1);
        // The root namespace (where the test process lives) never saw this traffic: reading there
        // must not return it, and reading the director's from another thread must.
        Assert.DoesNotContain(IpvsConnectionReader.Read().ToList(), c => c.ClientAddress.Equals(IPAddress.Parse(ClientIp)));
        IpvsConnectionParser parser = IpvsConnectionReader.Open(_director.Name);
        int fromOtherThread = await Task.Run(() => { using (parser) return (int)parser.CountMatching(); });
        Assert.Equal(1, fromOtherThread);
    }

    [Fact]
    public void GlobalStatisticsAddUpToIpvsadmsServices()
    {
        Get(Vip + ":80", 3);
        Get(Vip + ":8080", 1);

        // The kernel folds its per-CPU counters into both the global and the per-service totals on
        // a 2-second estimator tick, not at once: poll until both sides have seen all 4 connections.
        IpvsStatistics stats;
        List<ulong[]> services;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            Thread.Sleep(500);
            stats = IpvsGlobalStatistics.Read(_director.Name);
            // ipvsadm -Ln --stats: "TCP  192.168.60.100:80   3   18   18   1194   1593" per service.
            services = _director.Ipvsadm("-Ln", "--stats").Split('\n')
                .Where(l => l.StartsWith("TCP "))
                .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2..7].Select(ulong.Parse).ToArray())
                .ToList();
        }
        while ((stats.Connections != 4 || services.Sum(s => (long)s[0]) != 4 || services.Sum(s => (long)s[4]) != (long)stats.OutBytes) && DateTime.UtcNow < deadline);
        Assert.Equal(2, services.Count);
        Assert.Equal(4UL, stats.Connections);
        Assert.Equal(services.Sum(s => (long)s[0]), (long)stats.Connections);
        Assert.Equal(services.Sum(s => (long)s[1]), (long)stats.InPackets);
        Assert.Equal(services.Sum(s => (long)s[2]), (long)stats.OutPackets);
        Assert.Equal(services.Sum(s => (long)s[3]), (long)stats.InBytes);
        Assert.Equal(services.Sum(s => (long)s[4]), (long)stats.OutBytes);
        Assert.True(stats.InPackets > 0 && stats.OutBytes > 0);
    }

    [Fact]
    public void UnknownNamespaceIsNamed()
    {
        var e = Assert.Throws<LvsPS.Native.Netlink.NetworkNamespaceNotFoundException>(() => IpvsGlobalStatistics.Read("lvsps-no-such-ns"));
        Assert.Equal("lvsps-no-such-ns", e.Name);
    }
}
