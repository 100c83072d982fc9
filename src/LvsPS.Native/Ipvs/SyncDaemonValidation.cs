using System.Net;
using System.Net.Sockets;
using static LvsPS.Native.Interop.ip_vs_h;

namespace LvsPS.Native.Ipvs;

/// <summary>Checks a sync daemon before anything is sent (the kernel would refuse, truncate or misread it).</summary>
public static class SyncDaemonValidation
{
    public const string UnknownSyncDaemonState = nameof(UnknownSyncDaemonState);
    public const string InvalidSyncInterface = nameof(InvalidSyncInterface);
    public const string SyncIdOutOfRange = nameof(SyncIdOutOfRange);
    public const string SyncMaxLengthOutOfRange = nameof(SyncMaxLengthOutOfRange);
    public const string InvalidMulticastGroup = nameof(InvalidMulticastGroup);
    public const string SyncPortOutOfRange = nameof(SyncPortOutOfRange);
    public const string TtlOutOfRange = nameof(TtlOutOfRange);

    /// <summary>IFNAMSIZ less the NUL (IP_VS_IFNAME_MAXLEN is 16).</summary>
    public const int MaxInterfaceNameLength = IP_VS_IFNAME_MAXLEN - 1;
    public const uint MaxSyncId = 255;

    public static void Validate(SyncDaemon d)
    {
        ValidateState(d.State);
        if (string.IsNullOrEmpty(d.Interface) || d.Interface.Length > MaxInterfaceNameLength
            || d.Interface.Any(c => c <= ' ' || c == '/' || c == ':' || c > '~'))
            Fail(InvalidSyncInterface, $"'{d.Interface}' is not a network interface name: 1 to {MaxInterfaceNameLength} printable characters without spaces, '/' or ':'.");
        if (d.SyncId > MaxSyncId)
            Fail(SyncIdOutOfRange, $"The sync id must be from 0 to {MaxSyncId}, not {d.SyncId} (the kernel keeps one byte).");
        if (d.MaxLength == 0)
            Fail(SyncMaxLengthOutOfRange, "The maximum sync message length must be at least 1; leave it out for the interface's default.");
        if (d.MulticastGroup is { } group && !IsMulticast(group))
            Fail(InvalidMulticastGroup, $"'{group}' is not a multicast group: use an IPv4 address in 224.0.0.0/4 or an IPv6 address in ff00::/8 (the default is {SyncDaemon.DefaultMulticastGroup}).");
        if (d.Port == 0)
            Fail(SyncPortOutOfRange, $"The sync port must be from 1 to 65535; leave it out for the default {SyncDaemon.DefaultPort}.");
        if (d.Ttl == 0)
            Fail(TtlOutOfRange, $"The multicast TTL must be from 1 to 255; leave it out for the default {SyncDaemon.DefaultTtl}.");
    }

    public static void ValidateState(SyncDaemonState state)
    {
        if (state is not (SyncDaemonState.Master or SyncDaemonState.Backup))
            Fail(UnknownSyncDaemonState, $"A sync daemon is either Master or Backup, not {(uint)state}.");
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

    private static void Fail(string id, string message) => throw new IpvsValidationException(id, message);
}
