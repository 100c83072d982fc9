using LvsPS.Host.Tests.Infrastructure;
using LvsPS.Native.Configuration.Director;
using LvsPS.Native.Configuration.Keepalived;
using LvsPS.Native.Ipvs.InMemory;

namespace LvsPS.Host.Tests;

/// <summary>
/// static_ipaddress on the host kernel's route netlink (IPVS in memory): ip addr shows the file's addresses
/// after start (no VRRP instance at all), follows a reload edit (the dropped one removed, the new one added, one
/// deleted by hand put back), and after stop has none of them, also not the one the interface had before (keepalived
/// takes the kernel's EEXIST as added and removes it at stop: the second test shows keepalived doing so).
/// </summary>
[Collection("vrrp")]
public sealed class DirectorStaticAddressHostTests
{
    private static string Block(params string[] lines) => $"static_ipaddress {{\n{string.Join('\n', lines)}\n}}\n";

    private static DirectorConfiguration Read(params string[] lines)
    {
        string text = Block(lines);
        KeepalivedReadResult r = KeepalivedConfigurationReader.Parse(text, "keepalived.conf", Path.GetTempPath(), new KeepalivedReadOptions());
        Assert.False(r.HasErrors, string.Join('\n', r.Diagnostics));
        return r.Configuration;
    }

