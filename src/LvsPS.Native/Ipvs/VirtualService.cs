namespace LvsPS.Native.Ipvs;

/// <summary>A virtual service as the kernel holds it, with its real servers when they were read.</summary>
public sealed record VirtualService
{
    public const string DefaultScheduler = "wlc";
    /// <summary>ipvsadm's default persistence timeout when -p is given without a value.</summary>
    public const uint DefaultPersistenceTimeout = 360; // ipvsadm.c IPVS_SVC_PERSISTENT_TIMEOUT (6*60), checked in the lab

    public required VirtualServiceKey Key { get; init; }
    public string Scheduler { get; init; } = DefaultScheduler;
    public SchedulerFlags SchedulerFlags { get; init; }
    public bool Persistent { get; init; }
    /// <summary>Persistence timeout in seconds (meaningful when <see cref="Persistent"/>).</summary>
    public uint PersistenceTimeout { get; init; }
    /// <summary>Persistence granularity as a prefix length: 0–32 for IPv4, 1–128 for IPv6. Null = host (/32, /128).</summary>
    public int? PersistencePrefixLength { get; init; }
    public bool OnePacket { get; init; }
    /// <summary>Persistence engine ("sip"), or null.</summary>
    public string? PersistenceEngine { get; init; }
    public IpvsStatistics? Statistics { get; init; }
    public IReadOnlyList<RealServer> RealServers { get; init; } = Array.Empty<RealServer>();
    /// <summary>The network namespace it was read from (null: the caller's own).</summary>
    public string? NetworkNamespace { get; init; }

    public int EffectivePrefixLength => PersistencePrefixLength ?? (Key.Family == IpFamily.IPv6 ? 128 : 32);

    public override string ToString() => Key.ToString();
}

/// <summary>Traffic counters (64-bit) and rates of a service, a real server, or the whole table.</summary>
public sealed record IpvsStatistics
{
    public ulong Connections { get; init; }
    public ulong InPackets { get; init; }
    public ulong OutPackets { get; init; }
    public ulong InBytes { get; init; }
    public ulong OutBytes { get; init; }
    public ulong ConnectionsPerSecond { get; init; }
    public ulong InPacketsPerSecond { get; init; }
    public ulong OutPacketsPerSecond { get; init; }
    public ulong InBytesPerSecond { get; init; }
    public ulong OutBytesPerSecond { get; init; }
}

/// <summary>GET_INFO: the IPVS version and the connection hash table size.</summary>
public sealed record IpvsInfo(Version Version, uint ConnectionTableSize);

/// <summary>The three IPVS protocol timeouts in seconds (ipvsadm --set). 0 in a request means unchanged.</summary>
public sealed record IpvsTimeouts(uint TcpSeconds, uint TcpFinSeconds, uint UdpSeconds)
{
    public TimeSpan Tcp => TimeSpan.FromSeconds(TcpSeconds);
    public TimeSpan TcpFin => TimeSpan.FromSeconds(TcpFinSeconds);
    public TimeSpan Udp => TimeSpan.FromSeconds(UdpSeconds);
}
