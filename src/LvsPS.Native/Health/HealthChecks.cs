using System.Net;

namespace LvsPS.Native.Health;

/// <summary>
/// One check of a real server: keepalived's checker block. Settings left null come from the real
/// server, the service, then keepalived's default for the type (<see cref="HealthCheckDefaults"/>).
/// </summary>
public abstract record HealthCheck
{
    public abstract HealthCheckType Type { get; }
    public HealthCheckTiming Timing { get; init; } = HealthCheckTiming.Inherit;
    /// <summary>log_all_failures: report every failed attempt, not only those that change the state.</summary>
    public bool LogAllFailures { get; init; }

    /// <summary>The check's own settings in words (no timing, no target), stable enough to compare two checks.</summary>
    public abstract string Describe();
}

/// <summary>A check that talks to the network: where it connects and from where.</summary>
public abstract record NetworkHealthCheck : HealthCheck
{
    public HealthConnection Connection { get; init; } = HealthConnection.Default;
}

public sealed record TcpHealthCheck : NetworkHealthCheck
{
    public override HealthCheckType Type => HealthCheckType.Tcp;
    public override string Describe() => Join("TCP", Connection.Describe());
    internal static string Join(params string[] parts) => string.Join(' ', parts.Where(p => p.Length > 0));
}

/// <summary>HTTP_GET or, with <see cref="Tls"/>, SSL_GET.</summary>
public sealed record HttpHealthCheck : NetworkHealthCheck
{
    public override HealthCheckType Type => Tls is null ? HealthCheckType.Http : HealthCheckType.Https;
    /// <summary>Checked in turn, one per interval while up; every one must pass. keepalived drops a checker without urls.</summary>
    public IReadOnlyList<HttpUrl> Urls { get; init; } = Array.Empty<HttpUrl>();
    /// <summary>The Host header (a url's own wins; then the real server's, then the service's; else address:port).</summary>
    public string? VirtualHost { get; init; }
    public HttpProtocolVersion Protocol { get; init; } = HttpProtocolVersion.Http10;
    /// <summary>fast_recovery: no waits between urls while the check is not up and nothing failed.</summary>
    public bool FastRecovery { get; init; }
    /// <summary>Set for SSL_GET.</summary>
    public HttpTlsOptions? Tls { get; init; }

    public override string Describe() => TcpHealthCheck.Join(
        Tls is null ? "HTTP" : "HTTPS",
        Protocol switch { HttpProtocolVersion.Http10Close => "1.0C", HttpProtocolVersion.Http11 => "1.1", _ => "1.0" },
        VirtualHost is null ? "" : $"host {VirtualHost}",
        string.Join(' ', Urls.Select(u => u.Describe())),
        FastRecovery ? "fast-recovery" : "",
        Tls?.Describe() ?? "",
        Connection.Describe());

    public bool Equals(HttpHealthCheck? other)
        => other is not null && base.Equals(other) && Urls.SequenceEqual(other.Urls) && VirtualHost == other.VirtualHost
        && Protocol == other.Protocol && FastRecovery == other.FastRecovery && Equals(Tls, other.Tls);

    public override int GetHashCode() => HashCode.Combine(base.GetHashCode(), Urls.Count, VirtualHost, Protocol);
}

/// <summary>http_protocol: 1.0 (default), 1.0C (1.0 with Connection: close), 1.1 (with Connection: close).</summary>
public enum HttpProtocolVersion { Http10, Http10Close, Http11 }

/// <summary>TLS settings of SSL_GET (keepalived's global SSL block and enable_sni).</summary>
public sealed record HttpTlsOptions
{
    /// <summary>enable_sni: send the virtual host (url, check, real server, service) as the server name.</summary>
    public bool EnableSni { get; init; }
    /// <summary>A PEM client certificate (keepalived's SSL { certificate }).</summary>
    public string? ClientCertificatePath { get; init; }
    /// <summary>Its PEM key (SSL { key }); null when the certificate file holds the key.</summary>
    public string? ClientKeyPath { get; init; }
    /// <summary>Not keepalived's default: verify the server certificate against these CA certificates (PEM). Null: no verification, as keepalived.</summary>
    public string? CertificateAuthorityPath { get; init; }

    internal string Describe() => TcpHealthCheck.Join(
        EnableSni ? "sni" : "",
        ClientCertificatePath is null ? "" : $"cert {ClientCertificatePath}",
        CertificateAuthorityPath is null ? "" : $"verify {CertificateAuthorityPath}");
}

/// <summary>One url of an HTTP check.</summary>
public sealed record HttpUrl
{
    public HttpUrl(string path) => Path = path;

    public string Path { get; }
    /// <summary>MD5 of the body as 32 hex digits (any case); null: the body is not checked.</summary>
    public string? Digest { get; init; }
    /// <summary>Accepted status codes; empty: 200-299.</summary>
    public IReadOnlyList<HttpStatusRange> StatusCodes { get; init; } = Array.Empty<HttpStatusRange>();
    public string? VirtualHost { get; init; }
    /// <summary>keepalived's regex: the body must match (or, with <see cref="RegexNoMatch"/>, must not).</summary>
    public string? Regex { get; init; }
    public bool RegexNoMatch { get; init; }

    public IReadOnlyList<HttpStatusRange> EffectiveStatusCodes => StatusCodes.Count > 0 ? StatusCodes : HealthCheckDefaults.StatusCodes;

    public bool Accepts(int status) => EffectiveStatusCodes.Any(r => r.Contains(status));

