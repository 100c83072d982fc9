using LvsPS.Native.Configuration.Director;
using LvsPS.Native.Configuration.Keepalived;
using LvsPS.Native.Ipvs;

namespace LvsPS.Tests.Configuration.Keepalived;

/// <summary>
/// The seeds' configurations read with exactly the findings keepalived 2.2.7 gives for them
/// (`keepalived -t` run on a host with interfaces lo and eth0 and no /etc/keepalived/check_lvs.sh;
/// the host tier re-runs keepalived itself). Findings keepalived prints without a line are placed
/// at the block they concern.
/// </summary>
public sealed class KeepalivedSeedTests
{
    internal static readonly KeepalivedReadOptions SeedHost = new()
    {
        ConfigId = "lb1",
        InterfaceExists = name => name is "lo" or "eth0",
        ScriptRunnable = _ => false,
    };

    internal static string Seed(string name) => Path.Combine(AppContext.BaseDirectory, "Configuration", "Keepalived", "Seeds", name);

    private static string[] Findings(KeepalivedReadResult result)
        => result.Diagnostics.Select(d => $"{d.Location.Line} {d.Code}").ToArray();

    [Fact]
    public void Seed002Master_WarnsAsKeepalived()
    {
        KeepalivedReadResult r = KeepalivedConfigurationReader.ReadFile(Seed("002-master.conf"), SeedHost);
        // keepalived: "Disabling track script chk_lvs since not found/accessible" (no line),
        // line 51 "nb_get_retry is deprecated", line 59 "Unknown keyword 'nb_get_retry'".
        Assert.Equal(["51 Deprecated", "59 UnknownKeyword", "12 ScriptDisabled"], Findings(r));
        Assert.Equal(5, r.ExitCode);
        VirtualServerDefinition vs = Assert.Single(r.Configuration.VirtualServers);
        Assert.Equal((IpvsProtocol.Tcp, "wrr", ForwardingMethod.Route, 50u), (vs.Protocol, vs.Scheduler, vs.Forwarding, vs.PersistenceTimeout!.Value));
        CheckerDefinition http = Assert.Single(vs.RealServers[0].Checkers);
        Assert.Equal((CheckerKind.Http, 3, 3.0, 3.0), (http.Kind, http.Retry, http.ConnectTimeoutSeconds, http.DelayBeforeRetrySeconds));
        CheckerDefinition tcp = Assert.Single(vs.RealServers[1].Checkers);
        // nb_get_retry is unknown in TCP_CHECK: the default retry (1) stays.
        Assert.Equal((CheckerKind.Tcp, 1, (ushort)80, 6.0), (tcp.Kind, tcp.Retry, tcp.ConnectPort, tcp.DelayLoopSeconds));
        VrrpInstanceDefinition vi = Assert.Single(r.Configuration.VrrpInstances);
        Assert.Empty(vi.TrackScripts);
        Assert.Empty(r.Configuration.VrrpScripts);
    }

    [Fact]
    public void Seed002Backup_DropsTheEmptyVirtualServer()
    {
        KeepalivedReadResult r = KeepalivedConfigurationReader.ReadFile(Seed("002-backup.conf"), SeedHost);
        Assert.Equal(["12 ScriptDisabled", "36 VirtualServerWithoutRealServers"], Findings(r).Order());
        Assert.Empty(r.Configuration.VirtualServers);
        Assert.Equal(("BACKUP", 90), (r.Configuration.VrrpInstances[0].InitialState, r.Configuration.VrrpInstances[0].Priority));
    }

    [Theory]
    [InlineData("003-master.conf", "MASTER", 150)]
    [InlineData("003-backup.conf", "BACKUP", 100)]
    public void Seed003NatPair_WarnsAsKeepalived(string file, string state, int priority)
    {
        KeepalivedReadResult r = KeepalivedConfigurationReader.ReadFile(Seed(file), SeedHost);
        // keepalived: lines 12 and 13 "number '0' outside range [0.000001, 4294.967295]" / "... is invalid",
        // 40 "interface eth1 for vrrp_instance VI_INT doesn't exist", 49 "interface eth1 for ip address ... doesn't exist",
        // 64 and 73 "Unknown keyword 'nb_get_retry'".
        Assert.Equal(["12 InvalidValue", "13 InvalidValue", "40 InterfaceMissing", "49 InterfaceMissing", "64 UnknownKeyword", "73 UnknownKeyword"], Findings(r));
        DirectorConfiguration c = r.Configuration;
        Assert.Equal(30, c.Global.SmtpConnectTimeout);
        Assert.Equal(["VI_EXT", "VI_INT"], c.VrrpSyncGroups.Single().Instances);
        Assert.All(c.VrrpInstances, i => Assert.Equal((state, priority, "PASS", "1111"), (i.InitialState, i.Priority, i.AuthType, i.AuthPassword)));
        VirtualServerDefinition vs = Assert.Single(c.VirtualServers);
        Assert.All(vs.RealServers, rs => Assert.Equal((ForwardingMethod.Masquerade, 1), (rs.Forwarding, rs.Checkers.Single().Retry)));
        Assert.DoesNotContain(c.Global.Other, s => s.Keyword is "vrrp_garp_interval" or "vrrp_gna_interval");
        Assert.Contains(c.Global.Other, s => s.Keyword == "vrrp_skip_check_adv_addr");
    }
}
