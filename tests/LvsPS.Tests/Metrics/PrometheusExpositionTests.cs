using System.Net;
using System.Text.RegularExpressions;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Metrics;

namespace LvsPS.Tests.Metrics;

public sealed class PrometheusExpositionTests
{
    private static IpvsStatistics Stats(ulong seed) => new()
    {
        Connections = seed, InPackets = seed * 10, OutPackets = seed * 9, InBytes = seed * 1000, OutBytes = seed * 2000,
        ConnectionsPerSecond = seed + 1, InPacketsPerSecond = seed + 2, OutPacketsPerSecond = seed + 3, InBytesPerSecond = seed + 4, OutBytesPerSecond = seed + 5,
    };

    private static readonly VirtualServiceKey Web = VirtualServiceKey.Parse("tcp/10.0.0.3:80");
    private static readonly VirtualServiceKey Mark = VirtualServiceKey.ForFirewallMark(3, IpFamily.IPv6);

    private static RealServer Rs(VirtualServiceKey key, string address, ushort port, uint weight, uint active, uint inactive, IpvsStatistics? stats = null) => new()
    {
        VirtualService = key, Address = IPAddress.Parse(address), Port = port, Weight = weight,
        ActiveConnections = active, InactiveConnections = inactive, PersistentConnections = active / 2, Statistics = stats,
    };

    private static readonly VirtualService[] Model =
    [
        new() { Key = Mark, RealServers = [Rs(Mark, "2001:db8::8", 0, 1, 0, 0)] },
        new()
        {
            Key = Web, Statistics = Stats(7),
            RealServers = [Rs(Web, "10.0.0.9", 8080, 3, 4, 5, Stats(2)), Rs(Web, "10.0.0.10", 8080, 1, 2, 0, Stats(5))],
        },
    ];

    [Fact]
    public void GoldenExposition()
    {
        string text = PrometheusExposition.ToText(Model, Stats(100));
        string expected = """
            # HELP lvs_connections_total The total number of connections made. (the whole IPVS table)
            # TYPE lvs_connections_total counter
            lvs_connections_total 100
            # HELP lvs_incoming_packets_total The total number of incoming packets. (the whole IPVS table)
            # TYPE lvs_incoming_packets_total counter
            lvs_incoming_packets_total 1000
            """;
        Assert.StartsWith(expected.ReplaceLineEndings("\n") + "\n", text);
        Assert.Contains("\nlvs_outgoing_byte_rate 105\n", text);
        Assert.Contains("""
            # TYPE lvs_service_connections_total counter
            lvs_service_connections_total{protocol="tcp",address="10.0.0.3",port="80"} 7
            """.ReplaceLineEndings("\n"), text);
        // Only services read with statistics get service series.
        Assert.DoesNotContain("protocol=\"fwmark\"", text);
        Assert.Contains("""
            # HELP lvs_backend_connections_active The current active connections by local and remote address.
            # TYPE lvs_backend_connections_active gauge
            lvs_backend_connections_active{local_address="10.0.0.3",local_port="80",local_mark="",remote_address="10.0.0.9",remote_port="8080",proto="TCP"} 4
            lvs_backend_connections_active{local_address="10.0.0.3",local_port="80",local_mark="",remote_address="10.0.0.10",remote_port="8080",proto="TCP"} 2
            lvs_backend_connections_active{local_address="",local_port="0",local_mark="3",remote_address="2001:db8::8",remote_port="0",proto="FWM"} 0
            """.ReplaceLineEndings("\n"), text);
        Assert.Contains("lvs_backend_weight{local_address=\"10.0.0.3\",local_port=\"80\",local_mark=\"\",remote_address=\"10.0.0.9\",remote_port=\"8080\",proto=\"TCP\"} 3\n", text);
        Assert.Contains("lvs_backend_connections_persistent{local_address=\"10.0.0.3\",local_port=\"80\",local_mark=\"\",remote_address=\"10.0.0.9\",remote_port=\"8080\",proto=\"TCP\"} 2\n", text);
        Assert.Contains("lvs_backend_incoming_bytes_total{local_address=\"10.0.0.3\",local_port=\"80\",local_mark=\"\",remote_address=\"10.0.0.10\",remote_port=\"8080\",proto=\"TCP\"} 5000\n", text);
        // The fwmark real server was read without statistics: no traffic series for it.
        Assert.DoesNotContain("lvs_backend_incoming_bytes_total{local_address=\"\"", text);
    }

