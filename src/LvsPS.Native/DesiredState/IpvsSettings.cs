using System.Net;
using LvsPS.Native.Ipvs;

namespace LvsPS.Native.DesiredState;

/// <summary>
/// When two records describe the same configuration: compared by settings only, never by counters,
/// connection counts or namespace; and the record to send for a desired one.
/// </summary>
public static class IpvsSettings
{
    /// <summary>True when two services have the same settings (key, scheduler and flags, persistence, one-packet, engine).</summary>
    public static bool Same(VirtualService a, VirtualService b)
        => a.Key.Equals(b.Key)
        && a.Scheduler == b.Scheduler
        && a.SchedulerFlags == b.SchedulerFlags
        && a.Persistent == b.Persistent
        && EffectiveTimeout(a) == EffectiveTimeout(b)
        && a.EffectivePrefixLength == b.EffectivePrefixLength
        && a.OnePacket == b.OnePacket
        && (a.PersistenceEngine ?? "") == (b.PersistenceEngine ?? "");

    /// <summary>
    /// True when two real servers have the same settings: forwarding, weight, thresholds, and the tunnel
    /// settings when tunnelling. "Local" (which a kernel before 3.9 reported for the director's own
    /// addresses) matches any method.
    /// </summary>
    public static bool Same(RealServer a, RealServer b)
        => SameEndpoint(a, b)
        && a.VirtualService.Equals(b.VirtualService)
        && (a.Forwarding == b.Forwarding || a.Forwarding == ForwardingMethod.Local || b.Forwarding == ForwardingMethod.Local)
        && a.Weight == b.Weight
        && a.UpperThreshold == b.UpperThreshold
        && a.LowerThreshold == b.LowerThreshold
        && (a.Forwarding != ForwardingMethod.Tunnel
            || (a.TunnelType == b.TunnelType && a.TunnelPort == b.TunnelPort && a.TunnelChecksum == b.TunnelChecksum));

    /// <summary>The identity of a real server within its service: address and port.</summary>
    public static bool SameEndpoint(RealServer a, RealServer b) => Same(a.Address, b.Address) && a.Port == b.Port;

    private static bool Same(IPAddress a, IPAddress b) => VirtualServiceKey.Normalize(a).Equals(VirtualServiceKey.Normalize(b));

    /// <summary>The kernel is sent no timeout for a service that is not persistent (IpvsCodec.WriteService).</summary>
    private static uint EffectiveTimeout(VirtualService s) => s.Persistent ? s.PersistenceTimeout : 0;

    /// <summary>The service to send: the desired record without read-only data and without its real servers (they are changes of their own).</summary>
    public static VirtualService ToSend(VirtualService s)
        => s with { RealServers = Array.Empty<RealServer>(), Statistics = null, NetworkNamespace = null };

    /// <summary>
    /// The real server to send, tied to its service; "local" (which only the kernel sets) is asked for as
    /// direct routing, as ipvsadm-save writes it (-g).
    /// </summary>
    public static RealServer ToSend(RealServer d, VirtualServiceKey service) => d with
    {
        VirtualService = service,
        Address = VirtualServiceKey.Normalize(d.Address),
        Forwarding = d.Forwarding == ForwardingMethod.Local ? ForwardingMethod.Route : d.Forwarding,
        ActiveConnections = 0,
        InactiveConnections = 0,
        PersistentConnections = 0,
        Statistics = null,
        NetworkNamespace = null,
    };

    /// <summary>True when a running daemon is what the desired one asks for (unset optional settings match anything).</summary>
    public static bool Satisfies(SyncDaemon running, SyncDaemon desired) => desired.IsSatisfiedBy(running);

    /// <summary>0 in a desired timeout means "leave it", so only the non-zero ones are compared.</summary>
    public static bool Satisfies(IpvsTimeouts current, IpvsTimeouts desired)
        => (desired.TcpSeconds == 0 || desired.TcpSeconds == current.TcpSeconds)
        && (desired.TcpFinSeconds == 0 || desired.TcpFinSeconds == current.TcpFinSeconds)
        && (desired.UdpSeconds == 0 || desired.UdpSeconds == current.UdpSeconds);
}
