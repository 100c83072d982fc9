using System.Globalization;
using LvsPS.Native.Health;
using LvsPS.Native.Ipvs;

namespace LvsPS.Native.Configuration.Director;

/// <summary>
/// The virtual_servers of a director as the health core's model: one <see cref="HealthCheckedService"/>
/// per IPVS service (a group's entries each get one), every checker with keepalived's effective
/// values written out, so nothing depends on the health core's defaults matching the reader's.
/// </summary>
public static class DirectorHealthChecks
{
    /// <summary>Maps every virtual_server; what LvsPS cannot run (BFD_CHECK) is left out with a note in <paramref name="notes"/>.</summary>
    public static IReadOnlyList<HealthCheckedService> Services(DirectorConfiguration configuration, ICollection<string>? notes = null)
    {
        var services = new List<HealthCheckedService>();
        foreach (VirtualServerDefinition vs in configuration.VirtualServers)
            foreach (VirtualServiceKey key in DirectorIpvsTable.Keys(vs, configuration))
                services.Add(Service(vs, key, configuration, notes));
        return services;
    }

    public static HealthCheckedService Service(VirtualServerDefinition vs, VirtualServiceKey key, DirectorConfiguration configuration, ICollection<string>? notes = null)
        => new(key)
        {
            RealServers = vs.RealServers.Select(rs => RealServer(vs, rs, key, configuration, notes)).ToArray(),
            Timing = new HealthCheckTiming { Interval = Seconds(vs.DelayLoopSeconds) },
            InhibitOnFailure = vs.InhibitOnFailure,
            Quorum = vs.Quorum,
            Hysteresis = vs.Hysteresis,
            QuorumUp = Command(vs.QuorumUp),
            QuorumDown = Command(vs.QuorumDown),
            SorryServer = vs.SorryServer is { } sorry ? DirectorIpvsTable.RealServer(sorry, key, 1) : null,
            SorryServerInhibit = vs.SorryServerInhibit,
            Omega = vs.Omega,
            HaSuspend = vs.HaSuspend,
            VirtualHost = vs.Virtualhost,
        };

    private static HealthCheckedRealServer RealServer(VirtualServerDefinition vs, RealServerDefinition rs, VirtualServiceKey key, DirectorConfiguration configuration, ICollection<string>? notes)
        => new(DirectorIpvsTable.RealServer(rs, key, rs.Weight))
        {
            Checks = rs.Checkers.Count == 0 ? [] : rs.Checkers.Select(c => Check(c, vs, configuration, notes, Where(vs, rs))).OfType<HealthCheck>().ToArray(),
            InhibitOnFailure = rs.InhibitOnFailure,
            NotifyUp = Command(rs.NotifyUp),
            NotifyDown = Command(rs.NotifyDown),
            VirtualHost = rs.Virtualhost,
        };

    /// <summary>
    /// The notes <see cref="Service"/> would write for <paramref name="vs"/> (its checkers LvsPS does not run), without mapping
    /// it: a reload keeps an unchanged virtual server's checks as they run, and writes its notes again.
    /// </summary>
    internal static void AddNotes(VirtualServerDefinition vs, DirectorConfiguration configuration, ICollection<string> notes)
    {
        foreach (RealServerDefinition rs in vs.RealServers)
            foreach (CheckerDefinition c in rs.Checkers)
                if (!IsRun(c, configuration))
                    notes.Add(NotRun(c, vs, Where(vs, rs)));
    }

    /// <summary>Whether LvsPS runs this kind of checker (a MISC_CHECK needs its misc_path, a FILE_CHECK its track_file).</summary>
    private static bool IsRun(CheckerDefinition c, DirectorConfiguration configuration) => c.Kind switch
    {
        CheckerKind.Tcp or CheckerKind.Http or CheckerKind.Ssl or CheckerKind.Dns or CheckerKind.Smtp or CheckerKind.Udp or CheckerKind.Ping => true,
        CheckerKind.Misc => c.MiscPath is not null,
        CheckerKind.File => TrackFile(configuration, c.TrackFile) is not null,
        _ => false,
    };

    private static string Where(VirtualServerDefinition vs, RealServerDefinition rs) => $"{vs.DisplayName} real_server {rs.Endpoint}";

    private static string NotRun(CheckerDefinition c, VirtualServerDefinition vs, string? where)
        => $"{c.Location}: {where ?? vs.DisplayName}: {c.Kind.ToString().ToUpperInvariant()}_CHECK is not run by LvsPS; the real server is treated as if it had no such checker.";

