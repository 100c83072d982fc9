using System.Collections;
using System.Globalization;
using System.Management.Automation;
using LvsPS.Native.Health;
using LvsPS.Native.Runtime;
using LvsPS.Runtime;

namespace LvsPS.Commands;

/// <summary>
/// The parameters that describe one check (keepalived's checker block), shared by New-, Start- and
/// Test-LvsHealthCheck. -Type is inferred from the options when not given (-Url: Http, -Command: Script, ...);
/// an option of another type is refused (HealthCheckOptionConflict).
/// </summary>
public abstract class HealthCheckDefinitionCmdletBase : LvsCmdletBase
{
    /// <summary>The kind of check: Tcp (keepalived's TCP_CHECK, the default), Http (HTTP_GET), Https (SSL_GET), Dns (DNS_CHECK), Smtp (SMTP_CHECK), Udp (UDP_CHECK), Ping (PING_CHECK), Script (MISC_CHECK) or File (FILE_CHECK). When omitted it follows from the options given: -Url means Http, -Command or -ScriptBlock Script, and so on.</summary>
    [Parameter]
    public HealthCheckType Type { get; set; }

    /// <summary>Seconds between checks while nothing fails (keepalived's delay_loop; default 60).</summary>
    [Parameter]
    [ValidateRange(0.001, 2678400)]
    public double Interval { get; set; }

    /// <summary>Failed attempts retried before a passing check goes down: down after Retry + 1 failures in a row (default 1; Dns 3; Script 0). The very first result of a check that starts up takes it down at once, as in keepalived.</summary>
    [Parameter]
    [ValidateRange(0, 1000)]
    public int Retry { get; set; }

    /// <summary>Seconds between those retries (keepalived's delay_before_retry; default 1 s, Http/Https 3 s, Dns the interval).</summary>
    [Parameter]
    [ValidateRange(0, 2678400)]
    public double DelayBeforeRetry { get; set; }

    /// <summary>The first check runs 1 s plus a random part of this many seconds after the start (keepalived's warmup; default the interval; 0 = exactly 1 s).</summary>
    [Parameter]
    [ValidateRange(0, 2678400)]
    public double Warmup { get; set; }

    /// <summary>Seconds each connect, write and read may take, each on its own (keepalived's connect_timeout; default 5).</summary>
    [Parameter]
    [ValidateRange(0.001, 86400)]
    public double ConnectTimeout { get; set; }

    /// <summary>Start down: the real server joins IPVS only after its first pass (keepalived's alpha).</summary>
    [Parameter]
    public SwitchParameter Alpha { get; set; }

    /// <summary>Not in keepalived (HAProxy's rise): passes in a row that bring a down check up, counted every -DelayBeforeRetry.</summary>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int Rise { get; set; }

    /// <summary>Not in keepalived (HAProxy's fall): failures in a row that take it down, also right after the start (replaces -Retry).</summary>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int Fall { get; set; }

    /// <summary>The address to probe instead of the real server's (keepalived's connect_ip).</summary>
    [Parameter]
    [AddressTransformation]
    public string? ConnectAddress { get; set; }

    /// <summary>The port to probe instead of the real server's (keepalived's connect_port), 1 to 65535.</summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int ConnectPort { get; set; }

    /// <summary>The local address to probe from (keepalived's bindto).</summary>
    [Parameter]
    [AddressTransformation]
    public string? BindAddress { get; set; }

    /// <summary>The local port to probe from (keepalived's bind_port), 1 to 65535.</summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int BindPort { get; set; }

    /// <summary>The interface to probe through (keepalived's bind_if; needed for IPv6 link-local real servers).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(InterfaceCompleter))]
    public string? BindInterface { get; set; }

    /// <summary>The firewall mark the probes carry (keepalived's fwmark on a checker: SO_MARK).</summary>
    [Parameter]
    [UnsignedTransformation(0, uint.MaxValue)]
    public uint FirewallMark { get; set; }

    /// <summary>Http/Https: the urls to GET, checked one per interval in turn, each of which must pass. A string is a path ('/health'); a hashtable gives one url's settings: @{ Path = '/'; StatusCode = '200-204'; Digest = 'md5 hex'; VirtualHost = 'www.example.org'; Regex = 'ok'; RegexNoMatch = $false }.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public object[]? Url { get; set; }

    /// <summary>Http/Https: the status codes that pass, as codes and ranges ('200', '200-299', '301'), 100 to 599; default 200-299.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? StatusCode { get; set; }

