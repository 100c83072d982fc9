using System.Net;
using LvsPS.Lab.Tests.Infrastructure;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Proc;
using LvsPS.Testing;
using Xunit;
using static LvsPS.Lab.Tests.Infrastructure.TrafficTopology;

namespace LvsPS.Lab.Tests;

/// <summary>
/// Runs after the parallel classes: TrafficTopology names its namespaces and bridges after the
/// process id, so a second topology must not exist while TrafficLabTests has its own.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialTrafficCollection
{
    public const string Name = "Serial traffic";
}

/// <summary>
/// A real master/backup pair: the director of the traffic topology is the master, a standby
/// director namespace joined to it by a veth runs the backup daemon. Real HTTP traffic through
/// the master must show up on the backup as Origin Sync rows, the same rows ipvsadm -Lnc lists there.
/// </summary>
[Collection(SerialTrafficCollection.Name)]
public sealed class ConnectionSyncPairLabTests : IClassFixture<TrafficTopology>, IDisposable
{
    private const byte SyncId = 9;
    private readonly TrafficTopology _t;
    private readonly PowerShellSession _ps;
    private readonly LabNamespace _standby = new();

    public ConnectionSyncPairLabTests(TrafficTopology topology)
    {
        _t = topology;
        _ps = topology.Ps;
        _t.Exec(_t.Director, "ip", "link", "add", "sync0", "type", "veth", "peer", "name", "sync0", "netns", _standby.Name);
        _t.Exec(_t.Director, "ip", "addr", "add", "10.43.0.1/24", "dev", "sync0");
        _t.Exec(_t.Director, "ip", "link", "set", "sync0", "up");
        _standby.Exec("ip", "addr", "add", "10.43.0.2/24", "dev", "sync0");
        _standby.Exec("ip", "link", "set", "sync0", "up");
    }

    public void Dispose()
    {
        _ps.Invoke("Stop-LvsSyncDaemon Master -ErrorAction SilentlyContinue; Clear-LvsVirtualService -Confirm:$false");
        Shell.RunWithStatus(["ip", "netns", "exec", _t.Director, "ip", "link", "del", "sync0"], out _);
        _standby.Dispose();
    }

    private static IpvsConnection[] Connections(IEnumerable<System.Management.Automation.PSObject> output) => output.Records<IpvsConnection>("LvsPS.LvsConnection").ToArray();

    private static string Key(IpvsConnection c) => $"{c.Protocol} {c.ClientEndpoint} {c.VirtualEndpoint} {c.RealServerEndpoint}";

    /// <summary>ipvsadm -Lnc rows of a namespace as "PRO SOURCE VIRTUAL DEST" and their states.</summary>
    private static Dictionary<string, string> IpvsadmRows(string ns)
        => Shell.Run("ip", "netns", "exec", ns, "ipvsadm", "-Lnc").Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(2)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(f => $"{f[0]} {f[3]} {f[4]} {f[5]}", f => f[2]);

