using LvsPS.Native.Netlink;

namespace LvsPS.Native.Ipvs;

/// <summary>What was being done when the kernel refused; the same errno means different things per operation.</summary>
public enum IpvsOperation
{
    GetServices, GetRealServers, AddService, UpdateService, RemoveService,
    AddRealServer, UpdateRealServer, RemoveRealServer, GetInfo, GetTimeouts, SetTimeouts, Zero, Flush,
    GetSyncDaemons, StartSyncDaemon, StopSyncDaemon,
}

/// <summary>
/// The kernel refused an IPVS request; <see cref="Errno"/> is positive. The message says what was
/// refused and why, in the kernel's terms; what to do about it is the caller's to word.
/// </summary>
public sealed class IpvsException : Exception
{
    public IpvsException(IpvsOperation operation, int errno, string target, string message, Exception? inner = null, string? scheduler = null)
        : base(message, inner)
    {
        Operation = operation;
        Errno = errno;
        Target = target;
        Scheduler = scheduler;
    }

    public IpvsOperation Operation { get; }
    public int Errno { get; }
    /// <summary>The canonical identity of the object concerned (tcp/10.0.0.3:80, or "tcp/10.0.0.3:80 -> 10.0.0.7:80").</summary>
    public string Target { get; }
    /// <summary>The scheduler the request named (services only): the module the kernel lacked on ENOENT.</summary>
    public string? Scheduler { get; }
    /// <summary>The kernel's own words about the refusal (extended ACK), when it sent them.</summary>
    public string? ExtendedAckMessage => (InnerException as NetlinkException)?.ExtendedAckMessage;
    /// <summary>The byte offset in the request of the attribute the kernel objected to, when it said.</summary>
    public int? ExtendedAckOffset => (InnerException as NetlinkException)?.ExtendedAckOffset;

    /// <summary>Explains an errno for the operation that got it: what the kernel's answer means there.</summary>
    public static IpvsException From(IpvsOperation op, int errno, string target, string? scheduler = null, Exception? inner = null)
    {
        string message = (op, errno) switch
        {
            (_, Netlink.Errno.EPERM or Netlink.Errno.EACCES) =>
                $"Permission denied for {Describe(op)} {target}: IPVS changes need CAP_NET_ADMIN in the network namespace.",
            (IpvsOperation.AddService, Netlink.Errno.EEXIST) => $"The virtual service {target} already exists.",
            (IpvsOperation.AddService or IpvsOperation.UpdateService, Netlink.Errno.ENOENT) =>
                $"The kernel has no scheduler '{scheduler}' for {target}: the module ip_vs_{scheduler} is not available.",
            (IpvsOperation.UpdateService or IpvsOperation.RemoveService or IpvsOperation.Zero or IpvsOperation.GetRealServers, Netlink.Errno.ESRCH) =>
                $"The virtual service {target} does not exist.",
            (IpvsOperation.AddRealServer or IpvsOperation.UpdateRealServer or IpvsOperation.RemoveRealServer, Netlink.Errno.ESRCH) =>
                $"The virtual service of {target} does not exist.",
            (IpvsOperation.AddRealServer, Netlink.Errno.EEXIST) => $"The real server {target} already exists.",
            (IpvsOperation.UpdateRealServer or IpvsOperation.RemoveRealServer, Netlink.Errno.ENOENT) =>
                $"The real server {target} does not exist.",
            (IpvsOperation.AddRealServer or IpvsOperation.UpdateRealServer, Netlink.Errno.ERANGE) =>
                $"The kernel rejected the weight or thresholds of {target} (ERANGE): the weight must not be negative and the lower threshold must not exceed the upper one.",
            (IpvsOperation.AddRealServer or IpvsOperation.UpdateRealServer, Netlink.Errno.EINVAL) =>
                $"The kernel rejected the real server {target} (EINVAL). It does so for a real server of another address family than its service without tunnel forwarding, " +
                "a GUE tunnel without a port, a second address family while a sync daemon runs, and a NAT real server while 'lo' is down in the namespace.",
            (IpvsOperation.StartSyncDaemon, Netlink.Errno.EEXIST) =>
                $"Cannot start the {target}: a sync daemon in that role already runs in this network namespace, and a running one cannot be changed.",
            (IpvsOperation.StartSyncDaemon, Netlink.Errno.ENODEV) =>
                $"Cannot start the {target}: its network interface does not exist in this network namespace.",
            (IpvsOperation.StartSyncDaemon, Netlink.Errno.EINVAL) =>
                $"Cannot start the {target}: the sync daemon cannot run while real servers of another address family than their service exist (tunnel destinations).",
            (IpvsOperation.StartSyncDaemon, Netlink.Errno.EAFNOSUPPORT) =>
                $"Cannot start the {target}: the kernel was built without IPv6 IPVS support (CONFIG_IP_VS_IPV6).",
            (IpvsOperation.StopSyncDaemon, Netlink.Errno.ESRCH) =>
                $"No {target} sync daemon runs in this network namespace.",
            (_, Netlink.Errno.EINVAL) => $"The kernel rejected {Describe(op)} {target} as invalid (EINVAL).",
            _ => $"{char.ToUpperInvariant(Describe(op)[0])}{Describe(op)[1..]} {target} failed: {Netlink.Errno.Describe(errno)}.",
        };
        if (inner is NetlinkException { ExtendedAckMessage: { } said })
            message += $" The kernel says: '{said}'.";
        return new IpvsException(op, errno, target, message, inner, scheduler);
    }