    /// <summary>Http/Https: the MD5 digest the body must have, 32 hex digits (genhash or Test-LvsHealthCheck prints it).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Digest { get; set; }

    /// <summary>Http/Https: the Host header (keepalived's virtualhost); default the address:port probed.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? VirtualHost { get; set; }

    /// <summary>Http/Https: the request's protocol: 1.0 (default), 1.0C (1.0 with Connection: close) or 1.1 (with Connection: close), as keepalived's http_protocol.</summary>
    [Parameter]
    [ValidateSet("1.0", "1.0C", "1.1")]
    public string? HttpProtocol { get; set; }

    /// <summary>Http/Https: while the check is not up, check the urls one after the other without waiting (keepalived's fast_recovery).</summary>
    [Parameter]
    public SwitchParameter FastRecovery { get; set; }

    /// <summary>Https: send the virtual host as the TLS server name (keepalived's enable_sni).</summary>
    [Parameter]
    public SwitchParameter EnableSni { get; set; }

    /// <summary>Https: a PEM client certificate to present (keepalived's SSL { certificate }).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ClientCertificate { get; set; }

    /// <summary>Https: the PEM key of -ClientCertificate when the certificate file does not hold it.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ClientKey { get; set; }

    /// <summary>Https: verify the server's certificate against these PEM CA certificates. Without it nothing is verified, as keepalived.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CertificateAuthority { get; set; }

    /// <summary>Dns: the name to ask for (default '.', the root).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DnsName { get; set; }

    /// <summary>Dns: the record type to ask for (default SOA).</summary>
    [Parameter]
    [ValidateSet("A", "NS", "CNAME", "SOA", "MX", "TXT", "AAAA", "RRSIG", "DNSKEY")]
    public string? DnsType { get; set; }

    /// <summary>Smtp: the name sent with HELO (default smtpchecker.keepalived.org).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? HeloName { get; set; }

    /// <summary>Udp: the datagram to send, in hex (default 32 random bytes).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Payload { get; set; }

    /// <summary>Udp: a reply must come (without it, only an ICMP error fails the check).</summary>
    [Parameter]
    public SwitchParameter RequireReply { get; set; }

    /// <summary>Udp: hex digits the reply must start with; X matches any nibble (keepalived's require_reply HEX). Implies -RequireReply.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ReplyPattern { get; set; }

    /// <summary>Udp: the shortest reply accepted, in bytes (default 0).</summary>
    [Parameter]
    [ValidateRange(0, 65507)]
    public int MinReplyLength { get; set; }

    /// <summary>Udp: the longest reply accepted, in bytes (default 255).</summary>
    [Parameter]
    [ValidateRange(0, 65507)]
    public int MaxReplyLength { get; set; }

    /// <summary>Script: the program and its arguments, as keepalived's misc_path ('/usr/local/bin/check web1'); run without a shell, in the director's network namespace. Exit 0 passes.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Command { get; set; }

    /// <summary>Script: a script block to run instead of a program, in a runspace of its own: it passes when it writes nothing or a true value. With -DynamicWeight, a number it writes (0 to 253) is the weight.</summary>
    [Parameter]
    public ScriptBlock? ScriptBlock { get; set; }

    /// <summary>Script: seconds a run may take (keepalived's misc_timeout; default the service's interval); then SIGTERM to its process group, SIGKILL 2 s later, and it counts as failed.</summary>
    [Parameter]
    [ValidateRange(0.001, 86400)]
    public double ScriptTimeout { get; set; }

    /// <summary>Script: exit codes 2 to 255 pass and set the weight to exit - 2 (keepalived's misc_dynamic); 1 fails.</summary>
    [Parameter]
    public SwitchParameter DynamicWeight { get; set; }

    /// <summary>File: the file holding a number (keepalived's track_file): value x -FileWeight is added to the weight; with -FileWeight 0 any non-zero value fails the real server.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>File: the factor for the file's number (default 1; 0: a non-zero number is a failure).</summary>
    [Parameter]
    public int FileWeight { get; set; }

    /// <summary>File: negate the file's effect (keepalived's weight W reverse).</summary>
    [Parameter]
    public SwitchParameter Reverse { get; set; }

    /// <summary>Report every failed attempt, not only those that change the state (keepalived's log_all_failures).</summary>
    [Parameter]
    public SwitchParameter LogAllFailures { get; set; }

