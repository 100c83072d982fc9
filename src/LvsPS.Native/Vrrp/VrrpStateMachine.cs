using System.Net;

namespace LvsPS.Native.Vrrp;

public enum VrrpState
{
    Init,
    Backup,
    Master,
    /// <summary>A tracked interface or check with weight 0 is down (keepalived's FAULT): no VIPs, no adverts.</summary>
    Fault,
}

public enum VrrpActionKind
{
    /// <summary>Send an advert with <see cref="VrrpAction.Priority"/> (0 when stopping).</summary>
    SendAdvertisement,
    AddVirtualAddresses,
    RemoveVirtualAddresses,
    /// <summary>Gratuitous ARP / unsolicited neighbour advertisements for the VIPs.</summary>
    Announce,
    StateChanged,
    /// <summary>Held by a sync group (<see cref="VrrpStateMachine.HoldForGroup"/>): this member would become master now; ask the group.</summary>
    MasterWanted,
}

/// <summary>One thing the I/O side must do, in order.</summary>
public readonly record struct VrrpAction(VrrpActionKind Kind, byte Priority = 0, VrrpState From = VrrpState.Init, VrrpState To = VrrpState.Init, string? Reason = null)
{
    public override string ToString() => Kind switch
    {
        VrrpActionKind.SendAdvertisement => $"Send(prio {Priority})",
        VrrpActionKind.StateChanged => $"{From}->{To} ({Reason})",
        _ => Kind.ToString(),
    };
}

/// <summary>
/// The VRRP protocol state machine of RFC 3768 section 6.4 / RFC 5798 section 6.4, pure: the
/// caller passes the time (any monotonic clock) and the adverts that passed
/// <see cref="VrrpReceiveFilter"/>, and carries out the actions returned. It asks to be called
/// again at <see cref="NextDeadline"/>. Not thread-safe.
/// </summary>
public sealed class VrrpStateMachine
{
    private readonly int _version;
    private readonly TimeSpan _interval;
    private readonly IPAddress _primaryAddress;
    private readonly VrrpState _initialState;
    /// <summary>keepalived's preempt_time: null while no preempt delay runs.</summary>
    private TimeSpan? _preemptAllowedAt;
    private TimeSpan _downDeadline;
    private TimeSpan _advertDeadline;
    private bool _faulted;

    public VrrpStateMachine(int version, byte priority, TimeSpan advertisementInterval, IPAddress primaryAddress,
        bool preempt = true, TimeSpan preemptDelay = default, VrrpState initialState = VrrpState.Backup)
    {
        _version = version;
        Priority = priority;
        _interval = advertisementInterval;
        MasterAdvertisementInterval = advertisementInterval;
        _primaryAddress = primaryAddress;
        Preempt = preempt;
        PreemptDelay = preemptDelay;
        _initialState = initialState;
    }

    public VrrpState State { get; private set; } = VrrpState.Init;
    /// <summary>The priority advertised now (configured, adjusted by tracking).</summary>
    public byte Priority { get; private set; }
    public bool Preempt { get; private set; }
    public TimeSpan PreemptDelay { get; private set; }
    /// <summary>The current master's address: ours when master, the last accepted advert's source when backup.</summary>
    public IPAddress? MasterAddress { get; private set; }
    /// <summary>v3: learned from the master's adverts; v2: the configured interval.</summary>
    public TimeSpan MasterAdvertisementInterval { get; private set; }
    /// <summary>
    /// A member of a sync group: instead of becoming master on its own, the machine stays backup,
    /// sets <see cref="WantsMaster"/> and returns <see cref="VrrpActionKind.MasterWanted"/>; the group
    /// calls <see cref="ForceMaster"/> once every member wants master (keepalived's vrrp_sync_can_goto_master).
    /// </summary>
    public bool HoldForGroup { get; set; }
    /// <summary>keepalived's wantstate MASTER: master, or a held backup whose Master_Down_Timer ran out and that heard no master since.</summary>
    public bool WantsMaster { get; private set; }

    /// <summary>RFC 3768: (256 - Priority) / 256 s. RFC 5798: ((256 - Priority) * Master_Adver_Interval) / 256.</summary>
    public TimeSpan SkewTime => _version == 2
        ? TimeSpan.FromTicks((256 - Priority) * TimeSpan.TicksPerSecond / 256)
        : TimeSpan.FromTicks((256 - Priority) * MasterAdvertisementInterval.Ticks / 256);

    /// <summary>3 × Master_Adver_Interval + Skew_Time.</summary>
    public TimeSpan MasterDownInterval => 3 * MasterAdvertisementInterval + SkewTime;

    /// <summary>When <see cref="Tick"/> must run next; null when no timer runs (Init, Fault).</summary>
    public TimeSpan? NextDeadline => State switch
    {
        VrrpState.Backup => _downDeadline,
        VrrpState.Master => _advertDeadline,
        _ => null,
    };

