using System.Net;
using System.Text;
using LvsPS.Native.Configuration;
using LvsPS.Native.Configuration.Keepalived;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Proc;
using LvsPS.Native.Runtime;

namespace LvsPS.Fuzz.Targets;

/// <summary>The text decoders: /proc/net/ip_vs_conn(_sync), /proc/net/ip_vs_stats, ipvsadm rules, the JSON configuration.</summary>
internal static class TextTargets
{
    public const string ProcSamples = "tests/LvsPS.Tests/Proc/Samples";

    /// <summary>Every row, unfiltered and through a filter (the filter reads fields the plain pass skips).</summary>
    public static void Connections(ReadOnlySpan<byte> input)
    {
        byte[] bytes = input.ToArray();
        using (var parser = new IpvsConnectionParser(new MemoryStream(bytes), fileName: "fuzz"))
            while (parser.TryRead(out _)) { }
        var filter = new ConnectionFilter { Protocol = IpvsProtocol.Tcp, ClientNetwork = IPNetwork.Parse("10.0.0.0/8"), States = ["ESTABLISHED"] };
        using (var parser = new IpvsConnectionParser(new MemoryStream(bytes), filter, "fuzz"))
            parser.CountMatching();
    }

    public static void Statistics(ReadOnlySpan<byte> input)
        => IpvsGlobalStatistics.Parse(new MemoryStream(input.ToArray()), "fuzz");

    /// <summary>What reads must also survive Export's round trip: written again and read back, it writes the same text.</summary>
    public static void IpvsadmRules(ReadOnlySpan<byte> input)
    {
        IpvsadmRuleSet rules = IpvsadmRulesReader.Read(new StreamReader(new MemoryStream(input.ToArray())), "fuzz");
        string written = IpvsadmRulesWriter.Write(rules.Services);
        SameText("ipvsadm rules", written, ReadBack(() => IpvsadmRulesWriter.Write(IpvsadmRulesReader.Parse(written, "written").Services)));
    }

    public static void Json(ReadOnlySpan<byte> input)
    {
        string written = LvsConfigurationJson.Write(LvsConfigurationJson.Read(input, "fuzz"));
        SameText("JSON", written, ReadBack(() => LvsConfigurationJson.Write(LvsConfigurationJson.Parse(written, "written"))));
    }

    /// <summary>Reading what the writer wrote must not fail: that rejection is a finding, not the documented one.</summary>
    private static string ReadBack(Func<string> readAndWrite)
    {
        try
        {
            return readAndWrite();
        }
        catch (ConfigurationFormatException e)
        {
            throw new InvalidOperationException($"what the writer wrote does not read back: {e.Message}", e);
        }
    }

    private static void SameText(string format, string first, string second)
    {
        if (first != second)
            throw new InvalidOperationException($"the {format} round trip is not lossless:\n{first}\n--- read back and written again:\n{second}");
    }

    public const string KeepalivedSeeds = "tests/LvsPS.Tests/Configuration/Keepalived/Seeds";

    /// <summary>Includes may only read this empty directory: a mutated include line reads nothing of the host.</summary>
    private static readonly string EmptyDirectory = Directory.CreateTempSubdirectory("lvsps-fuzz-kconf-").FullName;

    /// <summary>The keepalived.conf reader: every finding is a diagnostic in its result, it never throws.</summary>
    public static void KeepalivedConf(ReadOnlySpan<byte> input)
        => KeepalivedConfigurationReader.Parse(Encoding.UTF8.GetString(input), "fuzz.conf", EmptyDirectory,
            new KeepalivedReadOptions { ConfigId = "lb1", IncludeRoot = EmptyDirectory, MaxLines = 200_000 });

    /// <summary>A keepalived-style script line; what parses must also read back from its own ToString (the documented round trip).</summary>
    public static void ScriptLine(ReadOnlySpan<byte> input)
    {
        ScriptCommand command = ScriptCommand.Parse(Encoding.UTF8.GetString(input));
        ScriptCommand again = ScriptCommand.Parse(command.ToString());
        if (again.Path != command.Path || !again.Arguments.SequenceEqual(command.Arguments))
            throw new InvalidOperationException($"'{command}' reads back as '{again}'");
    }

    public static IEnumerable<Seed> ScriptLineSeeds(SeedContext context)
    {
        string[] lines =
        [
            "/usr/local/bin/check_nginx.sh",
            "/bin/sh -c 'curl -sf http://10.0.0.7/ >/dev/null'",
            "check \"two words\" it\\'s ''",
            "  /opt/chk\\ with\\ blanks --port=80\t--host 10.0.0.7  ",
        ];
        return lines.Select((line, i) => new Seed($"line-{i}", Encoding.UTF8.GetBytes(line)));
    }

    /// <summary>A small table with every option the writers know, for the rules and JSON seeds.</summary>
    private static IReadOnlyList<VirtualService> Table()
    {
        var tcp = VirtualServiceKey.ForAddress(IpvsProtocol.Tcp, IPAddress.Parse("10.0.0.3"), 80);
        var udp6 = VirtualServiceKey.ForAddress(IpvsProtocol.Udp, IPAddress.Parse("2001:db8::1"), 53);
        var mark = VirtualServiceKey.ForFirewallMark(42);
        return
        [
            new VirtualService
            {
                Key = tcp, Scheduler = "wrr", Persistent = true, PersistenceTimeout = 20, PersistencePrefixLength = 24,
                RealServers =
                [
                    new RealServer { VirtualService = tcp, Address = IPAddress.Parse("10.0.0.7"), Port = 80, Forwarding = ForwardingMethod.Route, Weight = 1 },
                    new RealServer
                    {
                        VirtualService = tcp, Address = IPAddress.Parse("10.0.0.8"), Port = 80, Forwarding = ForwardingMethod.Tunnel, Weight = 2,
                        UpperThreshold = 100, LowerThreshold = 10, TunnelType = TunnelType.Gue, TunnelPort = 6080, TunnelChecksum = TunnelChecksum.NoChecksum,
                    },
                ],
            },
            new VirtualService
            {
                Key = udp6, Scheduler = "sh", SchedulerFlags = SchedulerFlags.Flag1 | SchedulerFlags.Flag2, OnePacket = true,
                RealServers = [new RealServer { VirtualService = udp6, Address = IPAddress.Parse("2001:db8::7"), Port = 5353, Forwarding = ForwardingMethod.Masquerade, Weight = 3 }],
            },
            new VirtualService { Key = mark, Scheduler = "mh", Persistent = true, PersistenceTimeout = 360, PersistenceEngine = "sip" },
        ];
    }

    public static IEnumerable<Seed> RulesSeeds(SeedContext context)
    {
        yield return new Seed("written.rules", Encoding.UTF8.GetBytes("-C\n--set 900 120 300\n" + IpvsadmRulesWriter.Write(Table())));
    }

    public static IEnumerable<Seed> JsonSeeds(SeedContext context)
    {
        yield return new Seed("written.json", Encoding.UTF8.GetBytes(LvsConfigurationJson.Write(new LvsConfiguration
        {
            Services = Table(),
            Timeouts = new IpvsTimeouts(900, 120, 300),
            SyncDaemons = [new SyncDaemon { State = SyncDaemonState.Master, Interface = "eth1", SyncId = 5, MulticastGroup = IPAddress.Parse("224.0.0.81"), Port = 8848, Ttl = 1 }],
        })));
    }
}
