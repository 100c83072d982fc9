using LvsPS.Native.Ipvs;

namespace LvsPS.Native.Health;

/// <summary>
/// keepalived's checker logic, pure: the caller passes the time (any monotonic clock) and the
/// probes' results, and carries out the returned probes, IPVS changes and notifications in order.
/// It asks to be called again at <see cref="NextDeadline"/>. A check that several real servers
/// share (same definition, same target, same timing) runs once and counts for each of them. Not
/// thread-safe.
/// </summary>
public sealed partial class HealthMonitor
{
    private readonly List<ServiceState> _services = new();
    private readonly List<CheckerState> _checkers = new();
    private readonly List<RealServerState> _realServers = new();
    private readonly PriorityQueue<TimerEntry, TimeSpan> _timers = new();
    private readonly HashSet<string> _suspended = new(StringComparer.Ordinal);
    private readonly Func<double> _random;
    private bool _started;
    private bool _stopped;

    private readonly record struct TimerEntry(bool SlowStart, int Id, int Version);

    /// <param name="services">Validated here: a bad definition throws <see cref="HealthCheckDefinitionException"/>.</param>
    /// <param name="random">Uniform in [0, 1) for the warm-up jitter; tests pass a fixed one.</param>
    public HealthMonitor(IReadOnlyList<HealthCheckedService> services, Func<double>? random = null)
    {
        _random = random ?? Random.Shared.NextDouble;
        var keys = new HashSet<VirtualServiceKey>();
        var shared = new Dictionary<string, CheckerState>(StringComparer.Ordinal);
        foreach (HealthCheckedService config in services)
        {
            HealthCheckValidation.Validate(config);
            if (!keys.Add(config.Service))
                throw new HealthCheckDefinitionException(config.Service.ToString(), "virtual_server", null, "is given twice");
            var service = new ServiceState(config);
            _services.Add(service);
            foreach (HealthCheckedRealServer rsConfig in config.RealServers)
            {
                var rs = new RealServerState(service, rsConfig, rsConfig.InhibitOnFailure ?? config.InhibitOnFailure, rsConfig.SlowStart ?? config.SlowStart);
                rs.Index = _realServers.Count;
                service.RealServers.Add(rs);
                _realServers.Add(rs);
                foreach (HealthCheck check in rsConfig.Checks)
                {
                    ResolvedHealthCheck resolved = HealthCheckResolver.Resolve(config, rsConfig, check);
                    if (!shared.TryGetValue(resolved.SharingKey, out CheckerState? checker))
                    {
                        checker = new CheckerState(_checkers.Count, resolved);
                        _checkers.Add(checker);
                        shared.Add(resolved.SharingKey, checker);
                    }
                    if (!rs.Checkers.Contains(checker))
                    {
                        rs.Checkers.Add(checker);
                        checker.Subscribers.Add(rs);
                    }
                }
            }
            if (config.SorryServer is { } sorry)
                service.Sorry = new RealServerState(service, sorry, config.SorryServerInhibit);
        }
    }

    /// <summary>Checks probed: fewer than the real servers' checks when some are shared.</summary>
    public int CheckCount => _checkers.Count;
    public bool IsStarted => _started;
    public bool IsStopped => _stopped;

    /// <summary>A probe started this much after its due time or more counts as late.</summary>
    public TimeSpan LateThreshold { get; init; } = TimeSpan.FromMilliseconds(100);
    public long ProbesStarted { get; private set; }
    public long LateProbes { get; private set; }
    public TimeSpan MaxLateness { get; private set; }

    /// <summary>When <see cref="Advance"/> must run next; null when nothing is scheduled.</summary>
    public TimeSpan? NextDeadline
    {
        get
        {
            while (_timers.TryPeek(out TimerEntry e, out TimeSpan due))
            {
                if (IsCurrent(e))
                    return due;
                _timers.Dequeue();
            }
            return null;
        }
    }

