using System.Net;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Ipvs.InMemory;
using LvsPS.Native.Netlink;
using LvsPS.Testing;

namespace LvsPS.Tests.Ipvs;

/// <summary>The in-memory IPVS answers as ip_vs_ctl.c does (the lab runs the same scenario against the kernel).</summary>
public sealed class InMemoryIpvsTests
{
    private static readonly VirtualServiceKey Web = VirtualServiceKey.Parse("tcp/10.0.0.3:80");

    private static InMemoryIpvs KernelLike()
    {
        var ipvs = new InMemoryIpvs("lb1");
        ipvs.AvailableSchedulers.Remove("twos"); // as the lab's 6.1 kernel
        return ipvs;
    }

    [Fact]
    public void Every_step_of_the_kernel_rules_scenario_ends_as_the_kernel_ends_it()
    {
        InMemoryIpvs ipvs = KernelLike();
        IReadOnlyList<IpvsKernelRulesScenario.Outcome> outcomes = IpvsKernelRulesScenario.Run(ipvs, "twos");
        Assert.All(outcomes, o => Assert.True(o.Expected == o.Actual, $"{o.Name}: expected {o.Expected}, got {o.Actual}"));
        Assert.Equal(new[]
        {
            "-A -f 7 -s rr",
            "-A -t 10.0.0.3:80 -s wrr -p 20 -M 255.255.255.0 --pe sip",
            "-a -f 7 -r 10.0.0.27:0 -i -w 4 --tun-type gue --tun-port 6080 --tun-csum",
            "-a -f 7 -r 10.0.0.28:0 -g -w 9",
            "-a -t 10.0.0.3:80 -r 10.0.0.7:80 -m -w 1",
            "-a -t 10.0.0.3:80 -r 10.0.0.8:80 -m -w 2",
            "-a -t 10.0.0.3:80 -r 10.0.0.9:80 -m -w 0",
            "-a -t 10.0.0.3:80 -r 127.0.0.1:80 -m -w 1",
            "timeouts 8589934 120 77",
            "order 10.0.0.9:80/Masquerade 10.0.0.8:80/Masquerade 127.0.0.1:80/Masquerade 10.0.0.7:80/Masquerade",
            "daemons 0",
        }, IpvsKernelRulesScenario.Table(ipvs));
    }

    [Fact]
    public void Reads_carry_the_namespace_zero_counters_and_connection_counts()
    {
        InMemoryIpvs ipvs = KernelLike();
        ipvs.AddVirtualService(new VirtualService { Key = Web, Scheduler = "rr", PersistenceTimeout = 300 });
        ipvs.AddRealServer(new RealServer { VirtualService = Web, Address = IPAddress.Parse("10.0.0.7"), Port = 80, Forwarding = ForwardingMethod.Route });
        ipvs.SetConnections(Web, IPAddress.Parse("10.0.0.7"), 80, active: 5, inactive: 2);

        VirtualService s = Assert.Single(ipvs.GetVirtualServices());
        Assert.Equal("lb1", s.NetworkNamespace);
        Assert.Equal(0u, s.PersistenceTimeout); // not persistent: the kernel is sent no timeout
        Assert.Equal(new IpvsStatistics(), s.Statistics);
        RealServer d = Assert.Single(s.RealServers);
        Assert.Equal(("lb1", 5u, 2u), (d.NetworkNamespace, d.ActiveConnections, d.InactiveConnections));
        Assert.Empty(Assert.IsType<VirtualService>(ipvs.GetVirtualService(Web, includeRealServers: false)).RealServers);
        Assert.Null(ipvs.GetVirtualService(VirtualServiceKey.Parse("tcp/10.0.0.3:81")));
        Assert.Empty(ipvs.GetRealServers(VirtualServiceKey.Parse("tcp/10.0.0.3:81")));

        ipvs.UpdateRealServer(d with { Weight = 0, ActiveConnections = 0 });
        Assert.Equal((0u, 5u), (ipvs.GetRealServers(Web)[0].Weight, ipvs.GetRealServers(Web)[0].ActiveConnections)); // counts are the kernel's, not the request's
    }

