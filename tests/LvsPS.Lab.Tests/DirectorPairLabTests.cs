using System.Diagnostics;
using LvsPS.Lab.Tests.Infrastructure;
using LvsPS.Native.Configuration.Director;
using LvsPS.Native.Configuration.Keepalived;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Vrrp;
using LvsPS.Testing;
using Xunit;
using Xunit.Abstractions;

namespace LvsPS.Lab.Tests;

/// <summary>
/// VRRP between the two directors of seed 002 (the LVS-DR master and backup files as they are:
/// advert_int 1, preemption by default, the master's track script missing so both disable it),
/// one run by keepalived 2.2.7 (VRRP and checkers), the other by LvsPS's director, in namespaces
/// on one bridge with the seed's interface name (eth0). A third namespace holds the real servers
/// 192.168.1.101 and .102 (an HTTP server answering /health). Both ways: LvsPS as the backup
/// (keepalived stops: LvsPS holds the VIP; keepalived comes back: it takes the VIP back), then
/// LvsPS as the master (the same with the roles swapped). Each side's IPVS table follows its own
/// file whatever its VRRP state, as keepalived does: the master file's service with both real
/// servers, the backup file's nothing (its virtual_server has no real servers, so it is dropped).
/// </summary>
public sealed class DirectorPairLabTests(ITestOutputHelper output) : IDisposable
{
    private const string Vip = "192.168.1.100";
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(120);
    private static readonly string[] MasterTable =
    [
        "-A -t 192.168.1.100:80 -s wrr -p 50",
        "-a -t 192.168.1.100:80 -r 192.168.1.101:80 -g -w 3",
        "-a -t 192.168.1.100:80 -r 192.168.1.102:80 -g -w 1",
    ];

    private readonly Segment _segment = new(3);
    private readonly string _dir = Directory.CreateTempSubdirectory("lvsps-pair-lab-").FullName;
    private Process? _web;

    private const int KeepalivedNode = 1, LvsNode = 2, RealServerNode = 3;

