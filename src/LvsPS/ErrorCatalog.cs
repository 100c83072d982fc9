using System.Management.Automation;
using LvsPS.Native.HostSettings;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Vrrp;

namespace LvsPS;

/// <summary>
/// The one catalogue of LvsPS error ids: each id with its category, whether it stops the command,
/// and the advice users read as "Recommendation:". Ids are stable (scripts match on them); the
/// messages are the core's facts, the advice is worded here and never repeats them.
/// </summary>
public static partial class ErrorMapper
{
    // The kernel and the system.
    public const string IpvsNotAvailable = nameof(IpvsNotAvailable);
    public const string PermissionDenied = nameof(PermissionDenied);
    public const string NetworkNamespaceNotFound = nameof(NetworkNamespaceNotFound);
    public const string NetlinkError = nameof(NetlinkError);
    public const string UnexpectedError = nameof(UnexpectedError);
    // The IPVS table.
    public const string VirtualServiceExists = nameof(VirtualServiceExists);
    public const string VirtualServiceNotFound = nameof(VirtualServiceNotFound);
    public const string RealServerExists = nameof(RealServerExists);
    public const string RealServerNotFound = nameof(RealServerNotFound);
    public const string SchedulerNotAvailable = nameof(SchedulerNotAvailable);
    public const string IpvsInvalidArgument = nameof(IpvsInvalidArgument);
    public const string IpvsError = nameof(IpvsError);
    // Input the cmdlets refuse.
    public const string InvalidVirtualService = nameof(InvalidVirtualService);
    public const string InvalidAddress = nameof(InvalidAddress);
    public const string PortConflict = nameof(PortConflict);
    public const string UnknownForwardingMethod = nameof(UnknownForwardingMethod);
    public const string FullNatNotSupported = nameof(FullNatNotSupported);
    public const string ForwardingIsPerRealServer = nameof(ForwardingIsPerRealServer);
    public const string ForwardingNeedsNoHostSetup = nameof(ForwardingNeedsNoHostSetup);
    public const string UnknownSchedulerFlag = nameof(UnknownSchedulerFlag);
    public const string PersistenceConflict = nameof(PersistenceConflict);
    public const string PreemptConflict = nameof(PreemptConflict);
    public const string TemplateSwitchConflict = nameof(TemplateSwitchConflict);
    public const string NoTimeoutGiven = nameof(NoTimeoutGiven);
    /// <summary>A piped row (Import-Csv, Import-Clixml, ConvertFrom-Json, a hashtable) with a value that is not what its property takes.</summary>
    public const string InvalidRecordProperty = nameof(InvalidRecordProperty);
    // The core's IPVS rules (IpvsRule), one id each.
    public const string UnknownScheduler = nameof(UnknownScheduler);
    public const string SchedulerFlagMismatch = nameof(SchedulerFlagMismatch);
    public const string InvalidPersistenceNetmask = nameof(InvalidPersistenceNetmask);
    public const string PersistenceEngineNeedsPersistence = nameof(PersistenceEngineNeedsPersistence);
    public const string UnknownPersistenceEngine = nameof(UnknownPersistenceEngine);
    public const string PortZeroNeedsPersistence = nameof(PortZeroNeedsPersistence);
    public const string WeightOutOfRange = nameof(WeightOutOfRange);
    public const string ThresholdOrder = nameof(ThresholdOrder);
    public const string PortRemapNotPossible = nameof(PortRemapNotPossible);
    public const string FamilyMismatch = nameof(FamilyMismatch);
    public const string TunnelSettingsWithoutTunnel = nameof(TunnelSettingsWithoutTunnel);
    public const string GueNeedsPort = nameof(GueNeedsPort);
    public const string LocalForwarding = nameof(LocalForwarding);
    public const string UnknownSyncDaemonState = nameof(UnknownSyncDaemonState);
    public const string InvalidSyncInterface = nameof(InvalidSyncInterface);
    public const string SyncIdOutOfRange = nameof(SyncIdOutOfRange);
    public const string SyncMaxLengthOutOfRange = nameof(SyncMaxLengthOutOfRange);
    public const string InvalidMulticastGroup = nameof(InvalidMulticastGroup);
    public const string SyncPortOutOfRange = nameof(SyncPortOutOfRange);
    public const string TtlOutOfRange = nameof(TtlOutOfRange);
    // Files, connections, sync daemons, drains.
    public const string ProcFormatError = nameof(ProcFormatError);
    public const string PathNotFound = nameof(PathNotFound);
    public const string PathIsDirectory = nameof(PathIsDirectory);
    public const string ConfigurationFormatError = nameof(ConfigurationFormatError);
    public const string ConfigurationFileNotFound = nameof(ConfigurationFileNotFound);
    public const string ConfigurationFileNotRead = nameof(ConfigurationFileNotRead);
    public const string ConfigurationFileIsDirectory = nameof(ConfigurationFileIsDirectory);
    public const string ConfigurationFileTooLarge = nameof(ConfigurationFileTooLarge);
    public const string ConfigurationFileEmpty = nameof(ConfigurationFileEmpty);
    public const string ConfigurationFileTruncated = nameof(ConfigurationFileTruncated);
    /// <summary>Import-LvsConfiguration -Replace would remove objects, and the session cannot ask for the confirmation that needs.</summary>
    public const string ReplaceNotConfirmed = nameof(ReplaceNotConfirmed);
    public const string ConfirmationNotPossible = nameof(ConfirmationNotPossible);
    public const string ConfigurationFileNotWritten = nameof(ConfigurationFileNotWritten);
    public const string MetricFileNotWritten = nameof(MetricFileNotWritten);
    public const string SyncDaemonExists = nameof(SyncDaemonExists);
    public const string SyncDaemonNotFound = nameof(SyncDaemonNotFound);
    public const string SyncDaemonNotPossible = nameof(SyncDaemonNotPossible);
    public const string SyncInterfaceNotFound = nameof(SyncInterfaceNotFound);
    public const string DrainTimeout = nameof(DrainTimeout);
    public const string DrainStateError = nameof(DrainStateError);
    public const string NoPreviousWeight = nameof(NoPreviousWeight);
    // Directors (kconf): Start-/Get-/Stop-LvsDirector.
    public const string DirectorExists = nameof(DirectorExists);
    public const string DirectorNotFound = nameof(DirectorNotFound);
    public const string DirectorNotStarted = nameof(DirectorNotStarted);
    public const string DirectorChangeRefused = nameof(DirectorChangeRefused);
    // VRRP: the runtime's failures and the core's rules (VrrpRule), one id each.
    public const string VrrpInstanceExists = nameof(VrrpInstanceExists);
    public const string VrrpInstanceNotFound = nameof(VrrpInstanceNotFound);
    public const string VrrpWaitTimeout = nameof(VrrpWaitTimeout);
    public const string VrrpSocketError = nameof(VrrpSocketError);
    public const string VrrpSyncGroupNotFound = nameof(VrrpSyncGroupNotFound);
    public const string LvsSyncDaemonInUse = nameof(LvsSyncDaemonInUse);
    public const string InvalidTrack = nameof(InvalidTrack);
    public const string InvalidName = nameof(InvalidName);
    public const string InvalidVirtualRouterId = nameof(InvalidVirtualRouterId);
    public const string InvalidPriority = nameof(InvalidPriority);
    public const string InvalidVersion = nameof(InvalidVersion);
    public const string InvalidVirtualAddress = nameof(InvalidVirtualAddress);
    public const string MixedAddressFamilies = nameof(MixedAddressFamilies);
    public const string VersionAddressFamilyConflict = nameof(VersionAddressFamilyConflict);
    public const string InvalidAdvertisementInterval = nameof(InvalidAdvertisementInterval);
    public const string AuthenticationNotSupported = nameof(AuthenticationNotSupported);
    public const string PasswordTooLong = nameof(PasswordTooLong);
    public const string InvalidPreemptDelay = nameof(InvalidPreemptDelay);
    public const string InvalidUnicast = nameof(InvalidUnicast);
    public const string InvalidGratuitousArp = nameof(InvalidGratuitousArp);
    public const string NoInterfaceAddress = nameof(NoInterfaceAddress);
    public const string InvalidSyncGroup = nameof(InvalidSyncGroup);
    public const string InvalidLvsSyncDaemon = nameof(InvalidLvsSyncDaemon);
    // Runtime: scripts (track, notify, checks) and workers (VRRP instances, health checks).
    public const string ScriptNotFound = nameof(ScriptNotFound);
    public const string ScriptNotExecutable = nameof(ScriptNotExecutable);
    public const string InvalidScriptCommand = nameof(InvalidScriptCommand);
    public const string WorkerStopped = nameof(WorkerStopped);
    // Health checks.
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