    [Fact]
    public void A_batch_is_validated_whole_before_anything_changes()
    {
        InMemoryIpvs ipvs = KernelLike();
        var bad = new RealServer { VirtualService = Web, Address = IPAddress.Parse("10.0.0.7"), Port = 8080, Forwarding = ForwardingMethod.Route };
        var e = Assert.Throws<IpvsValidationException>(() => ipvs.Apply(new[] { IpvsChange.Add(new VirtualService { Key = Web }), IpvsChange.Add(bad) }));
        Assert.Equal(IpvsRule.PortRemapNotPossible, e.Rule);
        Assert.Empty(ipvs.GetVirtualServices());
        Assert.Equal(0, ipvs.ApplyCalls);
    }

    [Fact]
    public void Refusals_and_a_broken_batch_are_injected_for_error_paths()
    {
        InMemoryIpvs ipvs = KernelLike();
        var seen = new List<string>();
        ipvs.AfterChange = r => seen.Add($"{r.Change.Kind} {Errno.Name(r.Errno)}");
        ipvs.Refuse(IpvsChangeKind.AddRealServer, "tcp/10.0.0.3:80 -> 10.0.0.8:80", Errno.ENOMEM);
        IReadOnlyList<IpvsChangeResult> results = ipvs.Apply(new[]
        {
            IpvsChange.Add(new VirtualService { Key = Web }),
            IpvsChange.Add(new RealServer { VirtualService = Web, Address = IPAddress.Parse("10.0.0.8"), Port = 80 }),
            IpvsChange.Add(new RealServer { VirtualService = Web, Address = IPAddress.Parse("10.0.0.9"), Port = 80 }),
        });
        Assert.Equal(new[] { 0, Errno.ENOMEM, 0 }, results.Select(r => r.Errno));
        Assert.Equal(new[] { "AddService errno 0", "AddRealServer ENOMEM", "AddRealServer errno 0" }, seen);

        ipvs.BeforeApply = _ => throw new NetlinkException(Errno.ENOBUFS, "the socket broke");
        Assert.Throws<NetlinkException>(() => ipvs.RemoveVirtualService(Web));
        Assert.NotNull(ipvs.GetVirtualService(Web));
    }

    [Fact]
    public void Namespaces_are_separate_tables_and_a_client_is_the_same_table_every_time()
    {
        var all = new InMemoryIpvsNamespaces();
        using (IIpvsClient lb1 = all.Open("lb1"))
            lb1.AddVirtualService(new VirtualService { Key = Web });
        Assert.Single(all.Open("lb1").GetVirtualServices());
        Assert.Empty(all.Open(null).GetVirtualServices());
        Assert.Same(all["lb1"], all.Open("lb1"));
    }

    [Fact]
    public void Sync_daemons_report_the_settings_in_effect()
    {
        InMemoryIpvs ipvs = KernelLike();
        ipvs.Interfaces.Add("eth1");
        ipvs.StartSyncDaemon(new SyncDaemon { State = SyncDaemonState.Backup, Interface = "eth1", SyncId = 3, MulticastGroup = IPAddress.Parse("ff02::1:3") });
        SyncDaemon d = Assert.Single(ipvs.GetSyncDaemons());
        Assert.Equal(new SyncDaemon
        {
            State = SyncDaemonState.Backup, Interface = "eth1", SyncId = 3, MaxLength = InMemoryIpvs.DefaultSyncMaxLengthIPv6,
            MulticastGroup = IPAddress.Parse("ff02::1:3"), Port = SyncDaemon.DefaultPort, Ttl = SyncDaemon.DefaultTtl, NetworkNamespace = "lb1",
        }, d);
        Assert.Throws<IpvsValidationException>(() => ipvs.StartSyncDaemon(new SyncDaemon { State = SyncDaemonState.Master, Interface = "eth1", SyncId = 256 }));
    }

    [Fact]
    public void The_mixed_family_refusal_names_the_real_servers_as_the_kernel_client_does()
    {
        InMemoryIpvs ipvs = KernelLike();
        ipvs.AddVirtualService(new VirtualService { Key = Web });
        ipvs.AddRealServer(new RealServer { VirtualService = Web, Address = IPAddress.Parse("2001:db8::7"), Port = 80, Forwarding = ForwardingMethod.Tunnel });
        var e = Assert.Throws<IpvsException>(() => ipvs.StartSyncDaemon(new SyncDaemon { State = SyncDaemonState.Master, Interface = "lo" }));
        Assert.Equal((IpvsOperation.StartSyncDaemon, Errno.EINVAL), (e.Operation, e.Errno));
        Assert.EndsWith("They are: tcp/10.0.0.3:80 -> [2001:db8::7]:80.", e.Message);
    }
}
