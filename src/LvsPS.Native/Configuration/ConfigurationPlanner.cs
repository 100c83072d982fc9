using System.Net;
using LvsPS.Native.Ipvs;

namespace LvsPS.Native.Configuration;

/// <summary>
/// Computes the changes that turn the current table into the desired one, for
/// <see cref="IpvsClient.Apply"/>. Idempotent: an object whose settings already match is left
/// alone (its connections and counters survive), so planning again after applying yields
/// nothing. Objects are matched by key (service identity; service + address + port) and compared
/// by settings only, never by statistics, connection counts or namespace.
/// <para>Order, because a batch is not a transaction: with <c>replace</c>, extra real servers are
/// removed first, then extra services (after their real servers); then services are edited and
/// added, then real servers edited and added (so every service exists before its real servers).</para>
/// </summary>
public static class ConfigurationPlanner
{
    public static IReadOnlyList<IpvsChange> Plan(IReadOnlyList<VirtualService> current, IReadOnlyList<VirtualService> desired, bool replace)
    {
        var currentByKey = new Dictionary<VirtualServiceKey, VirtualService>();
        foreach (VirtualService s in current)
            currentByKey.TryAdd(s.Key, s);
        var desiredByKey = new Dictionary<VirtualServiceKey, VirtualService>();
        foreach (VirtualService s in desired)
            if (!desiredByKey.TryAdd(s.Key, s))
                throw new ArgumentException($"The desired table lists the virtual service {s.Key} twice.", nameof(desired));

        var removeDests = new List<IpvsChange>();
        var removeServices = new List<IpvsChange>();
        var updateServices = new List<IpvsChange>();
        var addServices = new List<IpvsChange>();
        var updateDests = new List<IpvsChange>();
        var addDests = new List<IpvsChange>();

        if (replace)
        {
            foreach (VirtualService cur in current)
            {
                desiredByKey.TryGetValue(cur.Key, out VirtualService? want);
                foreach (RealServer d in cur.RealServers)
                    if (want is null || !want.RealServers.Any(w => SameEndpoint(w, d)))
                        removeDests.Add(IpvsChange.Remove(Strip(d, cur.Key)));
                if (want is null)
                    removeServices.Add(IpvsChange.Remove(Strip(cur)));
            }
        }

        foreach (VirtualService want in desired)
        {
            VirtualService target = Strip(want);
            if (!currentByKey.TryGetValue(want.Key, out VirtualService? cur))
            {
                addServices.Add(IpvsChange.Add(target));
                foreach (RealServer d in Distinct(want))
                    addDests.Add(IpvsChange.Add(Strip(d, want.Key)));
                continue;
            }
            if (!SameSettings(cur, want))
                updateServices.Add(IpvsChange.Update(target));
            foreach (RealServer d in Distinct(want))
            {
                RealServer? existing = cur.RealServers.FirstOrDefault(c => SameEndpoint(c, d));
                if (existing is null)
                    addDests.Add(IpvsChange.Add(Strip(d, want.Key)));
                else if (!SameSettings(existing, d))
                    updateDests.Add(IpvsChange.Update(Strip(d, want.Key)));
            }
        }

        return [.. removeDests, .. removeServices, .. updateServices, .. addServices, .. updateDests, .. addDests];
    }

    /// <summary>
    /// The sync daemons to stop, then start, so that the desired ones run: a running daemon that
    /// does not satisfy the desired one of its role is restarted (the kernel cannot change one in
    /// place); with <paramref name="replace"/>, daemons of roles not desired are stopped.
    /// </summary>
    public static SyncDaemonPlan PlanSyncDaemons(IReadOnlyList<SyncDaemon> current, IReadOnlyList<SyncDaemon> desired, bool replace)
    {
        var stop = new List<SyncDaemonState>();
        var start = new List<SyncDaemon>();
        foreach (SyncDaemon want in desired)
        {
            SyncDaemon? running = current.FirstOrDefault(c => c.State == want.State);
            if (running is not null && want.IsSatisfiedBy(running))
                continue;
            if (running is not null)
                stop.Add(running.State);
            start.Add(want with { NetworkNamespace = null });
        }
        if (replace)
            foreach (SyncDaemon running in current)
                if (!desired.Any(d => d.State == running.State))
                    stop.Add(running.State);
        return new SyncDaemonPlan(stop, start);
    }

    /// <summary>True when two services have the same settings (key, scheduler and flags, persistence, one-packet, engine).</summary>
    public static bool SameSettings(VirtualService a, VirtualService b)
        => a.Key.Equals(b.Key)
        && a.Scheduler == b.Scheduler
        && a.SchedulerFlags == b.SchedulerFlags
        && a.Persistent == b.Persistent
        && EffectiveTimeout(a) == EffectiveTimeout(b)
        && a.EffectivePrefixLength == b.EffectivePrefixLength
        && a.OnePacket == b.OnePacket
        && (a.PersistenceEngine ?? "") == (b.PersistenceEngine ?? "");

    /// <summary>
    /// True when two real servers have the same settings: forwarding, weight, thresholds, and the
    /// tunnel settings when tunnelling. The kernel reports "local" for the director's own addresses
    /// whatever method was asked, so local matches any method.
    /// </summary>
    public static bool SameSettings(RealServer a, RealServer b)
        => SameEndpoint(a, b)
        && a.VirtualService.Equals(b.VirtualService)
        && (a.Forwarding == b.Forwarding || a.Forwarding == ForwardingMethod.Local || b.Forwarding == ForwardingMethod.Local)
        && a.Weight == b.Weight
        && a.UpperThreshold == b.UpperThreshold
        && a.LowerThreshold == b.LowerThreshold
        && (a.Forwarding != ForwardingMethod.Tunnel
            || (a.TunnelType == b.TunnelType && a.TunnelPort == b.TunnelPort && a.TunnelChecksum == b.TunnelChecksum));

    private static bool SameEndpoint(RealServer a, RealServer b) => Same(a.Address, b.Address) && a.Port == b.Port;

    private static bool Same(IPAddress a, IPAddress b) => VirtualServiceKey.Normalize(a).Equals(VirtualServiceKey.Normalize(b));

    /// <summary>The kernel is sent no timeout for a service that is not persistent (IpvsCodec.WriteService).</summary>
    private static uint EffectiveTimeout(VirtualService s) => s.Persistent ? s.PersistenceTimeout : 0;

    private static IEnumerable<RealServer> Distinct(VirtualService s)
    {
        var seen = new List<RealServer>();
        foreach (RealServer d in s.RealServers)
        {
            if (seen.Any(x => SameEndpoint(x, d)))
                throw new ArgumentException($"The desired service {s.Key} lists the real server {VirtualServiceKey.FormatEndpoint(d.Address, d.Port)} twice.");
            seen.Add(d);
            yield return d;
        }
    }

    /// <summary>The desired record without read-only data, its real servers moved out (they are separate changes).</summary>
    private static VirtualService Strip(VirtualService s)
        => s with { RealServers = Array.Empty<RealServer>(), Statistics = null, NetworkNamespace = null };

    /// <summary>
    /// The desired real server, tied to its service; "local" (which only the kernel sets) is asked
    /// for as direct routing, as ipvsadm-save writes it (-g).
    /// </summary>
    private static RealServer Strip(RealServer d, VirtualServiceKey service) => d with
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
}

/// <summary>Sync daemons to stop (first) and to start.</summary>
public sealed record SyncDaemonPlan(IReadOnlyList<SyncDaemonState> Stop, IReadOnlyList<SyncDaemon> Start)
{
    public bool IsEmpty => Stop.Count == 0 && Start.Count == 0;
}