    /// <summary>What an id means for the record: its category, whether it stops the command, and the advice (null: the message says it all).</summary>
    public sealed record Entry(ErrorCategory Category, bool Terminating = false, Func<Exception, string?>? Advice = null);

    /// <summary>Root, or the capability the refused operation needs: CAP_NET_RAW as well only for VRRP's raw sockets.</summary>
    private static string RunAsRoot(Exception e) => e is Native.Vrrp.VrrpSocketException
        ? "Run pwsh as root (sudo pwsh), or give the process CAP_NET_RAW and CAP_NET_ADMIN."
        : "Run pwsh as root (sudo pwsh), or give the process CAP_NET_ADMIN.";

    private static readonly Dictionary<string, Entry> s_catalog = new(StringComparer.Ordinal)
    {
        [IpvsNotAvailable] = new(ErrorCategory.ResourceUnavailable, true, _ => "Load the IPVS module (modprobe ip_vs), or use a kernel built with CONFIG_IP_VS."),
        [PermissionDenied] = new(ErrorCategory.PermissionDenied, true, RunAsRoot),
        [NetworkNamespaceNotFound] = new(ErrorCategory.ObjectNotFound, true, e => e is Native.Netlink.NetworkNamespaceNotFoundException n
            ? $"List the namespaces with 'ip netns list', or create it with 'ip netns add {n.Name}'." : null),
        [NetlinkError] = new(ErrorCategory.NotSpecified, false, e => e is Native.Netlink.NetlinkException { IsKernelRefusal: false, Errno: Native.Netlink.Errno.EAGAIN }
            ? "Try again: the table changed while it was read." : null),
        [UnexpectedError] = new(ErrorCategory.NotSpecified),
        [VirtualServiceExists] = new(ErrorCategory.ResourceExists, false, _ => "Change it with Set-LvsVirtualService, or remove it first with Remove-LvsVirtualService."),
        [VirtualServiceNotFound] = new(ErrorCategory.ObjectNotFound, false, _ => "Get-LvsVirtualService lists the services; New-LvsVirtualService creates one."),
        [RealServerExists] = new(ErrorCategory.ResourceExists, false, _ => "Change it with Set-LvsRealServer."),
        [RealServerNotFound] = new(ErrorCategory.ObjectNotFound, false, _ => "Get-LvsRealServer lists the real servers of a service."),
        [SchedulerNotAvailable] = new(ErrorCategory.ObjectNotFound, false, e => e is IpvsException { Scheduler: { } s }
            ? $"Load it (modprobe ip_vs_{s}) or choose a scheduler the kernel has; -Scheduler completes with those." : null),
        [IpvsInvalidArgument] = new(ErrorCategory.InvalidArgument),
        [IpvsError] = new(ErrorCategory.NotSpecified),
        [InvalidVirtualService] = new(ErrorCategory.InvalidArgument, false, _ => "Write it as tcp/10.0.0.3:80, udp/[2001:db8::1]:53, sctp/10.0.0.3:9, fwmark/3 or fwmark/3/ipv6."),
        [InvalidAddress] = new(ErrorCategory.InvalidArgument),
        [PortConflict] = new(ErrorCategory.InvalidArgument, false, _ => "Give the port once: in the address or as its own parameter."),
        [UnknownForwardingMethod] = new(ErrorCategory.InvalidArgument, false, _ => "Use Masquerade (NAT), Route (DR, gatewaying) or Tunnel (TUN, IPIP)."),
        [FullNatNotSupported] = new(ErrorCategory.InvalidArgument, false, _ => "Use NAT (-Forwarding Masquerade) with SNAT on the director, or DR (-Forwarding Route)."),
        [ForwardingIsPerRealServer] = new(ErrorCategory.InvalidArgument, false, _ => "Give it to each real server: Add-LvsRealServer -Forwarding Masquerade|Route|Tunnel."),
        [ForwardingNeedsNoHostSetup] = new(ErrorCategory.InvalidArgument, false, _ => "Make the director the real server's default gateway; the host cmdlets prepare Route (DR) and Tunnel (TUN) real servers."),
        [UnknownSchedulerFlag] = new(ErrorCategory.InvalidArgument, false, _ => "-SchedulerFlag completes with the flags of the scheduler given."),
        [PersistenceConflict] = new(ErrorCategory.InvalidArgument, false, _ => "Give -PersistenceTimeout alone to make the service persistent, or -Persistent:$false alone to stop it."),
        [PreemptConflict] = new(ErrorCategory.InvalidArgument, false, _ => "Give -NoPreempt alone (-NoPreempt:$false preempts)."),
        [TemplateSwitchConflict] = new(ErrorCategory.InvalidArgument, false, _ => "Give -Template or -ExcludeTemplate, not both."),
        [NoTimeoutGiven] = new(ErrorCategory.InvalidArgument, false, _ => "Give at least one of -Tcp, -TcpFin and -Udp, in seconds."),
        [InvalidRecordProperty] = new(ErrorCategory.InvalidArgument, false, _ => "Fix that property of the row (Get-Help about_LvsPS lists what each takes), or pipe the objects Get-LvsVirtualService and Get-LvsRealServer write."),
        [UnknownScheduler] = new(ErrorCategory.InvalidArgument, false, _ => "-Scheduler completes with the schedulers the kernel can load."),
        [SchedulerFlagMismatch] = new(ErrorCategory.InvalidArgument, false, _ => "Use the sh or mh scheduler with its flags, or drop -SchedulerFlag."),
        [InvalidPersistenceNetmask] = new(ErrorCategory.InvalidArgument, false, _ => "-PersistenceNetmask takes a mask (255.255.255.0) or a prefix length (24) for IPv4, a prefix length (64) for IPv6."),
        [PersistenceEngineNeedsPersistence] = new(ErrorCategory.InvalidArgument, false, _ => "Add -Persistent (or -PersistenceTimeout)."),
        [UnknownPersistenceEngine] = new(ErrorCategory.InvalidArgument, false, _ => "Use -PersistenceEngine sip, or none."),
        [PortZeroNeedsPersistence] = new(ErrorCategory.InvalidArgument, false, _ => "Add -Persistent (or -PersistenceTimeout), or give the service a port."),
        [WeightOutOfRange] = new(ErrorCategory.InvalidArgument, false, _ => "Give a weight from 0 to 65535."),
        [ThresholdOrder] = new(ErrorCategory.InvalidArgument, false, _ => "Give an -UpperThreshold at least as large as -LowerThreshold."),
        [PortRemapNotPossible] = new(ErrorCategory.InvalidArgument, false, _ => "Give the real server the service's port, or use NAT (-Forwarding Masquerade) to remap ports."),
        [FamilyMismatch] = new(ErrorCategory.InvalidArgument, false, _ => "Use -Forwarding Tunnel for a real server of the other address family, or an address of the service's family."),
        [TunnelSettingsWithoutTunnel] = new(ErrorCategory.InvalidArgument, false, _ => "Add -Forwarding Tunnel, or drop -TunnelType, -TunnelPort and -TunnelChecksum."),
        [GueNeedsPort] = new(ErrorCategory.InvalidArgument, false, _ => "Add -TunnelPort with the real server's GUE port."),
        [LocalForwarding] = new(ErrorCategory.InvalidArgument, false, _ => "Use Masquerade, Route or Tunnel."),
        [UnknownSyncDaemonState] = new(ErrorCategory.InvalidArgument, false, _ => "Use Master or Backup."),
        [InvalidSyncInterface] = new(ErrorCategory.InvalidArgument, false, _ => "Give the name of a network interface, such as eth0 (ip link lists them)."),
        [SyncIdOutOfRange] = new(ErrorCategory.InvalidArgument),
        [SyncMaxLengthOutOfRange] = new(ErrorCategory.InvalidArgument, false, _ => "Leave -MaxLength out for the interface's default."),
        [InvalidMulticastGroup] = new(ErrorCategory.InvalidArgument, false, _ => "Give a multicast group such as 224.0.0.81 or ff02::8848, or leave it out for the default."),
        [SyncPortOutOfRange] = new(ErrorCategory.InvalidArgument, false, _ => "Leave -Port out for the default 8848."),
        [TtlOutOfRange] = new(ErrorCategory.InvalidArgument, false, _ => "Leave -Ttl out for the default 1."),
        [ProcFormatError] = new(ErrorCategory.InvalidData),
        [PathNotFound] = new(ErrorCategory.ObjectNotFound),
        [PathIsDirectory] = new(ErrorCategory.InvalidArgument, false, _ => "Give the path of a file (ipvsadm -Lnc > conn.txt, or a copy of /proc/net/ip_vs_conn)."),
        [ConfigurationFormatError] = new(ErrorCategory.InvalidData, false, _ => "Fix the line named, then import the file again: nothing of it was applied."),
        [ConfigurationFileNotFound] = new(ErrorCategory.ObjectNotFound),
        [ConfigurationFileNotRead] = new(ErrorCategory.ReadError),
        [ConfigurationFileIsDirectory] = new(ErrorCategory.InvalidArgument, false, _ => "Give the path of a file in that directory."),
        [ConfigurationFileTooLarge] = new(ErrorCategory.LimitsExceeded, false, _ => "Check the path: a saved table of a million real servers is far smaller."),
        [ConfigurationFileEmpty] = new(ErrorCategory.InvalidData, false, _ => "Check the file; add -Force to clear the table from it."),
        [ConfigurationFileTruncated] = new(ErrorCategory.InvalidData, false, _ => "End the file with a line break if it is complete, or add -Force."),
        [ConfirmationNotPossible] = new(ErrorCategory.InvalidOperation, true, _ => "Add -Confirm:$false to make the change without asking (-WhatIf lists the changes first), or set $ConfirmPreference = 'None' for the whole script."),
        [ReplaceNotConfirmed] = new(ErrorCategory.InvalidOperation, true, _ => "Add -Confirm:$false (or -Force) to replace the table without asking; -WhatIf first lists each change, removals included."),
        [ConfigurationFileNotWritten] = new(ErrorCategory.WriteError),
        [MetricFileNotWritten] = new(ErrorCategory.WriteError),
        [SyncDaemonExists] = new(ErrorCategory.ResourceExists, false, _ => "Stop it first (Stop-LvsSyncDaemon); Get-LvsSyncDaemon lists the daemons that run."),
        [SyncDaemonNotFound] = new(ErrorCategory.ObjectNotFound, false, _ => "Get-LvsSyncDaemon lists the daemons that run."),
        [SyncDaemonNotPossible] = new(ErrorCategory.InvalidOperation, false, _ => "Remove the real servers of the other address family first."),
        [SyncInterfaceNotFound] = new(ErrorCategory.ObjectNotFound, false, _ => "Pick an existing interface (ip link lists them) or create it first."),
        [DrainTimeout] = new(ErrorCategory.OperationTimeout, false, _ => "Wait longer with -Timeout, or see the connections with Get-LvsConnection -RealServerAddress; Resume-LvsRealServer puts the weight back."),
        [DrainStateError] = new(ErrorCategory.WriteError, false, _ => $"Run as root, or point ${Native.Operations.PreviousWeightStore.DirectoryVariable} at a writable directory."),
        [NoPreviousWeight] = new(ErrorCategory.ObjectNotFound, false, _ => "Give the weight with -Weight."),
        [DirectorExists] = new(ErrorCategory.ResourceExists, false, _ => "Stop it first (Stop-LvsDirector), or give this one another -Name."),
        [DirectorNotFound] = new(ErrorCategory.ObjectNotFound, false, _ => "Get-LvsDirector lists the directors of this PowerShell process."),
        [DirectorChangeRefused] = new(ErrorCategory.InvalidResult, false, _ => "The rest of the reload was applied; fix the file and reload again (Update-LvsDirector, or SIGHUP under -Wait)."),
        [DirectorNotStarted] = new(ErrorCategory.InvalidData, false, _ => "Fix what the errors name (Test-LvsKeepalivedConfiguration lists them with file:line), then start it again."),
        [VrrpInstanceExists] = new(ErrorCategory.ResourceExists, false, _ => "Stop it first (Stop-LvsVrrpInstance), or choose another name."),
        [VrrpInstanceNotFound] = new(ErrorCategory.ObjectNotFound, false, _ => "Get-LvsVrrpInstance lists the instances of this PowerShell process."),
        [VrrpWaitTimeout] = new(ErrorCategory.OperationTimeout),
        [VrrpSocketError] = new(ErrorCategory.NotSpecified),
        [VrrpSyncGroupNotFound] = new(ErrorCategory.ObjectNotFound, false, _ => "Start its members with Start-LvsVrrpInstance -SyncGroup."),
        [LvsSyncDaemonInUse] = new(ErrorCategory.ResourceExists, false, _ => "Put both instances in one -SyncGroup and give -LvsSyncDaemonInterface to one of them."),
        [InvalidTrack] = new(ErrorCategory.InvalidArgument, false, _ => "-TrackInterface takes 'eth1' or 'eth1 weight -20'; -TrackScript takes hashtables with Name, Script, Interval, Weight, Rise and Fall."),
        [InvalidName] = new(ErrorCategory.InvalidArgument),
        [InvalidVirtualRouterId] = new(ErrorCategory.InvalidArgument, false, _ => "Give -VirtualRouterId from 1 to 255, the same as on the peers."),
        [InvalidPriority] = new(ErrorCategory.InvalidArgument, false, _ => "Give -Priority from 1 to 254 (255 for the owner of the addresses)."),
        [InvalidVersion] = new(ErrorCategory.InvalidArgument, false, _ => "Give -Version 2 or 3."),
        [InvalidVirtualAddress] = new(ErrorCategory.InvalidArgument, false, _ => "Give -VirtualAddress, such as 10.0.0.3/24."),
        [MixedAddressFamilies] = new(ErrorCategory.InvalidArgument, false, _ => "Start one instance per address family."),
        [VersionAddressFamilyConflict] = new(ErrorCategory.InvalidArgument, false, _ => "Use -Version 3 for IPv6 virtual addresses."),
        [InvalidAdvertisementInterval] = new(ErrorCategory.InvalidArgument, false, _ => "Use whole seconds with VRRPv2, or -Version 3 for intervals from 0.01 to 40.95 s."),
        [AuthenticationNotSupported] = new(ErrorCategory.InvalidArgument, false, _ => "Drop -AuthenticationPassword, or use -Version 2."),
        [PasswordTooLong] = new(ErrorCategory.InvalidArgument, false, _ => "Use a password of at most 8 bytes, the same on every peer."),
        [InvalidPreemptDelay] = new(ErrorCategory.InvalidArgument, false, _ => "Give -PreemptDelay from 0 to 1000 seconds."),
        [InvalidUnicast] = new(ErrorCategory.InvalidArgument, false, _ => "Give -UnicastPeer with -UnicastSource."),
        [InvalidGratuitousArp] = new(ErrorCategory.InvalidArgument, false, _ => "Give -GratuitousArpRepeat from 0 to 100."),
        [NoInterfaceAddress] = new(ErrorCategory.InvalidOperation, false, _ => "Give the interface an address of its own (ip addr add 10.0.0.1/24 dev eth0), or -UnicastSource."),
        [InvalidSyncGroup] = new(ErrorCategory.InvalidArgument, false, _ => "-SyncGroupNotifyCommand needs -SyncGroup; every member of a group gives the same notify command or none."),
        [InvalidLvsSyncDaemon] = new(ErrorCategory.InvalidArgument, false, _ => "-LvsSyncId, -LvsSyncMaxLength, -LvsSyncMulticastGroup, -LvsSyncPort and -LvsSyncTtl go with -LvsSyncDaemonInterface; check their values."),
        [ScriptNotFound] = new(ErrorCategory.ObjectNotFound, false, _ => "Give the full path of an executable, or a script block."),
        [ScriptNotExecutable] = new(ErrorCategory.InvalidArgument, false, _ => "Make the file executable (chmod +x), or give a script block."),
        [InvalidScriptCommand] = new(ErrorCategory.InvalidArgument, false, _ => "Write the command as a program and its arguments, quoted as in keepalived.conf."),
        [WorkerStopped] = new(ErrorCategory.InvalidOperation),
        [InvalidHealthCheck] = new(ErrorCategory.InvalidArgument),
        [HealthCheckOptionConflict] = new(ErrorCategory.InvalidArgument, false, _ => "Get-Help New-LvsHealthCheck -Parameter * lists which options go with which check type."),
        [HealthCheckExists] = new(ErrorCategory.ResourceExists),
        [HealthCheckNotFound] = new(ErrorCategory.ObjectNotFound, false, _ => "Get-LvsHealthCheck lists the health checks of this PowerShell process."),
        [HealthCheckWaitTimeout] = new(ErrorCategory.OperationTimeout),
        [NoRealServerToCheck] = new(ErrorCategory.InvalidArgument),
        [InterfaceNotFound] = new(ErrorCategory.ObjectNotFound, false, _ => "List the interfaces with 'ip link' (in the namespace given), or Get-LvsArpSuppression."),
        [SysctlNotFound] = new(ErrorCategory.ObjectNotFound, false, e => e is HostSettingException { Problem: HostSettingProblem.IpvsParameterMissing }
            ? "Load the IPVS module (modprobe ip_vs)." : "Check the interface name; Get-LvsArpSuppression lists the interfaces."),
        [HostSettingFailed] = new(ErrorCategory.InvalidOperation, false, e => e is HostSettingException h ? h.Problem switch
        {
            HostSettingProblem.IpipDeviceExists => $"Use the catch-all ipip device: -TunnelInterface {h.Existing}.",
            HostSettingProblem.NotAnIpipTunnel => "Choose another -TunnelInterface (tunl0 is the ipip module's own).",
            _ => null,
        } : null),
    };

