namespace LvsPS.Native.Vrrp;

/// <summary>
/// The IPVS sync daemon that follows the instance (keepalived's lvs_sync_daemon), driven from the
/// notification thread in the order of the state changes, so a slow or failing netlink call
/// never delays an advert.
/// </summary>
public sealed partial class VrrpInstance
{
    private VrrpSyncDaemonCoupling? _syncDaemon;
    private readonly ManualResetEventSlim _syncDaemonIdle = new(true);

    /// <summary>The IPVS sync daemon coupling (role, daemons running, errors); null when the instance drives none.</summary>
    public VrrpSyncDaemonCoupling? LvsSyncDaemon => _syncDaemon;

    private void AttachSyncDaemon(ISyncDaemonController? controller)
    {
        if (_options.LvsSyncDaemon is not { } settings)
            return;
        _syncDaemon = new VrrpSyncDaemonCoupling(settings, controller ?? new IpvsSyncDaemonController(_options.NetworkNamespace));
        _syncDaemon.Failed += message => LastError = $"IPVS sync daemon: {message}";
        StateChanged += (_, change) => FollowWithSyncDaemon(change.To);
    }

    private void FollowWithSyncDaemon(VrrpState to)
    {
        _syncDaemonIdle.Reset();
        try
        {
            _syncDaemon!.OnStateChanged(to);
        }
        finally
        {
            if (to == VrrpState.Init)
                _syncDaemonIdle.Set();
        }
    }

    /// <summary>After <see cref="Stop"/>: waits until the sync daemons this instance started are stopped.</summary>
    private void WaitForSyncDaemonStopped(TimeSpan timeout)
    {
        if (_syncDaemon != null)
            _syncDaemonIdle.Wait(timeout);
    }
}
