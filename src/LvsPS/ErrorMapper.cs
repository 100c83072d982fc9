using System.Management.Automation;
using LvsPS.Native.Configuration;
using LvsPS.Native.HostSettings;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Netlink;
using LvsPS.Native.Proc;
using LvsPS.Native.Runtime;
using LvsPS.Native.Text;
using LvsPS.Native.Vrrp;

namespace LvsPS;

/// <summary>
/// The one place where core exceptions become ErrorRecords. Ids are stable (tests and
/// scripts match on them); the validation ids are the core's own (IpvsValidation.*).
/// </summary>
public static class ErrorMapper
{
    public const string VirtualServiceExists = nameof(VirtualServiceExists);
    public const string VirtualServiceNotFound = nameof(VirtualServiceNotFound);
    public const string RealServerExists = nameof(RealServerExists);
    public const string RealServerNotFound = nameof(RealServerNotFound);
    public const string AmbiguousRealServer = nameof(AmbiguousRealServer);
    public const string SchedulerNotAvailable = nameof(SchedulerNotAvailable);
    public const string PermissionDenied = nameof(PermissionDenied);
    public const string IpvsNotAvailable = nameof(IpvsNotAvailable);
    public const string NetworkNamespaceNotFound = nameof(NetworkNamespaceNotFound);
    public const string IpvsInvalidArgument = nameof(IpvsInvalidArgument);
    public const string IpvsError = nameof(IpvsError);
    public const string NetlinkError = nameof(NetlinkError);
    public const string InvalidVirtualService = nameof(InvalidVirtualService);
    // Cmdlet-level input rules, raised as IpvsValidationException so they map like the core's.
    public const string InvalidAddress = nameof(InvalidAddress);
    public const string PortConflict = nameof(PortConflict);
    public const string UnknownForwardingMethod = nameof(UnknownForwardingMethod);
    public const string FullNatNotSupported = nameof(FullNatNotSupported);
    public const string ForwardingIsPerRealServer = nameof(ForwardingIsPerRealServer);
    public const string ForwardingNeedsNoHostSetup = nameof(ForwardingNeedsNoHostSetup);
    public const string UnknownSchedulerFlag = nameof(UnknownSchedulerFlag);
    public const string PersistenceConflict = nameof(PersistenceConflict);
    public const string PreemptConflict = nameof(PreemptConflict);
    // Operations: connection table, sync daemons, save/restore, drain.
    public const string ProcFormatError = nameof(ProcFormatError);
    public const string ConfigurationFormatError = nameof(ConfigurationFormatError);
    public const string ConfigurationFileNotFound = nameof(ConfigurationFileNotFound);
    // keepalived.conf (kconf)
    public const string ConfigurationWriteFailed = nameof(ConfigurationWriteFailed);
    public const string SyncDaemonExists = nameof(SyncDaemonExists);
    public const string SyncDaemonNotFound = nameof(SyncDaemonNotFound);
    public const string SyncDaemonNotPossible = nameof(SyncDaemonNotPossible);
    public const string SyncInterfaceNotFound = nameof(SyncInterfaceNotFound);
    public const string DrainTimeout = nameof(DrainTimeout);
    public const string NoPreviousWeight = nameof(NoPreviousWeight);
    public const string TemplateSwitchConflict = nameof(TemplateSwitchConflict);
    // VRRP: the validation ids are the core's own (VrrpValidationException.*).
    public const string VrrpInstanceExists = nameof(VrrpInstanceExists);
    public const string VrrpInstanceNotFound = nameof(VrrpInstanceNotFound);
    public const string VrrpWaitTimeout = nameof(VrrpWaitTimeout);
    public const string VrrpSocketError = nameof(VrrpSocketError);
    public const string InvalidTrack = nameof(InvalidTrack);
    public const string LvsSyncDaemonInUse = nameof(LvsSyncDaemonInUse);
    public const string VrrpSyncGroupNotFound = nameof(VrrpSyncGroupNotFound);
    // Runtime: scripts (track, notify, checks) and workers (VRRP instances, health checks).
    public const string ScriptNotFound = nameof(ScriptNotFound);
    public const string ScriptNotExecutable = nameof(ScriptNotExecutable);
    public const string InvalidScriptCommand = nameof(InvalidScriptCommand);
    public const string WorkerStopped = nameof(WorkerStopped);
    // Health checks: the definition ids are the core's (HealthCheckDefinitionException), the rest the cmdlets'.
    public const string InvalidHealthCheck = nameof(InvalidHealthCheck);
    public const string HealthCheckOptionConflict = nameof(HealthCheckOptionConflict);
    public const string HealthCheckExists = nameof(HealthCheckExists);
    public const string HealthCheckNotFound = nameof(HealthCheckNotFound);
    public const string HealthCheckWaitTimeout = nameof(HealthCheckWaitTimeout);
    public const string NoRealServerToCheck = nameof(NoRealServerToCheck);
    // Host settings (ARP suppression, VIPs, forwarding switches).
    public const string InterfaceNotFound = nameof(InterfaceNotFound);
    public const string SysctlNotFound = nameof(SysctlNotFound);
    public const string HostSettingFailed = nameof(HostSettingFailed);

