using System.Net;
using System.Net.Sockets;
using static LvsPS.Native.Interop.ip_vs_h;

namespace LvsPS.Native.Ipvs;

/// <summary>Checks a sync daemon before anything is sent (the kernel would refuse, truncate or misread it).</summary>
public static class SyncDaemonValidation
{

    /// <summary>IFNAMSIZ less the NUL (IP_VS_IFNAME_MAXLEN is 16).</summary>
    public const int MaxInterfaceNameLength = IP_VS_IFNAME_MAXLEN - 1;
    public const uint MaxSyncId = 255;

    public static void Validate(SyncDaemon d)
    {
        ValidateState(d.State);
        if (string.IsNullOrEmpty(d.Interface) || d.Interface.Length > MaxInterfaceNameLength
            || d.Interface.Any(c => c <= ' ' || c == '/' || c == ':' || c > '~'))
            Fail(IpvsRule.InvalidSyncInterface, $"'{d.Interface}' is not a network interface name: 1 to {MaxInterfaceNameLength} printable characters without spaces, '/' or ':'.");
        if (d.SyncId > MaxSyncId)
            Fail(IpvsRule.SyncIdOutOfRange, $"The sync id must be from 0 to {MaxSyncId}, not {d.SyncId} (the kernel keeps one byte).");
        if (d.MaxLength == 0)
            Fail(IpvsRule.SyncMaxLengthOutOfRange, "The maximum sync message length must be at least 1 (without one, the interface's MTU decides).");
        if (d.MulticastGroup is { } group && !IsMulticast(group))
            Fail(IpvsRule.InvalidMulticastGroup, $"'{group}' is not a multicast group: those are IPv4 224.0.0.0/4 and IPv6 ff00::/8 (the default is {SyncDaemon.DefaultMulticastGroup}).");
        if (d.Port == 0)
            Fail(IpvsRule.SyncPortOutOfRange, $"The sync port must be from 1 to 65535 (the default is {SyncDaemon.DefaultPort}).");
        if (d.Ttl == 0)
            Fail(IpvsRule.TtlOutOfRange, $"The multicast TTL must be from 1 to 255 (the default is {SyncDaemon.DefaultTtl}).");
    }

    public static void ValidateState(SyncDaemonState state)
    {
        if (state is not (SyncDaemonState.Master or SyncDaemonState.Backup))
            Fail(IpvsRule.UnknownSyncDaemonState, $"A sync daemon is either Master or Backup, not {(uint)state}.");
    }

    private static bool IsMulticast(IPAddress address)
    {
        IPAddress a = VirtualServiceKey.Normalize(address);
        return a.AddressFamily switch
        {
            AddressFamily.InterNetwork => (a.GetAddressBytes()[0] & 0xf0) == 0xe0,
            AddressFamily.InterNetworkV6 => a.IsIPv6Multicast,
            _ => false,
        };
    }

    private static void Fail(IpvsRule rule, string message) => throw new IpvsValidationException(rule, message);
}
