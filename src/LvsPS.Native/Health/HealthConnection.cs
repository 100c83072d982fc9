using System.Net;

namespace LvsPS.Native.Health;

/// <summary>
/// Where a network check connects and from where (keepalived's connect_ip, connect_port,
/// bindto, bind_port, bind_if, fwmark). Unset connect address and port are the real server's.
/// </summary>
public sealed record HealthConnection
{
    public static readonly HealthConnection Default = new();

    public IPAddress? ConnectAddress { get; init; }
    public ushort? ConnectPort { get; init; }
    public IPAddress? BindAddress { get; init; }
    public ushort? BindPort { get; init; }
    /// <summary>SO_BINDTODEVICE; needed to reach an IPv6 link-local address.</summary>
    public string? BindInterface { get; init; }
    /// <summary>SO_MARK on the check's packets.</summary>
    public uint? FirewallMark { get; init; }

    internal string Describe()
    {
        var parts = new List<string>();
        if (BindAddress is not null || BindPort is not null)
            parts.Add($"from {BindAddress?.ToString() ?? "*"}:{BindPort ?? 0}");
        if (BindInterface is not null)
            parts.Add($"dev {BindInterface}");
        if (FirewallMark is not null)
            parts.Add($"mark {FirewallMark}");
        return string.Join(' ', parts);
    }
}
