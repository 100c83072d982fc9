using System.Diagnostics;
using System.Management.Automation;
using LvsPS.Lab.Tests.Infrastructure;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Proc;
using LvsPS.Testing;
using Xunit;

namespace LvsPS.Lab.Tests;

/// <summary>
/// A NAT director with real traffic, built once for the class (the VM is slow): the client →
/// director (IPVS) → real server of a <see cref="TrafficTopology"/>, busybox httpd answering. The
/// session's cmdlets target the director. Each test uses its own virtual ports, so entries left by
/// another test (TIME_WAIT lasts two minutes) never count; whole-table comparisons include them on both sides.
/// </summary>
public sealed class NatTrafficFixture : IDisposable
{
    public const string Vip = TrafficTopology.NatVip, ClientIp = TrafficTopology.ClientWan, RealIp = TrafficTopology.Rs1Address;
    private readonly TrafficTopology _t = new();
    public readonly LabNamespace Director, Client;
    public readonly string Dir = Directory.CreateTempSubdirectory("lvsps-ops-lab").FullName;

    public NatTrafficFixture()
    {
        Director = LabNamespace.Attach(_t.Director);
        Client = LabNamespace.Attach(_t.Client);
        _t.PrepareNatDirector();
        // Previous weights of drained real servers go to a private directory, not /run/lvsps.
        Environment.SetEnvironmentVariable("LVSPS_DRAIN_DIR", Path.Combine(Dir, "drain"));
    }

    public PowerShellSession Ps => _t.Ps;

    /// <summary>A NAT service on the VIP at <paramref name="port"/> with the real server behind it (httpd on port 80).</summary>
    public void Service(int port, params string[] options)
    {
        Director.Ipvsadm(["-A", "-t", $"{Vip}:{port}", "-s", "rr", .. options]);
        Director.Ipvsadm("-a", "-t", $"{Vip}:{port}", "-r", RealIp + ":80", "-m", "-w", "5");
    }

    public void Get(int port, int times)
    {
        for (int i = 0; i < times; i++)
            Assert.Equal("rs1\n", Client.Exec("curl", "-s", "--max-time", "5", $"http://{Vip}:{port}/"));
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("LVSPS_DRAIN_DIR", null);
        _t.Dispose();
        Directory.Delete(Dir, recursive: true);
    }
}

/// <summary>Get-LvsConnection, Get-LvsStatistic, Export-LvsMetric and the drain cmdlets on real connections, ipvsadm as the witness.</summary>
public sealed class OperationsLabTests(NatTrafficFixture lab) : IClassFixture<NatTrafficFixture>
{
    private const string Vip = NatTrafficFixture.Vip;
    private PowerShellSession Ps => lab.Ps;

    private static T[] Objects<T>(IEnumerable<PSObject> output) => output.Records<T>("LvsPS.LvsConnection").ToArray();

    /// <summary>ipvsadm -Lnc rows as (pro, state, source, virtual, destination).</summary>
    private List<(string Pro, string State, string Source, string Virtual, string Destination)> IpvsadmConnections()
        => lab.Director.Ipvsadm("-Lnc").Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(2)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(f => (f[0], f[2], f[3], f[4], f[5]))
            .ToList();

    private static (string, string, string, string, string) Row(IpvsConnection c)
        => (c.Protocol, c.State, c.ClientEndpoint, c.VirtualEndpoint, c.RealServerEndpoint);

    [Fact]
    public void Connections_and_their_filters_match_ipvsadm_Lnc()
    {
        lab.Service(80);
        lab.Service(8080, "-p", "120");
        lab.Get(80, 3);
        lab.Get(8080, 2);
        Thread.Sleep(1000); // let the closes settle into TIME_WAIT

        IpvsConnection[] all = Objects<IpvsConnection>(Ps.Run("Get-LvsConnection"));
        var witness = IpvsadmConnections();
        Assert.Equal(witness.Order(), all.Select(Row).Order());
        Assert.All(all, c => Assert.Equal(lab.Director.Name, c.NetworkNamespace));

        int Count(string script) => Objects<IpvsConnection>(Ps.Run(script)).Length;
        Assert.Equal(3, witness.Count(r => r.Virtual == $"{Vip}:8080")); // 2 connections + the persistence template
        Assert.Equal(3, Count($"Get-LvsConnection -VirtualService tcp/{Vip}:8080"));
        Assert.Equal(1, Count($"Get-LvsConnection tcp/{Vip}:8080 -Template"));
        Assert.Equal(2, Count($"Get-LvsConnection tcp/{Vip}:8080 -ExcludeTemplate"));
        // Piped from Get-LvsRealServer: its service, address and port.
        Assert.Equal(witness.Count(r => r.Virtual == $"{Vip}:80" && r.Destination == $"{NatTrafficFixture.RealIp}:80"),
            Count($"Get-LvsRealServer tcp/{Vip}:80 | Get-LvsConnection"));
        Assert.Equal(3, Count($"Get-LvsVirtualService tcp/{Vip}:80 | Get-LvsConnection"));
        Assert.Equal(witness.Count(r => r.State == "TIME_WAIT"), Count("Get-LvsConnection -State TIME_WAIT"));
        Assert.Equal(witness.Count(r => r.Source.EndsWith(":0", StringComparison.Ordinal)), Count("Get-LvsConnection -Template"));
        Assert.Equal(witness.Count, Count("Get-LvsConnection -ClientAddress 192.168.60.0/24"));
        Assert.Equal(0, Count("Get-LvsConnection -ClientAddress 10.0.0.0/8"));
        Assert.Equal(0, Count("Get-LvsConnection -Protocol udp"));

        IpvsConnection[] withOrigin = Objects<IpvsConnection>(Ps.Run($"Get-LvsConnection -IncludeOrigin -VirtualService tcp/{Vip}:80"));
        Assert.Equal(3, withOrigin.Length);
        Assert.All(withOrigin, c => Assert.Equal(ConnectionOrigin.Local, c.Origin));
    }

