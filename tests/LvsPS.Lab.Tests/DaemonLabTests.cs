using System.Net;
using LvsPS.Lab.Tests.Infrastructure;
using LvsPS.Native.Ipvs;
using Xunit;

namespace LvsPS.Lab.Tests;

/// <summary>Sync daemons against the real kernel, with <c>ipvsadm -L --daemon</c> as the witness both ways.</summary>
public sealed class DaemonLabTests : IDisposable
{
    private readonly LabNamespace _ns = new();
    private readonly IpvsClient _client;

    public DaemonLabTests()
    {
        _client = IpvsClient.Open(_ns.Name);
        // A sync daemon needs an interface that is up; a dummy one stands in for the cluster NIC.
        _ns.Exec("ip", "link", "add", "dum0", "type", "dummy");
        _ns.Exec("ip", "link", "set", "dum0", "up");
    }

    public void Dispose()
    {
        foreach (SyncDaemon d in SafeDaemons())
            try { _client.StopSyncDaemon(d.State); } catch (IpvsException) { }
        _client.Dispose();
        _ns.Dispose();
    }

    private IReadOnlyList<SyncDaemon> SafeDaemons()
    {
        try { return _client.GetSyncDaemons(); } catch (IpvsException) { return Array.Empty<SyncDaemon>(); }
    }

    private string IpvsadmDaemons() => _ns.Ipvsadm("-L", "--daemon");

    [Fact]
    public void A_daemon_started_by_us_is_what_ipvsadm_lists_and_stops_for_both()
    {
        _client.StartSyncDaemon(new SyncDaemon { State = SyncDaemonState.Master, Interface = "lo", SyncId = 5 });

        SyncDaemon running = Assert.Single(_client.GetSyncDaemons());
        Assert.Equal(new SyncDaemon
        {
            State = SyncDaemonState.Master, Interface = "lo", SyncId = 5, MaxLength = 1472,
            MulticastGroup = IPAddress.Parse("224.0.0.81"), Port = 8848, Ttl = 1, NetworkNamespace = _ns.Name,
        }, running);
        Assert.Equal(running.ToString(), IpvsadmDaemons().Trim());

        _client.StopSyncDaemon(SyncDaemonState.Master);
        Assert.Empty(_client.GetSyncDaemons());
        Assert.Equal("", IpvsadmDaemons().Trim());
    }

    [Fact]
    public void Every_option_we_send_is_what_ipvsadm_reads_port_included()
    {
        var backup = new SyncDaemon
        {
            State = SyncDaemonState.Backup, Interface = "dum0", SyncId = 7, MaxLength = 1400,
            MulticastGroup = IPAddress.Parse("239.1.2.3"), Port = 8849, Ttl = 3,
        };
        _client.StartSyncDaemon(backup);
        _client.StartSyncDaemon(new SyncDaemon { State = SyncDaemonState.Master, Interface = "lo" });

        Assert.Contains("backup sync daemon (mcast=dum0, syncid=7, maxlen=1400, group=239.1.2.3, port=8849, ttl=3)", IpvsadmDaemons());
        Assert.Contains("master sync daemon (mcast=lo, syncid=0,", IpvsadmDaemons());
        IReadOnlyList<SyncDaemon> daemons = _client.GetSyncDaemons();
        Assert.Equal(2, daemons.Count);
        Assert.Equal(backup with { NetworkNamespace = _ns.Name }, Assert.Single(daemons, d => d.State == SyncDaemonState.Backup));

        _ns.Ipvsadm("--stop-daemon", "backup");
        Assert.Equal(SyncDaemonState.Master, Assert.Single(_client.GetSyncDaemons()).State);
    }

    [Fact]
    public void A_daemon_started_by_ipvsadm_is_read_back_with_every_option()
    {
        _ns.Ipvsadm("--start-daemon", "master", "--mcast-interface", "dum0", "--syncid", "9", "--sync-maxlen", "1200",
            "--mcast-group", "239.0.0.9", "--mcast-port", "9000", "--mcast-ttl", "4");

        SyncDaemon d = Assert.Single(_client.GetSyncDaemons());
        Assert.Equal(new SyncDaemon
        {
            State = SyncDaemonState.Master, Interface = "dum0", SyncId = 9, MaxLength = 1200,
            MulticastGroup = IPAddress.Parse("239.0.0.9"), Port = 9000, Ttl = 4, NetworkNamespace = _ns.Name,
        }, d);
        Assert.Equal(IpvsadmDaemons().Trim(), d.ToString());

        _client.StopSyncDaemon(SyncDaemonState.Master);
        Assert.Equal("", IpvsadmDaemons().Trim());
    }

    [Fact]
    public void An_IPv6_group_round_trips()
    {
        var d = new SyncDaemon { State = SyncDaemonState.Backup, Interface = "dum0", MulticastGroup = IPAddress.Parse("ff02::1:3"), Port = 9001 };
        _client.StartSyncDaemon(d);
        Assert.Equal(IPAddress.Parse("ff02::1:3"), Assert.Single(_client.GetSyncDaemons()).MulticastGroup);
        Assert.Contains("group=ff02::1:3, port=9001", IpvsadmDaemons());
    }

    [Fact]
    public void Kernel_refusals_say_what_is_wrong()
    {
        var master = new SyncDaemon { State = SyncDaemonState.Master, Interface = "lo" };
        _client.StartSyncDaemon(master);
        var twice = Assert.Throws<IpvsException>(() => _client.StartSyncDaemon(master with { Interface = "dum0" }));
        Assert.Equal(17, twice.Errno);
        Assert.Contains("already runs", twice.Message);

        var noDev = Assert.Throws<IpvsException>(() => _client.StartSyncDaemon(new SyncDaemon { State = SyncDaemonState.Backup, Interface = "nosuch0" }));
        Assert.Equal(19, noDev.Errno);
        Assert.Contains("interface does not exist", noDev.Message);

        var none = Assert.Throws<IpvsException>(() => _client.StopSyncDaemon(SyncDaemonState.Backup));
        Assert.Equal(3, none.Errno);
        Assert.Contains("No backup sync daemon runs", none.Message);
    }

    [Fact]
    public void Mixed_family_real_servers_and_the_daemon_exclude_each_other()
    {
        var key = VirtualServiceKey.Parse("tcp/10.0.0.3:80");
        _client.AddVirtualService(new VirtualService { Key = key, Scheduler = "rr" });
        var v6Tunnel = new RealServer { VirtualService = key, Address = IPAddress.Parse("2001:db8::9"), Port = 80, Forwarding = ForwardingMethod.Tunnel };
        _client.AddRealServer(v6Tunnel);

        var refused = Assert.Throws<IpvsException>(() => _client.StartSyncDaemon(new SyncDaemon { State = SyncDaemonState.Master, Interface = "lo" }));
        Assert.Equal(22, refused.Errno);
        Assert.Contains("real servers of another address family", refused.Message);
        Assert.Contains("tcp/10.0.0.3:80 -> [2001:db8::9]:80", refused.Message);
        Assert.Empty(_client.GetSyncDaemons());

        _client.RemoveRealServer(key, v6Tunnel.Address, 80);
        _client.StartSyncDaemon(new SyncDaemon { State = SyncDaemonState.Master, Interface = "lo" });
        var blocked = Assert.Throws<IpvsException>(() => _client.AddRealServer(v6Tunnel));
        Assert.Equal(22, blocked.Errno);
        Assert.Contains("a second address family while a sync daemon runs", blocked.Message);
    }
}
