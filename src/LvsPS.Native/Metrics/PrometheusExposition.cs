using System.Globalization;
using System.Net;
using LvsPS.Native.Ipvs;

namespace LvsPS.Native.Metrics;

/// <summary>
/// IPVS counters and gauges in the Prometheus text format (0.0.4), shaped like
/// node_exporter's ipvs collector with an <c>lvs_</c> prefix:
/// <list type="bullet">
/// <item>whole table (unlabelled, from /proc/net/ip_vs_stats): <c>lvs_connections_total</c>,
/// <c>lvs_incoming_packets_total</c>, <c>lvs_outgoing_packets_total</c>, <c>lvs_incoming_bytes_total</c>,
/// <c>lvs_outgoing_bytes_total</c> and the rate gauges <c>lvs_connection_rate</c>,
/// <c>lvs_incoming_packet_rate</c>, <c>lvs_outgoing_packet_rate</c>, <c>lvs_incoming_byte_rate</c>, <c>lvs_outgoing_byte_rate</c>;</item>
/// <item>per virtual service, the same as <c>lvs_service_*</c> with <c>protocol</c>, <c>address</c>,
/// <c>port</c> (or <c>protocol="fwmark"</c>, <c>fwmark</c>, <c>family</c>);</item>
/// <item>per real server, <c>lvs_backend_connections_active</c>, <c>_inactive</c>, <c>_persistent</c>,
/// <c>lvs_backend_weight</c> and the counters and rates as <c>lvs_backend_*</c>, with node_exporter's
/// labels <c>local_address</c>, <c>local_port</c>, <c>local_mark</c>, <c>remote_address</c>,
/// <c>remote_port</c>, <c>proto</c> (TCP, UDP, SCTP, FWM).</item>
/// </list>
/// Service and backend series use their own names so that summing a family never counts a
/// packet twice. Services, real servers and families come out in a fixed order.
/// </summary>
public static class PrometheusExposition
{
    /// <summary>The Content-Type of the format, for an HTTP endpoint.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private sealed record Family(string Suffix, string Type, string Help, Func<IpvsStatistics, ulong> Value);

    private static readonly Family[] Traffic =
    [
        new("connections_total", "counter", "The total number of connections made.", s => s.Connections),
        new("incoming_packets_total", "counter", "The total number of incoming packets.", s => s.InPackets),
        new("outgoing_packets_total", "counter", "The total number of outgoing packets.", s => s.OutPackets),
        new("incoming_bytes_total", "counter", "The total amount of incoming data in bytes.", s => s.InBytes),
        new("outgoing_bytes_total", "counter", "The total amount of outgoing data in bytes.", s => s.OutBytes),
        new("connection_rate", "gauge", "New connections per second (kernel estimate over the last seconds).", s => s.ConnectionsPerSecond),
        new("incoming_packet_rate", "gauge", "Incoming packets per second (kernel estimate).", s => s.InPacketsPerSecond),
        new("outgoing_packet_rate", "gauge", "Outgoing packets per second (kernel estimate).", s => s.OutPacketsPerSecond),
        new("incoming_byte_rate", "gauge", "Incoming bytes per second (kernel estimate).", s => s.InBytesPerSecond),
        new("outgoing_byte_rate", "gauge", "Outgoing bytes per second (kernel estimate).", s => s.OutBytesPerSecond),
    ];

    private sealed record BackendGauge(string Name, string Help, Func<RealServer, ulong> Value);

    private static readonly BackendGauge[] BackendGauges =
    [
        new("lvs_backend_connections_active", "The current active connections by local and remote address.", r => r.ActiveConnections),
        new("lvs_backend_connections_inactive", "The current inactive connections by local and remote address.", r => r.InactiveConnections),
        new("lvs_backend_connections_persistent", "The current persistence templates pointing at the backend.", r => r.PersistentConnections),
        new("lvs_backend_weight", "The current backend weight by local and remote address.", r => r.Weight),
    ];

    /// <summary>Writes the exposition.</summary>
    /// <param name="writer">Where to write; lines end with '\n' whatever the platform.</param>
    /// <param name="servicesWithRealServers">Services as read with their real servers (and statistics, when read with them).</param>
    /// <param name="global">The whole table's statistics (from <c>IpvsGlobalStatistics.Read</c>), or null to leave them out.</param>
    public static void Write(TextWriter writer, IEnumerable<VirtualService> servicesWithRealServers, IpvsStatistics? global)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(servicesWithRealServers);
        var text = new PrometheusText(writer);
        VirtualService[] services = servicesWithRealServers.OrderBy(s => s.Key, KeyOrder.Instance).ToArray();
        var backends = services
            .SelectMany(s => s.RealServers.OrderBy(r => r, KeyOrder.Instance).Select(r => (Service: s, RealServer: r, Labels: BackendLabels(s.Key, r))))
            .ToArray();