    /// <summary>ip -o addr of the node as "ADDRESS/LEN DEV [LABEL]" lines of the 10.77/16 test addresses.</summary>
    private static string[] Addresses(Segment s, int node = 1)
        => Sh.Run("ip", "-n", s.Node(node), "-o", "-4", "addr", "show").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split([' ', '\\'], StringSplitOptions.RemoveEmptyEntries))
            .Where(w => w[3].StartsWith("10.77.", StringComparison.Ordinal))
            .Select(w => $"{w[3]} {w[1]} scope {w[Array.IndexOf(w, "scope") + 1]}{(w.FirstOrDefault(x => x.StartsWith(w[1] + ":", StringComparison.Ordinal)) is { } label ? $" {label}" : "")}")
            .Order(StringComparer.Ordinal).ToArray();

    [SkippableFact]
    public async Task Ip_addr_shows_them_after_start_and_after_a_reload_edit_and_stop_removes_only_the_directors()
    {
        HostFacts.RequireRoot();
        using var s = new Segment(1);
        Sh.Run("ip", "-n", s.Node(1), "addr", "add", "10.77.0.9/24", "dev", "eth0"); // there before the director
        var ipvs = new InMemoryIpvsNamespaces();
        RunningDirector d = RunningDirector.Start(Read("10.77.0.1/24 dev eth0 label eth0:st", "10.77.0.2/32 dev lo scope host", "10.77.0.9/24 dev eth0"),
            // No poll during the test: the hand-deleted address is put back by the reload here (the poll is the next test's).
            new DirectorRunOptions { Name = "static", NetworkNamespace = s.Node(1), OpenIpvs = ipvs.Open, DrainPoll = TimeSpan.FromHours(1) });
        try
        {
            Assert.Empty(d.StartErrors);
            Assert.Equal(["10.77.0.1/24 eth0 scope global eth0:st", "10.77.0.2/32 lo scope host", "10.77.0.9/24 eth0 scope global"], Addresses(s));
            Assert.Equal(3, d.StaticAddresses.Count); // .9 was there before: the director's all the same, as with keepalived

            Sh.Run("ip", "-n", s.Node(1), "addr", "del", "10.77.0.1/24", "dev", "eth0");
            DirectorConfiguration next = Read("10.77.0.1/24 dev eth0 label eth0:st", "10.77.0.3/24 dev eth0", "10.77.0.9/24 dev eth0");
            Assert.Equal(["remove static address 10.77.0.2/32 dev lo scope host", "add static address 10.77.0.1/24 dev eth0 label eth0:st", "add static address 10.77.0.3/24 dev eth0"],
                d.PlanReload(next).Describe().Where(l => l.Contains("static address", StringComparison.Ordinal)));
            DirectorReloadResult result = d.Reload(next);
            Assert.Empty(result.Errors);
            Assert.Equal(["10.77.0.1/24 eth0 scope global eth0:st", "10.77.0.3/24 eth0 scope global", "10.77.0.9/24 eth0 scope global"], Addresses(s));
        }
        finally
        {
            await d.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        Assert.Empty(Addresses(s));
    }

    /// <summary>
    /// The same static_ipaddress block run by keepalived 2.2.7 (VRRP only, one unrelated instance, which its VRRP
    /// process needs) and by the director, each in its namespace with the same address there beforehand: ip addr
    /// agrees after start, after one address is deleted by hand (both put it back: keepalived at once, the director at
    /// its next poll; one marked no_track neither), after a reload that drops one and adds one, and after stop.
    /// </summary>
    [SkippableFact]
    public async Task Keepalived_and_the_director_leave_the_same_addresses_at_start_reload_and_stop()
    {
        HostFacts.RequireRootAndKeepalived();
        using var s = new Segment(2);
        string[] first = ["10.77.0.1/24 dev eth0 label eth0:st", "10.77.0.2/32 dev lo scope host", "10.77.0.9/24 dev eth0", "10.77.0.4/32 dev lo no_track"];
        string[] second = ["10.77.0.1/24 dev eth0 label eth0:st", "10.77.0.3/24 dev eth0", "10.77.0.9/24 dev eth0"];
        foreach (int node in new[] { 1, 2 })
            Sh.Run("ip", "-n", s.Node(node), "addr", "add", "10.77.0.9/24", "dev", "eth0");
        using var keepalived = new Keepalived(s.Node(1), "  state BACKUP\n  virtual_router_id 61\n  priority 100\n  virtual_ipaddress {\n    10.79.0.100/24\n  }", otherBlocks: Block(first));
        keepalived.Start();
        RunningDirector d = RunningDirector.Start(Read(first), new DirectorRunOptions { Name = "static", NetworkNamespace = s.Node(2), OpenIpvs = new InMemoryIpvsNamespaces().Open });
        try
        {
            string[] started = ["10.77.0.1/24 eth0 scope global eth0:st", "10.77.0.2/32 lo scope host", "10.77.0.4/32 lo scope global", "10.77.0.9/24 eth0 scope global"];
            Assert.True(Sh.Eventually(() => Addresses(s, 1).SequenceEqual(started), TimeSpan.FromSeconds(20), 100),
                $"keepalived after start: {string.Join("; ", Addresses(s, 1))}\n{keepalived.Log}");
            Assert.Equal(started, Addresses(s, 2));

            foreach (int node in new[] { 1, 2 })
            {
                Sh.Run("ip", "-n", s.Node(node), "addr", "del", "10.77.0.1/24", "dev", "eth0");
                Sh.Run("ip", "-n", s.Node(node), "addr", "del", "10.77.0.4/32", "dev", "lo");
            }
            string[] restored = [.. started.Where(a => !a.StartsWith("10.77.0.4/", StringComparison.Ordinal))];
            Assert.True(Sh.Eventually(() => Addresses(s, 1).SequenceEqual(restored) && Addresses(s, 2).SequenceEqual(restored), TimeSpan.FromSeconds(10), 100),
                $"after a hand deletion: keepalived {string.Join("; ", Addresses(s, 1))}; LvsPS {string.Join("; ", Addresses(s, 2))}");
            Assert.Equal(1, d.StaticAddressesRestored);
            keepalived.Reload(Block(second));
            d.Reload(Read(second));
            string[] reloaded = ["10.77.0.1/24 eth0 scope global eth0:st", "10.77.0.3/24 eth0 scope global", "10.77.0.9/24 eth0 scope global"];
            Assert.True(Sh.Eventually(() => Addresses(s, 1).SequenceEqual(reloaded), TimeSpan.FromSeconds(20), 100),
                $"keepalived after the reload: {string.Join("; ", Addresses(s, 1))}\n{keepalived.Log}");
            Assert.Equal(reloaded, Addresses(s, 2));
        }
        finally
        {
            keepalived.Stop();
            await d.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        Assert.Empty(Addresses(s, 1)); // keepalived removed 10.77.0.9 too, which was there before it started
        Assert.Empty(Addresses(s, 2));
    }
}
