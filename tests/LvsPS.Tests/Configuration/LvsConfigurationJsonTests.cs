using System.Net;
using CsCheck;
using LvsPS.Native.Configuration;
using LvsPS.Native.Ipvs;

namespace LvsPS.Tests.Configuration;

/// <summary>The JSON configuration format: lossless round trips and located errors.</summary>
public sealed class LvsConfigurationJsonTests
{
    private static readonly VirtualServiceKey Web = VirtualServiceKey.Parse("tcp/10.0.0.3:80");

    private static readonly LvsConfiguration Sample = new()
    {
        Timeouts = new IpvsTimeouts(900, 120, 300),
        SyncDaemons = new[]
        {
            new SyncDaemon { State = SyncDaemonState.Master, Interface = "eth0", SyncId = 5 },
            new SyncDaemon { State = SyncDaemonState.Backup, Interface = "eth1", SyncId = 5, MaxLength = 1400, MulticastGroup = IPAddress.Parse("ff02::1:3"), Port = 8849, Ttl = 3 },
        },
        Services = new[]
        {
            new VirtualService
            {
                Key = Web, Scheduler = "wrr", Persistent = true, PersistenceTimeout = 20, PersistencePrefixLength = 24,
                RealServers = new[]
                {
                    new RealServer { VirtualService = Web, Address = IPAddress.Parse("10.0.0.7"), Port = 80, Forwarding = ForwardingMethod.Route, Weight = 1, UpperThreshold = 100, LowerThreshold = 10 },
                    new RealServer { VirtualService = Web, Address = IPAddress.Parse("2001:db8::8"), Port = 80, Forwarding = ForwardingMethod.Tunnel, Weight = 0,
                        TunnelType = TunnelType.Gue, TunnelPort = 6080, TunnelChecksum = TunnelChecksum.RemoteChecksum },
                },
            },
            new VirtualService { Key = VirtualServiceKey.Parse("fwmark/42/ipv6"), Scheduler = "mh", SchedulerFlags = SchedulerFlags.Flag1 | SchedulerFlags.Flag2, OnePacket = true },
            new VirtualService { Key = VirtualServiceKey.Parse("udp/10.0.0.5:5060"), Scheduler = "rr", Persistent = true, PersistenceTimeout = 360, PersistenceEngine = "sip" },
        },
    };

    private static void AssertSame(LvsConfiguration expected, LvsConfiguration actual)
    {
        Assert.Equal(expected.Version, actual.Version);
        Assert.Equal(expected.Timeouts, actual.Timeouts);
        Assert.Equal(expected.SyncDaemons, actual.SyncDaemons);
        ValidTables.AssertSame(expected.Services, actual.Services);
    }

    [Fact]
    public void A_full_configuration_survives_write_then_read()
    {
        string json = LvsConfigurationJson.Write(Sample);
        AssertSame(Sample, LvsConfigurationJson.Parse(json, "lvs.json"));
        Assert.Contains("\"service\": \"tcp/10.0.0.3:80\"", json);
        Assert.Contains("\"schedulerFlags\": [", json);
        Assert.Contains("\"mh-fallback\"", json);
        Assert.Contains("\"checksum\": \"remoteChecksum\"", json);
        Assert.Contains("\"upperThreshold\": 100", json);
    }

    [Fact]
    public void Statistics_and_connection_counts_are_not_configuration()
    {
        var busy = Sample with
        {
            Services = Sample.Services.Select(s => s with
            {
                Statistics = new IpvsStatistics { Connections = 5 }, NetworkNamespace = "ns1",
                RealServers = s.RealServers.Select(d => d with { ActiveConnections = 3, Statistics = new IpvsStatistics { InBytes = 9 } }).ToArray(),
            }).ToArray(),
        };
        Assert.Equal(LvsConfigurationJson.Write(Sample), LvsConfigurationJson.Write(busy));
    }

    [Fact]
    public void Any_valid_configuration_survives_write_then_read()
    {
        Gen<LvsConfiguration> gen =
            from services in ValidTables.Table
            from daemons in ValidTables.Daemon.List[0, 2]
            from hasTimeouts in Gen.Bool
            from t in Gen.Select(Gen.UInt, Gen.UInt, Gen.UInt, (a, b, c) => new IpvsTimeouts(a, b, c))
            select new LvsConfiguration { Services = services, SyncDaemons = daemons.DistinctBy(d => d.State).ToArray(), Timeouts = hasTimeouts ? t : null };
        gen.Sample(c => AssertSame(c, LvsConfigurationJson.Parse(LvsConfigurationJson.Write(c))), iter: 200);
    }

    [Fact]
    public void Hand_written_json_may_have_comments_trailing_commas_and_defaults()
    {
        const string json = """
            // the director's setup
            {
              "version": 1,
              "services": [
                { "service": "udp/[2001:db8::1]:53",
                  "realServers": [ { "address": "2001:db8::7", "port": 53 }, ], },
              ],
            }
            """;
        LvsConfiguration c = LvsConfigurationJson.Parse(json);
        VirtualService s = Assert.Single(c.Services);
        Assert.Equal(("wlc", false), (s.Scheduler, s.Persistent));
        RealServer d = Assert.Single(s.RealServers);
        Assert.Equal((ForwardingMethod.Masquerade, 1u), (d.Forwarding, d.Weight));
        Assert.Null(c.Timeouts);
        Assert.Empty(c.SyncDaemons);
    }