    [Fact]
    public void Traffic_through_the_master_appears_on_the_backup_as_synced_rows_that_ipvsadm_lists_too()
    {
        _ps.Run("Enable-LvsDirectorForwarding");
        _ps.Run($"Add-LvsVip {NatVip} -Interface eth1 -ErrorAction SilentlyContinue");
        _ps.Run($"New-LvsVirtualService tcp/{NatVip}:80 -Scheduler rr");
        _ps.Run($"Add-LvsRealServer tcp/{NatVip}:80 {Rs1Address} -Forwarding NAT; Add-LvsRealServer tcp/{NatVip}:80 {Rs2Address} -Forwarding NAT");
        _ps.Run($"Start-LvsSyncDaemon Master sync0 -SyncId {SyncId}");
        _ps.Run($"Start-LvsSyncDaemon Backup sync0 -SyncId {SyncId} -NetworkNamespace $args[0]", _standby.Name);

        List<string> answers = _t.Get(NatVip, 4);
        Assert.Equal(4, answers.Count(a => a is "rs1" or "rs2"));

        // The master sends what it has within IPVS_SYNC_FLUSH_TIME (2 s), and again as states change.
        IpvsConnection[] backup = [];
        for (int i = 0; i < 40 && backup.Length < 4; i++)
        {
            Thread.Sleep(500);
            backup = Connections(_ps.Run($"Get-LvsConnection tcp/{NatVip}:80 -IncludeOrigin -NetworkNamespace $args[0]", _standby.Name));
        }
        IpvsConnection[] master = Connections(_ps.Run($"Get-LvsConnection tcp/{NatVip}:80 -IncludeOrigin"));

        Assert.Equal(4, master.Length);
        Assert.All(master, c => Assert.Equal(ConnectionOrigin.Local, c.Origin));
        Assert.Equal(4, backup.Length);
        Assert.All(backup, c => Assert.Equal(ConnectionOrigin.Sync, c.Origin));
        Assert.All(backup, c => Assert.Equal(_standby.Name, c.NetworkNamespace));
        Assert.Equal(master.Select(Key).Order(), backup.Select(Key).Order());
        Assert.All(backup, c => Assert.Equal(IPAddress.Parse(ClientWan), c.ClientAddress));
        Assert.Equal(2, backup.Count(c => c.RealServerAddress.Equals(IPAddress.Parse(Rs1Address))));

        // ipvsadm in the standby namespace lists the same rows; states move only when a sync message
        // arrives, so compare snapshots until two reads agree.
        for (int attempt = 0; ; attempt++)
        {
            Dictionary<string, string> witness = IpvsadmRows(_standby.Name);
            IpvsConnection[] ours = Connections(_ps.Run("Get-LvsConnection -NetworkNamespace $args[0]", _standby.Name));
            bool same = witness.Count == ours.Length && ours.All(c => witness.TryGetValue(Key(c), out string? s) && s == c.State);
            if (same)
            {
                Assert.Equal(4, ours.Length);
                Assert.All(ours, c => Assert.Null(c.Origin)); // ip_vs_conn has no Origin column
                break;
            }
            Assert.True(attempt < 5, $"ipvsadm -Lnc [{string.Join("; ", witness.Select(w => $"{w.Key} {w.Value}"))}] vs Get-LvsConnection [{string.Join("; ", ours.Select(c => $"{Key(c)} {c.State}"))}]");
            Thread.Sleep(1000);
        }
    }
}

