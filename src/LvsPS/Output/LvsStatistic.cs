using LvsPS.Native.Ipvs;

namespace LvsPS;

/// <summary>What a row of Get-LvsStatistic counts: the whole table, one virtual service, or one real server.</summary>
public enum LvsStatisticKind
{
    Global,
    Service,
    RealServer,
}

/// <summary>
/// One row of Get-LvsStatistic: the counters and rates of the whole table, a service or a real
/// server, flat so that Format-Table, Sort-Object, ConvertTo-Json and Export-Csv work on it directly.
/// Every value is text or a number (Kind is its name).
/// </summary>
public sealed record LvsStatistic
{
    /// <summary>Global, Service or RealServer.</summary>
    public required string Kind { get; init; }
    /// <summary>"total", the service identity ("tcp/10.0.0.3:80"), or the real server's ("tcp/10.0.0.3:80 -> 10.0.0.7:80").</summary>
    public required string Name { get; init; }
    /// <summary>The service identity of a Service or RealServer row (tcp/10.0.0.3:80); null for the Global row.</summary>
    public string? VirtualService { get; init; }
    /// <summary>The real server's address:port of a RealServer row, else null.</summary>
    public string? RealServer { get; init; }
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
    /// <summary>The network namespace it was read from (null: the current one).</summary>
    public string? NetworkNamespace { get; init; }

    /// <summary>The service of a Service or RealServer row, for the views.</summary>
    internal VirtualServiceKey? Key { get; init; }

    public const string GlobalName = "total";

    public static LvsStatistic Global(IpvsStatistics s, string? networkNamespace) => From(s, LvsStatisticKind.Global, GlobalName, null, null, networkNamespace);

    public static LvsStatistic Of(VirtualService s)
        => From(s.Statistics, LvsStatisticKind.Service, s.Key.ToString(), s.Key, null, s.NetworkNamespace);

    public static LvsStatistic Of(RealServer d)
        => From(d.Statistics, LvsStatisticKind.RealServer, d.ToString(), d.VirtualService, d.Endpoint, d.NetworkNamespace);

    private static LvsStatistic From(IpvsStatistics? s, LvsStatisticKind kind, string name, VirtualServiceKey? service, string? realServer, string? ns)
    {
        s ??= new IpvsStatistics();
        return new LvsStatistic
        {
            Kind = kind.ToString(), Name = name, VirtualService = service?.ToString(), Key = service, RealServer = realServer, NetworkNamespace = ns,
            Connections = s.Connections, InPackets = s.InPackets, OutPackets = s.OutPackets, InBytes = s.InBytes, OutBytes = s.OutBytes,
            ConnectionsPerSecond = s.ConnectionsPerSecond, InPacketsPerSecond = s.InPacketsPerSecond, OutPacketsPerSecond = s.OutPacketsPerSecond,
            InBytesPerSecond = s.InBytesPerSecond, OutBytesPerSecond = s.OutBytesPerSecond,
        };
    }

    public override string ToString() => Name;
}
