using System.Net;
using LvsPS.Lab.Tests.Infrastructure;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Vrrp;
using Xunit;
using Xunit.Abstractions;

namespace LvsPS.Lab.Tests;

/// <summary>
/// keepalived's lvs_sync_daemon against the real kernel: two directors (namespaces joined by a
/// veth pair), a VRRP instance in each that drives its namespace's IPVS sync daemon; ipvsadm -L
/// --daemon in each namespace is the witness of the roles.
/// </summary>
public sealed class VrrpSyncDaemonLabTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30); // TCG emulation is slow
    private readonly ITestOutputHelper _output;
    private readonly LabNamespace _lb1 = new();
    private readonly LabNamespace _lb2 = new();
    private readonly List<VrrpInstance> _instances = new();

    public VrrpSyncDaemonLabTests(ITestOutputHelper output)
    {
        _output = output;
        Shell.Run("ip", "link", "add", "vsd1", "netns", _lb1.Name, "type", "veth", "peer", "name", "vsd2", "netns", _lb2.Name);
        _lb1.Exec("ip", "link", "set", "vsd1", "name", "eth0");
        _lb2.Exec("ip", "link", "set", "vsd2", "name", "eth0");
        _lb1.Exec("ip", "addr", "add", "10.77.0.1/24", "dev", "eth0");
        _lb2.Exec("ip", "addr", "add", "10.77.0.2/24", "dev", "eth0");
        _lb1.Exec("ip", "link", "set", "eth0", "up");
        _lb2.Exec("ip", "link", "set", "eth0", "up");
        // A tracked link on lb1 whose loss puts its instance in FAULT.
        _lb1.Exec("ip", "link", "add", "trk0", "type", "dummy");
        _lb1.Exec("ip", "link", "set", "trk0", "up");
    }

    public void Dispose()
    {
        foreach (VrrpInstance i in _instances)
        {
            _output.WriteLine(string.Join("\n", i.History.Select(h => h.ToString())));
            if (i.LvsSyncDaemon is { LastError: { } e })
                _output.WriteLine($"{i.Name} sync daemon: {e}");
            i.Dispose();
        }
        _lb1.Dispose();
        _lb2.Dispose();
    }

    private VrrpInstance Start(LabNamespace ns, string name, int priority, params VrrpTrackedInterface[] track)
    {
        VrrpInstance instance = VrrpInstance.Start(new VrrpInstanceOptions
        {
            Name = name,
            Interface = "eth0",
            VirtualRouterId = 61,
            Priority = priority,
            VirtualAddresses = new[] { VrrpVirtualAddress.Parse("10.77.0.100/24") },
            NetworkNamespace = ns.Name,
            TrackInterfaces = track,
            LvsSyncDaemon = new SyncDaemon { State = SyncDaemonState.Backup, Interface = "eth0", SyncId = 61 },
        }, null, syncGroup: null);
        _instances.Add(instance);
        return instance;
    }

    private static string Daemons(LabNamespace ns) => ns.Ipvsadm("-L", "--daemon").Trim();

    /// <summary>ipvsadm shows exactly one daemon in the namespace, in that role, with our settings.</summary>
    private static bool Only(LabNamespace ns, string role)
    {
        string[] lines = Daemons(ns).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return lines.Length == 1 && lines[0].StartsWith($"{role} sync daemon (mcast=eth0, syncid=61", StringComparison.Ordinal);
    }

    private static void Eventually(Func<bool> condition, string what, Func<string> state)
    {
        DateTime end = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > end)
                Assert.Fail($"{what} within {Patience.TotalSeconds} s; now: {state()}");
            Thread.Sleep(100);
        }
    }

    private string Both() => $"lb1: [{Daemons(_lb1)}] lb2: [{Daemons(_lb2)}]";

    [Fact]
    public void The_master_runs_the_master_daemon_the_backup_the_backup_daemon_and_they_swap()
    {
        VrrpInstance a = Start(_lb1, "LB1", 150, new VrrpTrackedInterface("trk0"));
        VrrpInstance b = Start(_lb2, "LB2", 100);
        Assert.True(a.WaitForState(VrrpState.Master, Patience), $"LB1 is {a.State}");
        Assert.True(b.WaitForState(VrrpState.Backup, Patience), $"LB2 is {b.State}");
        Eventually(() => Only(_lb1, "master") && Only(_lb2, "backup"), "master daemon on lb1, backup on lb2", Both);

        // lb1 fails (its tracked link goes down): FAULT, so it drops back to the backup daemon; lb2 takes the master role.
        _lb1.Exec("ip", "link", "set", "trk0", "down");
        Assert.True(b.WaitForState(VrrpState.Master, Patience), $"LB2 is {b.State}");
        Assert.Equal(VrrpState.Fault, a.State);
        Eventually(() => Only(_lb1, "backup") && Only(_lb2, "master"), "roles swapped after lb1's fault", Both);

        // lb1 recovers and preempts: the roles swap back.
        _lb1.Exec("ip", "link", "set", "trk0", "up");
        Assert.True(a.WaitForState(VrrpState.Master, Patience), $"LB1 is {a.State}");
        Eventually(() => Only(_lb1, "master") && Only(_lb2, "backup"), "roles back after lb1 recovered", Both);

        // lb1 stops: its daemons go with it, lb2 becomes master with the master daemon.
        a.Stop();
        Assert.Equal("", Daemons(_lb1));
        Assert.True(b.WaitForState(VrrpState.Master, Patience), $"LB2 is {b.State}");
        Eventually(() => Only(_lb2, "master"), "master daemon on lb2 after lb1 stopped", Both);
        Assert.Equal(0, a.LvsSyncDaemon!.Errors);
        Assert.Equal(0, b.LvsSyncDaemon!.Errors);

        b.Stop();
        Assert.Equal("", Daemons(_lb2));
    }

    [Fact]
    public void A_daemon_someone_else_runs_is_left_alone_and_reported()
    {
        _lb1.Ipvsadm("--start-daemon", "backup", "--mcast-interface", "lo", "--syncid", "3");
        VrrpInstance a = Start(_lb1, "LB1", 100);
        Assert.True(a.WaitForState(VrrpState.Backup, Patience));
        Eventually(() => a.LvsSyncDaemon!.Errors == 1, "the foreign backup daemon reported", () => a.LastError ?? "no error");
        Assert.Contains("other settings", a.LastError);
        a.Stop();
        Assert.Contains("backup sync daemon (mcast=lo, syncid=3", Daemons(_lb1)); // not ours: still there
        _lb1.Ipvsadm("--stop-daemon", "backup");
    }
}
