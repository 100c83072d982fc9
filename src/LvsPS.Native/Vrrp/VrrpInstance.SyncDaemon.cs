namespace LvsPS.Native.Vrrp;

/// <summary>
/// The IPVS sync daemon that follows the instance (keepalived's lvs_sync_daemon), driven from the
/// notification thread in the order of the state changes, so a slow or failing netlink call
/// never delays an advert. The instance ends only after that thread handled its last change
/// (Init: the daemons it started are stopped).
/// </summary>
public sealed partial class VrrpInstance
{
    private VrrpSyncDaemonCoupling? _syncDaemon;

    /// <summary>The IPVS sync daemon coupling (role, daemons running, errors); null when the instance drives none.</summary>
    public VrrpSyncDaemonCoupling? LvsSyncDaemon => _syncDaemon;

    private void AttachSyncDaemon(ISyncDaemonController? controller)
    {
        if (_options.LvsSyncDaemon is not { } settings)
            return;
        _syncDaemon = new VrrpSyncDaemonCoupling(settings, controller ?? new IpvsSyncDaemonController(_options.NetworkNamespace));
        _syncDaemon.Failed += message => LastError = $"IPVS sync daemon: {message}";
        StateChanged += (_, change) => _syncDaemon.OnStateChanged(change.To);
    }
}