    /// <summary>The Startup event: the owner (priority 255) or -InitialState Master becomes master at once, others backup.</summary>
    public List<VrrpAction> Start(TimeSpan now)
    {
        var actions = new List<VrrpAction>();
        StartPreemptDelay(now);
        if (_faulted)
            Transition(actions, VrrpState.Fault, "a tracked interface or check is down at startup");
        else if ((Priority == 255 || _initialState == VrrpState.Master) && HoldForGroup)
        {
            BecomeBackup(actions, now, "startup, held by the sync group");
            WantMaster(actions, now);
        }
        else if (Priority == 255 || _initialState == VrrpState.Master)
            BecomeMaster(actions, now, Priority == 255 ? "address owner (priority 255)" : "initial state master");
        else
            BecomeBackup(actions, now, "startup");
        return actions;
    }

    /// <summary>Timer expiry: Master_Down_Timer in backup, Adver_Timer in master.</summary>
    public List<VrrpAction> Tick(TimeSpan now)
    {
        var actions = new List<VrrpAction>();
        if (State == VrrpState.Backup && now >= _downDeadline && HoldForGroup)
            WantMaster(actions, now);
        else if (State == VrrpState.Backup && now >= _downDeadline)
            BecomeMaster(actions, now, "no advert within Master_Down_Interval");
        else if (State == VrrpState.Master && now >= _advertDeadline)
        {
            actions.Add(new VrrpAction(VrrpActionKind.SendAdvertisement, Priority));
            _advertDeadline = now + _interval;
        }
        return actions;
    }

    /// <summary>An advert that passed the receive checks, from <paramref name="source"/>.</summary>
    public List<VrrpAction> Receive(TimeSpan now, VrrpAdvertisement advert, IPAddress source)
    {
        var actions = new List<VrrpAction>();
        switch (State)
        {
            case VrrpState.Backup:
                if (advert.Priority == 0)
                {
                    _downDeadline = now + SkewTime; // the master stopped: take over after skew only
                }
                else if (!PreemptsNow(now) || advert.Priority >= Priority)
                {
                    AcceptMaster(advert, source);
                    _downDeadline = now + MasterDownInterval;
                    TrackPreemptDelay(now, advert.Priority);
                    WantsMaster = false; // a master is heard: a held member wants backup again
                }
                // else: a lower-priority master and we may preempt: ignore it, the down timer runs out.
                break;
            case VrrpState.Master:
                if (advert.Priority == 0)
                {
                    actions.Add(new VrrpAction(VrrpActionKind.SendAdvertisement, Priority));
                    _advertDeadline = now + _interval;
                }
                else if (advert.Priority > Priority || (advert.Priority == Priority && Compare(source, _primaryAddress) > 0))
                {
                    // One parting advert before yielding: after a split brain heals the winner may never
                    // have heard us (we yield to its first advert), and only a lower-priority advert makes
                    // a master (keepalived or LvsPS) announce the VIPs again to hosts that learned our MAC.
                    actions.Add(new VrrpAction(VrrpActionKind.SendAdvertisement, Priority));
                    AcceptMaster(advert, source);
                    BecomeBackup(actions, now, $"advert from {source} with priority {advert.Priority}");
                }
                else
                {
                    // A lower-priority master (after a partition heals): assert ourselves at once, as keepalived does.
                    actions.Add(new VrrpAction(VrrpActionKind.SendAdvertisement, Priority));
                    actions.Add(new VrrpAction(VrrpActionKind.Announce));
                    _advertDeadline = now + _interval;
                }
                break;
        }
        return actions;
    }

    /// <summary>The Shutdown event: a master sends priority 0 and drops the VIPs so the backup takes over after skew time.</summary>
    public List<VrrpAction> Shutdown(TimeSpan now)
    {
        var actions = new List<VrrpAction>();
        if (State == VrrpState.Master)
        {
            actions.Add(new VrrpAction(VrrpActionKind.SendAdvertisement, 0));
            actions.Add(new VrrpAction(VrrpActionKind.RemoveVirtualAddresses));
        }
        if (State != VrrpState.Init)
            Transition(actions, VrrpState.Init, "shutdown");
        return actions;
    }

    /// <summary>A new effective priority (Set-LvsVrrpInstance, or tracking). Takes effect with the next advert and timer.</summary>
    public List<VrrpAction> SetPriority(TimeSpan now, byte priority)
    {
        var actions = new List<VrrpAction>();
        if (priority == 0)
            priority = 1;
        bool changed = priority != Priority;
        Priority = priority;
        if (changed && State == VrrpState.Master)
        {
            // Tell the backups now, so a higher one preempts without waiting an interval.
            actions.Add(new VrrpAction(VrrpActionKind.SendAdvertisement, Priority));
            _advertDeadline = now + _interval;
        }
        return actions;
    }

    public void SetPreempt(TimeSpan now, bool preempt, TimeSpan? delay = null)
    {
        Preempt = preempt;
        if (delay is { } d)
        {
            PreemptDelay = d;
            StartPreemptDelay(now);
        }
    }

    /// <summary>The sync group makes a backup member master (all members want master, or the group is master).</summary>
    public List<VrrpAction> ForceMaster(TimeSpan now, string reason)
    {
        var actions = new List<VrrpAction>();
        if (State == VrrpState.Backup)
            BecomeMaster(actions, now, reason);
        return actions;
    }