    private static readonly (string Parameter, HealthCheckType[] Types)[] OnlyFor =
    {
        (nameof(Url), new[] { HealthCheckType.Http, HealthCheckType.Https }),
        (nameof(StatusCode), new[] { HealthCheckType.Http, HealthCheckType.Https }),
        (nameof(Digest), new[] { HealthCheckType.Http, HealthCheckType.Https }),
        (nameof(VirtualHost), new[] { HealthCheckType.Http, HealthCheckType.Https }),
        (nameof(HttpProtocol), new[] { HealthCheckType.Http, HealthCheckType.Https }),
        (nameof(FastRecovery), new[] { HealthCheckType.Http, HealthCheckType.Https }),
        (nameof(EnableSni), new[] { HealthCheckType.Https }),
        (nameof(ClientCertificate), new[] { HealthCheckType.Https }),
        (nameof(ClientKey), new[] { HealthCheckType.Https }),
        (nameof(CertificateAuthority), new[] { HealthCheckType.Https }),
        (nameof(DnsName), new[] { HealthCheckType.Dns }),
        (nameof(DnsType), new[] { HealthCheckType.Dns }),
        (nameof(HeloName), new[] { HealthCheckType.Smtp }),
        (nameof(Payload), new[] { HealthCheckType.Udp }),
        (nameof(RequireReply), new[] { HealthCheckType.Udp }),
        (nameof(ReplyPattern), new[] { HealthCheckType.Udp }),
        (nameof(MinReplyLength), new[] { HealthCheckType.Udp }),
        (nameof(MaxReplyLength), new[] { HealthCheckType.Udp }),
        (nameof(Command), new[] { HealthCheckType.Script }),
        (nameof(ScriptBlock), new[] { HealthCheckType.Script }),
        (nameof(ScriptTimeout), new[] { HealthCheckType.Script }),
        (nameof(DynamicWeight), new[] { HealthCheckType.Script }),
        (nameof(Path), new[] { HealthCheckType.File }),
        (nameof(FileWeight), new[] { HealthCheckType.File }),
        (nameof(Reverse), new[] { HealthCheckType.File }),
    };

    private static readonly string[] NetworkOnly = { nameof(ConnectAddress), nameof(ConnectPort), nameof(BindAddress), nameof(BindPort), nameof(BindInterface), nameof(FirewallMark), nameof(ConnectTimeout) };

    /// <summary>True when any check option is bound: then the cmdlet describes a check itself.</summary>
    protected bool DescribesCheck => IsBound(nameof(Type)) || OnlyFor.Any(o => IsBound(o.Parameter)) || NetworkOnly.Any(IsBound)
        || new[] { nameof(Interval), nameof(Retry), nameof(DelayBeforeRetry), nameof(Warmup), nameof(Alpha), nameof(Rise), nameof(Fall), nameof(LogAllFailures) }.Any(IsBound);

    /// <summary>The type given, or the one the options imply (Https before Http: its options are Https-only).</summary>
    protected HealthCheckType EffectiveType
    {
        get
        {
            if (IsBound(nameof(Type)))
                return Type;
            foreach (HealthCheckType t in new[] { HealthCheckType.Https, HealthCheckType.Http, HealthCheckType.Dns, HealthCheckType.Smtp, HealthCheckType.Udp, HealthCheckType.Script, HealthCheckType.File })
                if (OnlyFor.Any(o => IsBound(o.Parameter) && o.Types.Length == 1 && o.Types[0] == t)
                    || (t == HealthCheckType.Http && OnlyFor.Any(o => IsBound(o.Parameter) && o.Types.Contains(HealthCheckType.Http))))
                    return t;
            return HealthCheckType.Tcp;
        }
    }

