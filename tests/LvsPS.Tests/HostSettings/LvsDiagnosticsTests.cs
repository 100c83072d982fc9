using System.Net;
using LvsPS.Native.HostSettings;
using LvsPS.Native.Interop;
using LvsPS.Native.Ipvs;
using LvsPS.Native.RouteNetlink;

namespace LvsPS.Tests.HostSettings;

/// <summary>The diagnostics on hand-made snapshots: each seeded trap gives its finding, a correct set-up none.</summary>
public sealed class LvsDiagnosticsTests
{
    private static readonly NetworkLink Lo = new() { Index = 1, Name = "lo", Flags = if_link_h.IFF_UP | if_link_h.IFF_LOOPBACK, HardwareType = if_link_h.ARPHRD_LOOPBACK };
    private static readonly NetworkLink Eth0 = new() { Index = 2, Name = "eth0", Flags = if_link_h.IFF_UP, HardwareType = if_link_h.ARPHRD_ETHER, Kind = "veth" };
    private static readonly NetworkLink Tunl0 = new() { Index = 3, Name = "tunl0", Flags = if_link_h.IFF_UP | if_link_h.IFF_NOARP, HardwareType = if_link_h.ARPHRD_TUNNEL, Kind = "ipip" };

    private static InterfaceAddress Addr(NetworkLink link, string cidr)
    {
        string[] p = cidr.Split('/');
        return new InterfaceAddress { InterfaceIndex = link.Index, Address = IPAddress.Parse(p[0]), PrefixLength = int.Parse(p[1]) };
    }

    private static HostSnapshot Director(int ipForward = 1, params InterfaceAddress[] extra) => new()
    {
        NetworkNamespace = "lb",
        Links = new[] { Lo, Eth0 },
        Addresses = new[] { Addr(Lo, "127.0.0.1/8"), Addr(Eth0, "10.0.0.1/24"), Addr(Eth0, "10.0.0.3/32") }.Concat(extra).ToList(),
        Sysctls = new Dictionary<string, string?>
        {
            [SysctlNames.IpForward] = $"{ipForward}",
            ["net.ipv4.conf.all.send_redirects"] = "0",
            ["net.ipv4.conf.eth0.send_redirects"] = "1",
            [SysctlNames.ExpireNodestConn] = "0", [SysctlNames.ConnReuseMode] = "1", [SysctlNames.ExpireQuiescentTemplate] = "0",
        },
    };

    private static HostSnapshot RealServer(string address, bool arp = true, string vipOn = "lo", int vipPrefix = 32, int rpFilter = 0, string? gateway = "10.0.0.1")
    {
        NetworkLink vipLink = vipOn switch { "lo" => Lo, "tunl0" => Tunl0, _ => Eth0 };
        return new HostSnapshot
        {
            NetworkNamespace = "rs",
            Links = new[] { Lo, Eth0, Tunl0 },
            Addresses = new[] { Addr(Lo, "127.0.0.1/8"), Addr(Eth0, $"{address}/24"), Addr(vipLink, $"10.0.0.3/{vipPrefix}") },
            Routes = gateway is null ? Array.Empty<RouteEntry>() : new[] { new RouteEntry { Family = 2, PrefixLength = 0, Gateway = IPAddress.Parse(gateway), OutputInterfaceIndex = 2, Table = 254 } },
            Sysctls = new Dictionary<string, string?>
            {
                ["net.ipv4.conf.all.arp_ignore"] = arp ? "1" : "0",
                ["net.ipv4.conf.all.arp_announce"] = arp ? "2" : "0",
                ["net.ipv4.conf.all.rp_filter"] = $"{rpFilter}",
                ["net.ipv4.conf.tunl0.rp_filter"] = "0",
            },
        };
    }