    /// <summary>One checker as a health check (null for one LvsPS does not run: BFD_CHECK, MISC_CHECK without misc_path, FILE_CHECK without its track_file).</summary>
    public static HealthCheck? Check(CheckerDefinition c, VirtualServerDefinition vs, DirectorConfiguration configuration, ICollection<string>? notes = null, string? where = null)
    {
        if (!IsRun(c, configuration))
        {
            notes?.Add(NotRun(c, vs, where));
            return null;
        }
        var timing = new HealthCheckTiming
        {
            Interval = Seconds(c.DelayLoopSeconds),
            Retry = c.Retry,
            DelayBeforeRetry = Seconds(c.DelayBeforeRetrySeconds),
            Warmup = Seconds(c.WarmupSeconds ?? c.DelayLoopSeconds),
            ConnectTimeout = Seconds(c.ConnectTimeoutSeconds),
            Alpha = c.Alpha,
        };
        var connection = new HealthConnection
        {
            ConnectAddress = c.ConnectIp,
            ConnectPort = c.ConnectPort == 0 ? null : c.ConnectPort,
            BindAddress = c.BindTo,
            BindPort = c.BindPort,
            BindInterface = c.BindInterface,
            FirewallMark = c.FirewallMark,
        };
        HealthCheck? check = c.Kind switch
        {
            CheckerKind.Tcp => new TcpHealthCheck { Connection = connection },
            CheckerKind.Http or CheckerKind.Ssl => new HttpHealthCheck
            {
                Connection = connection,
                Urls = c.Urls.Select(Url).ToArray(),
                VirtualHost = c.Virtualhost,
                Protocol = c.HttpProtocol switch { "1.1" => HttpProtocolVersion.Http11, "1.0C" or "1.0c" => HttpProtocolVersion.Http10Close, _ => HttpProtocolVersion.Http10 },
                FastRecovery = c.FastRecovery,
                Tls = c.Kind == CheckerKind.Ssl ? Tls(c, configuration) : null,
            },
            CheckerKind.Dns => new DnsHealthCheck
            {
                Connection = connection,
                Name = c.DnsName,
                RecordType = Enum.TryParse(c.DnsType, ignoreCase: true, out DnsRecordType type) ? type : DnsRecordType.Soa,
            },
            CheckerKind.Smtp => new SmtpHealthCheck { Connection = connection, HeloName = c.HeloName },
            CheckerKind.Udp => new UdpHealthCheck
            {
                Connection = connection,
                Payload = c.Payload is null ? null : Convert.FromHexString(c.Payload),
                RequireReply = c.RequireReply,
                ReplyPattern = c.ReplyPattern,
                MinReplyLength = c.MinReplyLength,
                MaxReplyLength = c.MaxReplyLength,
            },
            CheckerKind.Ping => new PingHealthCheck { Connection = connection },
            CheckerKind.Misc => new ScriptHealthCheck(new ExecutableHealthCommand(Runtime.ScriptCommand.Parse(c.MiscPath!)) { User = c.User, Group = c.Group })
            {
                Timeout = Seconds(c.MiscTimeoutSeconds ?? vs.DelayLoopSeconds),
                Dynamic = c.MiscDynamic,
            },
            CheckerKind.File when TrackFile(configuration, c.TrackFile) is { } file => new FileHealthCheck(file.Path)
            {
                Weight = c.FileWeight != 0 ? c.FileWeight : file.Weight,
                Reverse = c.FileWeightReverse || file.Reverse,
            },
            _ => throw new InvalidOperationException($"{c.Kind}_CHECK is run but not mapped."),
        };
        return check with { Timing = timing, LogAllFailures = c.LogAllFailures };
    }

    private static HttpUrl Url(HttpUrlDefinition u) => new(u.Path)
    {
        Digest = u.Digest,
        StatusCodes = u.StatusCodes.Select(r => new HttpStatusRange(r.From, r.To)).ToArray(),
        VirtualHost = u.Virtualhost,
        Regex = u.Regex,
        RegexNoMatch = u.RegexNoMatch,
    };

    /// <summary>The global SSL { ca; certificate; key } block, if any, for SSL_GET.</summary>
    private static HttpTlsOptions Tls(CheckerDefinition c, DirectorConfiguration configuration)
    {
        KeywordSetting? ssl = configuration.OtherBlocks.FirstOrDefault(b => b.Keyword == "SSL");
        string? Value(string keyword) => ssl?.Block?.FirstOrDefault(s => s.Keyword == keyword)?.Arguments.FirstOrDefault();
        return new HttpTlsOptions
        {
            EnableSni = c.EnableSni,
            CertificateAuthorityPath = Value("ca"),
            ClientCertificatePath = Value("certificate"),
            ClientKeyPath = Value("key"),
        };
    }

    private sealed record TrackFileDefinition(string Path, int Weight, bool Reverse);

    /// <summary>track_file NAME { file PATH; weight N [reverse] } (keepalived's weight default 1).</summary>
    private static TrackFileDefinition? TrackFile(DirectorConfiguration configuration, string? name)
    {
        KeywordSetting? block = configuration.OtherBlocks.FirstOrDefault(b => b.Keyword is "track_file" or "vrrp_track_file" && b.Arguments.FirstOrDefault() == name);
        if (name is null || block?.Block is not { } settings || settings.FirstOrDefault(s => s.Keyword == "file")?.Arguments.FirstOrDefault() is not { } path)
            return null;
        KeywordSetting? weight = settings.FirstOrDefault(s => s.Keyword == "weight");
        int w = weight?.Arguments.Count > 0 && int.TryParse(weight.Arguments[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n) ? n : 1;
        return new TrackFileDefinition(path, w, weight?.Arguments.Count > 1 && weight.Arguments[1] == "reverse");
    }

    internal static HealthCommand? Command(string? commandLine)
        => string.IsNullOrWhiteSpace(commandLine) ? null : new ExecutableHealthCommand(Runtime.ScriptCommand.Parse(commandLine));

    private static TimeSpan Seconds(double seconds) => TimeSpan.FromSeconds(seconds);
}
