using System.Globalization;
using System.Management.Automation;
using LvsPS.Native.Configuration;
using LvsPS.Native.Files;
using LvsPS.Native.Health.Engine;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Metrics;
using LvsPS.Native.Proc;

namespace LvsPS.Commands;

/// <summary>Writes every IPVS counter, rate and real-server gauge in the Prometheus text format, to the pipeline or atomically to a file for node_exporter.</summary>
/// <remarks>
/// <para>Export-LvsMetric publishes what ipvsadm -Ln --stats --rate shows, in the Prometheus text exposition
/// format (0.0.4), shaped like node_exporter's ipvs collector with an lvs_ prefix:</para>
/// <para>- the whole table (from /proc/net/ip_vs_stats): lvs_connections_total, lvs_incoming_packets_total,
/// lvs_outgoing_packets_total, lvs_incoming_bytes_total, lvs_outgoing_bytes_total and the rate gauges
/// lvs_connection_rate, lvs_incoming_packet_rate, lvs_outgoing_packet_rate, lvs_incoming_byte_rate,
/// lvs_outgoing_byte_rate;</para>
/// <para>- per virtual service, the same as lvs_service_* with the labels protocol, address, port (or
/// protocol="fwmark", fwmark, family);</para>
/// <para>- per real server, lvs_backend_connections_active, lvs_backend_connections_inactive,
/// lvs_backend_connections_persistent, lvs_backend_weight and the counters and rates as lvs_backend_*, with
/// node_exporter's labels local_address, local_port, local_mark, remote_address, remote_port, proto.</para>
/// <para>- while health checks run in this pwsh (Start-LvsHealthCheck) for the namespace: lvs_health_up (1 while
/// the real server is in service) and lvs_health_weight per real server, lvs_health_check_up,
/// lvs_health_check_duration_seconds, lvs_health_check_probes_total, lvs_health_check_failures_total and
/// lvs_health_check_transitions_total per check, lvs_health_quorum_up per service and lvs_health_late_probes_total
/// per set of checks, with the same labels plus name (the set) and check (its type).</para>
/// <para>Without -Path the exposition is written to the pipeline as one string (for an HTTP listener or a push
/// to a Pushgateway). With -Path it is written for node_exporter's textfile collector
/// (--collector.textfile.directory): to a temporary file in the same directory, then renamed over the target,
/// so the collector never reads half a file. Run it from a timer every 15 to 60 seconds; the kernel refreshes its
/// rates every 2 seconds.</para>
/// </remarks>
/// <example title="For node_exporter's textfile collector">
/// <code>
/// Export-LvsMetric -Path /var/lib/prometheus/node-exporter/lvs.prom
/// </code>
/// <para>Writes lvs.prom atomically; a systemd timer running this every 30 s publishes LVS metrics with the node's.</para>
/// </example>
/// <example title="Look at the exposition">
/// <code>
/// Export-LvsMetric | Select-String 'lvs_backend_connections_active'
/// </code>
/// <para>Prints the active-connection gauge of every real server, one line each, like the ActiveConn column of ipvsadm -Ln.</para>
/// </example>
/// <example title="One file per director namespace">
/// <code>
/// 'lb1', 'lb2' | ForEach-Object { Export-LvsMetric -NetworkNamespace $_ -Path "/var/lib/node-exporter/lvs-$_.prom" }
/// </code>
/// <para>The series of both files have the same names; add a namespace label in the scrape configuration if they meet in one Prometheus.</para>
/// </example>
/// <input type="None">This cmdlet takes no pipeline input.</input>
/// <output type="System.String">Without -Path, the exposition text. Nothing with -Path.</output>
/// <seealso cref="GetLvsStatisticCommand"/>
/// <seealso cref="GetLvsVirtualServiceCommand"/>
[Cmdlet(VerbsData.Export, "LvsMetric")]
[OutputType(typeof(string))]
public sealed class ExportLvsMetricCommand : LvsCmdletBase
{
    /// <summary>The file to write, normally a .prom file in node_exporter's textfile directory. It is replaced atomically (written beside it, then renamed). Without -Path the text goes to the pipeline.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = null!;

    protected override void EndProcessing()
    {
        string? ns = ResolveNamespace(null);
        TryRun(ns, () =>
        {
            IReadOnlyList<VirtualService> services = IpvsadmOrder.Sort(Client(ns).GetVirtualServices());
            IpvsStatistics global = IpvsGlobalStatistics.Read(ns);
            string text = PrometheusExposition.ToText(services, global);
            // The health checks of this namespace, when any run in this pwsh.
            HealthEngineStatus[] health = Health.HealthCheckRegistry.All.Where(e => e.NetworkNamespace == ns && e.IsRunning).Select(e => e.GetStatus()).ToArray();
            if (health.Length > 0)
            {
                using var w = new StringWriter(CultureInfo.InvariantCulture);
                HealthExposition.Write(w, health);
                text += w.ToString();
            }
            WriteVerbose(string.Create(CultureInfo.InvariantCulture, $"{services.Count} services, {services.Sum(s => s.RealServers.Count)} real servers."));
            if (Path is null)
                WriteObject(text);
            else
                WriteAtomically(GetUnresolvedProviderPathFromPSPath(Path), text);
        });
        base.EndProcessing();
    }

    private void WriteAtomically(string file, string text)
    {
        if (!file.EndsWith(".prom", StringComparison.Ordinal))
            WriteWarning($"node_exporter's textfile collector reads only *.prom files; '{file}' will not be collected.");
        try
        {
            // The temporary file is hidden (a leading dot, no .prom), so the collector never reads half a file.
            AtomicFile.WriteAllText(file, text);
            WriteVerbose($"Wrote {file}.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError(ErrorMapper.Record(ErrorMapper.MetricFileNotWritten, e, file));
        }
    }
}
