namespace LvsPS.Native.Health;

/// <summary>The kinds of check, one per keepalived checker block.</summary>
public enum HealthCheckType
{
    /// <summary>TCP_CHECK: the connection completes in time.</summary>
    Tcp,
    /// <summary>HTTP_GET: GET each url, check its status code and, optionally, the MD5 digest of its body.</summary>
    Http,
    /// <summary>SSL_GET: HTTP_GET over TLS.</summary>
    Https,
    /// <summary>DNS_CHECK: a UDP query answered with the same id, the QR bit and RCODE 0.</summary>
    Dns,
    /// <summary>SMTP_CHECK: 220 greeting, HELO answered with 250, QUIT.</summary>
    Smtp,
    /// <summary>UDP_CHECK: a datagram that draws no ICMP error, or the reply that is required.</summary>
    Udp,
    /// <summary>PING_CHECK: ICMP or ICMPv6 echo.</summary>
    Ping,
    /// <summary>MISC_CHECK: an executable or script block; exit 0 passes.</summary>
    Script,
    /// <summary>FILE_CHECK: a number read from a file changes the weight or fails the real server.</summary>
    File,
}
