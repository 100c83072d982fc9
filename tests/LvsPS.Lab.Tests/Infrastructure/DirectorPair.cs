using System.Diagnostics;
using LvsPS.Native.Configuration.Director;
using LvsPS.Native.Configuration.Keepalived;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Vrrp;
using LvsPS.Testing;
using Xunit;
using Xunit.Abstractions;

namespace LvsPS.Lab.Tests.Infrastructure;

/// <summary>A VRRP address of a seed and the interface it goes on.</summary>
public sealed record PairVip(string Address, string Device);

/// <summary>
/// The two directors of a seed pair, one run by keepalived 2.2.7 (VRRP and checkers), the other by LvsPS's
/// director, each in its namespace on a bridge as the seed's eth0, with a third namespace for the real servers
/// (an HTTP server on port 80 answering /health). <see cref="AddNetwork"/> gives all three a second bridge as
/// another interface (eth1 of a NAT pair). <see cref="FailsOverBothWaysAsync"/> is the proof: LvsPS as the backup
/// (keepalived stops: LvsPS holds every VIP; keepalived back: it preempts), then LvsPS as the master (the same with
/// the roles swapped); each side's IPVS table follows its own file whatever its VRRP state, as keepalived does.
/// </summary>
public sealed class DirectorPair : IDisposable
{
    public const int KeepalivedNode = 1, LvsNode = 2, RealServerNode = 3;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(120);

    private readonly ITestOutputHelper _output;
    private readonly Segment _segment = new(3);
    private readonly List<Segment> _networks = new();
    private readonly Dictionary<(int Node, string Device), string> _own = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("lvsps-pair-lab-").FullName;
    private Process? _web;

    public DirectorPair(ITestOutputHelper output)
    {
        _output = output;
        for (int node = 1; node <= 3; node++)
            _own[(node, "eth0")] = _segment.Address(node);
    }

    public string Namespace(int node) => _segment.Node(node);

    /// <summary>A second bridge joining the three namespaces as <paramref name="device"/>, each with an address of its own there.</summary>
    public void AddNetwork(string device)
    {
        var network = new Segment(0);
        _networks.Add(network);
        for (int node = 1; node <= 3; node++)
            _own[(node, device)] = network.Attach(Namespace(node), device);
    }