    public void Dispose()
    {
        if (_web is { HasExited: false })
            _web.Kill(entireProcessTree: true);
        _web?.Dispose();
        _segment.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Seed002_FailsOverBothWays_BetweenKeepalivedAndLvsPS()
    {
        Assert.True(Keepalived.Available, "keepalived must be installed on the host (the VM shares its root)");
        Assert.False(File.Exists("/etc/keepalived/check_lvs.sh"), "the seed's track script must be missing, as the seed was measured");
        StartRealServers();
        string master = Seed("002-master.conf"), backup = Seed("002-backup.conf");
        using var keepalived = new KeepalivedDaemon(_segment.Node(KeepalivedNode), master, _dir, checkerOnly: false);
        using var keepalivedBackup = new KeepalivedDaemon(_segment.Node(KeepalivedNode), backup, _dir, checkerOnly: false);
        RunningDirector lvs = Start(backup);
        try
        {
            // LvsPS runs the backup file.
            keepalived.Start();
            Settles("keepalived (master file) and LvsPS (backup file) start", KeepalivedNode, VrrpState.Backup, lvs, masterFileOn: KeepalivedNode, keepalived);
            keepalived.Stop();
            Settles("keepalived stopped: LvsPS takes over", LvsNode, VrrpState.Master, lvs, masterFileOn: null, keepalived);
            keepalived.Start();
            Settles("keepalived back: it preempts", KeepalivedNode, VrrpState.Backup, lvs, masterFileOn: KeepalivedNode, keepalived);

            // LvsPS runs the master file.
            keepalived.Stop();
            await lvs.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
            lvs = Start(master);
            keepalivedBackup.Start();
            Settles("LvsPS (master file) and keepalived (backup file) start", LvsNode, VrrpState.Master, lvs, masterFileOn: LvsNode, keepalivedBackup);
            await lvs.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Settles("LvsPS stopped: keepalived takes over", KeepalivedNode, null, lvs, masterFileOn: null, keepalivedBackup);
            lvs = Start(master);
            Settles("LvsPS back: it preempts", LvsNode, VrrpState.Master, lvs, masterFileOn: LvsNode, keepalivedBackup);
        }
        finally
        {
            await lvs.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>Real servers of the seed on the bridge; each director reaches them from its own eth0 address.</summary>
    private void StartRealServers()
    {
        string rs = _segment.Node(RealServerNode);
        foreach (string address in new[] { "192.168.1.101/24", "192.168.1.102/24" })
            Sh.Run("ip", "-n", rs, "addr", "add", address, "dev", "eth0");
        foreach (int node in new[] { KeepalivedNode, LvsNode })
            Sh.Run("ip", "-n", _segment.Node(node), "route", "add", "192.168.1.101/32", "dev", "eth0", "src", _segment.Address(node));
        foreach (int node in new[] { KeepalivedNode, LvsNode })
            Sh.Run("ip", "-n", _segment.Node(node), "route", "add", "192.168.1.102/32", "dev", "eth0", "src", _segment.Address(node));
        string root = Path.Combine(_dir, "www");
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "health"), "ok\n");
        var psi = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "netns", "exec", rs, "busybox", "httpd", "-f", "-p", "80", "-h", root })
            psi.ArgumentList.Add(a);
        _web = Process.Start(psi)!;
        Assert.True(Sh.Eventually(() => Sh.Try("ip", "netns", "exec", _segment.Node(LvsNode), "curl", "-sf", "--max-time", "2", "http://192.168.1.101/health").Code == 0,
            TimeSpan.FromSeconds(60), 300), "the real servers' HTTP server did not answer from the director's namespace");
    }

    private string Seed(string name)
    {
        string path = Path.Combine(_dir, name);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Seeds", name), path);
        return path;
    }

    private RunningDirector Start(string conf)
    {
        DirectorConfiguration configuration = KeepalivedFile.Read(conf, new KeepalivedReadOptions
        {
            ConfigId = "lab",
            ScriptRunnable = KeepalivedReadOptions.ForThisHost().ScriptRunnable,
        });
        return RunningDirector.Start(configuration, new DirectorRunOptions
        {
            Name = "pair",
            NetworkNamespace = _segment.Node(LvsNode),
            OpenIpvs = ns => IpvsClient.Open(ns),
        });
    }

    /// <summary>
    /// Waits until only <paramref name="holder"/> has the VIP, LvsPS's instance is in
    /// <paramref name="lvsState"/> (null: LvsPS stopped), and the IPVS tables are the master
    /// file's on <paramref name="masterFileOn"/> and empty on the other side.
    /// </summary>
    private void Settles(string stage, int holder, VrrpState? lvsState, RunningDirector lvs, int? masterFileOn, KeepalivedDaemon keepalived)
    {
        int other = holder == KeepalivedNode ? LvsNode : KeepalivedNode;
        string[] expectedTable = [.. MasterTable.Order(StringComparer.Ordinal)];
        IReadOnlyList<string> Table(int node) => LabNamespace.Attach(_segment.Node(node)).SavedRules();
        bool TableIs(int node) => Table(node).SequenceEqual(node == masterFileOn ? expectedTable : []);
        VrrpState? State() => lvs.IsRunning ? lvs.VrrpInstances.Single().State : null;
        var watch = Stopwatch.StartNew();
        bool settled = Sh.Eventually(() => _segment.HasAddress(holder, Vip) && !_segment.HasAddress(other, Vip) && State() == lvsState
            && TableIs(KeepalivedNode) && TableIs(LvsNode), Settle, 100);
        output.WriteLine($"{stage}: {(settled ? "settled" : "NOT settled")} in {watch.Elapsed.TotalSeconds:0.0} s");
        Assert.True(settled, $"{stage}: after {watch.Elapsed.TotalSeconds:0.#} s: VIP on keepalived's side {_segment.HasAddress(KeepalivedNode, Vip)}, "
            + $"on LvsPS's {_segment.HasAddress(LvsNode, Vip)}; LvsPS {State()?.ToString() ?? "stopped"} (expected {lvsState?.ToString() ?? "stopped"}); "
            + $"{string.Join("; ", lvs.VrrpInstances.SelectMany(i => i.History.TakeLast(6)))}\n"
            + $"keepalived's table:\n{string.Join('\n', Table(KeepalivedNode))}\nLvsPS's table:\n{string.Join('\n', Table(LvsNode))}\n"
            + $"LvsPS notes: {string.Join("; ", lvs.Notes)}\nkeepalived's log:\n{keepalived.Log}");
    }
}
