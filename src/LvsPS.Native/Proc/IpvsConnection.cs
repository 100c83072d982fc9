using System.Net;
using LvsPS.Native.Ipvs;

namespace LvsPS.Native.Proc;

/// <summary>Which director created a connection entry (the Origin column of /proc/net/ip_vs_conn_sync).</summary>
public enum ConnectionOrigin
{
    /// <summary>Scheduled by this director.</summary>
    Local,
    /// <summary>Received from a master director by the backup sync daemon.</summary>
    Sync,
}

/// <summary>
/// One row of the IPVS connection table (/proc/net/ip_vs_conn): a client's connection to a
/// virtual service and the real server it was scheduled to, or a persistence template.
/// </summary>
public sealed record IpvsConnection
{
    /// <summary>The protocol as the kernel prints it: TCP, UDP, SCTP, IP (firewall-mark templates), ICMP, IP_50, …</summary>
    public required string Protocol { get; init; }
    /// <summary>The IP protocol number (6, 17, 132; 0 for "IP").</summary>
    public required int ProtocolNumber { get; init; }
    /// <summary>The family of the client and virtual addresses.</summary>
    public IpFamily Family => VirtualServiceKey.FamilyOf(ClientAddress);
    public required IPAddress ClientAddress { get; init; }
    public ushort ClientPort { get; init; }
    /// <summary>The virtual address; for a firewall-mark template, the mark encoded as an address (see <see cref="FirewallMark"/>).</summary>
    public required IPAddress VirtualAddress { get; init; }
    public ushort VirtualPort { get; init; }
    /// <summary>The real server; of another family than the row for mixed-family tunnels.</summary>
    public required IPAddress RealServerAddress { get; init; }
    public ushort RealServerPort { get; init; }
    /// <summary>The state as the kernel prints it: ESTABLISHED, SYN_RECV, TIME_WAIT, FIN_WAIT, CLOSE_WAIT, UDP, NONE, ASSURED (templates), …</summary>
    public required string State { get; init; }
    /// <summary>Time left before the entry expires (whole seconds).</summary>
    public TimeSpan Expires { get; init; }
    /// <summary>
    /// A persistence template rather than a connection. The kernel does not print its template
    /// flag; templates are the rows with client port 0 (the persistence key is the client
    /// address, masked by the persistence netmask).
    /// </summary>
    public bool IsTemplate { get; init; }
    /// <summary>For a template of a firewall-mark service (protocol "IP"), the mark; else null.</summary>
    public uint? FirewallMark { get; init; }
    /// <summary>Persistence engine of a template ("sip"), or null. Not in ip_vs_conn_sync.</summary>
    public string? PersistenceEngine { get; init; }
    /// <summary>Persistence engine data (the SIP Call-ID), or null.</summary>
    public string? PersistenceEngineData { get; init; }
    /// <summary>Local or Sync when read from ip_vs_conn_sync; null when read from ip_vs_conn.</summary>
    public ConnectionOrigin? Origin { get; init; }
    /// <summary>The network namespace it was read from (null: the caller's own).</summary>
    public string? NetworkNamespace { get; init; }

    public string ClientEndpoint => VirtualServiceKey.FormatEndpoint(ClientAddress, ClientPort);
    public string VirtualEndpoint => VirtualServiceKey.FormatEndpoint(VirtualAddress, VirtualPort);
    public string RealServerEndpoint => VirtualServiceKey.FormatEndpoint(RealServerAddress, RealServerPort);

    public override string ToString() => $"{Protocol} {ClientEndpoint} -> {VirtualEndpoint} -> {RealServerEndpoint} {State}";
}
