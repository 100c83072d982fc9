using LvsPS.Native.Ipvs;
using LvsPS.Native.Netlink;
using LvsPS.Native.Vrrp;

namespace LvsPS.Tests.Vrrp;

/// <summary>keepalived's lvs_sync_daemon (ipvswrapper.c): backup daemon from start, master daemon while master, stop what was started.</summary>
public sealed class VrrpSyncDaemonCouplingTests
{
    private sealed class FakeController : ISyncDaemonController
    {
        public readonly Dictionary<SyncDaemonState, SyncDaemon> Running = new();
        public readonly List<string> Calls = new();
        public int FailStarts;

        public IReadOnlyList<SyncDaemon> List() => Running.Values.ToArray();

        public void Start(SyncDaemon daemon)
        {
            Calls.Add($"start {daemon.Name}");
            if (FailStarts > 0 && FailStarts-- > 0)
                throw new IpvsNotAvailableException();
            if (Running.ContainsKey(daemon.State))
                throw IpvsException.From(IpvsOperation.StartSyncDaemon, Errno.EEXIST, daemon.ToString());
            Running[daemon.State] = daemon;
        }

        public void Stop(SyncDaemonState state)
        {
            Calls.Add($"stop {SyncDaemon.StateName(state)}");
            if (!Running.Remove(state))
                throw IpvsException.From(IpvsOperation.StopSyncDaemon, Errno.ESRCH, SyncDaemon.StateName(state));
        }
    }

    private static readonly SyncDaemon Settings = new() { State = SyncDaemonState.Backup, Interface = "eth1", SyncId = 7 };

    [Fact]
    public void Backup_from_start_master_while_master_backup_after_and_nothing_after_stop()
    {
        var fake = new FakeController();
        var c = new VrrpSyncDaemonCoupling(Settings, fake);
        c.OnStateChanged(VrrpState.Backup);
        Assert.Equal(new[] { SyncDaemonState.Backup }, fake.Running.Keys);
        Assert.Equal(7u, fake.Running[SyncDaemonState.Backup].SyncId);
        c.OnStateChanged(VrrpState.Master);
        Assert.Equal(new[] { SyncDaemonState.Master }, fake.Running.Keys);
        Assert.Equal("master on eth1 (syncid 7)", c.ToString());
        c.OnStateChanged(VrrpState.Fault);
        Assert.Equal(new[] { SyncDaemonState.Backup }, fake.Running.Keys);
        c.OnStateChanged(VrrpState.Backup);
        c.OnStateChanged(VrrpState.Init);
        Assert.Empty(fake.Running);
        Assert.Equal(new[] { "start backup", "stop backup", "start master", "stop master", "start backup", "stop backup" }, fake.Calls);
        Assert.Equal(0, c.Errors);
        Assert.Null(c.Role);
    }

    [Fact]
    public void A_failure_is_counted_only_after_its_message_is_published()
    {
        // Readers on other threads poll Errors and then read the message (the instance's LastError is set
        // by the Failed listener): the count must not run ahead of the message.
        var fake = new FakeController { FailStarts = 1 };
        var c = new VrrpSyncDaemonCoupling(Settings, fake);
        long countSeenByListener = -1;
        string? messageSeenByListener = null;
        c.Failed += m => { countSeenByListener = c.Errors; messageSeenByListener = c.LastError; };
        c.OnStateChanged(VrrpState.Backup);
        Assert.Equal(0, countSeenByListener);
        Assert.NotNull(messageSeenByListener);
        Assert.Equal(1, c.Errors);
    }

    [Fact]
    public void A_daemon_someone_else_runs_is_left_alone_and_reported()
    {
        var fake = new FakeController();
        fake.Running[SyncDaemonState.Master] = new SyncDaemon { State = SyncDaemonState.Master, Interface = "eth9", SyncId = 1 };
        var c = new VrrpSyncDaemonCoupling(Settings, fake);
        c.OnStateChanged(VrrpState.Master);
        Assert.Equal(1, c.Errors);
        Assert.Contains("other settings", c.LastError);
        c.OnStateChanged(VrrpState.Init);
        Assert.Equal("eth9", fake.Running[SyncDaemonState.Master].Interface); // not ours: not stopped
    }

    [Fact]
    public void A_daemon_with_our_settings_left_by_a_crash_is_adopted_and_stopped_on_stop()
    {
        var fake = new FakeController();
        fake.Running[SyncDaemonState.Backup] = Settings with { MaxLength = 1472, Port = 8848 };
        var c = new VrrpSyncDaemonCoupling(Settings, fake);
        c.OnStateChanged(VrrpState.Backup);
        Assert.Equal(0, c.Errors);
        Assert.Equal(new[] { SyncDaemonState.Backup }, c.Running);
        c.OnStateChanged(VrrpState.Init);
        Assert.Empty(fake.Running);
    }

    [Fact]
    public void Failures_are_counted_not_thrown_and_the_next_change_tries_again()
    {
        var fake = new FakeController { FailStarts = 1 };
        var c = new VrrpSyncDaemonCoupling(Settings, fake);
        var seen = new List<string>();
        c.Failed += seen.Add;
        c.OnStateChanged(VrrpState.Backup);
        Assert.Equal(1, c.Errors);
        Assert.Single(seen);
        Assert.Empty(fake.Running);
        c.OnStateChanged(VrrpState.Backup); // the same role, not running: tried again
        Assert.Equal(new[] { SyncDaemonState.Backup }, fake.Running.Keys);
        c.OnStateChanged(VrrpState.Master);
        Assert.Equal(new[] { SyncDaemonState.Master }, fake.Running.Keys);
    }
}
