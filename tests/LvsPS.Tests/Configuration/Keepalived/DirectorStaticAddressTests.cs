using System.Net;
using LvsPS.Native.Configuration.Director;
using LvsPS.Native.Configuration.Keepalived;
using LvsPS.Native.Ipvs.InMemory;
using LvsPS.Native.Netlink;
using LvsPS.Native.RouteNetlink;
using LvsPS.Native.Vrrp;
using LvsPS.Tests.Support;

namespace LvsPS.Tests.Configuration.Keepalived;

/// <summary>
/// static_ipaddress run by the director as keepalived 2.2.7 runs it: added at start without any VRRP instance,
/// diffed at reload (removed when the file drops them, added when new or removed by hand), removed at stop, an
/// address the interface had before the director included (keepalived takes EEXIST as added). Route netlink and IPVS are fakes.
/// </summary>
public sealed class DirectorStaticAddressTests
{
    private readonly FakeRouteNetlink _route = new FakeRouteNetlink().Link(1, "lo").Link(2, "eth0").Link(3, "eth1");
    private readonly InMemoryIpvs _ipvs = new();

    private static DirectorConfiguration Read(string text)
    {
        KeepalivedReadResult r = KeepalivedConfigurationReader.Parse(text, "keepalived.conf", Path.GetTempPath(), new KeepalivedReadOptions());
        Assert.False(r.HasErrors, string.Join('\n', r.Diagnostics));
        return r.Configuration;
    }

    private static DirectorConfiguration Static(params string[] lines)
        => Read($"static_ipaddress {{\n{string.Join('\n', lines)}\n}}\n");

    private RunningDirector Start(DirectorConfiguration c)
        => RunningDirector.Start(c, new DirectorRunOptions { Name = "d", OpenIpvs = _ => _ipvs, OpenRoute = _ => _route, DrainPoll = TimeSpan.FromHours(1) });

    [Fact]
    public async Task Start_adds_every_address_with_its_scope_and_label_and_stop_removes_them()
    {
        RunningDirector d = Start(Static("192.168.200.16/24 dev eth0 scope link label eth0:s", "192.168.200.17/32 dev eth1", "2001:db8::5/64 dev eth1"));
        Assert.Equal(["add 192.168.200.16/24 index 2 scope 253 label eth0:s", "add 192.168.200.17/32 index 3", "add 2001:db8::5/64 index 3"], _route.Sent);
        Assert.Equal(["192.168.200.16/24 dev eth0 scope link label eth0:s", "192.168.200.17/32 dev eth1", "2001:db8::5/64 dev eth1"], d.StaticAddresses.Select(a => a.ToString()));
        Assert.Empty(d.StartErrors);
        Assert.DoesNotContain(d.Notes, n => n.Contains("static_ipaddress", StringComparison.Ordinal));

        await d.StopAsync();
        Assert.Empty(_route.Addresses);
        Assert.Empty(d.StaticAddresses);
    }

    [Fact]
    public async Task An_address_the_interface_had_before_becomes_the_directors_and_goes_at_stop_as_with_keepalived()
    {
        _route.Addresses.Add(new InterfaceAddress { InterfaceIndex = 2, Address = IPAddress.Parse("10.1.0.1"), PrefixLength = 24 });
        _route.Addresses.Add(new InterfaceAddress { InterfaceIndex = 2, Address = IPAddress.Parse("10.1.0.8"), PrefixLength = 24 });
        RunningDirector d = Start(Static("10.1.0.1/24 dev eth0", "10.1.0.2/24 dev eth0"));
        Assert.Equal(["add 10.1.0.1/24 index 2", "add 10.1.0.2/24 index 2"], _route.Sent);
        Assert.Equal(["10.1.0.1/24 dev eth0", "10.1.0.2/24 dev eth0"], d.StaticAddresses.Select(a => a.ToString()));
        Assert.Empty(d.StartErrors);
        await d.StopAsync();
        Assert.Equal(["10.1.0.8/24"], _route.Addresses.Select(a => a.ToString()));
    }