    /// <summary>The check the parameters describe. Throws a mapped validation error for an option of another type or a bad value.</summary>
    protected HealthCheck BuildCheck()
    {
        HealthCheckType type = EffectiveType;
        foreach ((string parameter, HealthCheckType[] types) in OnlyFor)
            if (IsBound(parameter) && !types.Contains(type))
                throw ErrorMapper.Invalid(ErrorMapper.HealthCheckOptionConflict,
                    $"-{parameter} is an option of {string.Join(" or ", types)} checks, not of {type} checks; give -Type {types[0]} or leave -{parameter} out.");
        if (type is HealthCheckType.Script or HealthCheckType.File)
            foreach (string parameter in NetworkOnly.Where(IsBound))
                throw ErrorMapper.Invalid(ErrorMapper.HealthCheckOptionConflict, $"-{parameter} is an option of network checks; a {type} check connects to nothing.");
        var timing = new HealthCheckTiming
        {
            Interval = Seconds(nameof(Interval), Interval),
            Retry = IsBound(nameof(Retry)) ? Retry : null,
            DelayBeforeRetry = Seconds(nameof(DelayBeforeRetry), DelayBeforeRetry),
            Warmup = Seconds(nameof(Warmup), Warmup),
            ConnectTimeout = Seconds(nameof(ConnectTimeout), ConnectTimeout),
            Alpha = IsBound(nameof(Alpha)) ? Alpha.IsPresent : null,
            Rise = IsBound(nameof(Rise)) ? Rise : null,
            Fall = IsBound(nameof(Fall)) ? Fall : null,
        };
        var connection = new HealthConnection
        {
            ConnectAddress = ConnectAddress is null ? null : Native.Text.NetText.ParseAddress(ConnectAddress),
            ConnectPort = IsBound(nameof(ConnectPort)) ? (ushort)ConnectPort : null,
            BindAddress = BindAddress is null ? null : Native.Text.NetText.ParseAddress(BindAddress),
            BindPort = IsBound(nameof(BindPort)) ? (ushort)BindPort : null,
            BindInterface = BindInterface,
            FirewallMark = IsBound(nameof(FirewallMark)) ? FirewallMark : null,
        };
        HealthCheck check = type switch
        {
            HealthCheckType.Tcp => new TcpHealthCheck { Connection = connection },
            HealthCheckType.Ping => new PingHealthCheck { Connection = connection },
            HealthCheckType.Http or HealthCheckType.Https => new HttpHealthCheck
            {
                Connection = connection,
                Urls = Urls(),
                VirtualHost = VirtualHost,
                Protocol = HttpProtocol switch { "1.0C" => HttpProtocolVersion.Http10Close, "1.1" => HttpProtocolVersion.Http11, _ => HttpProtocolVersion.Http10 },
                FastRecovery = FastRecovery,
                Tls = type == HealthCheckType.Https
                    ? new HttpTlsOptions { EnableSni = EnableSni, ClientCertificatePath = Full(ClientCertificate), ClientKeyPath = Full(ClientKey), CertificateAuthorityPath = Full(CertificateAuthority) }
                    : null,
            },
            HealthCheckType.Dns => new DnsHealthCheck
            {
                Connection = connection,
                Name = DnsName ?? HealthCheckDefaults.DnsName,
                RecordType = DnsType is null ? DnsRecordType.Soa : Enum.Parse<DnsRecordType>(DnsType, ignoreCase: true),
            },
            HealthCheckType.Smtp => new SmtpHealthCheck { Connection = connection, HeloName = HeloName ?? HealthCheckDefaults.SmtpHeloName },
            HealthCheckType.Udp => new UdpHealthCheck
            {
                Connection = connection,
                Payload = Payload is null ? null : Hex(nameof(Payload), Payload),
                RequireReply = RequireReply || ReplyPattern is not null,
                ReplyPattern = ReplyPattern,
                MinReplyLength = MinReplyLength,
                MaxReplyLength = IsBound(nameof(MaxReplyLength)) ? MaxReplyLength : HealthCheckDefaults.UdpMaxReplyLength,
            },
            HealthCheckType.Script => new ScriptHealthCheck(ScriptCommand())
            {
                Timeout = Seconds(nameof(ScriptTimeout), ScriptTimeout),
                Dynamic = DynamicWeight,
            },
            _ => new FileHealthCheck(Full(Path) ?? throw ErrorMapper.Invalid(ErrorMapper.HealthCheckOptionConflict, "A File check needs -Path, the file that holds the number."))
            {
                Weight = IsBound(nameof(FileWeight)) ? FileWeight : 1,
                Reverse = Reverse,
            },
        };
        return check with { Timing = timing, LogAllFailures = LogAllFailures };
    }

    private HealthCommand ScriptCommand()
    {
        if (Command is not null && ScriptBlock is not null)
            throw ErrorMapper.Invalid(ErrorMapper.HealthCheckOptionConflict, "Give -Command or -ScriptBlock, not both.");
        return ToHealthCommand(ScriptBlock ?? (object?)Command, "-Command")
            ?? throw ErrorMapper.Invalid(ErrorMapper.HealthCheckOptionConflict, "A Script check needs -Command (a program and its arguments) or -ScriptBlock.");
    }

