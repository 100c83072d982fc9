using LvsPS.Native.HostSettings;

namespace LvsPS.Tests.HostSettings;

/// <summary>The kernel's rule: the effective arp_ignore and arp_announce are the maximum of conf/all and conf/IFACE.</summary>
public sealed class ArpSuppressionTests
{
    private static ArpSuppressionStatus Status(int allIgnore, int allAnnounce, int ifIgnore, int ifAnnounce)
        => ArpSuppression.Evaluate("eth0", new Dictionary<string, string?>
        {
            ["net.ipv4.conf.all.arp_ignore"] = $"{allIgnore}",
            ["net.ipv4.conf.all.arp_announce"] = $"{allAnnounce}",
            ["net.ipv4.conf.eth0.arp_ignore"] = $"{ifIgnore}",
            ["net.ipv4.conf.eth0.arp_announce"] = $"{ifAnnounce}",
        }, "rs1");

    [Theory]
    [InlineData(1, 2, 0, 0, true)]   // the recipe on conf/all covers every NIC
    [InlineData(0, 0, 1, 2, true)]   // or on the NIC itself
    [InlineData(1, 0, 0, 2, true)]   // mixed: each value's maximum counts
    [InlineData(0, 0, 0, 0, false)]  // kernel defaults
    [InlineData(1, 1, 0, 0, false)]  // arp_announce 1 may still use the VIP as source
    [InlineData(3, 2, 0, 0, false)]  // arp_ignore 3 answers for global-scope addresses, a VIP on lo included
    [InlineData(8, 2, 0, 0, true)]   // never answer
    [InlineData(0, 2, 2, 0, true)]
    public void Effective_values_are_the_maximum_of_all_and_the_interface(int allIgnore, int allAnnounce, int ifIgnore, int ifAnnounce, bool suppressed)
    {
        ArpSuppressionStatus s = Status(allIgnore, allAnnounce, ifIgnore, ifAnnounce);
        Assert.Equal(Math.Max(allIgnore, ifIgnore), s.EffectiveArpIgnore);
        Assert.Equal(Math.Max(allAnnounce, ifAnnounce), s.EffectiveArpAnnounce);
        Assert.Equal(suppressed, s.IsSuppressed);
        Assert.StartsWith(suppressed ? "Suppressed" : "Not suppressed", s.Reason);
    }

    [Fact]
    public void Reason_names_where_each_value_comes_from()
    {
        Assert.Contains("arp_ignore 1 (max of all 1, eth0 0; from conf/all)", Status(1, 2, 0, 0).Reason);
        Assert.Contains("arp_announce 2 (max of all 0, eth0 2; from conf/eth0)", Status(0, 0, 1, 2).Reason);
        Assert.Contains("a VIP on lo included (needs 1)", Status(0, 2, 0, 0).Reason);
    }

    [Fact]
    public void Missing_values_count_as_0()
        => Assert.False(ArpSuppression.Evaluate("eth0", new Dictionary<string, string?>(), null).IsSuppressed);

    [Fact]
    public void Writes_and_drop_in()
    {
        Assert.Equal(new[] { "net.ipv4.conf.all.arp_ignore=1", "net.ipv4.conf.all.arp_announce=2", "net.ipv4.conf.eth0/100.arp_ignore=1", "net.ipv4.conf.eth0/100.arp_announce=2" },
            ArpSuppression.Writes(new[] { "all", "eth0.100" }, enable: true).Select(w => $"{w.Key}={w.Value}"));
        Assert.All(ArpSuppression.Writes(new[] { "all" }, enable: false), w => Assert.Equal("0", w.Value));
        Assert.EndsWith("net.ipv4.conf.all.arp_ignore = 1\nnet.ipv4.conf.all.arp_announce = 2\n", ArpSuppression.DropIn(new[] { "all" }));
    }

    [Fact]
    public void Sysctl_names_map_to_proc_sys_paths_with_dotted_interface_names()
    {
        Assert.Equal("/proc/sys/net/ipv4/conf/eth0.100/rp_filter", SysctlNames.PathOf(SysctlNames.Conf("eth0.100", "rp_filter")));
        Assert.Equal("/proc/sys/net/ipv4/vs/conn_reuse_mode", SysctlNames.PathOf(SysctlNames.ConnReuseMode));
    }
}
