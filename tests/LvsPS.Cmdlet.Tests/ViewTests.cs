using LvsPS.Native.Ipvs;
using LvsPS.Testing;
using Xunit;

namespace LvsPS.Cmdlet.Tests;

/// <summary>The format views, rendered by Out-Default through the capturing host: they must read like ipvsadm -Ln.</summary>
public sealed class ViewTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    private readonly PowerShellSession _ps = fixture.Session;

    private string Render(object value)
    {
        PowerShellSession.Result r = _ps.Invoke("$args[0] | Out-Default", value);
        Assert.Empty(r.AllErrors);
        return r.HostText;
    }

    private static string[] Words(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static string LineWith(string text, string start) => text.Split('\n').Single(l => l.TrimStart().StartsWith(start, StringComparison.Ordinal));

    /// <summary>Core records as the cmdlets write them: the module's output types, made by its own converter.</summary>
    private string RenderAs(string type, object[] records, string format = "Out-Default")
    {
        PowerShellSession.Result r = _ps.Invoke($"@(foreach ($r in $args[0]) {{ [{type}]$r }}) | {format}", new object[] { records });
        Assert.Empty(r.AllErrors);
        return r.HostText;
    }

    private string RenderServices(VirtualService[] records, string format = "Out-Default") => RenderAs("LvsPS.LvsVirtualService", records, format);

    private string RenderRealServers(RealServer[] records, string format = "Out-Default") => RenderAs("LvsPS.LvsRealServer", records, format);

    private static string[] Lines(string text) => text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).ToArray();

    [Fact]
    public void Virtual_services_list_like_ipvsadm_Ln_each_followed_by_its_real_servers()
    {
        VirtualService fwmark = new()
        {
            Key = VirtualServiceKey.Parse("fwmark/3/ipv6"), Scheduler = "sh", SchedulerFlags = SchedulerFlags.Flag1 | SchedulerFlags.Flag2,
            Persistent = true, PersistenceTimeout = 300,
        };
        VirtualService v6 = new()
        {
            Key = VirtualServiceKey.Parse("tcp/[2001:db8::1]:443"), Scheduler = "wlc", Persistent = true, PersistenceTimeout = 600, PersistencePrefixLength = 64,
            RealServers = new[] { Records.Dr("2001:db8:1234:5678:9abc:def0:1234:5678", service: VirtualServiceKey.Parse("tcp/[2001:db8::1]:443")) with { Forwarding = ForwardingMethod.Tunnel } },
        };
        VirtualService dns = new() { Key = VirtualServiceKey.Parse("udp/[2001:db8::1]:53"), Scheduler = "rr", OnePacket = true };
        string text = RenderServices(new[] { Records.WebService(), fwmark, v6, dns });

        // ipvsadm -Ln's own lines (its version line aside), the header once.
        Assert.Equal(new[]
        {
            "Prot LocalAddress:Port Scheduler Flags",
            "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn",
            "TCP  10.0.0.3:80 wrr persistent 20",
            "  -> 10.0.0.7:80                  Route   1      12         40",
            "  -> 10.0.0.8:80                  Route   3      5          7",
            "FWM  3 IPv6 sh (sh-fallback,sh-port) persistent 300",
            "TCP  [2001:db8::1]:443 wlc persistent 600 mask 64",
            "  -> [2001:db8:1234:5678:9abc:def0:1234:5678]:443 Tunnel  1      0          0",
            "UDP  [2001:db8::1]:53 rr ops",
        }, Lines(text));
    }

    [Fact]
    public void The_listing_header_names_the_namespace_and_comes_again_when_it_changes()
    {
        string text = RenderServices(new[] { Records.WebService("lb1"), Records.WebService("lb1"), Records.WebService("lb2") });
        string[] lines = Lines(text);
        Assert.Equal(2, lines.Count(l => l == "Prot LocalAddress:Port Scheduler Flags"));
        Assert.Equal("Network namespace: lb1", lines[0]);
        Assert.Contains("Network namespace: lb2", lines);
    }

    [Fact]
    public void Real_servers_list_like_the_arrow_lines_of_ipvsadm_under_their_service()
    {
        RealServer nat = new()
        {
            VirtualService = VirtualServiceKey.Parse("udp/10.0.0.3:53"), Address = System.Net.IPAddress.Parse("192.168.10.7"), Port = 5353,
            Forwarding = ForwardingMethod.Masquerade, Weight = 2, ActiveConnections = 0, InactiveConnections = 9,
        };
        string[] lines = Lines(RenderRealServers(Records.WebService().RealServers.Append(nat).ToArray()));

        Assert.Equal(new[]
        {
            "Virtual service: tcp/10.0.0.3:80",
            "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn",
            "  -> 10.0.0.7:80                  Route   1      12         40",
            "  -> 10.0.0.8:80                  Route   3      5          7",
            "Virtual service: udp/10.0.0.3:53",
            "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn",
            "  -> 192.168.10.7:5353            Masq    2      0          9",
        }, lines);
    }

    [Fact]
    public void Timeouts_render_as_ipvsadm_prints_them()
    {
        string text = Render(_ps.New("LvsPS.LvsTimeout", new IpvsTimeouts(900, 120, 300), null));
        Assert.Equal(new[] { "Tcp", "(s)", "TcpFin", "(s)", "Udp", "(s)" }, Words(LineWith(text, "Tcp (s)")));
        Assert.Equal(new[] { "900", "120", "300" }, Words(LineWith(text, "900")));
    }

    [Fact]
    public void Info_renders_version_and_table_size()
    {
        string text = Render(_ps.New("LvsPS.LvsInfo", new IpvsInfo(new Version(1, 2, 1), 4096), null));
        Assert.Equal(new[] { "Version", "ConnectionTableSize" }, Words(LineWith(text, "Version")));
        Assert.Equal(new[] { "1.2.1", "4096" }, Words(LineWith(text, "1.2.1")));
    }
}
