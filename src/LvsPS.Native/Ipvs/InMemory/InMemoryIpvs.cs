using System.Net;

namespace LvsPS.Native.Ipvs.InMemory;

/// <summary>
/// The IPVS of one network namespace, held in memory and answering as the kernel does
/// (net/netfilter/ipvs/ip_vs_ctl.c): the same validation before anything changes, then the same
/// errno for the same request (EEXIST, ESRCH, ENOENT, EINVAL, ERANGE), the same "not a
/// transaction" batches, real servers listed newest first. For tests of everything above the
/// kernel call and for runbooks tested without a kernel; <see cref="InMemoryIpvsNamespaces"/>
/// holds one per namespace. Thread-safe: every call holds one lock, as the kernel's mutex does.
/// </summary>
public sealed partial class InMemoryIpvs : IpvsClientBase, IIpvsClient
{
    /// <summary>ip_vs.h IP_VS_VERSION_CODE 1.2.1, what every kernel reports.</summary>
    public static readonly Version KernelVersion = new(1, 2, 1);
    /// <summary>The default connection hash table size (CONFIG_IP_VS_TAB_BITS 12).</summary>
    public const uint ConnectionTableSize = 4096;
    /// <summary>The kernel's timeouts before anyone sets them (ip_vs_proto_tcp.c, _udp.c): tcp 900 s, tcpfin 120 s, udp 300 s.</summary>
    public static readonly IpvsTimeouts DefaultTimeouts = new(900, 120, 300);

    private readonly object _gate = new();
    private readonly List<ServiceEntry> _services = new();
    // The services by key, as the kernel's hash finds them: a search through the list made a 10,000-service reload's
    // lookups cost more here than its planning.
    private readonly Dictionary<VirtualServiceKey, ServiceEntry> _byKey = new();
    private readonly List<(IpvsChangeKind Kind, string Target, int Errno)> _refusals = new();
    private IpvsTimeouts _timeouts = DefaultTimeouts;

    public InMemoryIpvs(string? networkNamespace = null) => NetworkNamespace = networkNamespace;

    public string? NetworkNamespace { get; }

    /// <summary>Scheduler modules the kernel can load; a service asking for another one is refused with ENOENT.</summary>
    public ISet<string> AvailableSchedulers { get; } = new HashSet<string>(Schedulers.Names, StringComparer.Ordinal);

    /// <summary>Persistence engine modules the kernel can load (ip_vs_pe_sip).</summary>
    public ISet<string> AvailablePersistenceEngines { get; } = new HashSet<string>(StringComparer.Ordinal) { "sip" };

    /// <summary>Network interfaces of the namespace, for sync daemons (ENODEV for others).</summary>
    public ISet<string> Interfaces { get; } = new HashSet<string>(StringComparer.Ordinal) { "lo" };

    /// <summary>Called with every batch before any of it is applied; throwing here fails the batch as a broken socket would.</summary>
    public Action<IReadOnlyList<IpvsChange>>? BeforeApply { get; set; }

    /// <summary>Called after each change of a batch with the kernel's answer, under the lock (the table may be read).</summary>
    public Action<IpvsChangeResult>? AfterChange { get; set; }

    /// <summary>Apply calls so far (each is one netlink batch for the real client).</summary>
    public int ApplyCalls { get; private set; }

    /// <summary>Service and real-server dumps so far (each is one netlink dump for the real client).</summary>
    public int Dumps { get; private set; }

    /// <summary>Refuses every change of this kind and target (<see cref="IpvsChange.Target"/>) with <paramref name="errno"/>, before the kernel's own rules.</summary>
    public void Refuse(IpvsChangeKind kind, string target, int errno)
    {
        lock (_gate)
            _refusals.Add((kind, target, errno));
    }

    public void ClearRefusals()
    {
        lock (_gate)
            _refusals.Clear();
    }

    /// <summary>Sets the connection counts of a real server, as traffic would (for drains and views).</summary>
    public void SetConnections(VirtualServiceKey service, IPAddress address, ushort port, uint active, uint inactive = 0, uint persistent = 0)
    {
        lock (_gate)
        {
            ServiceEntry entry = Find(service) ?? throw new ArgumentException($"No virtual service {service}.", nameof(service));
            int index = entry.IndexOf(address, port);
            if (index < 0)
                throw new ArgumentException($"No real server {VirtualServiceKey.FormatEndpoint(address, port)} in {service}.", nameof(address));
            entry.RealServers[index] = entry.RealServers[index] with { ActiveConnections = active, InactiveConnections = inactive, PersistentConnections = persistent };
        }
    }