    private static VirtualService Service(ForwardingMethod forwarding, ushort rsPort = 80, bool persistent = false, uint weight = 1, params string[] realServers)
    {
        var key = VirtualServiceKey.ForAddress(IpvsProtocol.Tcp, IPAddress.Parse("10.0.0.3"), 80);
        return new VirtualService
        {
            Key = key, Scheduler = "rr", Persistent = persistent,
            RealServers = realServers.Select(a => new RealServer { VirtualService = key, Address = IPAddress.Parse(a), Port = rsPort, Forwarding = forwarding, Weight = weight }).ToList(),
        };
    }

    private static List<LvsFinding> Run(VirtualService service, HostSnapshot director, params HostSnapshot[] realServers)
        => LvsDiagnostics.Run(new[] { service }, director, realServers).Where(f => f.Severity >= FindingSeverity.Warning).ToList();

    private static IEnumerable<string> Checks(IEnumerable<LvsFinding> findings) => findings.Select(f => f.Check);

    [Fact]
    public void A_correct_DR_setup_has_no_warnings()
        => Assert.Empty(Run(Service(ForwardingMethod.Route, realServers: "10.0.0.7"), Director(), RealServer("10.0.0.7")));

    [Fact]
    public void DR_port_remapping_is_an_error()
        => Assert.Contains(DiagnosticChecks.PortRemapNotPossible, Checks(Run(Service(ForwardingMethod.Route, rsPort: 8080, realServers: "10.0.0.7"), Director())));

    [Fact]
    public void A_real_server_that_is_the_director_is_a_warning()
    {
        LvsFinding f = Assert.Single(Run(Service(ForwardingMethod.Route, realServers: "10.0.0.1"), Director()));
        Assert.Equal((DiagnosticChecks.RealServerIsDirector, FindingSeverity.Warning), (f.Check, f.Severity));
    }

    [Fact]
    public void A_DR_real_server_off_the_directors_segment_is_an_error()
    {
        LvsFinding f = Assert.Single(Run(Service(ForwardingMethod.Route, realServers: "192.168.5.7"), Director()));
        Assert.Equal(DiagnosticChecks.RealServerNotOnDirectorSegment, f.Check);
        Assert.Equal("tcp/10.0.0.3:80 -> 192.168.5.7:80", f.Target);
    }

    [Fact]
    public void Missing_ARP_suppression_on_a_DR_real_server_is_an_error_with_the_fix()
    {
        LvsFinding f = Assert.Single(Run(Service(ForwardingMethod.Route, realServers: "10.0.0.7"), Director(), RealServer("10.0.0.7", arp: false)));
        Assert.Equal((DiagnosticChecks.ArpNotSuppressed, FindingSeverity.Error, "rs"), (f.Check, f.Severity, f.NetworkNamespace));
        Assert.Equal(("eth0", System.Net.IPAddress.Parse("10.0.0.3")), (f.Facts.Interface, f.Facts.Vip));
        Assert.Equal("", f.Fix); // the core hands over facts; Test-LvsConfiguration words the fix
    }

    [Fact]
    public void VIP_problems_on_a_DR_real_server()
    {
        Assert.Contains(DiagnosticChecks.VipNotHostPrefix, Checks(Run(Service(ForwardingMethod.Route, realServers: "10.0.0.7"), Director(), RealServer("10.0.0.7", vipPrefix: 24))));
        Assert.Contains(DiagnosticChecks.VipOnArpInterface, Checks(Run(Service(ForwardingMethod.Route, realServers: "10.0.0.7"), Director(), RealServer("10.0.0.7", vipOn: "eth0"))));
        HostSnapshot noVip = RealServer("10.0.0.7") with { Addresses = RealServer("10.0.0.7").Addresses.Where(a => !a.Address.Equals(IPAddress.Parse("10.0.0.3"))).ToList() };
        Assert.Contains(DiagnosticChecks.VipNotOnRealServer, Checks(Run(Service(ForwardingMethod.Route, realServers: "10.0.0.7"), Director(), noVip)));
    }

