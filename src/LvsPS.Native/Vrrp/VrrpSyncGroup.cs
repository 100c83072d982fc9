namespace LvsPS.Native.Vrrp;

/// <summary>What a <see cref="VrrpSyncGroup"/> asks of a member; each call may run on any thread and must not block.</summary>
public interface IVrrpSyncGroupMember
{
    string Name { get; }
    /// <summary>Become master now if backup (the group is master, or every member wants master).</summary>
    void ForceMaster(string reason);
    /// <summary>Leave master now (another member became backup).</summary>
    void ForceBackup(string reason);
    /// <summary>Another member is in FAULT (true) or every member is up again (false).</summary>
    void SetGroupFault(bool faulted);
}

/// <summary>One state change of a sync group.</summary>
public sealed record VrrpSyncGroupChange(string GroupName, VrrpState From, VrrpState To, string Reason, DateTimeOffset Time)
{
    public override string ToString() => $"{Time:HH:mm:ss.fff} {GroupName}: {From} -> {To} ({Reason})";
}

/// <summary>
/// keepalived's vrrp_sync_group: instances that fail over together. The rules (vrrp_sync.c):
/// a member becomes master only when every other member wants master too, or the group is master
/// already (so an instance that hears a master keeps the whole group backup); once one member is
/// master the others are made master; a master member that becomes backup makes the other masters
/// backup; a member in FAULT puts the group and every member in FAULT, and they leave it together
/// when no member has a fault of its own. Thread-safe: members report from their protocol threads,
/// the group answers at once and sends its orders through <see cref="IVrrpSyncGroupMember"/>.
/// </summary>
public sealed class VrrpSyncGroup
{
    private const int HistoryLength = 64;
    private readonly object _lock = new();
    private readonly Dictionary<IVrrpSyncGroupMember, MemberState> _members = new(ReferenceEqualityComparer.Instance);
    private readonly List<VrrpSyncGroupChange> _history = new();