    /// <summary>ipvsadm -Ln --stats --exact rows by our names: "tcp/VIP:PORT" and "tcp/VIP:PORT -> RS:PORT".</summary>
    private Dictionary<string, ulong[]> IpvsadmStats()
    {
        var rows = new Dictionary<string, ulong[]>();
        string? service = null;
        foreach (string line in lab.Director.Ipvsadm("-Ln", "--stats", "--exact").Split('\n'))
        {
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length == 7 && f[0] == "TCP")
                rows[service = $"tcp/{f[1]}"] = f[2..7].Select(ulong.Parse).ToArray();
            else if (f.Length == 7 && f[0] == "->" && service != null)
                rows[$"{service} -> {f[1]}"] = f[2..7].Select(ulong.Parse).ToArray();
        }
        return rows;
    }

    private Dictionary<string, ulong[]> OurStats(string script = "Get-LvsStatistic")
        => Ps.Run(script).Where(o => o.Properties["Kind"].Value.ToString() != "Global")
            .ToDictionary(o => (string)o.Properties["Name"].Value,
                o => new[] { "Connections", "InPackets", "OutPackets", "InBytes", "OutBytes" }.Select(p => (ulong)o.Properties[p].Value).ToArray());

    [Fact]
    public void Statistics_match_ipvsadm_stats_and_rates_move_with_traffic()
    {
        lab.Service(8181);
        lab.Get(8181, 4);

        // Counters: what ipvsadm --stats --exact prints, row for row. The kernel folds its per-CPU counters into
        // the totals on its 2-second estimator tick, so poll until both sides have seen all 4 connections.
        string me = $"tcp/{Vip}:8181";
        Dictionary<string, ulong[]> ours = new(), witness = new();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            Thread.Sleep(500);
            witness = IpvsadmStats();
            ours = OurStats();
        }
        while (!(ours.TryGetValue(me, out ulong[]? mine) && mine[0] == 4 && ours.Count == witness.Count
                 && ours.All(kv => witness.TryGetValue(kv.Key, out var w) && w.SequenceEqual(kv.Value)))
               && DateTime.UtcNow < deadline);
        Assert.Equal(witness.Keys.Order(), ours.Keys.Order());
        foreach (var (name, values) in witness)
            Assert.True(values.SequenceEqual(ours[name]), $"{name}: ipvsadm {string.Join(' ', values)}, ours {string.Join(' ', ours[name])}");
        Assert.Equal(4UL, ours[me][0]);
        Assert.Equal(4UL, ours[$"{me} -> {NatTrafficFixture.RealIp}:80"][0]);

        PSObject global = Ps.Run("Get-LvsStatistic -Global").Single();
        Assert.Equal("Global", global.Properties["Kind"].Value.ToString());
        Assert.True((ulong)global.Properties["Connections"].Value >= ours.Where(kv => !kv.Key.Contains("->")).Aggregate(0UL, (s, kv) => s + kv.Value[0]));

        // Rates: the kernel's estimator runs every 2 s; keep traffic flowing until it shows.
        ulong inBps = 0;
        for (int i = 0; i < 16 && inBps == 0; i++)
        {
            lab.Get(8181, 1);
            Thread.Sleep(500);
            inBps = (ulong)Ps.Run($"Get-LvsStatistic -VirtualService {me}").First().Properties["InBytesPerSecond"].Value;
        }
        Assert.True(inBps > 0, "the service's InBytesPerSecond stayed 0 under traffic");

        // The same numbers in the Prometheus exposition, written atomically for node_exporter.
        string prom = Path.Combine(lab.Dir, "lvs.prom");
        Assert.Empty(Ps.Run("Export-LvsMetric -Path $args[0]", prom));
        string text = File.ReadAllText(prom);
        Assert.Contains($"lvs_backend_weight{{local_address=\"{Vip}\",local_port=\"8181\",local_mark=\"\",remote_address=\"{NatTrafficFixture.RealIp}\",remote_port=\"80\",proto=\"TCP\"}} 5\n", text);
        Assert.Matches(@$"lvs_service_connections_total{{protocol=""tcp"",address=""{Vip.Replace(".", "\\.")}"",port=""8181""}} \d+\n", text);
        Assert.Contains("# TYPE lvs_connections_total counter\n", text);
        Assert.DoesNotContain(Directory.GetFiles(lab.Dir), f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    private string SavedRule(int port) => lab.Director.SavedRules().SingleOrDefault(r => r.StartsWith($"-a -t {Vip}:{port} ", StringComparison.Ordinal)) ?? "(none)";

    private uint ActiveConnections(string service)
        => Ps.Run("Get-LvsRealServer $args[0]", service).Single().Value<uint>("ActiveConnections");

    [Fact]
    public void Drain_waits_for_an_open_connection_then_resumes_with_the_old_weight()
    {
        const int port = 8282;
        string service = $"tcp/{Vip}:{port}", identity = $"{service} -> {NatTrafficFixture.RealIp}:80";
        lab.Service(port);

        // An idle connection, held open by nc with nothing to send (busybox httpd waits 60 s for a request). In its
        // own session (setsid execs in place), so that the whole pipeline is killed as one process group.
        var holder = Process.Start(new ProcessStartInfo("setsid", ["ip", "netns", "exec", lab.Client.Name, "sh", "-c", $"sleep 120 | busybox nc {Vip} {port}"]))!;
        try
        {
            for (int i = 0; i < 50 && ActiveConnections(service) == 0; i++)
                Thread.Sleep(200);
            Assert.Equal(1u, ActiveConnections(service));

            // -WhatIf changes nothing.
            PowerShellSession.Result whatIf = Ps.Invoke($"Get-LvsRealServer {service} | Suspend-LvsRealServer -Wait -WhatIf");
            Assert.Contains($"What if: Performing the operation \"Suspend real server (weight 5 -> 0)\" on target \"{identity}\".", whatIf.HostText);
            Assert.EndsWith("-w 5", SavedRule(port));

            // Times out while the connection is open; the real server stays at weight 0.
            var clock = Stopwatch.StartNew();
            PowerShellSession.Result timedOut = Ps.Invoke($"Get-LvsRealServer {service} | Suspend-LvsRealServer -Wait -Timeout 3 -PassThru");
            Assert.InRange(clock.Elapsed.TotalSeconds, 3, 30);
            ErrorRecord e = Assert.Single(timedOut.AllErrors);
            Assert.Equal(("DrainTimeout", ErrorCategory.OperationTimeout), (e.FullyQualifiedErrorId.Split(',')[0], e.CategoryInfo.Category));
            Assert.Contains("still has 1 active connections", e.Exception.Message);
            Assert.Empty(timedOut.Output);
            Assert.EndsWith("-m -w 0", SavedRule(port));
            LabAssert.Matches(@$"-> {NatTrafficFixture.RealIp.Replace(".", "\\.")}:80\s+Masq\s+0\s+1\s", lab.Director.Ipvsadm("-Ln"));

            // Already at 0: the remembered weight is kept and shown.
            PSObject again = Assert.Single(Ps.Run($"Suspend-LvsRealServer {service} {NatTrafficFixture.RealIp}:80 -PassThru"));
            Assert.Equal(5u, again.Properties["PreviousWeight"].Value);
        }
        finally
        {
            Shell.RunWithStatus(["kill", "-KILL", "--", $"-{holder.Id}"], out _);
            holder.WaitForExit(5000);
        }

        // Closed: the wait completes.
        PowerShellSession.Result drained = Ps.Invoke($"Get-LvsRealServer {service} | Suspend-LvsRealServer -Wait -Timeout 60 -PassThru");
        Assert.Empty(drained.AllErrors);
        PSObject done = Assert.Single(drained.Output);
        Assert.Equal((0u, 0u, 5u), (done.Value<uint>("ActiveConnections"), done.Value<uint>("Weight"), done.Value<uint>("PreviousWeight")));

        // Resume puts weight 5 back and forgets it.
        PSObject resumed = Assert.Single(Ps.Run($"Get-LvsRealServer {service} | Resume-LvsRealServer -PassThru"));
        Assert.Equal(5u, resumed.Value<uint>("Weight"));
        Assert.EndsWith("-m -w 5", SavedRule(port));
        Assert.Equal("NoPreviousWeight", Assert.Single(Ps.Invoke($"Resume-LvsRealServer {service} {NatTrafficFixture.RealIp}:80").AllErrors).FullyQualifiedErrorId.Split(',')[0]);

        // -Remove: drained (no connection now), then gone.
        Assert.Empty(Ps.Run($"Suspend-LvsRealServer {service} {NatTrafficFixture.RealIp}:80 -Remove -Timeout 30"));
        Assert.Equal("(none)", SavedRule(port));
        Assert.Empty(Directory.Exists(Path.Combine(lab.Dir, "drain")) ? Directory.GetFiles(Path.Combine(lab.Dir, "drain")) : Array.Empty<string>());
    }
}