    private const string RootHint = "IPVS needs root or CAP_NET_ADMIN in the network namespace: run pwsh as root (sudo pwsh).";

    /// <summary>True for the exceptions this map knows; anything else is a bug and should surface as such.</summary>
    public static bool IsMapped(Exception e) => e is IpvsException or IpvsValidationException or IpvsNotAvailableException
        or NetworkNamespaceNotFoundException or NetlinkException or FormatException or HostSettingException
        or VrrpValidationException or VrrpSocketException or ScriptNotUsableException or WorkerStoppedException
        or Native.Health.HealthCheckDefinitionException;

    /// <summary>The ErrorRecord for <paramref name="e"/>, and whether it stops the whole command (a global blocker).</summary>
    public static (ErrorRecord Record, bool Terminating) Map(Exception e, object? target) => e switch
    {
        IpvsValidationException v => (new ErrorRecord(v, v.ErrorId, ErrorCategory.InvalidArgument, target), false),
        IpvsException i => MapIpvs(i, target ?? i.Target),
        IpvsNotAvailableException => (new ErrorRecord(e, IpvsNotAvailable, ErrorCategory.ResourceUnavailable, target)
        {
            ErrorDetails = new ErrorDetails(e.Message) { RecommendedAction = "Load the IPVS module: modprobe ip_vs" },
        }, true),
        NetworkNamespaceNotFoundException n => (new ErrorRecord(n, NetworkNamespaceNotFound, ErrorCategory.ObjectNotFound, n.Name), true),
        NetlinkException n when n.Errno is Errno.EPERM or Errno.EACCES => (new ErrorRecord(n, PermissionDenied, ErrorCategory.PermissionDenied, target)
        {
            ErrorDetails = new ErrorDetails($"{n.Message}. {RootHint}") { RecommendedAction = RootHint },
        }, true),
        NetlinkException n => (new ErrorRecord(n, NetlinkError, ErrorCategory.NotSpecified, target), false),
        // Files that are not what they should be: the message names the file and the line.
        ProcFormatException p => (new ErrorRecord(p, ProcFormatError, ErrorCategory.InvalidData, target ?? p.FileName), false),
        ConfigurationFormatException c => (new ErrorRecord(c, ConfigurationFormatError, ErrorCategory.InvalidData, target ?? c.FileName), false),
        NetTextException t => (new ErrorRecord(t, t.Expected == NetTextKind.ServiceIdentity ? InvalidVirtualService : InvalidAddress, ErrorCategory.InvalidArgument, target), false),
        FormatException => (new ErrorRecord(e, InvalidVirtualService, ErrorCategory.InvalidArgument, target), false),
        VrrpValidationException v => (new ErrorRecord(v, v.ErrorId,
            v.ErrorId is VrrpValidationException.InterfaceNotFound ? ErrorCategory.ObjectNotFound : ErrorCategory.InvalidArgument, target), false),
        VrrpSocketException s when s.Errno is Errno.EPERM or Errno.EACCES => (new ErrorRecord(s, PermissionDenied, ErrorCategory.PermissionDenied, target)
        {
            ErrorDetails = new ErrorDetails(s.Message) { RecommendedAction = "VRRP needs raw sockets (CAP_NET_RAW) and address changes (CAP_NET_ADMIN): run pwsh as root (sudo pwsh)." },
        }, true),
        VrrpSocketException s => (new ErrorRecord(s, VrrpSocketError, ErrorCategory.NotSpecified, target), false),
        HostSettingException h => MapHostSetting(h, target),
        ScriptNotUsableException s => (new ErrorRecord(s, s.Problem switch
        {
            ScriptProblem.NotFound => ScriptNotFound,
            ScriptProblem.NotExecutable or ScriptProblem.IsDirectory => ScriptNotExecutable,
            _ => InvalidScriptCommand,
        }, s.Problem == ScriptProblem.NotFound ? ErrorCategory.ObjectNotFound : ErrorCategory.InvalidArgument, target ?? s.Command), false),
        WorkerStoppedException w => (new ErrorRecord(w, WorkerStopped, ErrorCategory.InvalidOperation, target ?? w.WorkerName), false),
        Native.Health.HealthCheckDefinitionException h => (new ErrorRecord(h, InvalidHealthCheck, ErrorCategory.InvalidArgument, target ?? h.Target), false),
        _ => (new ErrorRecord(e, e.GetType().Name, ErrorCategory.NotSpecified, target), false),
    };