    public VrrpSyncGroup(string name)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new VrrpValidationException(VrrpRule.InvalidSyncGroup, "A sync group needs a name (keepalived's vrrp_sync_group NAME).");
        Name = name;
    }

    public string Name { get; }
    /// <summary>Init until a member starts; then Backup, Master or Fault.</summary>
    public VrrpState State { get; private set; } = VrrpState.Init;
    /// <summary>Raised under no lock, on the thread of the member whose report changed the group's state.</summary>
    public event Action<VrrpSyncGroup, VrrpSyncGroupChange>? StateChanged;

    public IReadOnlyList<string> MemberNames
    {
        get { lock (_lock) return _members.Keys.Select(m => m.Name).OrderBy(n => n, StringComparer.OrdinalIgnoreCase).ToArray(); }
    }

    public IReadOnlyList<VrrpSyncGroupChange> History
    {
        get { lock (_lock) return _history.ToArray(); }
    }

    /// <summary>True while a member has a fault of its own (the others are in FAULT because of it).</summary>
    public bool IsFaulted
    {
        get { lock (_lock) return _members.Values.Any(m => m.OwnFault); }
    }

    public void Join(IVrrpSyncGroupMember member)
    {
        lock (_lock)
        {
            if (_members.Keys.Any(m => m != member && string.Equals(m.Name, member.Name, StringComparison.OrdinalIgnoreCase)))
                throw new VrrpValidationException(VrrpRule.InvalidSyncGroup, $"The sync group '{Name}' has a member named '{member.Name}' already.");
            _members.TryAdd(member, new MemberState());
        }
    }

    /// <summary>A stopped member leaves; if it alone held the group in FAULT the others leave FAULT.</summary>
    public void Leave(IVrrpSyncGroupMember member)
    {
        List<Action> orders = new();
        VrrpSyncGroupChange? change = null;
        lock (_lock)
        {
            if (!_members.Remove(member, out MemberState? left))
                return;
            if (left.OwnFault && !_members.Values.Any(m => m.OwnFault))
            {
                foreach (IVrrpSyncGroupMember other in _members.Keys)
                    orders.Add(() => other.SetGroupFault(false));
                change = SetState(VrrpState.Backup, $"{member.Name} left the group");
            }
            if (_members.Count == 0)
                change = SetState(VrrpState.Init, "no member runs");
        }
        Finish(orders, change);
    }

    /// <summary>
    /// A member asks to become master (its Master_Down_Timer ran out while held). True: it may,
    /// and should call ForceMaster on its own machine; false: it stays backup and asks again later.
    /// </summary>
    public bool MayBecomeMaster(IVrrpSyncGroupMember member)
    {
        lock (_lock)
        {
            if (!_members.TryGetValue(member, out MemberState? me))
                return true;
            me.WantsMaster = true;
            if (State == VrrpState.Fault)
                return false;
            return State == VrrpState.Master || _members.All(kv => kv.Key == member || kv.Value.WantsMaster);
        }
    }

    /// <summary>A member's state after it acted (state and wantstate); applies the group rules on a change.</summary>
    public void Update(IVrrpSyncGroupMember member, VrrpState state, bool wantsMaster)
    {
        List<Action> orders = new();
        VrrpSyncGroupChange? change = null;
        lock (_lock)
        {
            if (!_members.TryGetValue(member, out MemberState? me))
                return;
            VrrpState from = me.State;
            me.State = state;
            me.WantsMaster = wantsMaster;
            if (from == state)
                return;
            if (state == VrrpState.Master && State != VrrpState.Master && State != VrrpState.Fault)
            {
                foreach (var (other, s) in _members)
                    if (other != member && s.State != VrrpState.Master)
                        orders.Add(() => other.ForceMaster($"sync group {Name} is master ({member.Name} became master)"));
                change = SetState(VrrpState.Master, $"{member.Name} became master");
            }
            else if (state == VrrpState.Backup && from == VrrpState.Master && State != VrrpState.Fault)
            {
                foreach (var (other, s) in _members)
                    if (other != member && s.State == VrrpState.Master)
                        orders.Add(() => other.ForceBackup($"sync group {Name} is backup ({member.Name} became backup)"));
                change = SetState(VrrpState.Backup, $"{member.Name} became backup");
            }
            else if (state == VrrpState.Backup && State == VrrpState.Init)
            {
                change = SetState(VrrpState.Backup, $"{member.Name} started");
            }
        }
        Finish(orders, change);
    }

    /// <summary>A member's own fault (its interface, tracked interfaces and checks); returns the group's fault, which the member adds to its own.</summary>
    public bool ReportFault(IVrrpSyncGroupMember member, bool ownFault)
    {
        List<Action> orders = new();
        VrrpSyncGroupChange? change = null;
        bool groupFault;
        lock (_lock)
        {
            if (!_members.TryGetValue(member, out MemberState? me))
                return false;
            bool before = _members.Values.Any(m => m.OwnFault);
            me.OwnFault = ownFault;
            groupFault = _members.Values.Any(m => m.OwnFault);
            if (groupFault != before)
            {
                foreach (IVrrpSyncGroupMember other in _members.Keys)
                    if (other != member)
                        orders.Add(() => other.SetGroupFault(groupFault));
                change = groupFault
                    ? SetState(VrrpState.Fault, $"{member.Name} is in fault")
                    : SetState(VrrpState.Backup, $"{member.Name} is up again; no member is in fault");
            }
        }
        Finish(orders, change);
        return groupFault;
    }

    public override string ToString() => $"{Name} ({State}: {string.Join(", ", MemberNames)})";

    private VrrpSyncGroupChange? SetState(VrrpState to, string reason)
    {
        if (to == State)
            return null;
        var change = new VrrpSyncGroupChange(Name, State, to, reason, DateTimeOffset.Now);
        State = to;
        _history.Add(change);
        if (_history.Count > HistoryLength)
            _history.RemoveAt(0);
        return change;
    }

    private void Finish(List<Action> orders, VrrpSyncGroupChange? change)
    {
        foreach (Action order in orders)
            order();
        if (change != null)
            StateChanged?.Invoke(this, change);
    }

    private sealed class MemberState
    {
        public VrrpState State = VrrpState.Init;
        public bool WantsMaster;
        public bool OwnFault;
    }
}
