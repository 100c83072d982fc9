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
/// The one place where failures become ErrorRecords: core exceptions (which carry facts) are
/// mapped to an id of the catalogue (<see cref="Catalog"/>), and every record is built by
/// <see cref="Record"/>, so ids, categories and advice are consistent. Nothing else in the
/// cmdlet layer constructs an ErrorRecord (a test checks).
/// </summary>
public static partial class ErrorMapper
{
    /// <summary>True for the exceptions this map knows; anything else is a bug and should surface as such.</summary>
    public static bool IsMapped(Exception e) => e is IpvsException or IpvsValidationException or IpvsNotAvailableException
        or NetworkNamespaceNotFoundException or NetlinkException or FormatException or HostSettingException
        or VrrpValidationException or VrrpSocketException or InvalidInputException or ScriptNotUsableException or WorkerStoppedException
        or Native.Health.HealthCheckDefinitionException or Native.Operations.DrainStateException
        or ConfigurationFileException or ConfigurationDoubtException;

    /// <summary>
    /// The ErrorRecord of one catalogue id: the exception's message as what happened, the catalogue's
    /// advice as the recommendation (never the same text twice), the id's category.
    /// </summary>
    /// <exception cref="ArgumentException">The id is not in the catalogue.</exception>
    public static ErrorRecord Record(string id, Exception exception, object? target)
    {
        if (!s_catalog.TryGetValue(id, out Entry? entry))
            throw new ArgumentException($"'{id}' is not an id of the error catalogue.", nameof(id));
        var record = new ErrorRecord(exception, id, entry.Category, target);
        if (entry.Advice?.Invoke(exception) is { Length: > 0 } advice)
            record.ErrorDetails = new ErrorDetails(exception.Message) { RecommendedAction = advice };
        return record;
    }

    /// <summary>The ErrorRecord for <paramref name="e"/>, and whether it stops the whole command (a global blocker).</summary>
    public static (ErrorRecord Record, bool Terminating) Map(Exception e, object? target)
    {
        (string id, object? mappedTarget) = e switch
        {
            InvalidInputException i => (i.ErrorId, target),
            IpvsValidationException v => (IdOf(v.Rule), target),
            IpvsException i => (IdOf(i), target ?? i.Target),
            IpvsNotAvailableException => (IpvsNotAvailable, target),
            NetworkNamespaceNotFoundException n => (NetworkNamespaceNotFound, n.Name),
            NetlinkException { Errno: Errno.EPERM or Errno.EACCES } => (PermissionDenied, target),
            NetlinkException => (NetlinkError, target),
            // Files that are not what they should be: the message names the file and the line.
            ProcFormatException p => (ProcFormatError, target ?? p.FileName),
            ConfigurationFormatException c => (ConfigurationFormatError, target ?? c.FileName),
            ConfigurationFileException f => (f.Problem switch
            {
                ConfigurationFileProblem.NotFound => ConfigurationFileNotFound,
                ConfigurationFileProblem.IsDirectory => ConfigurationFileIsDirectory,
                ConfigurationFileProblem.TooLarge => ConfigurationFileTooLarge,
                _ => ConfigurationFileNotRead,
            }, target ?? f.Path),
            ConfigurationDoubtException d => (d.Doubt == ConfigurationDoubt.Empty ? ConfigurationFileEmpty : ConfigurationFileTruncated, target ?? d.Path),
            Native.Operations.DrainStateException s => (DrainStateError, target ?? s.Identity),
            NetTextException t => (t.Expected == NetTextKind.ServiceIdentity ? InvalidVirtualService : InvalidAddress, target),
            FormatException => (InvalidVirtualService, target),
            VrrpValidationException v => (IdOf(v.Rule), target),
            VrrpSocketException { Errno: Errno.EPERM or Errno.EACCES } => (PermissionDenied, target),
            VrrpSocketException => (VrrpSocketError, target),
            HostSettingException h => (h.IsPermissionDenied ? PermissionDenied : h switch
            {
                InterfaceNotFoundException => InterfaceNotFound,
                SysctlNotFoundException => SysctlNotFound,
                _ => HostSettingFailed,
            }, target ?? h.Setting),
            ScriptNotUsableException s => (s.Problem switch
            {
                ScriptProblem.NotFound => ScriptNotFound,
                ScriptProblem.NotExecutable or ScriptProblem.IsDirectory => ScriptNotExecutable,
                _ => InvalidScriptCommand,
            }, target ?? s.Command),
            WorkerStoppedException w => (WorkerStopped, target ?? w.WorkerName),
            Native.Health.HealthCheckDefinitionException h => (InvalidHealthCheck, target ?? h.Target),
            _ => (UnexpectedError, target),
        };
        return (Record(id, e, mappedTarget), s_catalog[id].Terminating);
    }

    private static string IdOf(IpvsException e)
    {
        bool realServerOp = e.Operation is IpvsOperation.AddRealServer or IpvsOperation.UpdateRealServer or IpvsOperation.RemoveRealServer;
        return e.Errno switch
        {
            Errno.EPERM or Errno.EACCES => PermissionDenied,
            Errno.EEXIST when e.Operation is IpvsOperation.StartSyncDaemon => SyncDaemonExists,
            Errno.ESRCH when e.Operation is IpvsOperation.StopSyncDaemon => SyncDaemonNotFound,
            Errno.ENODEV when e.Operation is IpvsOperation.StartSyncDaemon => SyncInterfaceNotFound,
            // Validated before sending, so the kernel's EINVAL is the mixed-family rule (the message names the real servers).
            Errno.EINVAL when e.Operation is IpvsOperation.StartSyncDaemon => SyncDaemonNotPossible,
            Errno.EEXIST => realServerOp ? RealServerExists : VirtualServiceExists,
            // For a real server, ESRCH means its service is missing and ENOENT the real server itself.
            Errno.ESRCH => VirtualServiceNotFound,
            Errno.ENOENT when e.Operation is IpvsOperation.AddService or IpvsOperation.UpdateService => SchedulerNotAvailable,
            Errno.ENOENT => realServerOp ? RealServerNotFound : VirtualServiceNotFound,
            Errno.EINVAL or Errno.ERANGE => IpvsInvalidArgument,
            _ => IpvsError,
        };
    }

    public static ErrorRecord ServiceNotFound(VirtualServiceKey key, object? target)
        => Record(VirtualServiceNotFound, new ItemNotFoundException($"The virtual service {key} does not exist."), target ?? key.ToString());

    public static ErrorRecord RealServerMissing(string identity, object? target)
        => Record(RealServerNotFound, new ItemNotFoundException($"The real server {identity} does not exist."), target ?? identity);

    /// <summary>An input rule of the cmdlet layer (not the core's): thrown, then mapped like the core's failures.</summary>
    public static InvalidInputException Invalid(string id, string message) => new(id, message);

    /// <summary>The parser's message as users read it: what is wrong with the text and how it is written.</summary>
    public static string Word(NetTextException e) => e.Message;
}

/// <summary>Input that a cmdlet refuses by a rule of its own; <see cref="ErrorId"/> is an id of the catalogue.</summary>
public sealed class InvalidInputException : ArgumentException
{
    public InvalidInputException(string errorId, string message) : base(message) => ErrorId = errorId;

    public string ErrorId { get; }
}
