namespace LvsPS.Native.Health;

/// <summary>
/// keepalived 2.2.7's defaults, which differ per checker type (check_api.c queue_checker,
/// check_http.c, check_dns.c, check_misc.c, check_data.c alloc_vs).
/// </summary>
public static class HealthCheckDefaults
{
    /// <summary>KEEPALIVED_DEFAULT_DELAY: delay_loop when no level sets it.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);
    /// <summary>BOOTSTRAP_DELAY: the fixed part of the first check's delay after start.</summary>
    public static readonly TimeSpan StartDelay = TimeSpan.FromSeconds(1);
    /// <summary>A script check that outlives its timeout gets SIGTERM, then SIGKILL this much later.</summary>
    public static readonly TimeSpan ScriptKillGrace = TimeSpan.FromSeconds(2);
    /// <summary>omega: the stop-time notify actions each get this long.</summary>
    public static readonly TimeSpan StopNotifyLimit = TimeSpan.FromSeconds(1);
    public const string SmtpHeloName = "smtpchecker.keepalived.org";
    public const string DnsName = ".";
    public const int UdpMaxReplyLength = 255;
    public const int HttpStatusMin = 100;
    public const int HttpStatusMax = 599;

    /// <summary>retry: 1, DNS 3, script 0.</summary>
    public static int Retry(HealthCheckType type) => type switch
    {
        HealthCheckType.Dns => 3,
        HealthCheckType.Script => 0,
        _ => 1,
    };

    /// <summary>delay_before_retry: 1 s, HTTP/HTTPS 3 s, DNS the check's interval.</summary>
    public static TimeSpan DelayBeforeRetry(HealthCheckType type, TimeSpan interval) => type switch
    {
        HealthCheckType.Http or HealthCheckType.Https => TimeSpan.FromSeconds(3),
        HealthCheckType.Dns => interval,
        _ => TimeSpan.FromSeconds(1),
    };

    /// <summary>The status codes a url accepts when it names none: 200-299.</summary>
    public static readonly IReadOnlyList<HttpStatusRange> StatusCodes = new[] { new HttpStatusRange(200, 299) };
}
