using LvsPS.Native.Health;
using LvsPS.Native.Health.Engine;
using LvsPS.Native.Ipvs;

namespace LvsPS.Native.Metrics;

/// <summary>
/// Health checks in the Prometheus text format, next to <see cref="PrometheusExposition"/>'s IPVS
/// counters: per real server whether it is alive and its weight in IPVS, per check its state, last
/// duration and counters, per service the quorum, per set of checks its late probes. Real servers
/// carry node_exporter's backend labels plus the name of the set of checks.
/// </summary>
public static class HealthExposition
{
    public static void Write(TextWriter writer, IEnumerable<HealthEngineStatus> engines)
    {
        HealthEngineStatus[] all = engines.ToArray();
        if (all.Length == 0)
            return;
        var text = new PrometheusText(writer);
        var servers = all.SelectMany(e => e.Services.SelectMany(s => s.RealServers.Select(r => (Engine: e, Service: s, RealServer: r)))).ToArray();
        var checks = servers.SelectMany(x => x.RealServer.Checks.Select(c => (x.Engine, x.Service, x.RealServer, Check: c))).ToArray();

        text.Family("lvs_health_up", "gauge", "1 while the real server is in service (every check passes), 0 while health checks keep it out");
        foreach (var x in servers)
            text.Sample("lvs_health_up", Labels(x.Engine, x.Service.Service, x.RealServer.RealServer), x.RealServer.Alive ? 1ul : 0ul);
        text.Family("lvs_health_weight", "gauge", "The weight health checks gave the real server in IPVS (0 while inhibited; absent while removed)");
        foreach (var x in servers.Where(x => x.RealServer.InTable))
            text.Sample("lvs_health_weight", Labels(x.Engine, x.Service.Service, x.RealServer.RealServer), x.RealServer.TableWeight ?? 0);
        text.Family("lvs_health_check_up", "gauge", "1 while the check passes, 0 while it is down (absent before its first result)");
        foreach (var x in checks.Where(x => x.Check.State != HealthState.Unknown))
            text.Sample("lvs_health_check_up", CheckLabels(x.Engine, x.Service.Service, x.RealServer.RealServer, x.Check), x.Check.State == HealthState.Up ? 1ul : 0ul);
        text.Family("lvs_health_check_duration_seconds", "gauge", "How long the last probe of the check took");
        foreach (var x in checks.Where(x => x.Check.LastResult is not null))
            text.Sample("lvs_health_check_duration_seconds", CheckLabels(x.Engine, x.Service.Service, x.RealServer.RealServer, x.Check), x.Check.LastResult!.Value.Duration.TotalSeconds);
        text.Family("lvs_health_check_probes_total", "counter", "Probes the check has run");
        foreach (var x in checks)
            text.Sample("lvs_health_check_probes_total", CheckLabels(x.Engine, x.Service.Service, x.RealServer.RealServer, x.Check), (ulong)x.Check.Probes);
        text.Family("lvs_health_check_failures_total", "counter", "Probes of the check that failed");
        foreach (var x in checks)
            text.Sample("lvs_health_check_failures_total", CheckLabels(x.Engine, x.Service.Service, x.RealServer.RealServer, x.Check), (ulong)x.Check.Failures);
        text.Family("lvs_health_check_transitions_total", "counter", "Times the check went up or down");
        foreach (var x in checks)
            text.Sample("lvs_health_check_transitions_total", CheckLabels(x.Engine, x.Service.Service, x.RealServer.RealServer, x.Check), (ulong)x.Check.Transitions);
        text.Family("lvs_health_quorum_up", "gauge", "1 while the service has its quorum of live weight, 0 while it is lost (the sorry server serves, if any)");
        foreach (HealthEngineStatus e in all)
            foreach (ServiceHealthStatus s in e.Services)
                text.Sample("lvs_health_quorum_up", ServiceLabels(e, s.Service), s.QuorumUp ? 1ul : 0ul);
        text.Family("lvs_health_late_probes_total", "counter", "Probes that started 100 ms or more after they were due");
        foreach (HealthEngineStatus e in all)
            text.Sample("lvs_health_late_probes_total", new[] { new KeyValuePair<string, string>("name", e.Name) }, (ulong)e.Statistics.LateProbes);
    }

    private static KeyValuePair<string, string>[] ServiceLabels(HealthEngineStatus e, VirtualServiceKey key)
        =>
        [
            new("name", e.Name),
            new("local_address", key.IsFirewallMark ? "" : key.Address!.ToString()),
            new("local_port", key.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("local_mark", key.IsFirewallMark ? key.FirewallMark.ToString(System.Globalization.CultureInfo.InvariantCulture) : ""),
            new("proto", key.Protocol switch { IpvsProtocol.Tcp => "TCP", IpvsProtocol.Udp => "UDP", IpvsProtocol.Sctp => "SCTP", _ => "FWM" }),
        ];

    private static KeyValuePair<string, string>[] Labels(HealthEngineStatus e, VirtualServiceKey key, RealServer r)
        => [.. ServiceLabels(e, key), new("remote_address", r.Address.ToString()), new("remote_port", r.Port.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    private static KeyValuePair<string, string>[] CheckLabels(HealthEngineStatus e, VirtualServiceKey key, RealServer r, HealthCheckStatus c)
        => [.. Labels(e, key, r), new("check", c.Check.Type.ToString().ToLowerInvariant()), new("check_id", c.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))];
}
