namespace LvsPS.Native.Health;

/// <summary>
/// What state changes do to IPVS: keepalived's update_svr_checker_state, perform_svr_state,
/// update_svr_wgt, update_quorum_state, perform_quorum_state and ipvs_cmd's inhibit rules
/// (ipwrapper.c, ipvswrapper.c).
/// </summary>
public sealed partial class HealthMonitor
{
    /// <summary>Slow start moves the weight in this many steps at most.</summary>
    private const int SlowStartSteps = 16;
    private static readonly TimeSpan MinSlowStartStep = TimeSpan.FromMilliseconds(100);

    private void UpdateChecker(HealthStep step, CheckerState c, bool up, bool firstResult, TimeSpan now, string reason)
    {
        if (c.IsUp == up)
        {
            // The first result confirms the start state: alpha checks (and faulted ones) report down once.
            if (firstResult && (c.Timing.Alpha || !up))
                foreach (RealServerState rs in c.Subscribers)
                    NotifyRealServer(step, rs);
            c.HasRun = true;
            return;
        }
        c.HasRun = true;
        c.Transitions++;
        c.LastChange = now;
        foreach (RealServerState rs in c.Subscribers)
        {
            step.Transitions.Add(new HealthTransition(up ? HealthTransitionKind.CheckUp : HealthTransitionKind.CheckDown, rs.Service.Key, rs.Destination, c.Id, reason, now));
            // The real server flips only when this is the one check that decides: every other check is up.
            if (rs.Checkers.All(other => other == c || other.IsUp))
                PerformServerState(step, rs, up, now, reason);
        }
        c.IsUp = up;
    }

    private void PerformServerState(HealthStep step, RealServerState rs, bool alive, TimeSpan now, string reason)
    {
        if (rs.Alive == alive)
            return;
        ServiceState s = rs.Service;
        if (alive && rs.SlowStart is not null)
        {
            rs.SlowStartBegan = now;
            ScheduleSlowStart(rs, now);
        }
        if (s.PushesRealServers)
        {
            if (alive)
                Add(step, rs, now, reason);
            else
                Remove(step, rs, reason);
        }
        rs.Alive = alive;
        rs.Transitions++;
        rs.LastChange = now;
        rs.LastReason = reason;
        step.Transitions.Add(new HealthTransition(alive ? HealthTransitionKind.RealServerUp : HealthTransitionKind.RealServerDown, s.Key, rs.Destination, null, reason, now));
        NotifyRealServer(step, rs);
        UpdateQuorum(step, s, now, init: false);
    }

    private void UpdateWeight(HealthStep step, RealServerState rs, long effective, TimeSpan now, string reason)
    {
        uint old = rs.RealWeight;
        rs.EffectiveWeight = effective;
        if (rs.RealWeight == old)
            return;
        step.Transitions.Add(new HealthTransition(HealthTransitionKind.WeightChanged, rs.Service.Key, rs.Destination, null, $"{reason}: weight {old} -> {rs.RealWeight}", now));
        if (rs.InTable && rs.Alive && rs.Service.PushesRealServers)
            Emit(step, HealthIpvsChangeKind.SetWeight, rs, rs.WeightAt(now), reason);
        UpdateQuorum(step, rs.Service, now, init: false);
    }

    private void UpdateQuorum(HealthStep step, ServiceState s, TimeSpan now, bool init)
    {
        long live = s.LiveWeight;
        long threshold = s.Threshold;
        if (!s.QuorumUp && live >= threshold)
        {
            s.QuorumUp = true;
            string reason = $"live weight {live} >= {threshold} (quorum {s.Quorum} + hysteresis {s.Hysteresis})";
            step.Transitions.Add(new HealthTransition(HealthTransitionKind.QuorumUp, s.Key, null, null, reason, now));
            if (s.Sorry is { Alive: true } sorry)
            {
                Remove(step, sorry, "quorum regained");
                sorry.Alive = false;
                step.Transitions.Add(new HealthTransition(HealthTransitionKind.SorryServerOut, s.Key, sorry.Destination, null, reason, now));
                PerformQuorumState(step, s, add: true, now);
            }
            if (s.Config.QuorumUp is { } command)
                step.Notifications.Add(new HealthNotification(HealthNotificationKind.QuorumUp, s.Key, null, command, Stopping: false));
        }
        else if ((s.QuorumUp && (live == 0 || live < threshold)) || (init && !s.QuorumUp && s.Sorry is { Alive: false }))
        {
            s.QuorumUp = false;
            string reason = init ? $"start with live weight {live} < {threshold}" : $"live weight {live} < {threshold} (quorum {s.Quorum} - hysteresis {s.Hysteresis})";
            step.Transitions.Add(new HealthTransition(HealthTransitionKind.QuorumDown, s.Key, null, null, reason, now));
            if (s.Sorry is { Alive: false } sorry)
            {
                PerformQuorumState(step, s, add: false, now);
                Add(step, sorry, now, "quorum lost");
                sorry.Alive = true;
                step.Transitions.Add(new HealthTransition(HealthTransitionKind.SorryServerIn, s.Key, sorry.Destination, null, reason, now));
            }
            if (s.Config.QuorumDown is { } command)
                step.Notifications.Add(new HealthNotification(HealthNotificationKind.QuorumDown, s.Key, null, command, Stopping: false));
        }
    }