    /// <summary>Every id of the catalogue, with its entry.</summary>
    public static IReadOnlyDictionary<string, Entry> Catalog => s_catalog;

    /// <summary>The id of each core IPVS rule.</summary>
    private static string IdOf(IpvsRule rule) => rule switch
    {
        IpvsRule.UnknownScheduler => UnknownScheduler,
        IpvsRule.UnknownSchedulerFlag => UnknownSchedulerFlag,
        IpvsRule.PersistenceConflict => PersistenceConflict,
        IpvsRule.SchedulerFlagMismatch => SchedulerFlagMismatch,
        IpvsRule.InvalidPersistenceNetmask => InvalidPersistenceNetmask,
        IpvsRule.PersistenceEngineNeedsPersistence => PersistenceEngineNeedsPersistence,
        IpvsRule.UnknownPersistenceEngine => UnknownPersistenceEngine,
        IpvsRule.PortZeroNeedsPersistence => PortZeroNeedsPersistence,
        IpvsRule.WeightOutOfRange => WeightOutOfRange,
        IpvsRule.ThresholdOrder => ThresholdOrder,
        IpvsRule.PortRemapNotPossible => PortRemapNotPossible,
        IpvsRule.FamilyMismatch => FamilyMismatch,
        IpvsRule.TunnelSettingsWithoutTunnel => TunnelSettingsWithoutTunnel,
        IpvsRule.GueNeedsPort => GueNeedsPort,
        IpvsRule.LocalForwarding => LocalForwarding,
        IpvsRule.UnknownSyncDaemonState => UnknownSyncDaemonState,
        IpvsRule.InvalidSyncInterface => InvalidSyncInterface,
        IpvsRule.SyncIdOutOfRange => SyncIdOutOfRange,
        IpvsRule.SyncMaxLengthOutOfRange => SyncMaxLengthOutOfRange,
        IpvsRule.InvalidMulticastGroup => InvalidMulticastGroup,
        IpvsRule.SyncPortOutOfRange => SyncPortOutOfRange,
        IpvsRule.TtlOutOfRange => TtlOutOfRange,
        _ => UnexpectedError,
    };

