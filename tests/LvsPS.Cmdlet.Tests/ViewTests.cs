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

    [Fact]
    public void Virtual_services_render_like_the_service_lines_of_ipvsadm()
    {
        VirtualService fwmark = new()
        {
            Key = VirtualServiceKey.Parse("fwmark/3/ipv6"), Scheduler = "sh", SchedulerFlags = SchedulerFlags.Flag1 | SchedulerFlags.Flag2,
            Persistent = true, PersistenceTimeout = 300,
        };
        VirtualService v6 = new()
        {
            Key = VirtualServiceKey.Parse("tcp/[2001:db8::1]:443"), Scheduler = "wlc", Persistent = true, PersistenceTimeout = 600, PersistencePrefixLength = 64,
        };
        VirtualService dns = new() { Key = VirtualServiceKey.Parse("udp/[2001:db8::1]:53"), Scheduler = "rr", OnePacket = true };
        string text = Render(new object[] { new[] { Records.WebService(), fwmark, v6, dns } });

        string header = LineWith(text, "Prot");
        Assert.Equal(new[] { "Prot", "LocalAddress:Port", "Scheduler", "Flags", "RealServers", "ActiveConn", "InActConn" }, Words(header));
        Assert.Equal(new[] { "TCP", "10.0.0.3:80", "wrr", "persistent", "20", "2", "17", "47" }, Words(LineWith(text, "TCP  10.")));
        Assert.Equal(new[] { "FWM", "3", "IPv6", "sh", "sh-fallback,sh-port", "persistent", "300", "0", "0", "0" }, Words(LineWith(text, "FWM")));
        Assert.Equal(new[] { "TCP", "[2001:db8::1]:443", "wlc", "persistent", "600", "mask", "64", "0", "0", "0" }, Words(LineWith(text, "TCP  [2001")));
        Assert.Equal(new[] { "UDP", "[2001:db8::1]:53", "rr", "ops", "0", "0", "0" }, Words(LineWith(text, "UDP")));
        // The header's columns line up with the values, as in ipvsadm's table.
        Assert.Equal(header.IndexOf("LocalAddress:Port", StringComparison.Ordinal), LineWith(text, "TCP  10.").IndexOf("10.0.0.3:80", StringComparison.Ordinal));
    }

    [Fact]
    public void Real_servers_render_like_the_arrow_lines_of_ipvsadm_grouped_by_service()
    {
        RealServer nat = new()
        {
            VirtualService = VirtualServiceKey.Parse("udp/10.0.0.3:53"), Address = System.Net.IPAddress.Parse("192.168.10.7"), Port = 5353,
            Forwarding = ForwardingMethod.Masquerade, Weight = 2, ActiveConnections = 0, InactiveConnections = 9,
        };
        RealServer tunnel = Records.Dr("2001:db8::7", service: VirtualServiceKey.Parse("tcp/[2001:db8::1]:443")) with { Forwarding = ForwardingMethod.Tunnel, Weight = 0 };
        string text = Render(new object[] { Records.WebService().RealServers.Append(nat).Append(tunnel).ToArray() });

        Assert.Contains("Virtual service: tcp/10.0.0.3:80", text);
        Assert.Contains("Virtual service: udp/10.0.0.3:53", text);
        Assert.Equal(new[] { "RemoteAddress:Port", "Forward", "Weight", "ActiveConn", "InActConn" }, Words(text.Split('\n').First(l => l.Contains("RemoteAddress:Port"))));
        Assert.Equal(new[] { "->", "10.0.0.7:80", "Route", "1", "12", "40" }, Words(LineWith(text, "-> 10.0.0.7:80")));
        Assert.Equal(new[] { "->", "10.0.0.8:80", "Route", "3", "5", "7" }, Words(LineWith(text, "-> 10.0.0.8:80")));
        Assert.Equal(new[] { "->", "192.168.10.7:5353", "Masq", "2", "0", "9" }, Words(LineWith(text, "-> 192.168.10.7")));
        Assert.Equal(new[] { "->", "[2001:db8::7]:443", "Tunnel", "0", "0", "0" }, Words(LineWith(text, "-> [2001:db8::7]")));
        Assert.StartsWith("  -> 10.0.0.7:80", LineWith(text, "-> 10.0.0.7:80"));
    }

    [Fact]
    public void Timeouts_render_as_ipvsadm_prints_them()
    {
        string text = Render(new IpvsTimeouts(900, 120, 300));
        Assert.Equal(new[] { "Tcp", "(s)", "TcpFin", "(s)", "Udp", "(s)" }, Words(LineWith(text, "Tcp (s)")));
        Assert.Equal(new[] { "900", "120", "300" }, Words(LineWith(text, "900")));
    }

    [Fact]
    public void Info_renders_version_and_table_size()
    {
        string text = Render(new IpvsInfo(new Version(1, 2, 1), 4096));
        Assert.Equal(new[] { "Version", "ConnectionTableSize" }, Words(LineWith(text, "Version")));
        Assert.Equal(new[] { "1.2.1", "4096" }, Words(LineWith(text, "1.2.1")));
    }
}