    /// <summary>The sorry server comes or goes: every alive real server goes out or back in.</summary>
    private void PerformQuorumState(HealthStep step, ServiceState s, bool add, TimeSpan now)
    {
        foreach (RealServerState rs in s.RealServers)
        {
            if (!rs.Alive)
                continue;
            if (add)
                Add(step, rs, now, "quorum regained");
            else
                Remove(step, rs, "quorum lost, sorry server in");
        }
    }

    /// <summary>ipvs_cmd ADD_DEST: an inhibited destination already in IPVS gets its weight back instead.</summary>
    private void Add(HealthStep step, RealServerState rs, TimeSpan now, string reason)
    {
        if (rs.Inhibit && rs.InTable)
        {
            Emit(step, HealthIpvsChangeKind.SetWeight, rs, rs.WeightAt(now), reason);
            return;
        }
        uint weight = rs.Inhibit && rs.FailedCheckers > 0 ? 0 : rs.WeightAt(now);
        rs.InTable = true;
        Emit(step, HealthIpvsChangeKind.AddRealServer, rs, weight, reason);
    }

    /// <summary>ipvs_cmd DEL_DEST: an inhibited destination stays with weight 0.</summary>
    private static void Remove(HealthStep step, RealServerState rs, string reason)
    {
        if (rs.Inhibit)
        {
            Emit(step, HealthIpvsChangeKind.SetWeight, rs, 0, reason);
            return;
        }
        rs.InTable = false;
        Emit(step, HealthIpvsChangeKind.RemoveRealServer, rs, 0, reason);
    }

    private static void Emit(HealthStep step, HealthIpvsChangeKind kind, RealServerState rs, uint weight, string reason)
    {
        if (kind == HealthIpvsChangeKind.RemoveRealServer)
        {
            rs.TableWeight = null;
            step.Changes.Add(new HealthIpvsChange(kind, rs.Destination, reason));
            return;
        }
        rs.InTable = true;
        rs.TableWeight = weight;
        step.Changes.Add(new HealthIpvsChange(kind, rs.Destination with { Weight = weight }, reason));
    }

    private void NotifyRealServer(HealthStep step, RealServerState rs)
    {
        if ((rs.Alive ? rs.Config.NotifyUp : rs.Config.NotifyDown) is { } command)
            step.Notifications.Add(new HealthNotification(rs.Alive ? HealthNotificationKind.RealServerUp : HealthNotificationKind.RealServerDown,
                rs.Service.Key, rs.Destination, command, Stopping: false));
    }

    private void ScheduleSlowStart(RealServerState rs, TimeSpan now)
    {
        TimeSpan interval = rs.SlowStart!.Value / SlowStartSteps;
        if (interval < MinSlowStartStep)
            interval = MinSlowStartStep;
        rs.SlowStartVersion++;
        _timers.Enqueue(new TimerEntry(true, rs.Index, rs.SlowStartVersion), now + interval);
    }

    private void SlowStartStep(HealthStep step, RealServerState rs, TimeSpan now)
    {
        if (!rs.Alive || rs.SlowStartBegan is not { } began)
            return;
        uint weight = rs.WeightAt(now);
        if (rs.InTable && rs.Service.PushesRealServers && rs.TableWeight != weight)
            Emit(step, HealthIpvsChangeKind.SetWeight, rs, weight, "slow start");
        if (now - began < rs.SlowStart!.Value)
            ScheduleSlowStart(rs, now);
        else
            rs.SlowStartBegan = null;
    }
}
