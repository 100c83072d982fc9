using LvsPS.Native.Runtime;

namespace LvsPS.Native.Health;

/// <summary>
/// One check's up/down state and retry counters, with keepalived 2.2.7's rules per checker type
/// (each type's epilog in check_tcp.c, check_http.c, check_udp.c, check_ping.c, check_dns.c,
/// check_smtp.c, check_misc.c). A result returns what to report (up, down or nothing) and when
/// to probe again. Pure; the monitor owns the clock and the real servers.
/// </summary>
internal sealed partial class CheckerState
{
    public CheckerState(int id, ResolvedHealthCheck check)
    {
        Id = id;
        Check = check;
        IsUp = !check.Timing.Alpha;
        // keepalived: "for non alpha mode, one failure is enough initially" (retry_it = retry at start).
        RetryIt = check.Timing.CountsRiseFall ? 0 : check.Timing.Retries;
        UrlIt = 0;
        if (check.Timing.CountsRiseFall)
            _counter = new RiseFallCounter(check.Timing.Rise, check.Timing.Retries + 1, check.Timing.Alpha ? RiseFallStart.FullyDown : RiseFallStart.FullyUp);
    }

    /// <summary>Rise/fall mode: the runtime's counter (the one VRRP track scripts use).</summary>
    private readonly RiseFallCounter? _counter;

    public int Id { get; }
    public ResolvedHealthCheck Check { get; }
    public EffectiveTiming Timing => Check.Timing;
    public HealthCheckType Type => Check.Type;

    public bool IsUp { get; set; }
    /// <summary>keepalived's has_run: a result has been reported.</summary>
    public bool HasRun { get; set; }
    /// <summary>keepalived's retry_it: failed attempts counted towards the retries.</summary>
    public int RetryIt { get; private set; }
    /// <summary>HTTP: the url to check next (keepalived's url_it); null past the last.</summary>
    public int? UrlIt { get; private set; }
    /// <summary>HTTP: the url that failed and is retried alone (keepalived's failed_url).</summary>
    public int? FailedUrl { get; private set; }

    /// <summary>The url the next probe asks for (null: all of them, in rise/fall mode).</summary>
    public int? NextUrl => Check.Check is HttpHealthCheck && !Timing.CountsRiseFall ? FailedUrl ?? UrlIt ?? 0 : null;

    /// <summary>
    /// Applies one probe's pass or failure. <paramref name="report"/>: true = up, false = down,
    /// null = nothing to report (a retry is pending, or the state is already known).
    /// </summary>
    public TimeSpan OnResult(bool passed, out bool? report)
    {
        if (Timing.CountsRiseFall)
            return RiseFall(passed, out report);
        return Type switch
        {
            HealthCheckType.Http or HealthCheckType.Https => Http(passed, out report),
            HealthCheckType.Tcp => Tcp(passed, out report),
            _ => Standard(passed, out report),
        };
    }

    /// <summary>UDP, PING, DNS, SMTP and MISC: retries only while up.</summary>
    private TimeSpan Standard(bool passed, out bool? report)
    {
        report = null;
        if (passed)
        {
            RetryIt = 0;
            if (!IsUp || !HasRun)
                report = true;
            HasRun = true;
            return Timing.Interval;
        }
        if (IsUp || !HasRun)
        {
            if (RetryIt < Timing.Retries)
            {
                RetryIt++;
                HasRun = true;
                return Timing.DelayBeforeRetry;
            }
            RetryIt = 0;
            report = false;
        }
        HasRun = true;
        return Timing.Interval;
    }

    /// <summary>TCP_CHECK in 2.2.7: a down check still alternates delay_before_retry retries with delay_loop.</summary>
    private TimeSpan Tcp(bool passed, out bool? report)
    {
        report = null;
        TimeSpan delay;
        if (passed || RetryIt >= Timing.Retries)
        {
            delay = Timing.Interval;
            RetryIt = 0;
            if (passed && (!IsUp || !HasRun))
                report = true;
            else if (!passed && (IsUp || !HasRun))
                report = false;
        }
        else
        {
            delay = Timing.DelayBeforeRetry;
            RetryIt++;
        }
        HasRun = true;
        return delay;
    }

    /// <summary>
    /// HTTP_GET/SSL_GET: one url per interval while up; a url that fails after its retries takes
    /// the check down and is then retried alone every max(interval, delay_before_retry); once it
    /// passes every url is checked again from the first, and the check comes up after the last.
    /// </summary>
    private TimeSpan Http(bool passed, out bool? report)
    {
        report = null;
        var http = (HttpHealthCheck)Check.Check;
        int current = FailedUrl ?? UrlIt ?? 0;
        if (passed)
        {
            UrlIt = current + 1 < http.Urls.Count ? current + 1 : null;
            RetryIt = 0;
            if (UrlIt is null && FailedUrl is null)
            {
                if (!IsUp || !HasRun)
                    report = true;
                HasRun = true;
                UrlIt = 0;
                RetryIt = 0;
            }
            else if (FailedUrl is not null)
            {
                FailedUrl = null;
                UrlIt = 0;
                RetryIt = 0;
            }
            if (!HasRun)
                RetryIt = Timing.Retries;
        }
        else
        {
            UrlIt = current;
            RetryIt++;
            if (RetryIt > Timing.Retries)
            {
                if (IsUp || !HasRun)
                    report = false;
                FailedUrl = current;
            }
        }
        // A report makes the monitor set HasRun (keepalived's update_svr_checker_state) before the next decision.
        bool hasRun = HasRun || report is not null;
        if (http.FastRecovery && (!hasRun || (!(report ?? IsUp) && FailedUrl is null)))
            return TimeSpan.Zero;
        if (passed)
            return Timing.Interval;
        return FailedUrl is not null ? Max(Timing.DelayBeforeRetry, Timing.Interval) : Timing.DelayBeforeRetry;
    }

    /// <summary>HAProxy-style: down after Fall failures in a row, up after Rise passes in a row, both counted every delay_before_retry.</summary>
    private TimeSpan RiseFall(bool passed, out bool? report)
    {
        RiseFallCounter counter = _counter!;
        bool changed = counter.Record(passed);
        report = changed || !HasRun ? counter.IsUp : null;
        HasRun = true;
        bool inTransition = counter.IsRetrying || (!counter.IsUp && counter.Health > 0);
        return inTransition ? Timing.DelayBeforeRetry : Timing.Interval;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