        if (global != null)
        {
            var none = Array.Empty<KeyValuePair<string, string>>();
            foreach (Family f in Traffic)
            {
                text.Family("lvs_" + f.Suffix, f.Type, f.Help + " (the whole IPVS table)");
                text.Sample("lvs_" + f.Suffix, none, f.Value(global));
            }
        }

        var withStats = services.Where(s => s.Statistics != null).Select(s => (Stats: s.Statistics!, Labels: ServiceLabels(s.Key))).ToArray();
        if (withStats.Length > 0)
        {
            foreach (Family f in Traffic)
            {
                string name = "lvs_service_" + f.Suffix;
                text.Family(name, f.Type, f.Help + " (per virtual service)");
                foreach (var (stats, labels) in withStats)
                    text.Sample(name, labels, f.Value(stats));
            }
        }

        if (backends.Length > 0)
        {
            foreach (BackendGauge g in BackendGauges)
            {
                text.Family(g.Name, "gauge", g.Help);
                foreach (var b in backends)
                    text.Sample(g.Name, b.Labels, g.Value(b.RealServer));
            }
        }

        var backendStats = backends.Where(b => b.RealServer.Statistics != null).ToArray();
        if (backendStats.Length > 0)
        {
            foreach (Family f in Traffic)
            {
                string name = "lvs_backend_" + f.Suffix;
                text.Family(name, f.Type, f.Help + " (per real server)");
                foreach (var b in backendStats)
                    text.Sample(name, b.Labels, f.Value(b.RealServer.Statistics!));
            }
        }
    }

    /// <summary>The exposition as a string.</summary>
    public static string ToText(IEnumerable<VirtualService> servicesWithRealServers, IpvsStatistics? global)
    {
        using var w = new StringWriter(CultureInfo.InvariantCulture);
        Write(w, servicesWithRealServers, global);
        return w.ToString();
    }

    private static KeyValuePair<string, string>[] ServiceLabels(VirtualServiceKey key) => key.IsFirewallMark
        ? [new("protocol", "fwmark"), new("fwmark", Number(key.FirewallMark)), new("family", key.Family == IpFamily.IPv6 ? "ipv6" : "ipv4")]
        : [new("protocol", VirtualServiceKey.ProtocolName(key.Protocol)), new("address", key.Address!.ToString()), new("port", Number(key.Port))];

    /// <summary>node_exporter's backend labels: a firewall-mark service has an empty local address, port 0 and its mark.</summary>
    private static KeyValuePair<string, string>[] BackendLabels(VirtualServiceKey key, RealServer r) =>
    [
        new("local_address", key.IsFirewallMark ? "" : key.Address!.ToString()),
        new("local_port", Number(key.Port)),
        new("local_mark", key.IsFirewallMark ? Number(key.FirewallMark) : ""),
        new("remote_address", r.Address.ToString()),
        new("remote_port", Number(r.Port)),
        new("proto", key.Protocol switch
        {
            IpvsProtocol.Tcp => "TCP",
            IpvsProtocol.Udp => "UDP",
            IpvsProtocol.Sctp => "SCTP",
            _ => "FWM",
        }),
    ];

    private static string Number(ulong n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>Address services (TCP, UDP, SCTP) before firewall marks, then family, address bytes, port, mark; real servers by address bytes and port.</summary>
    private sealed class KeyOrder : IComparer<VirtualServiceKey>, IComparer<RealServer>
    {
        public static readonly KeyOrder Instance = new();

        public int Compare(VirtualServiceKey? x, VirtualServiceKey? y)
        {
            if (ReferenceEquals(x, y)) return 0;
            if (x is null) return -1;
            if (y is null) return 1;
            int c = x.IsFirewallMark.CompareTo(y.IsFirewallMark);
            if (c == 0) c = x.Protocol.CompareTo(y.Protocol);
            if (c == 0) c = x.Family.CompareTo(y.Family);
            if (c == 0) c = CompareAddresses(x.Address, y.Address);
            if (c == 0) c = x.Port.CompareTo(y.Port);
            if (c == 0) c = x.FirewallMark.CompareTo(y.FirewallMark);
            return c;
        }

        public int Compare(RealServer? x, RealServer? y)
        {
            if (ReferenceEquals(x, y)) return 0;
            if (x is null) return -1;
            if (y is null) return 1;
            int c = CompareAddresses(x.Address, y.Address);
            return c != 0 ? c : x.Port.CompareTo(y.Port);
        }

        private static int CompareAddresses(IPAddress? a, IPAddress? b)
        {
            if (a is null || b is null)
                return a is null ? (b is null ? 0 : -1) : 1;
            int c = a.AddressFamily.CompareTo(b.AddressFamily);
            return c != 0 ? c : a.GetAddressBytes().AsSpan().SequenceCompareTo(b.GetAddressBytes());
        }
    }
}