    /// <summary>The id of each core VRRP rule.</summary>
    private static string IdOf(VrrpRule rule) => rule switch
    {
        VrrpRule.InvalidName => InvalidName,
        VrrpRule.InterfaceNotFound => InterfaceNotFound,
        VrrpRule.InvalidVirtualRouterId => InvalidVirtualRouterId,
        VrrpRule.InvalidPriority => InvalidPriority,
        VrrpRule.InvalidVersion => InvalidVersion,
        VrrpRule.InvalidVirtualAddress => InvalidVirtualAddress,
        VrrpRule.MixedAddressFamilies => MixedAddressFamilies,
        VrrpRule.VersionAddressFamilyConflict => VersionAddressFamilyConflict,
        VrrpRule.InvalidAdvertisementInterval => InvalidAdvertisementInterval,
        VrrpRule.AuthenticationNotSupported => AuthenticationNotSupported,
        VrrpRule.PasswordTooLong => PasswordTooLong,
        VrrpRule.InvalidPreemptDelay => InvalidPreemptDelay,
        VrrpRule.InvalidUnicast => InvalidUnicast,
        VrrpRule.InvalidGratuitousArp => InvalidGratuitousArp,
        VrrpRule.NoInterfaceAddress => NoInterfaceAddress,
        VrrpRule.InvalidSyncGroup => InvalidSyncGroup,
        VrrpRule.InvalidLvsSyncDaemon => InvalidLvsSyncDaemon,
        VrrpRule.InvalidTrack => InvalidTrack,
        _ => UnexpectedError,
    };
}