    private static string Describe(IpvsOperation op) => op switch
    {
        IpvsOperation.GetServices => "reading virtual services",
        IpvsOperation.GetRealServers => "reading the real servers of",
        IpvsOperation.AddService => "creating the virtual service",
        IpvsOperation.UpdateService => "changing the virtual service",
        IpvsOperation.RemoveService => "removing the virtual service",
        IpvsOperation.AddRealServer => "adding the real server",
        IpvsOperation.UpdateRealServer => "changing the real server",
        IpvsOperation.RemoveRealServer => "removing the real server",
        IpvsOperation.GetInfo => "reading IPVS information",
        IpvsOperation.GetTimeouts => "reading the IPVS timeouts",
        IpvsOperation.SetTimeouts => "setting the IPVS timeouts",
        IpvsOperation.Zero => "zeroing the counters of",
        IpvsOperation.Flush => "flushing the IPVS table",
        IpvsOperation.GetSyncDaemons => "reading the sync daemons",
        IpvsOperation.StartSyncDaemon => "starting the sync daemon",
        IpvsOperation.StopSyncDaemon => "stopping the sync daemon",
        _ => op.ToString(),
    };
}

/// <summary>The kernel has no IPVS (ip_vs not loaded or not built); <see cref="Missing"/> says what was looked for.</summary>
public sealed class IpvsNotAvailableException : Exception
{
    /// <summary>The generic netlink family was not found.</summary>
    public IpvsNotAvailableException(Exception? inner = null)
        : this("the generic netlink family 'IPVS'", "", inner) { }

    /// <param name="missing">What was not there, as the user would look for it: "/proc/net/ip_vs_conn".</param>
    /// <param name="why">Why that means no IPVS, ending with a space, or empty.</param>
    /// <param name="inner">The failure that showed it.</param>
    private IpvsNotAvailableException(string missing, string why, Exception? inner)
        : base($"The kernel has no IPVS: {missing} is missing.{(why.Length == 0 ? "" : " " + why.TrimEnd())}", inner)
        => Missing = missing;

    /// <summary>A /proc/net/ip_vs* file is absent: they exist only while the ip_vs module is loaded.</summary>
    public static IpvsNotAvailableException ProcFileMissing(string fileName, Exception? inner = null)
        => new($"/proc/net/{fileName}", "The IPVS files of /proc/net exist only while the ip_vs module is loaded.", inner);

    /// <summary>What was looked for and not found: the netlink family or a /proc/net file.</summary>
    public string Missing { get; }
}

/// <summary>Input that the kernel would refuse or misapply; nothing was sent.</summary>
public sealed class IpvsValidationException : ArgumentException
{
    public IpvsValidationException(IpvsRule rule, string message) : base(message) => Rule = rule;

    /// <summary>The rule that the input broke.</summary>
    public IpvsRule Rule { get; }
}

/// <summary>The rules IPVS input is checked against before anything is sent (services, real servers, sync daemons).</summary>
public enum IpvsRule
{
    UnknownScheduler,
    SchedulerFlagMismatch,
    UnknownSchedulerFlag,
    PersistenceConflict,
    InvalidPersistenceNetmask,
    PersistenceEngineNeedsPersistence,
    UnknownPersistenceEngine,
    PortZeroNeedsPersistence,
    WeightOutOfRange,
    ThresholdOrder,
    PortRemapNotPossible,
    FamilyMismatch,
    TunnelSettingsWithoutTunnel,
    GueNeedsPort,
    LocalForwarding,
    UnknownSyncDaemonState,
    InvalidSyncInterface,
    SyncIdOutOfRange,
    SyncMaxLengthOutOfRange,
    InvalidMulticastGroup,
    SyncPortOutOfRange,
    TtlOutOfRange,
}