    [Fact]
    public void A_VIP_missing_on_the_director_is_an_error()
    {
        HostSnapshot director = Director() with { Addresses = Director().Addresses.Where(a => a.PrefixLength != 32).ToList() };
        Assert.Contains(DiagnosticChecks.VipNotOnDirector, Checks(Run(Service(ForwardingMethod.Route, realServers: "10.0.0.7"), director)));
    }

    [Fact]
    public void Strict_rp_filter_on_all_blocks_a_TUN_real_server()
    {
        Assert.Empty(Run(Service(ForwardingMethod.Tunnel, realServers: "10.0.0.7"), Director(), RealServer("10.0.0.7", vipOn: "tunl0")));
        LvsFinding f = Assert.Single(Run(Service(ForwardingMethod.Tunnel, realServers: "10.0.0.7"), Director(), RealServer("10.0.0.7", vipOn: "tunl0", rpFilter: 1)));
        Assert.Equal(DiagnosticChecks.RpFilterBlocksTunnel, f.Check);
        Assert.Contains("maximum of conf/all and conf/tunl0", f.Message);
        // Loose mode (2) lets the packets in: the client is reachable by some interface.
        Assert.Empty(Run(Service(ForwardingMethod.Tunnel, realServers: "10.0.0.7"), Director(), RealServer("10.0.0.7", vipOn: "tunl0", rpFilter: 2)));
    }

    [Fact]
    public void NAT_needs_ip_forward_no_redirects_and_the_director_as_gateway()
    {
        VirtualService nat = Service(ForwardingMethod.Masquerade, rsPort: 8080, realServers: "10.0.0.7");
        Assert.Equal(new[] { DiagnosticChecks.IpForwardOff, DiagnosticChecks.SendRedirectsOn }, Checks(Run(nat, Director(ipForward: 0))).Order());
        Assert.Contains(DiagnosticChecks.NatReturnPathNotViaDirector, Checks(Run(nat, Director(), RealServer("10.0.0.7", gateway: "10.0.0.254"))));
        Assert.Contains(DiagnosticChecks.NatReturnPathNotViaDirector, Checks(Run(nat, Director(), RealServer("10.0.0.7", gateway: null))));
        Assert.DoesNotContain(DiagnosticChecks.NatReturnPathNotViaDirector, Checks(Run(nat, Director(), RealServer("10.0.0.7"))));
        // Without the real server to look at: advice at Info, with the director's address on its network.
        LvsFinding info = LvsDiagnostics.Run(new[] { nat }, Director(), Array.Empty<HostSnapshot>()).Single(f => f.Check == DiagnosticChecks.NatReturnPathUnverified);
        Assert.Equal(FindingSeverity.Info, info.Severity);
        Assert.Equal(System.Net.IPAddress.Parse("10.0.0.1"), info.Facts.Gateway);
    }

    [Fact]
    public void Tunables_are_advice_unless_they_bite_now()
    {
        List<LvsFinding> all = LvsDiagnostics.Run(new[] { Service(ForwardingMethod.Route, persistent: true, realServers: "10.0.0.7") }, Director(), Array.Empty<HostSnapshot>()).ToList();
        Assert.Equal(FindingSeverity.Info, all.Single(f => f.Check == DiagnosticChecks.ExpireQuiescentTemplateOff).Severity);
        Assert.Equal(FindingSeverity.Info, all.Single(f => f.Check == DiagnosticChecks.ExpireNodestConnOff).Severity);
        // A persistent service with a quiesced real server: clients keep going there.
        List<LvsFinding> draining = LvsDiagnostics.Run(new[] { Service(ForwardingMethod.Route, persistent: true, weight: 0, realServers: "10.0.0.7") }, Director(), Array.Empty<HostSnapshot>()).ToList();
        Assert.Equal(FindingSeverity.Warning, draining.Single(f => f.Check == DiagnosticChecks.ExpireQuiescentTemplateOff).Severity);
    }
}
