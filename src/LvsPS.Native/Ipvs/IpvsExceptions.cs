using LvsPS.Native.Netlink;

namespace LvsPS.Native.Ipvs;

/// <summary>What was being done when the kernel refused; the same errno means different things per operation.</summary>
public enum IpvsOperation
{
    GetServices, GetRealServers, AddService, UpdateService, RemoveService,
    AddRealServer, UpdateRealServer, RemoveRealServer, GetInfo, GetTimeouts, SetTimeouts, Zero, Flush,
    GetSyncDaemons, StartSyncDaemon, StopSyncDaemon,
}

/// <summary>The kernel refused an IPVS request; <see cref="Errno"/> is positive.</summary>
public sealed class IpvsException : Exception
{
    public IpvsException(IpvsOperation operation, int errno, string target, string message, Exception? inner = null)
        : base(message, inner)
    {
        Operation = operation;
        Errno = errno;
        Target = target;
    }

    public IpvsOperation Operation { get; }
    public int Errno { get; }
    /// <summary>The canonical identity of the object concerned (tcp/10.0.0.3:80, or "tcp/10.0.0.3:80 -> 10.0.0.7:80").</summary>
    public string Target { get; }

    /// <summary>Explains an errno for the operation that got it, saying what to do.</summary>
    public static IpvsException From(IpvsOperation op, int errno, string target, string? scheduler = null, Exception? inner = null)
    {
        string message = (op, errno) switch
        {
            (_, Netlink.Errno.EPERM or Netlink.Errno.EACCES) =>
                $"Permission denied for {Describe(op)} {target}: IPVS needs root or CAP_NET_ADMIN in the network namespace; run pwsh as root (sudo pwsh).",
            (IpvsOperation.AddService, Netlink.Errno.EEXIST) => $"The virtual service {target} already exists; change it with Set-LvsVirtualService.",
            (IpvsOperation.AddService or IpvsOperation.UpdateService, Netlink.Errno.ENOENT) =>
                $"The kernel has no scheduler '{scheduler}' for {target} (module ip_vs_{scheduler} is missing); pick one of: {string.Join(" ", Schedulers.Names)}.",
            (IpvsOperation.UpdateService or IpvsOperation.RemoveService or IpvsOperation.Zero or IpvsOperation.GetRealServers, Netlink.Errno.ESRCH) =>
                $"The virtual service {target} does not exist; list services with Get-LvsVirtualService.",
            (IpvsOperation.AddRealServer or IpvsOperation.UpdateRealServer or IpvsOperation.RemoveRealServer, Netlink.Errno.ESRCH) =>
                $"The virtual service of {target} does not exist; create it first with New-LvsVirtualService.",
            (IpvsOperation.AddRealServer, Netlink.Errno.EEXIST) => $"The real server {target} already exists; change it with Set-LvsRealServer.",
            (IpvsOperation.UpdateRealServer or IpvsOperation.RemoveRealServer, Netlink.Errno.ENOENT) =>
                $"The real server {target} does not exist; list them with Get-LvsRealServer.",
            (IpvsOperation.AddRealServer or IpvsOperation.UpdateRealServer, Netlink.Errno.ERANGE) =>
                $"The kernel rejected the weight or thresholds of {target} (ERANGE): the weight must not be negative and the lower threshold must not exceed the upper one.",
            (IpvsOperation.AddRealServer or IpvsOperation.UpdateRealServer, Netlink.Errno.EINVAL) =>
                $"The kernel rejected the real server {target} (EINVAL): check the address family (only tunnel real servers may differ from the service), the tunnel settings (GUE needs a port), that no sync daemon runs when mixing families, and that 'lo' is up in the namespace.",
            (IpvsOperation.StartSyncDaemon, Netlink.Errno.EEXIST) =>
                $"Cannot start the {target}: a sync daemon in that role already runs in this network namespace; stop it first (Stop-LvsSyncDaemon), or list them with Get-LvsSyncDaemon.",
            (IpvsOperation.StartSyncDaemon, Netlink.Errno.ENODEV) =>
                $"Cannot start the {target}: its network interface does not exist in this network namespace; pick an existing interface (ip link) or create it first.",
            (IpvsOperation.StartSyncDaemon, Netlink.Errno.EINVAL) =>
                $"Cannot start the {target}: the sync daemon cannot run while real servers of another address family than their service exist (tunnel destinations); remove them first.",
            (IpvsOperation.StartSyncDaemon, Netlink.Errno.EAFNOSUPPORT) =>
                $"Cannot start the {target}: the kernel was built without IPv6 IPVS support (CONFIG_IP_VS_IPV6); use an IPv4 multicast group.",
            (IpvsOperation.StopSyncDaemon, Netlink.Errno.ESRCH) =>
                $"No {target} sync daemon runs in this network namespace; list them with Get-LvsSyncDaemon.",
            (_, Netlink.Errno.EINVAL) => $"The kernel rejected {Describe(op)} {target} as invalid (EINVAL).",
            _ => $"{char.ToUpperInvariant(Describe(op)[0])}{Describe(op)[1..]} {target} failed: {Netlink.Errno.Describe(errno)}.",
        };
        return new IpvsException(op, errno, target, message, inner);
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
        : base($"The kernel has no IPVS: {missing} is missing. {why}Load the module (modprobe ip_vs) or use a kernel built with CONFIG_IP_VS.", inner)
        => Missing = missing;

    /// <summary>A /proc/net/ip_vs* file is absent: they exist only while the ip_vs module is loaded.</summary>
    public static IpvsNotAvailableException ProcFileMissing(string fileName, Exception? inner = null)
        => new($"/proc/net/{fileName}", "The IPVS files of /proc/net exist only while the ip_vs module is loaded. ", inner);

    /// <summary>What was looked for and not found: the netlink family or a /proc/net file.</summary>
    public string Missing { get; }
}

/// <summary>Input that the kernel would refuse or misapply; nothing was sent.</summary>
public sealed class IpvsValidationException : ArgumentException
{
    public IpvsValidationException(string errorId, string message) : base(message) => ErrorId = errorId;

    /// <summary>A stable id for the rule that failed (e.g. "UnknownScheduler").</summary>
    public string ErrorId { get; }
}