    /// <summary>
    /// The sync group makes a master member backup because another member became backup. Unlike
    /// keepalived it sends a priority-0 advert first, so the peer takes over after skew time
    /// instead of Master_Down_Interval (the addresses are gone either way).
    /// </summary>
    public List<VrrpAction> ForceBackup(TimeSpan now, string reason)
    {
        var actions = new List<VrrpAction>();
        if (State == VrrpState.Master)
        {
            actions.Add(new VrrpAction(VrrpActionKind.SendAdvertisement, 0));
            BecomeBackup(actions, now, reason);
        }
        else if (State == VrrpState.Backup)
            WantsMaster = false;
        return actions;
    }

    /// <summary>A tracked interface or check with weight 0 went down (true) or came back (false).</summary>
    public List<VrrpAction> SetFault(TimeSpan now, bool faulted)
    {
        var actions = new List<VrrpAction>();
        if (faulted == _faulted)
            return actions;
        _faulted = faulted;
        if (faulted && State is VrrpState.Master or VrrpState.Backup)
        {
            if (State == VrrpState.Master)
            {
                actions.Add(new VrrpAction(VrrpActionKind.SendAdvertisement, 0));
                actions.Add(new VrrpAction(VrrpActionKind.RemoveVirtualAddresses));
            }
            Transition(actions, VrrpState.Fault, "a tracked interface or check is down");
        }
        else if (!faulted && State == VrrpState.Fault)
        {
            StartPreemptDelay(now);
            BecomeBackup(actions, now, "tracked interfaces and checks are up again");
        }
        return actions;
    }

    /// <summary>
    /// keepalived's preempt_delay: a backup does not preempt a lower-priority master until the delay
    /// has passed since startup, since leaving FAULT, or since the first lower-priority advert after
    /// an advert of higher or equal priority (which stops the delay); zero preempts at once.
    /// </summary>
    private bool PreemptsNow(TimeSpan now)
        => Preempt && (PreemptDelay <= TimeSpan.Zero || (_preemptAllowedAt is { } at && now >= at));

    private void StartPreemptDelay(TimeSpan now) => _preemptAllowedAt = PreemptDelay > TimeSpan.Zero ? now + PreemptDelay : null;

    private void TrackPreemptDelay(TimeSpan now, byte advertPriority)
    {
        if (PreemptDelay <= TimeSpan.Zero)
            return;
        if (advertPriority >= Priority)
            _preemptAllowedAt = null;
        else
            _preemptAllowedAt ??= now + PreemptDelay;
    }

    private void AcceptMaster(VrrpAdvertisement advert, IPAddress source)
    {
        MasterAddress = source;
        if (_version == 3 && advert.IntervalCentiseconds > 0)
            MasterAdvertisementInterval = advert.Interval;
    }

    private void WantMaster(List<VrrpAction> actions, TimeSpan now)
    {
        WantsMaster = true;
        _downDeadline = now + MasterDownInterval; // keepalived re-arms ms_down_timer while the group holds it
        actions.Add(new VrrpAction(VrrpActionKind.MasterWanted));
    }

    private void BecomeMaster(List<VrrpAction> actions, TimeSpan now, string reason)
    {
        WantsMaster = true;
        actions.Add(new VrrpAction(VrrpActionKind.AddVirtualAddresses));
        actions.Add(new VrrpAction(VrrpActionKind.SendAdvertisement, Priority));
        actions.Add(new VrrpAction(VrrpActionKind.Announce));
        MasterAddress = _primaryAddress;
        MasterAdvertisementInterval = _interval;
        _advertDeadline = now + _interval;
        Transition(actions, VrrpState.Master, reason);
    }

    private void BecomeBackup(List<VrrpAction> actions, TimeSpan now, string reason)
    {
        WantsMaster = false;
        if (State == VrrpState.Master)
        {
            actions.Add(new VrrpAction(VrrpActionKind.RemoveVirtualAddresses));
            _preemptAllowedAt = null; // keepalived clears preempt_time when it leaves master
        }
        else
            MasterAdvertisementInterval = _interval; // from Init or Fault: nothing learned yet
        _downDeadline = now + MasterDownInterval;
        Transition(actions, VrrpState.Backup, reason);
    }

    private void Transition(List<VrrpAction> actions, VrrpState to, string reason)
    {
        VrrpState from = State;
        State = to;
        if (to != VrrpState.Master && to != VrrpState.Backup)
            WantsMaster = false;
        if (to != VrrpState.Master && MasterAddress?.Equals(_primaryAddress) == true)
            MasterAddress = null;
        actions.Add(new VrrpAction(VrrpActionKind.StateChanged, From: from, To: to, Reason: reason));
    }

    /// <summary>Addresses compared as unsigned integers in network byte order (RFC 5798 6.4.3).</summary>
    internal static int Compare(IPAddress a, IPAddress b)
    {
        Span<byte> x = stackalloc byte[16], y = stackalloc byte[16];
        a.TryWriteBytes(x, out int nx);
        b.TryWriteBytes(y, out int ny);
        return nx != ny ? nx.CompareTo(ny) : x[..nx].SequenceCompareTo(y[..ny]);
    }
}