    public static TheoryData<string, int, string> Malformed => new()
    {
        { "{\n  \"version\": 1,\n  \"servics\": []\n}", 3, "\"servics\" is not a property of the configuration" },
        { "{\n  \"services\": []\n}", 1, "has no \"version\"" },
        { "{\n  \"version\": 2\n}", 2, "newer LvsPS" },
        { "{\n  \"version\": 1,\n  \"services\": [\n    { \"service\": \"tcp/10.0.0.3\" }\n  ]\n}", 4, "has no port" },
        { "{ \"version\": 1,\n \"services\": [\n { \"service\": \"tcp/10.0.0.3:80\",\n   \"scheduler\": \"nosuch\" } ] }", 3, "'nosuch' is not an IPVS scheduler" },
        { "{ \"version\": 1, \"services\": [ { \"service\": \"tcp/10.0.0.3:80\",\n \"realServers\": [\n {\n \"address\": \"10.0.0.7\", \"port\": 80, \"forwarding\": \"tunnel\",\n \"tunnel\": { \"type\": \"gue\" } } ] } ] }", 3, "GUE tunnelling needs" },
        { "{ \"version\": 1, \"services\": [ { \"service\": \"tcp/10.0.0.3:80\",\n \"realServers\": [ { \"address\": \"10.0.0.300\" } ] } ] }", 2, "not an IPv4 or IPv6 address" },
        { "{ \"version\": 1, \"services\": [ { \"service\": \"tcp/10.0.0.3:80\",\n \"realServers\": [ { \"address\": \"0x0a.0.0.7\" } ] } ] }", 2, "is not an IPv4 address in dotted-quad form" },
        { "{ \"version\": 1, \"services\": [\n { \"service\": \"tcp/10.3:80\" } ] }", 2, "is not an IPv4 address in dotted-quad form" },
        { "{ \"version\": 1, \"services\": [ { \"service\": \"tcp/10.0.0.3:80\",\n \"realServers\": [ { \"address\": \"10.0.0.7\",\n \"forwarding\": \"fullnat\" } ] } ] }", 3, "is not one of masquerade, local, tunnel, route" },
        { "{ \"version\": 1, \"services\": [ { \"service\": \"tcp/10.0.0.3:80\",\n \"realServers\": [ { \"address\": \"10.0.0.7\",\n \"weight\": -1 } ] } ] }", 3, "whole number" },
        { "{ \"version\": 1, \"services\": [\n { \"service\": \"tcp/10.0.0.3:80\" },\n { \"service\": \"tcp/10.0.0.3:80\" } ] }", 3, "listed twice" },
        { "{ \"version\": 1,\n \"version\": 1 }", 2, "given twice" },
        { "{ \"version\": 1,\n \"services\": [ { \"service\": \"tcp/10.0.0.3:80\"\n \"scheduler\": \"rr\" } ] }", 3, "" },
        { "{ \"version\": 1,\n \"syncDaemons\": [ { \"state\": \"master\",\n \"interface\": \"eth0\", \"ttl\": 0 } ] }", 2, "TTL" },
        { "{ \"version\": 1,\n \"syncDaemons\": [ { \"state\": \"primary\", \"interface\": \"eth0\" } ] }", 2, "master or backup" },
        { "{ \"version\": 1,\n \"syncDaemons\": [ { \"state\": \"master\", \"interface\": \"a\" },\n { \"state\": \"master\", \"interface\": \"b\" } ] }", 3, "at most one per role" },
        { "{ \"version\": 1,\n \"services\": [ { \"service\": \"tcp/10.0.0.3:80\", \"persistent\": \"yes\" } ] }", 2, "true or false" },
        { "[]", 1, "expected the configuration" },
        { "", 1, "" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void A_bad_file_is_reported_with_file_and_line(string json, int line, string reason)
    {
        var e = Assert.Throws<ConfigurationFormatException>(() => LvsConfigurationJson.Parse(json, "lvs.json"));
        Assert.Equal(("lvs.json", (long)line), (e.FileName, e.LineNumber));
        Assert.StartsWith(line > 0 ? $"lvs.json:{line}: " : "lvs.json: ", e.Message);
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void Files_are_written_and_read_by_path()
    {
        string path = Path.Combine(Path.GetTempPath(), $"lvsps-{Guid.NewGuid():N}.json");
        try
        {
            LvsConfigurationJson.WriteFile(Sample, path);
            AssertSame(Sample, LvsConfigurationJson.ReadFile(path));
            File.WriteAllText(path, "\uFEFF{ \"version\": 1,\n \"bogus\": 1 }");
            var e = Assert.Throws<ConfigurationFormatException>(() => LvsConfigurationJson.ReadFile(path));
            Assert.StartsWith($"{path}:2: ", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