    [Fact]
    public void FirewallMarkServiceLabels()
    {
        var svc = new VirtualService { Key = Mark, Statistics = Stats(1) };
        string text = PrometheusExposition.ToText([svc], null);
        Assert.Contains("lvs_service_connections_total{protocol=\"fwmark\",fwmark=\"3\",family=\"ipv6\"} 1\n", text);
        Assert.DoesNotContain("lvs_connections_total", text.Replace("lvs_service_connections_total", ""));
    }

    [Fact]
    public void NothingToExposeIsEmpty() => Assert.Equal("", PrometheusExposition.ToText([], null));

    [Fact]
    public void OrderDoesNotDependOnInputOrder()
    {
        string a = PrometheusExposition.ToText(Model, Stats(1));
        var shuffled = Model.Reverse().Select(s => s with { RealServers = s.RealServers.Reverse().ToArray() });
        Assert.Equal(a, PrometheusExposition.ToText(shuffled, Stats(1)));
    }

    /// <summary>Each family once, HELP then TYPE then its samples; sample lines well formed; no series twice.</summary>
    [Fact]
    public void TextFormatIsWellFormed()
    {
        string text = PrometheusExposition.ToText(Model, Stats(3));
        Assert.EndsWith("\n", text);
        Assert.DoesNotContain("\r", text);
        var sample = new Regex("""^([a-z_][a-z0-9_]*)(\{([a-z_]+="(\\\\|\\"|\\n|[^"\\])*"(,[a-z_]+="(\\\\|\\"|\\n|[^"\\])*")*)\})? [0-9]+$""");
        var families = new List<string>();
        var series = new HashSet<string>();
        string? current = null;
        string[] lines = text.TrimEnd('\n').Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            if (line.StartsWith("# HELP "))
            {
                current = line.Split(' ')[2];
                Assert.DoesNotContain(current, families);
                families.Add(current);
                Assert.Equal($"# TYPE {current} ", lines[++i][..(current.Length + 8)]);
                Assert.Contains(lines[i][(current.Length + 8)..], new[] { "counter", "gauge" });
                continue;
            }
            Match m = sample.Match(line);
            Assert.True(m.Success, $"not a sample line: {line}");
            Assert.Equal(current, m.Groups[1].Value);
            Assert.True(series.Add(line[..line.LastIndexOf(' ')]), $"series twice: {line}");
            if (current!.EndsWith("_total"))
                Assert.Contains($"# TYPE {current} counter", text);
        }
        Assert.Equal(10 + 10 + 4 + 10, families.Count);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a\\b", "a\\\\b")]
    [InlineData("say \"hi\"", "say \\\"hi\\\"")]
    [InlineData("two\nlines", "two\\nlines")]
    [InlineData("\\\"\n", "\\\\\\\"\\n")]
    public void LabelValuesAreEscaped(string value, string escaped) => Assert.Equal(escaped, PrometheusText.EscapeLabelValue(value));

    [Fact]
    public void HelpEscapesBackslashAndNewlineOnly()
        => Assert.Equal("a \"q\" \\\\ \\n", PrometheusText.EscapeHelp("a \"q\" \\ \n"));

    [Fact]
    public void WriterOutputIsIndependentOfCulture()
    {
        var previous = Thread.CurrentThread.CurrentCulture;
        try
        {
            Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            using var w = new StringWriter(new System.Globalization.CultureInfo("fr-FR"));
            PrometheusExposition.Write(w, Model, new IpvsStatistics { InBytes = 1234567 });
            Assert.Contains("\nlvs_incoming_bytes_total 1234567\n", w.ToString());
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = previous;
        }
    }
}
