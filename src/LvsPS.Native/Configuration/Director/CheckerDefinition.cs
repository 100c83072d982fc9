using System.Net;
using System.Text.Json.Serialization;
using LvsPS.Native.Configuration.Keepalived;

namespace LvsPS.Native.Configuration.Director;

/// <summary>The checker blocks of a real_server.</summary>
public enum CheckerKind
{
    Tcp,
    Http,
    Ssl,
    Dns,
    Smtp,
    Udp,
    Ping,
    Misc,
    File,
    Bfd,
}

/// <summary>
/// One checker of a real server, every option with keepalived 2.2.7's effective value (inherited
/// from the real server and virtual server, then the type's default). This is a plain
/// description; the health core turns it into a running check.
/// </summary>
public sealed record CheckerDefinition
{
    public CheckerKind Kind { get; init; }
    /// <summary>Null: the real server's address.</summary>
    public IPAddress? ConnectIp { get; init; }
    /// <summary>The real server's port unless connect_port is written.</summary>
    public ushort ConnectPort { get; init; }
    public IPAddress? BindTo { get; init; }
    public ushort? BindPort { get; init; }
    public string? BindInterface { get; init; }
    public uint? FirewallMark { get; init; }
    public double ConnectTimeoutSeconds { get; init; } = 5;
    public int Retry { get; init; } = 1;
    public double DelayBeforeRetrySeconds { get; init; } = 1;
    public double DelayLoopSeconds { get; init; } = 60;
    /// <summary>Null: the delay loop.</summary>
    public double? WarmupSeconds { get; init; }
    public bool Alpha { get; init; }
    public bool LogAllFailures { get; init; }

    // HTTP_GET / SSL_GET
    public IReadOnlyList<HttpUrlDefinition> Urls { get; init; } = [];
    public string? Virtualhost { get; init; }
    /// <summary>1.0 (default), 1.0C or 1.1.</summary>
    public string HttpProtocol { get; init; } = "1.0";
    public bool FastRecovery { get; init; }
    public bool EnableSni { get; init; }

    // DNS_CHECK
    public string DnsName { get; init; } = ".";
    public string DnsType { get; init; } = "SOA";

    // SMTP_CHECK
    public string HeloName { get; init; } = "smtpchecker.keepalived.org";

    // UDP_CHECK
    public string? Payload { get; init; }
    public bool RequireReply { get; init; }
    public string? ReplyPattern { get; init; }
    public int MinReplyLength { get; init; }
    public int MaxReplyLength { get; init; } = 255;

    // MISC_CHECK
    public string? MiscPath { get; init; }
    /// <summary>Null: the virtual server's delay loop.</summary>
    public double? MiscTimeoutSeconds { get; init; }
    public bool MiscDynamic { get; init; }
    public string? User { get; init; }
    public string? Group { get; init; }

    // FILE_CHECK / BFD_CHECK
    public string? TrackFile { get; init; }
    public int FileWeight { get; init; }
    public bool FileWeightReverse { get; init; }
    public string? BfdName { get; init; }

    [JsonIgnore]
    public SourceLocation Location { get; init; }
}

/// <summary>url { path; digest; status_code; virtualhost; regex... } of HTTP_GET/SSL_GET.</summary>
public sealed record HttpUrlDefinition
{
    public required string Path { get; init; }
    /// <summary>MD5 of the body, lower-case hex; null: not checked.</summary>
    public string? Digest { get; init; }
    /// <summary>Accepted status ranges; empty: 200-299.</summary>
    public IReadOnlyList<StatusCodeRange> StatusCodes { get; init; } = [];
    public string? Virtualhost { get; init; }
    public string? Regex { get; init; }
    public bool RegexNoMatch { get; init; }
}

/// <summary>An accepted HTTP status range (N-M, or N-N for one code).</summary>
public sealed record StatusCodeRange(int From, int To);