    /// <summary>A notify or script argument: a command line (keepalived's words and quotes) or a script block.</summary>
    internal static HealthCommand? ToHealthCommand(object? value, string parameter)
    {
        switch (value is PSObject p ? p.BaseObject : value)
        {
            case null:
                return null;
            case ScriptBlock block:
                return new ScriptBlockHealthCommand(new PowerShellScript(block));
            case string text:
                try
                {
                    return new ExecutableHealthCommand(Native.Runtime.ScriptCommand.Parse(text));
                }
                catch (ScriptNotUsableException e)
                {
                    throw ErrorMapper.Invalid(ErrorMapper.InvalidHealthCheck, $"{parameter} '{text}': {e.Message}");
                }
            case object other:
                throw ErrorMapper.Invalid(ErrorMapper.InvalidHealthCheck, $"{parameter} takes a command line or a script block, not a {other.GetType().Name}.");
        }
    }

    private IReadOnlyList<HttpUrl> Urls()
    {
        HttpStatusRange[] codes = StatusCodes(StatusCode);
        if (Url is null)
            return new[] { new HttpUrl("/") { Digest = Digest, StatusCodes = codes } };
        var urls = new List<HttpUrl>();
        foreach (object item in Url)
        {
            object value = item is PSObject p ? p.BaseObject : item;
            if (value is string path)
                urls.Add(new HttpUrl(path) { Digest = Digest, StatusCodes = codes });
            else if (value is IDictionary table)
            {
                string? Get(string key) => table.Contains(key) ? Convert.ToString(table[key] is PSObject o ? o.BaseObject : table[key], CultureInfo.InvariantCulture) : null;
                foreach (object key in table.Keys)
                    if (key is not string k || !new[] { "Path", "StatusCode", "Digest", "VirtualHost", "Regex", "RegexNoMatch" }.Contains(k, StringComparer.OrdinalIgnoreCase))
                        throw ErrorMapper.Invalid(ErrorMapper.InvalidHealthCheck, $"-Url: '{key}' is not a url setting; use Path, StatusCode, Digest, VirtualHost, Regex, RegexNoMatch.");
                string? tableCodes = table.Contains("StatusCode") ? string.Join(',', LanguagePrimitives.ConvertTo<string[]>(table["StatusCode"])) : null;
                urls.Add(new HttpUrl(Get("Path") ?? throw ErrorMapper.Invalid(ErrorMapper.InvalidHealthCheck, "-Url: a url hashtable needs a Path."))
                {
                    Digest = Get("Digest") ?? Digest,
                    StatusCodes = tableCodes is null ? codes : StatusCodes(tableCodes.Split(',')),
                    VirtualHost = Get("VirtualHost"),
                    Regex = Get("Regex"),
                    RegexNoMatch = table.Contains("RegexNoMatch") && LanguagePrimitives.IsTrue(table["RegexNoMatch"]),
                });
            }
            else
                throw ErrorMapper.Invalid(ErrorMapper.InvalidHealthCheck, $"-Url takes paths or hashtables, not a {value.GetType().Name}.");
        }
        return urls;
    }

    private static HttpStatusRange[] StatusCodes(IEnumerable<string>? texts)
    {
        if (texts is null)
            return Array.Empty<HttpStatusRange>();
        var ranges = new List<HttpStatusRange>();
        foreach (string text in texts.SelectMany(t => t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            string[] parts = text.Split('-', 2);
            if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int from)
                || !int.TryParse(parts.Length == 2 ? parts[1] : parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int to))
                throw ErrorMapper.Invalid(ErrorMapper.InvalidHealthCheck, $"-StatusCode '{text}' is not a code or a range such as 200 or 200-299.");
            ranges.Add(new HttpStatusRange(from, to));
        }
        return ranges.ToArray();
    }

    private static byte[] Hex(string parameter, string text)
    {
        try
        {
            return Convert.FromHexString(text.Replace(" ", ""));
        }
        catch (FormatException)
        {
            throw ErrorMapper.Invalid(ErrorMapper.InvalidHealthCheck, $"-{parameter} '{text}' is not hex (pairs of 0-9 a-f).");
        }
    }

    private TimeSpan? Seconds(string parameter, double value) => IsBound(parameter) ? TimeSpan.FromSeconds(value) : null;

    /// <summary>A file path as PowerShell resolves it (relative to the current location).</summary>
    protected string? Full(string? path) => path is null ? null : GetUnresolvedProviderPathFromPSPath(path);
}