    /// <summary>
    /// keepalived's start: every real server whose checks are not down (alpha, a faulted file) goes
    /// into IPVS, inhibited ones in any case (weight 0 while down); quorum and sorry server are
    /// settled; each check's first probe is due 1 s + random(0..warmup) from now.
    /// </summary>
    /// <param name="now">The monitor's clock at the start.</param>
    /// <param name="readFile">The current number in a FILE_CHECK's file (null: unreadable, counts as 0).</param>
    public HealthStep Start(TimeSpan now, Func<FileHealthCheck, long?>? readFile = null)
    {
        if (_started)
            throw new InvalidOperationException("The monitor has already started.");
        _started = true;
        var step = new HealthStep();
        foreach (CheckerState c in _checkers)
        {
            if (c.Check.Check is FileHealthCheck file)
            {
                c.FileStatus = HealthRules.FileStatus(readFile?.Invoke(file) ?? 0, file.Weight, file.Reverse);
                if (c.FileStatus == HealthRules.FileFault)
                    c.IsUp = false;
            }
        }
        foreach (RealServerState rs in _realServers)
            rs.EffectiveWeight = rs.ConfiguredWeight + rs.Checkers.Sum(c => c.WeightContribution(rs.ConfiguredWeight));
        foreach (ServiceState s in _services)
            s.QuorumUp = s.LiveWeight >= unchecked(s.Quorum + s.Hysteresis);
        foreach (ServiceState s in _services)
        {
            foreach (RealServerState rs in s.RealServers)
            {
                bool failed = rs.FailedCheckers > 0;
                if ((!failed && !rs.Alive) || (rs.Inhibit && !rs.InTable))
                {
                    Add(step, rs, now, failed ? "start, a check is down" : "start");
                    if (!failed)
                        rs.Alive = true;
                }
            }
            UpdateQuorum(step, s, now, init: true);
            if (s.Sorry is { Inhibit: true, InTable: false } sorry)
                Emit(step, HealthIpvsChangeKind.AddRealServer, sorry, 0, "start, sorry server held at weight 0");
        }
        foreach (CheckerState c in _checkers)
        {
            TimeSpan warmup = c.Timing.Warmup;
            Schedule(c, now + HealthCheckDefaults.StartDelay + (warmup > TimeSpan.Zero ? warmup * _random() : TimeSpan.Zero));
        }
        return step;
    }

    /// <summary>Starts the probes that are due (and the slow-start weight steps): call at <see cref="NextDeadline"/>.</summary>
    public HealthStep Advance(TimeSpan now)
    {
        var step = new HealthStep();
        if (!_started || _stopped)
            return step;
        while (_timers.TryPeek(out TimerEntry e, out TimeSpan due) && due <= now)
        {
            _timers.Dequeue();
            if (!IsCurrent(e))
                continue;
            if (e.SlowStart)
            {
                SlowStartStep(step, _realServers[e.Id], now);
                continue;
            }
            CheckerState c = _checkers[e.Id];
            c.Scheduled = false;
            if (IsSuspended(c))
            {
                // keepalived's disabled checker: no probe, state frozen, next look after delay_loop.
                Schedule(c, now + c.Timing.Interval);
                continue;
            }
            c.InFlight = true;
            c.LastStart = now;
            ProbesStarted++;
            TimeSpan late = now - due;
            if (late > MaxLateness)
                MaxLateness = late;
            if (late >= LateThreshold)
                LateProbes++;
            step.Probes.Add(new ProbeRequest(c.Id, c.Check, c.NextUrl, due));
        }
        return step;
    }

    /// <summary>A probe finished: apply keepalived's rules and schedule the next one.</summary>
    public HealthStep Complete(TimeSpan now, ProbeResult result)
    {
        var step = new HealthStep();
        if ((uint)result.CheckId >= (uint)_checkers.Count)
            throw new ArgumentOutOfRangeException(nameof(result), $"No check {result.CheckId}.");
        CheckerState c = _checkers[result.CheckId];
        if (!c.InFlight || _stopped)
            return step;
        c.InFlight = false;
        bool passed = result.Passed;
        if (c.Check.Check is ScriptHealthCheck script)
        {
            passed = HealthRules.ScriptPasses(result.ExitCode, script.Dynamic);
            result = result with { Passed = passed };
        }
        c.Record(result, now);
        if (c.Check.Check is FileHealthCheck file)
        {
            ApplyFile(step, c, file, result.FileValue ?? 0, now);
            Schedule(c, now + c.Timing.Interval);
            return step;
        }
        if (passed && c.Check.Check is ScriptHealthCheck && result.ExitCode is { } code && code != c.LastExitCode)
        {
            c.ScriptWeight = HealthRules.ScriptWeight(code);
            c.LastExitCode = code;
            foreach (RealServerState rs in c.Subscribers)
                UpdateWeight(step, rs, Recompute(rs), now, $"script exit {code}");
        }
        bool firstResult = !c.HasRun;
        TimeSpan delay = c.OnResult(passed, out bool? report);
        if (report == false && c.Check.Check is ScriptHealthCheck)
        {
            // keepalived drops the script's weight without telling IPVS: the real server is going down.
            c.ScriptWeight = null;
            c.LastExitCode = result.ExitCode;
            foreach (RealServerState rs in c.Subscribers)
                rs.EffectiveWeight = Recompute(rs);
        }
        if (report is { } up)
            UpdateChecker(step, c, up, firstResult, now, result.Reason ?? (up ? "passed" : "failed"));
        if (c.Check.Check is ScriptHealthCheck)
        {
            // MISC_CHECK runs are spaced start to start.
            TimeSpan next = c.LastStart + delay;
            Schedule(c, next > now ? next : now + TimeSpan.FromTicks(10));
        }
        else
            Schedule(c, now + delay);
        return step;
    }

    /// <summary>A FILE_CHECK's file changed (inotify): apply its number at once.</summary>
    public HealthStep FileChanged(TimeSpan now, int checkId, long value)
    {
        var step = new HealthStep();
        if (_started && !_stopped && _checkers[checkId].Check.Check is FileHealthCheck file)
            ApplyFile(step, _checkers[checkId], file, value, now);
        return step;
    }