    /// <summary>
    /// The seed's real-server addresses on the real servers' <paramref name="device"/>, reached by each director from its own
    /// address there (so checks work whichever side holds the VIPs), and one HTTP server for all of them.
    /// </summary>
    public void StartRealServers(string device, params string[] addresses)
    {
        string rs = Namespace(RealServerNode);
        foreach (string address in addresses)
        {
            Sh.Run("ip", "-n", rs, "addr", "add", $"{address}/24", "dev", device);
            foreach (int node in new[] { KeepalivedNode, LvsNode })
                Sh.Run("ip", "-n", Namespace(node), "route", "add", $"{address}/32", "dev", device, "src", _own[(node, device)]);
        }
        string root = Path.Combine(_dir, "www");
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "health"), "ok\n");
        var psi = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "netns", "exec", rs, "busybox", "httpd", "-f", "-p", "80", "-h", root })
            psi.ArgumentList.Add(a);
        _web = Process.Start(psi)!;
        foreach (string address in addresses)
            Assert.True(Sh.Eventually(() => Sh.Try("ip", "netns", "exec", Namespace(LvsNode), "curl", "-sf", "--max-time", "2", $"http://{address}/health").Code == 0,
                TimeSpan.FromSeconds(60), 300), $"the real server {address} did not answer from the director's namespace");
    }

    /// <summary>A copy of a seed file in this pair's directory.</summary>
    public string Seed(string name)
    {
        string path = Path.Combine(_dir, name);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Seeds", name), path, overwrite: true);
        return path;
    }

    public RunningDirector StartLvsPS(string conf)
    {
        DirectorConfiguration configuration = KeepalivedFile.Read(conf, new KeepalivedReadOptions
        {
            ConfigId = "lab",
            ScriptRunnable = KeepalivedReadOptions.ForThisHost().ScriptRunnable,
        });
        return RunningDirector.Start(configuration, new DirectorRunOptions
        {
            Name = "pair",
            NetworkNamespace = Namespace(LvsNode),
            OpenIpvs = ns => IpvsClient.Open(ns),
        });
    }

    /// <summary>
    /// The proof of a seed pair: keepalived on <paramref name="masterSeed"/> against LvsPS on <paramref name="backupSeed"/>,
    /// each stopped and started again, then the files swapped. <paramref name="tableOf"/> gives a file's IPVS table
    /// (ipvsadm -Sn lines); a side that does not run has none.
    /// </summary>
    public async Task FailsOverBothWaysAsync(string masterSeed, string backupSeed, IReadOnlyList<PairVip> vips, Func<string, string[]> tableOf)
    {
        string master = Seed(masterSeed), backup = Seed(backupSeed);
        using var keepalived = new KeepalivedDaemon(Namespace(KeepalivedNode), master, _dir, checkerOnly: false);
        using var keepalivedBackup = new KeepalivedDaemon(Namespace(KeepalivedNode), backup, _dir, checkerOnly: false);
        string[] masterTable = tableOf(masterSeed), backupTable = tableOf(backupSeed);
        RunningDirector lvs = StartLvsPS(backup);
        try
        {
            // LvsPS runs the backup file.
            keepalived.Start();
            Settles("keepalived (master file) and LvsPS (backup file) start", KeepalivedNode, VrrpState.Backup, lvs, vips, masterTable, backupTable, keepalived);
            keepalived.Stop();
            Settles("keepalived stopped: LvsPS takes over", LvsNode, VrrpState.Master, lvs, vips, [], backupTable, keepalived);
            keepalived.Start();
            Settles("keepalived back: it preempts", KeepalivedNode, VrrpState.Backup, lvs, vips, masterTable, backupTable, keepalived);

            // LvsPS runs the master file.
            keepalived.Stop();
            await lvs.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
            lvs = StartLvsPS(master);
            keepalivedBackup.Start();
            Settles("LvsPS (master file) and keepalived (backup file) start", LvsNode, VrrpState.Master, lvs, vips, backupTable, masterTable, keepalivedBackup);
            await lvs.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Settles("LvsPS stopped: keepalived takes over", KeepalivedNode, null, lvs, vips, backupTable, [], keepalivedBackup);
            lvs = StartLvsPS(master);
            Settles("LvsPS back: it preempts", LvsNode, VrrpState.Master, lvs, vips, backupTable, masterTable, keepalivedBackup);
        }
        finally
        {
            await lvs.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public bool HasAddress(int node, PairVip vip)
        => Sh.Try("ip", "-n", Namespace(node), "-o", "addr", "show", "dev", vip.Device).Output.Contains($" {vip.Address}/", StringComparison.Ordinal);

    /// <summary>
    /// Waits until only <paramref name="holder"/> has every VIP, every LvsPS instance is in <paramref name="lvsState"/>
    /// (null: LvsPS stopped), and the IPVS tables are the given ones.
    /// </summary>
    private void Settles(string stage, int holder, VrrpState? lvsState, RunningDirector lvs, IReadOnlyList<PairVip> vips,
        string[] keepalivedTable, string[] lvsTable, KeepalivedDaemon keepalived)
    {
        int other = holder == KeepalivedNode ? LvsNode : KeepalivedNode;
        IReadOnlyList<string> Table(int node) => LabNamespace.Attach(Namespace(node)).SavedRules();
        bool TableIs(int node, string[] expected) => Table(node).SequenceEqual(expected.Order(StringComparer.Ordinal));
        bool StatesAre() => lvs.IsRunning ? lvs.VrrpInstances.Count > 0 && lvs.VrrpInstances.All(i => i.State == lvsState) : lvsState is null;
        string States() => lvs.IsRunning ? string.Join(", ", lvs.VrrpInstances.Select(i => $"{i.Name} {i.State}")) : "stopped";
        var watch = Stopwatch.StartNew();
        bool settled = Sh.Eventually(() => vips.All(v => HasAddress(holder, v) && !HasAddress(other, v)) && StatesAre()
            && TableIs(KeepalivedNode, keepalivedTable) && TableIs(LvsNode, lvsTable), Settle, 100);
        _output.WriteLine($"{stage}: {(settled ? "settled" : "NOT settled")} in {watch.Elapsed.TotalSeconds:0.0} s");
        Assert.True(settled, $"{stage}: after {watch.Elapsed.TotalSeconds:0.#} s: "
            + string.Join("; ", vips.Select(v => $"{v.Address} on keepalived's side {HasAddress(KeepalivedNode, v)}, on LvsPS's {HasAddress(LvsNode, v)}"))
            + $"; LvsPS {States()} (expected {lvsState?.ToString() ?? "stopped"}); "
            + $"{string.Join("; ", lvs.VrrpInstances.SelectMany(i => i.History.TakeLast(6)))}\n"
            + $"keepalived's table:\n{string.Join('\n', Table(KeepalivedNode))}\nLvsPS's table:\n{string.Join('\n', Table(LvsNode))}\n"
            + $"LvsPS notes: {string.Join("; ", lvs.Notes)}\nkeepalived's log:\n{keepalived.Log}");
    }

    public void Dispose()
    {
        if (_web is { HasExited: false })
            _web.Kill(entireProcessTree: true);
        _web?.Dispose();
        foreach (Segment network in _networks)
            network.Dispose();
        _segment.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