    [Fact]
    public async Task Without_dev_the_address_goes_on_the_default_routes_interface()
    {
        _route.Routes.Add(new RouteEntry { PrefixLength = 0, OutputInterfaceIndex = 3, Family = 2, Table = 254 });
        RunningDirector d = Start(Static("10.1.0.9/24"));
        Assert.Equal("10.1.0.9/24 dev eth1", Assert.Single(d.StaticAddresses).ToString());
        await d.StopAsync();
    }

    [Fact]
    public async Task Reload_plans_removals_and_additions_changes_nothing_until_applied_and_puts_back_a_hand_removed_one()
    {
        RunningDirector d = Start(Static("10.1.0.1/24 dev eth0", "10.1.0.2/24 dev eth0", "10.1.0.3/24 dev eth0"));
        try
        {
            _route.RemoveAddress(2, IPAddress.Parse("10.1.0.3"), 24); // by hand
            DirectorConfiguration next = Static("10.1.0.1/24 dev eth0", "10.1.0.3/24 dev eth0", "10.1.0.4/24 dev eth1");
            int sent = _route.Sent.Count;

            DirectorReloadPlan plan = d.PlanReload(next);
            Assert.Equal(sent, _route.Sent.Count);
            Assert.Equal(["remove static address 10.1.0.2/24 dev eth0", "add static address 10.1.0.3/24 dev eth0", "add static address 10.1.0.4/24 dev eth1"],
                plan.Describe().Where(l => l.Contains("static address", StringComparison.Ordinal)));
            Assert.False(plan.IsEmpty);

            DirectorReloadResult result = d.Reload(next);
            Assert.Empty(result.Errors);
            Assert.Equal(["del 10.1.0.2/24 index 2", "add 10.1.0.3/24 index 2", "add 10.1.0.4/24 index 3"], _route.Sent.Skip(sent));
            Assert.Equal(["10.1.0.1/24", "10.1.0.3/24", "10.1.0.4/24"], _route.Addresses.Select(a => a.ToString()).Order());
            Assert.Equal(3, d.StaticAddresses.Count);
            Assert.True(d.PlanReload(next).StaticAddresses.IsEmpty, "a second reload of the same file has nothing to do");
        }
        finally
        {
            await d.StopAsync();
        }
        Assert.Empty(_route.Addresses);
    }

    [Fact]
    public void An_unknown_device_refuses_the_file_before_anything_is_touched()
    {
        DirectorConfiguration c = Read("static_ipaddress {\n  10.1.0.1/24 dev eth0\n  10.1.0.2/24 dev nosuch0\n}\nvirtual_server 10.0.0.3 80 {\n  protocol TCP\n  real_server 10.0.0.7 80 {\n  }\n}\n");
        var e = Assert.Throws<VrrpValidationException>(() => Start(c));
        Assert.Equal(VrrpRule.InterfaceNotFound, e.Rule);
        Assert.Contains("keepalived.conf:3: static_ipaddress 10.1.0.2/24 dev nosuch0", e.Message);
        Assert.Empty(_route.Sent);
        Assert.Empty(_ipvs.GetVirtualServices());
    }

    [Fact]
    public void No_dev_and_no_default_route_is_refused_too()
    {
        var e = Assert.Throws<VrrpValidationException>(() => Start(Static("10.1.0.1/24")));
        Assert.Contains("no dev given and no default route", e.Message);
        Assert.Empty(_route.Sent);
    }

    [Fact]
    public async Task A_kernel_refusal_is_a_start_error_and_the_rest_runs()
    {
        _route.RefuseAdd = (IPAddress.Parse("10.1.0.2"), Errno.EACCES);
        RunningDirector d = Start(Static("10.1.0.1/24 dev eth0", "10.1.0.2/24 dev eth0", "10.1.0.3/24 dev eth0 brd +"));
        string error = Assert.Single(d.StartErrors);
        Assert.StartsWith("static address 10.1.0.2/24 dev eth0: the kernel refused to add it:", error);
        Assert.Contains("EACCES", error);
        Assert.Equal(["10.1.0.1/24 dev eth0", "10.1.0.3/24 dev eth0"], d.StaticAddresses.Select(a => a.ToString()));
        Assert.Contains(d.Notes, n => n.Contains("brd + not applied by LvsPS", StringComparison.Ordinal));
        await d.StopAsync();
        Assert.Empty(_route.Addresses);
    }
}
