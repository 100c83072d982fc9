namespace LvsPS.Native.Vrrp;

/// <summary>
/// Membership of a <see cref="VrrpSyncGroup"/>: the group's orders arrive on any thread and run
/// on the protocol thread through the command queue; the member reports its state and wantstate
/// after every batch of actions and asks the group before it becomes master.
/// </summary>
public sealed partial class VrrpInstance : IVrrpSyncGroupMember
{
    private VrrpSyncGroup? _group;
    private VrrpState _reportedState = VrrpState.Init;
    private bool _reportedWantsMaster;

    /// <summary>The sync group this instance fails over with; null when none.</summary>
    public VrrpSyncGroup? SyncGroup => _group;
    /// <summary>The sync group's name; null when none.</summary>
    public string? SyncGroupName => _group?.Name;

    /// <summary>Starts an instance as a member of <paramref name="syncGroup"/> (null: alone), like <see cref="Start(VrrpInstanceOptions, Action{VrrpInstance, VrrpStateChange}?)"/>.</summary>
    public static VrrpInstance Start(VrrpInstanceOptions options, Action<VrrpInstance, VrrpStateChange>? onStateChange, VrrpSyncGroup? syncGroup,
        ISyncDaemonController? syncDaemonController = null)
    {
        options.Validate();
        VrrpInstance instance = Namespaces.NetworkNamespace.Run(options.NetworkNamespace, () => Open(options));
        try
        {
            instance.Attach(syncGroup, syncDaemonController);
        }
        catch
        {
            instance.Abandon();
            throw;
        }
        if (onStateChange != null)
            instance.StateChanged += onStateChange;
        instance.Launch();
        return instance;
    }

    private void Attach(VrrpSyncGroup? group, ISyncDaemonController? controller)
    {
        AttachSyncDaemon(controller);
        if (group != null)
        {
            group.Join(this);
            _group = group;
            _machine.HoldForGroup = true;
            StateChanged += (_, change) =>
            {
                if (change.To == VrrpState.Init)
                    group.Leave(this);
            };
        }
    }

    /// <summary>Closes what <see cref="Open"/> opened when the instance never ran.</summary>
    private void Abandon()
    {
        _socket.Dispose();
        _announcer.Dispose();
        _binder.Dispose();
        CloseEventFd();
        _inbox.Close();
        _exited.Set();
        _ended.TrySetResult();
    }

    void IVrrpSyncGroupMember.ForceMaster(string reason) => PostToGroupMember(() => Execute(_machine.ForceMaster(Now, reason)));

    void IVrrpSyncGroupMember.ForceBackup(string reason) => PostToGroupMember(() => Execute(_machine.ForceBackup(Now, reason)));

    /// <summary>The group's fault is asked again in <see cref="Recompute"/>, so the flag itself is not kept.</summary>
    void IVrrpSyncGroupMember.SetGroupFault(bool faulted) => PostToGroupMember(Recompute);

    /// <summary>Orders between members never wait for each other (a member's protocol thread gives them); a stopped member has left the group.</summary>
    private void PostToGroupMember(Action command) => _inbox.Post(command);

    /// <summary>The fault the machine gets: the instance's own, or any member's of its group.</summary>
    private bool WithGroupFault(bool ownFault)
        => _group is null ? ownFault : _group.ReportFault(this, ownFault) | ownFault;

    /// <summary>Held by the group: the down timer ran out; become master if the group agrees.</summary>
    private void OnMasterWanted()
    {
        if (_group?.MayBecomeMaster(this) == true)
            Execute(_machine.ForceMaster(Now, $"every member of sync group {_group.Name} wants master"));
    }

    /// <summary>Tells the group the machine's state and wantstate when they changed.</summary>
    private void ReportToGroup()
    {
        if (_group is null || (_machine.State == _reportedState && _machine.WantsMaster == _reportedWantsMaster))
            return;
        _reportedState = _machine.State;
        _reportedWantsMaster = _machine.WantsMaster;
        _group.Update(this, _reportedState, _reportedWantsMaster);
    }
}
