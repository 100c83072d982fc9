using LvsPS.Fuzz.Targets;
using LvsPS.Native.Configuration;
using LvsPS.Native.GenericNetlink;
using LvsPS.Native.Netlink;
using LvsPS.Native.Proc;
using LvsPS.Native.Runtime;

namespace LvsPS.Fuzz;

/// <summary>
/// Every fuzz target: one line each. To add one (a new decoder, such as the keepalived.conf parser):
/// <c>new("NAME", "Decoder.Method", input => Decoder.Parse(input), [typeof(ItsFormatException)], Seeds),</c> ([] when it never throws)
/// then the CI fuzz tier (scripts/fuzz.sh all) picks it up and scripts/fuzz.sh NAME SECONDS runs it (README.md).
/// </summary>
internal static class FuzzTargets
{
    private static readonly Type[] Netlink = [typeof(NetlinkException)];
    private static readonly Type[] Scripted = [typeof(NetlinkException), typeof(ScriptExhaustedException)];

    public static readonly IReadOnlyList<FuzzTarget> All =
    [
        new("netlink", "NetlinkMessageReader, NetlinkAttributeReader, NetlinkErrorMessage (never throw)", NetlinkTargets.Framing, [], c => Captures.Golden(c, "*")),
        new("genl-family", "GenericNetlinkFamilies.Resolve over a scripted kernel", NetlinkTargets.FamilyResolution,
            [.. Scripted, typeof(GenericNetlinkFamilyNotFoundException)], Seeds.FamilyReplies),
        new("genl-connection", "NetlinkConnection Execute, Dump, ExecuteBatch over a scripted kernel", NetlinkTargets.Requests, Scripted, Seeds.ConnectionReplies),
        new("ipvs-service", "IpvsCodec.ReadService", IpvsTargets.Services, Netlink, c => Captures.Golden(c, "*-service*")),
        new("ipvs-dest", "IpvsCodec.ReadDest", IpvsTargets.Dests, Netlink, c => Captures.Golden(c, "*-dest*")),
        new("ipvs-info", "IpvsCodec.ReadInfo, IpvsCodec.ReadTimeouts", IpvsTargets.InfoAndConfig, Netlink, IpvsTargets.ConfigSeeds),
        new("ipvs-daemon", "SyncDaemonCodec.ReadDaemon", IpvsTargets.Daemons, Netlink, IpvsTargets.DaemonSeeds),
        new("rtnl", "RouteNetlinkCodec.ParseLink, ParseAddress, ParseRoute", RouteNetlinkTarget.Run, [], RouteNetlinkTarget.Seeds),
        new("vrrp", "VrrpIpPacket.TryParseIPv4, VrrpCodec.TryDecode, VrrpReceiveFilter, VrrpStateMachine (never throw)", VrrpTarget.Run, [], VrrpTarget.Seeds),
        new("proc-conn", "IpvsConnectionParser (/proc/net/ip_vs_conn, ip_vs_conn_sync)", TextTargets.Connections, [typeof(ProcFormatException)],
            c => c.Files(TextTargets.ProcSamples, "ip_vs_conn*").Concat(c.Files(TextTargets.ProcSamples, "malformed-*"))),
        new("proc-stats", "IpvsGlobalStatistics.Parse (/proc/net/ip_vs_stats)", TextTargets.Statistics, [typeof(ProcFormatException)],
            c => c.Files(TextTargets.ProcSamples, "ip_vs_stats*")),
        new("ipvsadm-rules", "IpvsadmRulesReader.Read", TextTargets.IpvsadmRules, [typeof(ConfigurationFormatException)], TextTargets.RulesSeeds),
        new("json-config", "LvsConfigurationJson.Read", TextTargets.Json, [typeof(ConfigurationFormatException)], TextTargets.JsonSeeds),
        new("keepalived-conf", "KeepalivedConfigurationReader.Parse (findings are diagnostics: never throws)", TextTargets.KeepalivedConf, [],
            c => c.Files(TextTargets.KeepalivedSeeds, "*.conf")),
        new("health-replies", "HttpResponseReader, DnsMessage.Judge, IcmpEcho.ParseReply, UdpReply.Judge, SmtpProbe.Status, HealthRules.ParseFileValue (never throw)",
            HealthTarget.Run, [], HealthTarget.Seeds),
        new("script-command", "ScriptCommand.Parse and its ToString round trip", TextTargets.ScriptLine, [typeof(ScriptNotUsableException)], TextTargets.ScriptLineSeeds),
    ];

    public static FuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name == name);
}