/// <summary>
/// Crafted sync messages (tests/LvsPS.Testing/Ipvs) fill a backup's table with 20,000 rows we know: per-service,
/// per-state and template counts of Get-LvsConnection equal the expected ones and ipvsadm -Lnc | grep -c.
/// </summary>
[Collection(SerialTrafficCollection.Name)]
public sealed class ConnectionSyncFeedLabTests : CmdletLabBase, IDisposable
{
    private const int Rows = 20_000, Services = 20;
    private const byte SyncId = 3;
    private static readonly string[] TcpStates = ["NONE", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK"];
    private readonly LabNamespace _feeder = new();

    public ConnectionSyncFeedLabTests()
    {
        _feeder.Exec("ip", "link", "add", "sync0", "type", "veth", "peer", "name", "sync0", "netns", Ns.Name);
        _feeder.Exec("ip", "addr", "add", "10.44.0.1/24", "dev", "sync0");
        _feeder.Exec("ip", "link", "set", "sync0", "up");
        _feeder.Exec("ip", "route", "add", "224.0.0.0/4", "dev", "sync0");
        Ns.Exec("ip", "addr", "add", "10.44.0.2/24", "dev", "sync0");
        Ns.Exec("ip", "link", "set", "sync0", "up");
    }

    // Re-implements IDisposable: the base's Dispose is not virtual.
    public new void Dispose()
    {
        _feeder.Dispose();
        base.Dispose();
    }

    /// <summary>Row i: TCP service i % 20 (10.45.0.s:80), or UDP 5060 for every 5th service; every 10th row a template; 4 real servers each.</summary>
    private static SyncedConnection Row(int i)
    {
        int s = i % Services;
        bool udp = s % 5 == 4, template = i % 10 == 0;
        ushort state = template ? (ushort)(i / 10 % 2) : udp ? (ushort)0 : (ushort)(1 + i / Services % 8);
        return new SyncedConnection(udp ? (byte)17 : (byte)6, new IPAddress([172, 20, (byte)(i >> 8), (byte)i]), template ? (ushort)0 : (ushort)(2000 + i % 60000),
            new IPAddress([10, 45, 0, (byte)s]), udp ? (ushort)5060 : (ushort)80, new IPAddress([10, 46, (byte)s, (byte)(i / Services % 4)]), udp ? (ushort)5060 : (ushort)8080,
            state, TimeoutSeconds: 1800, IsTemplate: template);
    }

    private static string StateName(SyncedConnection c) => c.IsTemplate ? (c.State == 0 ? "NONE" : "ASSURED") : c.Protocol == 17 ? "UDP" : TcpStates[c.State];

    private int Count(string script) => Ps.Run($"@({script}).Count").Select(o => (int)o.BaseObject).Single();

    private int GrepCount(string pattern)
    {
        (string output, _) = Shell.RunWithStatus(["ip", "netns", "exec", Ns.Name, "sh", "-c", $"ipvsadm -Lnc | grep -c -e '{pattern}'"], out _);
        return int.Parse(output.Trim());
    }

    [Fact]
    public void A_backup_fed_crafted_sync_messages_lists_every_row_and_filters_count_like_ipvsadm_grep()
    {
        SyncDaemon daemon = Ps.Run($"Start-LvsSyncDaemon Backup sync0 -SyncId {SyncId} -PassThru").Records<SyncDaemon>("LvsPS.LvsSyncDaemon").Single();
        var rows = Enumerable.Range(0, Rows).Select(Row).ToList();
        using (var feeder = new IpvsSyncFeeder(_feeder.Name, IPAddress.Parse("10.44.0.1"), Ns.Name, SyncId, daemon.MaxLength ?? 1472))
        {
            feeder.Send(rows);
            // Another cluster's messages (sync id 4) are ignored by this backup.
            using var stranger = new IpvsSyncFeeder(_feeder.Name, IPAddress.Parse("10.44.0.1"), Ns.Name, 4, daemon.MaxLength ?? 1472);
            stranger.Send(Enumerable.Range(Rows, 500).Select(Row));
        }
        Assert.Equal(0, IpvsSyncFeeder.ReceiveBufferErrors(Ns.Name));

        Assert.Equal(Rows, Count("Get-LvsConnection"));
        Assert.Equal(Rows, Count("Get-LvsConnection -IncludeOrigin | Where-Object Origin -eq Sync"));

        foreach (int s in new[] { 0, 7, 9 })
        {
            string endpoint = s == 9 ? $"10.45.0.{s}:5060" : $"10.45.0.{s}:80";
            string service = s == 9 ? $"udp/{endpoint}" : $"tcp/{endpoint}";
            int expected = rows.Count(r => r.Virtual.Equals(IPAddress.Parse($"10.45.0.{s}")));
            Assert.Equal(Rows / Services, expected);
            Assert.Equal(expected, Count($"Get-LvsConnection -VirtualService {service}"));
            Assert.Equal(expected, GrepCount($" {endpoint} "));
            Assert.Equal(rows.Count(r => r.Virtual.Equals(IPAddress.Parse($"10.45.0.{s}")) && r.IsTemplate), Count($"Get-LvsConnection {service} -Template"));
        }
        foreach (string state in new[] { "ESTABLISHED", "TIME_WAIT", "ASSURED", "UDP" })
        {
            int expected = rows.Count(r => StateName(r) == state);
            Assert.True(expected > 0);
            Assert.Equal(expected, Count($"Get-LvsConnection -State {state}"));
            Assert.Equal(expected, GrepCount($" {state} "));
        }
        Assert.Equal(rows.Count(r => r.IsTemplate), Count("Get-LvsConnection -Template"));
        Assert.Equal(rows.Count(r => r.Protocol == 17), Count("Get-LvsConnection -Protocol udp"));
        Assert.Equal(rows.Count(r => r.RealServer.Equals(IPAddress.Parse("10.46.7.3"))), Count("Get-LvsConnection -RealServerAddress 10.46.7.3"));
        Assert.Equal(Rows / Services / 4, Count("Get-LvsConnection -RealServerAddress 10.46.7.3"));
    }
}