    internal string Describe() => TcpHealthCheck.Join(
        Path,
        StatusCodes.Count == 0 ? "" : "status " + string.Join(',', StatusCodes),
        Digest is null ? "" : $"md5 {Digest.ToLowerInvariant()}",
        VirtualHost is null ? "" : $"host {VirtualHost}",
        Regex is null ? "" : $"{(RegexNoMatch ? "!~" : "~")} {Regex}");

    public bool Equals(HttpUrl? other)
        => other is not null && Path == other.Path && string.Equals(Digest, other.Digest, StringComparison.OrdinalIgnoreCase)
        && StatusCodes.SequenceEqual(other.StatusCodes) && VirtualHost == other.VirtualHost && Regex == other.Regex && RegexNoMatch == other.RegexNoMatch;

    public override int GetHashCode() => HashCode.Combine(Path, Digest?.ToLowerInvariant(), VirtualHost);
}

/// <summary>Status codes From..To (one code when equal), within 100-599.</summary>
public readonly record struct HttpStatusRange(int From, int To)
{
    public bool Contains(int status) => status >= From && status <= To;
    public override string ToString() => From == To ? $"{From}" : $"{From}-{To}";
}

public sealed record DnsHealthCheck : NetworkHealthCheck
{
    public override HealthCheckType Type => HealthCheckType.Dns;
    /// <summary>The name asked for; default the root.</summary>
    public string Name { get; init; } = HealthCheckDefaults.DnsName;
    public DnsRecordType RecordType { get; init; } = DnsRecordType.Soa;
    public override string Describe() => TcpHealthCheck.Join("DNS", RecordType.ToString().ToUpperInvariant(), Name, Connection.Describe());
}

/// <summary>The query types keepalived's DNS_CHECK accepts, with their wire values.</summary>
public enum DnsRecordType : ushort
{
    A = 1, NS = 2, Cname = 5, Soa = 6, MX = 15, Txt = 16, Aaaa = 28, Rrsig = 46, Dnskey = 48,
}

public sealed record SmtpHealthCheck : NetworkHealthCheck
{
    public override HealthCheckType Type => HealthCheckType.Smtp;
    public string HeloName { get; init; } = HealthCheckDefaults.SmtpHeloName;
    public override string Describe() => TcpHealthCheck.Join("SMTP", $"helo {HeloName}", Connection.Describe());
}

public sealed record UdpHealthCheck : NetworkHealthCheck
{
    public override HealthCheckType Type => HealthCheckType.Udp;
    /// <summary>The datagram sent; null: random bytes, as keepalived without payload.</summary>
    public byte[]? Payload { get; init; }
    /// <summary>require_reply: a reply must come; without it the check passes unless an ICMP error arrives.</summary>
    public bool RequireReply { get; init; }
    /// <summary>Hex digits the reply must start with; X (or x) matches any nibble. Null: any reply.</summary>
    public string? ReplyPattern { get; init; }
    public int MinReplyLength { get; init; }
    public int MaxReplyLength { get; init; } = HealthCheckDefaults.UdpMaxReplyLength;

    public override string Describe() => TcpHealthCheck.Join(
        "UDP",
        Payload is null ? "random" : Convert.ToHexString(Payload).ToLowerInvariant(),
        RequireReply ? $"reply {ReplyPattern ?? "*"} {MinReplyLength}-{MaxReplyLength}" : "",
        Connection.Describe());

    public bool Equals(UdpHealthCheck? other)
        => other is not null && base.Equals(other) && (Payload ?? Array.Empty<byte>()).AsSpan().SequenceEqual(other.Payload ?? Array.Empty<byte>())
        && (Payload is null) == (other.Payload is null) && RequireReply == other.RequireReply && ReplyPattern == other.ReplyPattern
        && MinReplyLength == other.MinReplyLength && MaxReplyLength == other.MaxReplyLength;

    public override int GetHashCode() => HashCode.Combine(base.GetHashCode(), Payload?.Length, ReplyPattern);
}

public sealed record PingHealthCheck : NetworkHealthCheck
{
    public override HealthCheckType Type => HealthCheckType.Ping;
    public override string Describe() => TcpHealthCheck.Join("PING", Connection.Describe());
}

/// <summary>MISC_CHECK: exit 0 passes, anything else fails; with <see cref="Dynamic"/> 1 fails and 2-255 pass with weight exit-2.</summary>
public sealed record ScriptHealthCheck : HealthCheck
{
    public ScriptHealthCheck(HealthCommand command) => Command = command;

    public override HealthCheckType Type => HealthCheckType.Script;
    public HealthCommand Command { get; }
    /// <summary>misc_timeout; null: the service's interval (keepalived uses the virtual server's delay_loop).</summary>
    public TimeSpan? Timeout { get; init; }
    /// <summary>misc_dynamic.</summary>
    public bool Dynamic { get; init; }

    public override string Describe() => TcpHealthCheck.Join("SCRIPT", Command.Text, Dynamic ? "dynamic" : "", Timeout is { } t ? $"timeout {t.TotalSeconds}s" : "");
}

/// <summary>
/// FILE_CHECK (track_file): the file holds an integer; value × <see cref="Weight"/> (negated with
/// <see cref="Reverse"/>) is added to the real server's weight. Weight 0: a non-zero value fails.
/// </summary>
public sealed record FileHealthCheck : HealthCheck
{
    public FileHealthCheck(string path) => Path = path;

    public override HealthCheckType Type => HealthCheckType.File;
    public string Path { get; }
    public int Weight { get; init; } = 1;
    public bool Reverse { get; init; }

    public override string Describe() => TcpHealthCheck.Join("FILE", Path, $"weight {Weight}", Reverse ? "reverse" : "");
}
