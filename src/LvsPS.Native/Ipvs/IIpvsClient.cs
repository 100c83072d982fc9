using System.Net;

namespace LvsPS.Native.Ipvs;

/// <summary>
/// IPVS of one network namespace: what the kernel's generic netlink family offers, as
/// <see cref="IpvsClient"/> speaks it over a socket and <see cref="InMemory.InMemoryIpvs"/>
/// answers it in memory. Every write validates first (an <see cref="IpvsValidationException"/>
/// sends nothing); the kernel's refusals are <see cref="IpvsException"/>s with its errno.
/// </summary>
public interface IIpvsClient : IDisposable
{
    /// <summary>The namespace it administers (null: the caller's own).</summary>
    string? NetworkNamespace { get; }

    /// <summary>All services (one dump) and, when asked, their real servers (one dump per service).</summary>
    IReadOnlyList<VirtualService> GetVirtualServices(bool includeRealServers = true);

    /// <summary>One service by key, or null when it does not exist.</summary>
    VirtualService? GetVirtualService(VirtualServiceKey key, bool includeRealServers = true);

    /// <summary>The real servers of a service; empty for a missing service, as the kernel answers.</summary>
    IReadOnlyList<RealServer> GetRealServers(VirtualServiceKey key);

    void AddVirtualService(VirtualService service);

    /// <summary>Replaces every setting of an existing service (callers read, modify, then write).</summary>
    void UpdateVirtualService(VirtualService service);

    void RemoveVirtualService(VirtualServiceKey key);

    void AddRealServer(RealServer realServer);

    /// <summary>Replaces every setting of an existing real server, tunnel settings included (the kernel resets what is not sent).</summary>
    void UpdateRealServer(RealServer realServer);

    void RemoveRealServer(VirtualServiceKey service, IPAddress address, ushort port);

    /// <summary>
    /// Applies many changes in the order given. All are validated before any is applied; the
    /// kernel's answer to each is returned. Not a transaction: a refusal does not undo the
    /// changes before it, nor stop the ones after it.
    /// </summary>
    IReadOnlyList<IpvsChangeResult> Apply(IReadOnlyList<IpvsChange> changes);

    IpvsInfo GetInfo();

    IpvsTimeouts GetTimeouts();

    /// <summary>Sets the timeouts; a 0 leaves that one unchanged (the kernel's rule).</summary>
    void SetTimeouts(IpvsTimeouts timeouts);

    /// <summary>Zeroes the counters of one service, or of everything when <paramref name="key"/> is null.</summary>
    void ZeroCounters(VirtualServiceKey? key);

    /// <summary>Removes every virtual service (and so every real server) of the namespace.</summary>
    void Flush();

    /// <summary>The running sync daemons (0–2: at most one master and one backup), with the settings in effect.</summary>
    IReadOnlyList<SyncDaemon> GetSyncDaemons();

    /// <summary>Starts a sync daemon (EEXIST when one runs in that role, ENODEV for a missing interface, EINVAL while mixed-family real servers exist).</summary>
    void StartSyncDaemon(SyncDaemon daemon);

    /// <summary>Stops the sync daemon in that role (ESRCH when none runs).</summary>
    void StopSyncDaemon(SyncDaemonState state);
}