    public IReadOnlyList<VirtualService> GetVirtualServices(bool includeRealServers = true)
    {
        lock (_gate)
        {
            Dumps += includeRealServers ? 1 + _services.Count : 1;
            return _services.Select(e => Read(e, includeRealServers)).ToList();
        }
    }

    public VirtualService? GetVirtualService(VirtualServiceKey key, bool includeRealServers = true)
    {
        lock (_gate)
        {
            if (includeRealServers)
                Dumps++;
            return Find(key) is { } entry ? Read(entry, includeRealServers) : null;
        }
    }

    public IReadOnlyList<RealServer> GetRealServers(VirtualServiceKey key)
    {
        lock (_gate)
        {
            Dumps++;
            return Find(key) is { } entry ? ReadRealServers(entry) : Array.Empty<RealServer>();
        }
    }

    public override IReadOnlyList<IpvsChangeResult> Apply(IReadOnlyList<IpvsChange> changes)
    {
        foreach (IpvsChange change in changes)
            IpvsValidation.Validate(change);
        lock (_gate)
        {
            ApplyCalls++;
            BeforeApply?.Invoke(changes);
            var results = new IpvsChangeResult[changes.Count];
            for (int i = 0; i < changes.Count; i++)
            {
                int errno = Refusal(changes[i]);
                if (errno == 0)
                    errno = ApplyChange(changes[i]);
                results[i] = new IpvsChangeResult(changes[i], errno);
                AfterChange?.Invoke(results[i]);
            }
            return results;
        }
    }

    public IpvsInfo GetInfo() => new(KernelVersion, ConnectionTableSize);

    public IpvsTimeouts GetTimeouts()
    {
        lock (_gate)
            return _timeouts;
    }

    public void SetTimeouts(IpvsTimeouts timeouts)
    {
        lock (_gate)
        {
            int errno = TimeoutErrno(timeouts);
            if (errno != 0)
                throw IpvsException.From(IpvsOperation.SetTimeouts, errno, "");
            _timeouts = new IpvsTimeouts(
                timeouts.TcpSeconds == 0 ? _timeouts.TcpSeconds : timeouts.TcpSeconds,
                timeouts.TcpFinSeconds == 0 ? _timeouts.TcpFinSeconds : timeouts.TcpFinSeconds,
                timeouts.UdpSeconds == 0 ? _timeouts.UdpSeconds : timeouts.UdpSeconds);
        }
    }

    public void ZeroCounters(VirtualServiceKey? key)
    {
        lock (_gate)
        {
            // Counters are always zero here; what can differ is the answer for a missing service.
            if (key is not null && Find(key) is null)
                throw IpvsException.From(IpvsOperation.Zero, Netlink.Errno.ESRCH, key.ToString());
        }
    }

    public void Flush()
    {
        lock (_gate)
        {
            _services.Clear();
            _byKey.Clear();
        }
    }

    /// <summary>Nothing to release: the table outlives its clients, as the kernel's does.</summary>
    public void Dispose() { }

    private int Refusal(IpvsChange change)
    {
        foreach ((IpvsChangeKind kind, string target, int errno) in _refusals)
            if (kind == change.Kind && target == change.Target)
                return errno;
        return 0;
    }

    private ServiceEntry? Find(VirtualServiceKey key) => _byKey.GetValueOrDefault(key);

    private VirtualService Read(ServiceEntry e, bool includeRealServers) => e.Service with
    {
        Statistics = new IpvsStatistics(),
        NetworkNamespace = NetworkNamespace,
        RealServers = includeRealServers ? ReadRealServers(e) : Array.Empty<RealServer>(),
    };

    private IReadOnlyList<RealServer> ReadRealServers(ServiceEntry e)
        => e.RealServers.Select(d => d with { Statistics = new IpvsStatistics(), NetworkNamespace = NetworkNamespace }).ToList();

    /// <summary>A service and its real servers, newest first (the kernel adds to the head of its list).</summary>
    private sealed class ServiceEntry(VirtualService service)
    {
        public VirtualService Service { get; set; } = service;
        public List<RealServer> RealServers { get; } = new();

        public int IndexOf(IPAddress address, ushort port)
        {
            IPAddress a = VirtualServiceKey.Normalize(address);
            return RealServers.FindIndex(d => d.Address.Equals(a) && d.Port == port);
        }
    }
}
