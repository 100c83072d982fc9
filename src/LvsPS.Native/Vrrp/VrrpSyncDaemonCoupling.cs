using LvsPS.Native.Ipvs;
using LvsPS.Native.Netlink;

namespace LvsPS.Native.Vrrp;

/// <summary>Starts and stops IPVS sync daemons for a VRRP instance; a fake in tests, IPVS netlink in a namespace otherwise.</summary>
public interface ISyncDaemonController
{
    IReadOnlyList<SyncDaemon> List();
    void Start(SyncDaemon daemon);
    void Stop(SyncDaemonState state);
}

/// <summary>The IPVS sync daemons of one network namespace, one netlink socket per call (role changes are rare).</summary>
public sealed class IpvsSyncDaemonController : ISyncDaemonController
{
    private readonly string? _networkNamespace;

    public IpvsSyncDaemonController(string? networkNamespace) => _networkNamespace = networkNamespace;

    public IReadOnlyList<SyncDaemon> List() => With(c => c.GetSyncDaemons());
    public void Start(SyncDaemon daemon) => With(c => { c.StartSyncDaemon(daemon); return 0; });
    public void Stop(SyncDaemonState state) => With(c => { c.StopSyncDaemon(state); return 0; });

    private T With<T>(Func<IpvsClient, T> work)
    {
        using IpvsClient client = IpvsClient.Open(_networkNamespace);
        return work(client);
    }
}

/// <summary>
/// keepalived's lvs_sync_daemon: the IPVS connection-sync daemon follows the instance's state.
/// As in keepalived (ipvswrapper.c ipvs_syncd_master/backup): a backup daemon runs from start,
/// on becoming master the backup daemon stops and a master daemon starts, on leaving master
/// (to BACKUP or FAULT) the master daemon stops and a backup daemon starts again. On stop it
/// stops only the daemons it started (or found running with exactly its settings). Failures
/// never reach the VRRP instance: they are counted and the last one is kept.
/// Not thread-safe: call it from one thread, in the order of the state changes.
/// </summary>
public sealed class VrrpSyncDaemonCoupling
{
    private readonly SyncDaemon _settings;
    private readonly ISyncDaemonController _controller;
    private readonly HashSet<SyncDaemonState> _ours = new();

    /// <param name="settings">Interface, sync id and optional settings; its State is ignored.</param>
    /// <param name="controller">Starts and stops the daemons (IPVS netlink in the instance's namespace).</param>
    public VrrpSyncDaemonCoupling(SyncDaemon settings, ISyncDaemonController controller)
    {
        _settings = settings;
        _controller = controller;
    }

    /// <summary>The interface, sync id and optional settings the daemons run with.</summary>
    public SyncDaemon Settings => _settings;
    /// <summary>The role this instance wants now (Master while master, Backup otherwise); null before start and after stop.</summary>
    public SyncDaemonState? Role { get; private set; }
    /// <summary>The daemons this instance started and runs now.</summary>
    public IReadOnlyList<SyncDaemonState> Running => _ours.OrderBy(s => s).ToArray();
    /// <summary>Failures so far; counted after <see cref="LastError"/> and <see cref="Failed"/>, so whoever sees the count sees the message.</summary>
    public long Errors => Interlocked.Read(ref _errors);
    private long _errors;
    public string? LastError { get; private set; }
    /// <summary>Raised for every failure with its message (for Verbose output); never throws into the caller.</summary>
    public event Action<string>? Failed;

    /// <summary>"master on eth1 (syncid 5)", with the error count when there were failures; what Format-List shows.</summary>
    public override string ToString()
        => $"{(Role is { } r ? SyncDaemon.StateName(r) : "none")} on {_settings.Interface} (syncid {_settings.SyncId}){(Errors > 0 ? $", {Errors} errors" : "")}";

    /// <summary>Follows a state change of the instance (or of its sync group, through the instance).</summary>
    public void OnStateChanged(VrrpState to)
    {
        switch (to)
        {
            case VrrpState.Master:
                Switch(SyncDaemonState.Master);
                break;
            case VrrpState.Backup:
            case VrrpState.Fault:
                Switch(SyncDaemonState.Backup);
                break;
            case VrrpState.Init:
                StopAll();
                break;
        }
    }

    /// <summary>Stops the daemons this instance started.</summary>
    public void StopAll()
    {
        Role = null;
        foreach (SyncDaemonState state in _ours.ToArray())
            StopOurs(state);
    }

    private void Switch(SyncDaemonState role)
    {
        if (Role == role && _ours.Contains(role))
            return;
        Role = role;
        SyncDaemonState other = role == SyncDaemonState.Master ? SyncDaemonState.Backup : SyncDaemonState.Master;
        if (_ours.Contains(other))
            StopOurs(other);
        if (_ours.Contains(role))
            return;
        SyncDaemon daemon = _settings with { State = role, NetworkNamespace = null };
        try
        {
            _controller.Start(daemon);
            _ours.Add(role);
        }
        catch (IpvsException e) when (e.Errno == Errno.EEXIST)
        {
            // One in that role runs already: ours after a crash if its settings are ours, else someone else's.
            SyncDaemon? running = TryList()?.FirstOrDefault(d => d.State == role);
            if (running != null && daemon.IsSatisfiedBy(running))
                _ours.Add(role);
            else
                Fail($"start the {daemon}: a {SyncDaemon.StateName(role)} sync daemon with other settings runs already{(running is null ? "" : $" ({running})")}; it is left alone");
        }
        catch (Exception e) when (IsIpvsFailure(e))
        {
            Fail($"start the {daemon}: {e.Message}");
        }
    }

    private void StopOurs(SyncDaemonState state)
    {
        try
        {
            _controller.Stop(state);
        }
        catch (IpvsException e) when (e.Errno == Errno.ESRCH)
        {
            // Stopped by someone else meanwhile: nothing to do.
        }
        catch (Exception e) when (IsIpvsFailure(e))
        {
            Fail($"stop the {SyncDaemon.StateName(state)} sync daemon on {_settings.Interface}: {e.Message}");
        }
        _ours.Remove(state);
    }

    private IReadOnlyList<SyncDaemon>? TryList()
    {
        try
        {
            return _controller.List();
        }
        catch (Exception e) when (IsIpvsFailure(e))
        {
            return null;
        }
    }

    private static bool IsIpvsFailure(Exception e)
        => e is IpvsException or IpvsNotAvailableException or IpvsValidationException or NetlinkException or UnauthorizedAccessException
            || e.GetType().Namespace?.StartsWith("LvsPS.Native", StringComparison.Ordinal) == true;

    private void Fail(string message)
    {
        LastError = message;
        try
        {
            Failed?.Invoke(message);
        }
        catch (Exception)
        {
            // A failing listener must not stop the coupling.
        }
        Interlocked.Increment(ref _errors);
    }
}