    /// <summary>
    /// Pauses or resumes the checks of services whose <see cref="HealthCheckResolver.SuspensionKey"/>
    /// is <paramref name="key"/> (ha_suspend: "vip:ADDRESS"; a VRRP instance: "vrrp:NAME"). Paused
    /// checks keep their state; a probe due meanwhile is skipped.
    /// </summary>
    public void SetSuspended(string key, bool suspended)
    {
        if (suspended)
            _suspended.Add(key);
        else
            _suspended.Remove(key);
        foreach (ServiceState s in _services)
            if (HealthCheckResolver.SuspensionKey(s.Config) == key)
                s.Suspended = suspended;
    }

    /// <summary>The suspension keys in use, for the host to watch.</summary>
    public IReadOnlyCollection<string> SuspensionKeys
        => _services.Select(s => HealthCheckResolver.SuspensionKey(s.Config)).OfType<string>().Distinct().ToArray();

    /// <summary>
    /// Stops: no more probes; results still in flight are ignored. What happens to IPVS depends on
    /// <paramref name="mode"/>; with omega every alive real server's notify_down and the service's
    /// quorum_down run (1 s each), as keepalived at shutdown.
    /// </summary>
    public HealthStep Stop(TimeSpan now, HealthStopMode mode)
    {
        var step = new HealthStep();
        if (_stopped)
            return step;
        _stopped = true;
        _timers.Clear();
        if (!_started)
            return step;
        foreach (ServiceState s in _services)
        {
            if (s.Sorry is { } sorry && mode != HealthStopMode.Leave && sorry.InTable)
            {
                Emit(step, HealthIpvsChangeKind.RemoveRealServer, sorry, 0, "stop");
                sorry.InTable = false;
            }
            if (s.Sorry is not null)
                s.Sorry.Alive = false;
            foreach (RealServerState rs in s.RealServers)
            {
                if (mode == HealthStopMode.Remove && rs.InTable)
                {
                    Emit(step, HealthIpvsChangeKind.RemoveRealServer, rs, 0, "stop");
                    rs.InTable = false;
                }
                else if (mode == HealthStopMode.Restore && rs.TableWeight != (uint)rs.ConfiguredWeight)
                {
                    Emit(step, rs.InTable ? HealthIpvsChangeKind.SetWeight : HealthIpvsChangeKind.AddRealServer, rs, (uint)rs.ConfiguredWeight, "stop, restored");
                    rs.InTable = true;
                }
                bool wasAlive = rs.Alive;
                rs.Alive = false;
                if (wasAlive && s.Config.Omega && rs.Config.NotifyDown is { } down)
                    step.Notifications.Add(new HealthNotification(HealthNotificationKind.RealServerDown, s.Key, rs.Destination, down, Stopping: true));
            }
            s.QuorumUp = false;
            if (s.Config.Omega && s.Config.QuorumDown is { } quorumDown)
                step.Notifications.Add(new HealthNotification(HealthNotificationKind.QuorumDown, s.Key, null, quorumDown, Stopping: true));
        }
        return step;
    }

    private void ApplyFile(HealthStep step, CheckerState c, FileHealthCheck file, long value, TimeSpan now)
    {
        int status = HealthRules.FileStatus(value, file.Weight, file.Reverse);
        int previous = c.FileStatus;
        c.HasRun = true;
        if (status == previous)
            return;
        c.FileStatus = status;
        string reason = $"{file.Path} reads {value}";
        if (status == HealthRules.FileFault)
        {
            foreach (RealServerState rs in c.Subscribers)
                rs.EffectiveWeight = Recompute(rs);
            UpdateChecker(step, c, false, false, now, reason);
        }
        else if (previous == HealthRules.FileFault)
        {
            foreach (RealServerState rs in c.Subscribers)
                rs.EffectiveWeight = Recompute(rs);
            UpdateChecker(step, c, true, false, now, reason);
        }
        else
            foreach (RealServerState rs in c.Subscribers)
                UpdateWeight(step, rs, Recompute(rs), now, reason);
    }

    private static long Recompute(RealServerState rs)
        => rs.ConfiguredWeight + rs.Checkers.Sum(c => c.WeightContribution(rs.ConfiguredWeight));

    private bool IsSuspended(CheckerState c) => c.Check.SuspensionKey is { } key && _suspended.Contains(key);

    private void Schedule(CheckerState c, TimeSpan due)
    {
        c.Due = due;
        c.Version++;
        c.Scheduled = true;
        _timers.Enqueue(new TimerEntry(false, c.Id, c.Version), due);
    }

    private bool IsCurrent(TimerEntry e)
        => e.SlowStart ? _realServers[e.Id].SlowStartVersion == e.Version : _checkers[e.Id].Version == e.Version && _checkers[e.Id].Scheduled;
}