    private static (ErrorRecord, bool) MapIpvs(IpvsException e, object target)
    {
        bool realServerOp = e.Operation is IpvsOperation.AddRealServer or IpvsOperation.UpdateRealServer or IpvsOperation.RemoveRealServer;
        (string id, ErrorCategory category, bool terminating) = e.Errno switch
        {
            Errno.EPERM or Errno.EACCES => (PermissionDenied, ErrorCategory.PermissionDenied, true),
            Errno.EEXIST when e.Operation is IpvsOperation.StartSyncDaemon => (SyncDaemonExists, ErrorCategory.ResourceExists, false),
            Errno.ESRCH when e.Operation is IpvsOperation.StopSyncDaemon => (SyncDaemonNotFound, ErrorCategory.ObjectNotFound, false),
            Errno.ENODEV when e.Operation is IpvsOperation.StartSyncDaemon => (SyncInterfaceNotFound, ErrorCategory.ObjectNotFound, false),
            // Validated before sending, so the kernel's EINVAL is the mixed-family rule (the message names the real servers).
            Errno.EINVAL when e.Operation is IpvsOperation.StartSyncDaemon => (SyncDaemonNotPossible, ErrorCategory.InvalidOperation, false),
            Errno.EEXIST => (realServerOp ? RealServerExists : VirtualServiceExists, ErrorCategory.ResourceExists, false),
            // For a real server, ESRCH means its service is missing and ENOENT the real server itself.
            Errno.ESRCH => (VirtualServiceNotFound, ErrorCategory.ObjectNotFound, false),
            Errno.ENOENT when e.Operation is IpvsOperation.AddService or IpvsOperation.UpdateService
                => (SchedulerNotAvailable, ErrorCategory.ObjectNotFound, false),
            Errno.ENOENT => (realServerOp ? RealServerNotFound : VirtualServiceNotFound, ErrorCategory.ObjectNotFound, false),
            Errno.EINVAL or Errno.ERANGE => (IpvsInvalidArgument, ErrorCategory.InvalidArgument, false),
            _ => (IpvsError, ErrorCategory.NotSpecified, false),
        };
        var record = new ErrorRecord(e, id, category, target);
        if (terminating)
            record.ErrorDetails = new ErrorDetails(e.Message) { RecommendedAction = RootHint };
        return (record, terminating);
    }

    private static (ErrorRecord, bool) MapHostSetting(HostSettingException e, object? target)
    {
        if (e.IsPermissionDenied)
            return (new ErrorRecord(e, PermissionDenied, ErrorCategory.PermissionDenied, target ?? e.Setting)
            {
                ErrorDetails = new ErrorDetails(e.Message) { RecommendedAction = "Run pwsh as root (sudo pwsh)." },
            }, true);
        (string id, ErrorCategory category) = e switch
        {
            InterfaceNotFoundException => (InterfaceNotFound, ErrorCategory.ObjectNotFound),
            SysctlNotFoundException => (SysctlNotFound, ErrorCategory.ObjectNotFound),
            _ => (HostSettingFailed, ErrorCategory.InvalidOperation),
        };
        return (new ErrorRecord(e, id, category, target ?? e.Setting), false);
    }

    public static ErrorRecord ServiceNotFound(VirtualServiceKey key, object? target)
        => new(new ItemNotFoundException($"The virtual service {key} does not exist; list services with Get-LvsVirtualService."),
            VirtualServiceNotFound, ErrorCategory.ObjectNotFound, target ?? key.ToString());

    public static ErrorRecord RealServerMissing(string identity, object? target)
        => new(new ItemNotFoundException($"The real server {identity} does not exist; list them with Get-LvsRealServer."),
            RealServerNotFound, ErrorCategory.ObjectNotFound, target ?? identity);

    /// <summary>The parser's message as users read it: what is wrong with the text and how it is written.</summary>
    public static string Word(NetTextException e) => e.Message;

    /// <summary>An input rule of the cmdlet layer, shaped like the core's validation failures.</summary>
    public static IpvsValidationException Invalid(string id, string message) => new(id, message);
}
