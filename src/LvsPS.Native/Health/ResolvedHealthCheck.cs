using System.Net;
using LvsPS.Native.Ipvs;

namespace LvsPS.Native.Health;

/// <summary>A check's timing with every level's settings and keepalived's defaults applied.</summary>
public sealed record EffectiveTiming(
    TimeSpan Interval, int Retry, TimeSpan DelayBeforeRetry, TimeSpan Warmup, TimeSpan ConnectTimeout, bool Alpha, int Rise, int? Fall)
{
    /// <summary>Failed attempts retried before a passing check goes down.</summary>
    public int Retries => Fall is { } f ? f - 1 : Retry;
    /// <summary>HAProxy-style counting: rise/fall set, no keepalived start-up rule.</summary>
    public bool CountsRiseFall => Fall is not null || Rise > 1;
}

/// <summary>
/// One check as it runs: its definition, the endpoint it probes, its effective timing and, for
/// HTTP, the Host header and TLS server name of each url.
/// </summary>
public sealed record ResolvedHealthCheck(
    HealthCheck Check, IPEndPoint? Target, EffectiveTiming Timing, IReadOnlyList<string> UrlHosts, IReadOnlyList<string?> UrlServerNames,
    TimeSpan ScriptTimeout, string? SuspensionKey)
{
    public HealthCheckType Type => Check.Type;

    /// <summary>What makes two checks the same check (probed once for every real server that has it).</summary>
    internal string SharingKey => string.Join('|',
        Check.Describe(), Target?.ToString() ?? "", Timing.ToString(), string.Join(',', UrlHosts), string.Join(',', UrlServerNames),
        ScriptTimeout.Ticks, SuspensionKey ?? "", Check is ScriptHealthCheck { Command: ScriptBlockHealthCommand s } ? System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(s.Script) : 0);

    /// <summary>"HTTP GET /health on 10.0.0.7:80" and the like.</summary>
    public string Description => Check switch
    {
        HttpHealthCheck h => $"{(h.Tls is null ? "HTTP" : "HTTPS")} GET {string.Join(' ', h.Urls.Select(u => u.Path))} on {Format(Target!)}",
        ScriptHealthCheck s => $"script {s.Command.Text}",
        FileHealthCheck f => $"file {f.Path}",
        _ => $"{Type.ToString().ToUpperInvariant()} {Format(Target!)}",
    };

    internal static string Format(IPEndPoint e) => VirtualServiceKey.FormatEndpoint(e.Address, (ushort)e.Port);
}

/// <summary>Applies keepalived's inheritance (check ← real server ← service ← type default) to a service.</summary>
public static class HealthCheckResolver
{
    public static ResolvedHealthCheck Resolve(HealthCheckedService service, HealthCheckedRealServer realServer, HealthCheck check)
    {
        HealthCheckTiming t = check.Timing.Over(realServer.Timing.Over(service.Timing));
        TimeSpan serviceInterval = service.Timing.Interval ?? HealthCheckDefaults.Interval;
        TimeSpan interval = t.Interval ?? HealthCheckDefaults.Interval;
        var timing = new EffectiveTiming(
            interval,
            t.Retry ?? HealthCheckDefaults.Retry(check.Type),
            t.DelayBeforeRetry ?? HealthCheckDefaults.DelayBeforeRetry(check.Type, interval),
            t.Warmup ?? interval,
            t.ConnectTimeout ?? HealthCheckDefaults.ConnectTimeout,
            t.Alpha ?? false,
            t.Rise ?? 1,
            t.Fall);

        IPEndPoint? target = null;
        var hosts = new List<string>();
        var serverNames = new List<string?>();
        if (check is NetworkHealthCheck n)
        {
            RealServer rs = realServer.RealServer;
            target = new IPEndPoint(n.Connection.ConnectAddress ?? rs.Address, n.Connection.ConnectPort ?? rs.Port);
            if (n is HttpHealthCheck http)
                foreach (HttpUrl url in http.Urls)
                {
                    hosts.Add(url.VirtualHost ?? http.VirtualHost ?? realServer.VirtualHost ?? service.VirtualHost ?? ResolvedHealthCheck.Format(target));
                    // keepalived's SNI skips the real server's virtualhost (check_ssl.c).
                    serverNames.Add(http.Tls is { EnableSni: true } ? url.VirtualHost ?? http.VirtualHost ?? service.VirtualHost : null);
                }
        }
        TimeSpan scriptTimeout = check is ScriptHealthCheck s ? s.Timeout ?? serviceInterval : TimeSpan.Zero;
        return new ResolvedHealthCheck(check, target, timing, hosts, serverNames, scriptTimeout, SuspensionKey(service));
    }

    /// <summary>Checks of services that pause together share this key (null: never paused).</summary>
    public static string? SuspensionKey(HealthCheckedService service)
        => service.SuspendUnlessVrrpMaster is { } instance ? $"vrrp:{instance}"
         : service.HaSuspend && service.Service.Address is { } vip ? $"vip:{vip}"
         : null;

    /// <summary>
    /// keepalived's validation of quorum and hysteresis: the quorum is lowered to the sum of the
    /// configured weights, and a hysteresis of the quorum or more becomes quorum - 1 (all weights 0:
    /// quorum 0, hysteresis uint.MaxValue, as keepalived). Returns the effective pair and what changed.
    /// </summary>
    public static (uint Quorum, uint Hysteresis, IReadOnlyList<string> Notes) EffectiveQuorum(HealthCheckedService service)
    {
        var notes = new List<string>();
        ulong total = 0;
        foreach (HealthCheckedRealServer rs in service.RealServers)
            total += rs.RealServer.Weight;
        uint quorum = service.Quorum, hysteresis = service.Hysteresis;
        if (quorum > total)
        {
            notes.Add($"quorum {quorum} is more than the sum of the real servers' weights; lowered to {total}");
            quorum = (uint)total;
        }
        if (hysteresis >= quorum)
        {
            uint lowered = unchecked(quorum - 1);
            notes.Add($"hysteresis {hysteresis} is not below the quorum {quorum}; set to {lowered}");
            hysteresis = lowered;
        }
        return (quorum, hysteresis, notes);
    }
}
