using System.Management.Automation;
using System.Net;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Text;
using LvsPS.Native.Vrrp;
using LvsPS.Vrrp;

namespace LvsPS.Commands;

/// <summary>The sync group and IPVS sync daemon parameters of Start-LvsVrrpInstance.</summary>
public sealed partial class StartLvsVrrpInstanceCommand
{
    /// <summary>The sync group to fail over with (keepalived's vrrp_sync_group): instances of one group are master together or backup together, and a Fault of one is a Fault of all. The group is created with its first member; Get-LvsVrrpSyncGroup shows it.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(VrrpSyncGroupCompleter))]
    public string? SyncGroup { get; set; }

    /// <summary>An executable run on every state change of the sync group with keepalived's group notify arguments: GROUP name MASTER|BACKUP|FAULT|INIT. Set by the group's first member that gives one; another member may give the same command or none.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SyncGroupNotifyCommand { get; set; }

    /// <summary>Keeps the weights of -TrackInterface and -TrackScript in a sync group (keepalived's sync_group_tracking_weight). Without it a weighted tracked item of a group member counts as weight 0, as in keepalived: down puts the member, and so the group, in Fault.</summary>
    [Parameter]
    public SwitchParameter SyncGroupTrackingWeight { get; set; }

    /// <summary>Runs the IPVS connection-sync daemon on this interface with the instance (keepalived's lvs_sync_daemon INTERFACE INSTANCE): backup from start, master while the instance is master, backup again when it leaves master; the daemons it started stop with it. One instance per network namespace.</summary>
    [Parameter]
    [Alias("LvsSyncInterface")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(InterfaceCompleter))]
    public string? LvsSyncDaemonInterface { get; set; }

    /// <summary>The sync id of the IPVS sync daemon (keepalived's lvs_sync_daemon ... id N), 0 to 255; 0 by default.</summary>
    [Parameter]
    [ValidateRange(0u, 255u)]
    [UnsignedTransformation(0, 255)]
    public uint LvsSyncId { get; set; }

    /// <summary>The largest sync message payload in bytes (keepalived's maxlen), 1 to 65535; the interface's default when omitted.</summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int LvsSyncMaxLength { get; set; }

    /// <summary>The multicast group of the sync daemon (keepalived's group): IPv4 in 224.0.0.0/4 or IPv6 in ff00::/8; 224.0.0.81 when omitted.</summary>
    [Parameter]
    [AddressTransformation]
    public string? LvsSyncMulticastGroup { get; set; }

    /// <summary>The UDP port of the sync daemon's multicast (keepalived's port), 1 to 65535; 8848 when omitted.</summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int LvsSyncPort { get; set; }

    /// <summary>The multicast TTL of the sync daemon (keepalived's ttl), 1 to 255; 1 when omitted.</summary>
    [Parameter]
    [ValidateRange(1, 255)]
    public int LvsSyncTtl { get; set; }

    /// <summary>keepalived (vrrp.c): a sync group member's weighted tracking becomes weight 0 unless sync_group_tracking_weight is set.</summary>
    private VrrpTrackedInterface InSyncGroup(VrrpTrackedInterface tracked)
    {
        if (SyncGroup is null || SyncGroupTrackingWeight || tracked.Weight == 0)
            return tracked;
        WriteWarning($"Tracked interface '{tracked.Name}': weight {tracked.Weight} ignored in sync group {SyncGroup} (down puts the group in Fault); -SyncGroupTrackingWeight keeps it.");
        return tracked with { Weight = 0 };
    }

    private VrrpTrackedScript InSyncGroup(VrrpTrackedScript tracked)
    {
        if (SyncGroup is null || SyncGroupTrackingWeight || tracked.Weight == 0)
            return tracked;
        WriteWarning($"Track script '{tracked.Name}': weight {tracked.Weight} ignored in sync group {SyncGroup} (failing puts the group in Fault); -SyncGroupTrackingWeight keeps it.");
        return tracked with { Weight = 0 };
    }

    private SyncDaemon? BuildSyncDaemon()
    {
        bool anySetting = IsBound(nameof(LvsSyncId)) || IsBound(nameof(LvsSyncMaxLength)) || IsBound(nameof(LvsSyncMulticastGroup))
            || IsBound(nameof(LvsSyncPort)) || IsBound(nameof(LvsSyncTtl));
        if (LvsSyncDaemonInterface is null)
        {
            if (anySetting)
                throw new VrrpValidationException(VrrpRule.InvalidLvsSyncDaemon, "-LvsSyncId, -LvsSyncMaxLength, -LvsSyncMulticastGroup, -LvsSyncPort and -LvsSyncTtl need -LvsSyncDaemonInterface (the interface of the sync multicast, such as eth1).");
            return null;
        }
        return new SyncDaemon
        {
            State = SyncDaemonState.Backup,
            Interface = LvsSyncDaemonInterface,
            SyncId = LvsSyncId,
            MaxLength = IsBound(nameof(LvsSyncMaxLength)) ? (ushort)LvsSyncMaxLength : null,
            MulticastGroup = LvsSyncMulticastGroup is null ? null : NetText.ParseAddress(LvsSyncMulticastGroup),
            Port = IsBound(nameof(LvsSyncPort)) ? (ushort)LvsSyncPort : null,
            Ttl = IsBound(nameof(LvsSyncTtl)) ? (byte)LvsSyncTtl : null,
        };
    }

    private VrrpSyncGroup? SyncGroupOrNull()
    {
        if (SyncGroup is null)
            return null;
        VrrpSyncGroup group = VrrpRegistry.SyncGroup(SyncGroup);
        if (SyncGroupNotifyCommand is not null)
            VrrpSyncGroupNotifier.Register(group, SyncGroupNotifyCommand);
        return group;
    }

    private void CheckSyncGroupParameters()
    {
        if (SyncGroupNotifyCommand is not null && SyncGroup is null)
            throw new VrrpValidationException(VrrpRule.InvalidSyncGroup, "-SyncGroupNotifyCommand needs -SyncGroup (the group whose changes it reports).");
        if (SyncGroupNotifyCommand is not null)
            Executable(SyncGroupNotifyCommand, networkNamespace: null); // refused before anything starts when it cannot run
    }

    /// <summary>A namespace has one master and one backup sync daemon: two instances driving them would fight.</summary>
    private void CheckSyncDaemonDriver(VrrpInstanceOptions options)
    {
        if (options.LvsSyncDaemon is null || VrrpRegistry.SyncDaemonDriver(options.NetworkNamespace) is not { } driver)
            return;
        string where = options.NetworkNamespace is null ? "this network namespace" : $"network namespace '{options.NetworkNamespace}'";
        ThrowTerminatingError(ErrorMapper.Record(ErrorMapper.LvsSyncDaemonInUse,
            new InvalidOperationException($"The VRRP instance '{driver.Name}' drives the IPVS sync daemon of {where} already (there is one master and one backup daemon per namespace)."), Name));
    }
}
