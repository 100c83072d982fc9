using System.Net;
using LvsPS.Native.Configuration;
using LvsPS.Native.Ipvs;

namespace LvsPS.Testing;

/// <summary>
/// One sequence of IPVS requests that touches every refusal the kernel makes (ip_vs_ctl.c): run
/// against the real kernel in the lab and against the in-memory IPVS, the two must answer each
/// step alike and end with the same table (the proof that the in-memory IPVS answers like the
/// kernel). Each step is expected to end as <see cref="Step.Expected"/>: "ok", an errno name, or
/// "invalid:ID" for a request refused before it is sent.
/// </summary>
public static class IpvsKernelRulesScenario
{
    public sealed record Step(string Name, string Expected, Action<IIpvsClient> Run);

    public sealed record Outcome(string Name, string Expected, string Actual);

    private static readonly VirtualServiceKey Web = VirtualServiceKey.Parse("tcp/10.0.0.3:80");
    private static readonly VirtualServiceKey Missing = VirtualServiceKey.Parse("tcp/10.0.0.4:80");
    private static readonly VirtualServiceKey Dns6 = VirtualServiceKey.Parse("udp/[2001:db8::1]:53");
    private static readonly VirtualServiceKey Mark = VirtualServiceKey.Parse("fwmark/7");

    private static RealServer Dest(VirtualServiceKey service, string address, ForwardingMethod forwarding = ForwardingMethod.Masquerade, uint weight = 1)
        => new() { VirtualService = service, Address = IPAddress.Parse(address), Port = service.Port, Forwarding = forwarding, Weight = weight };

    /// <summary>The steps, in order; <paramref name="schedulerTheKernelLacks"/> is a scheduler name whose module is missing.</summary>
    public static IReadOnlyList<Step> Steps(string schedulerTheKernelLacks) => new Step[]
    {
        new("add a service", "ok", c => c.AddVirtualService(new VirtualService { Key = Web, Scheduler = "wrr" })),
        new("add it again", "EEXIST", c => c.AddVirtualService(new VirtualService { Key = Web, Scheduler = "rr" })),
        new("update a missing service", "ESRCH", c => c.UpdateVirtualService(new VirtualService { Key = Missing })),
        new("remove a missing service", "ESRCH", c => c.RemoveVirtualService(Missing)),
        new("zero a missing service", "ESRCH", c => c.ZeroCounters(Missing)),
        new("a scheduler the kernel lacks", "ENOENT", c => c.AddVirtualService(new VirtualService { Key = Missing, Scheduler = schedulerTheKernelLacks })),
        new("update to a scheduler the kernel lacks", "ENOENT", c => c.UpdateVirtualService(new VirtualService { Key = Web, Scheduler = schedulerTheKernelLacks })),
        new("an unknown scheduler name", "invalid:UnknownScheduler", c => c.AddVirtualService(new VirtualService { Key = Missing, Scheduler = "nope" })),
        new("persistent service with the sip engine", "ok", c => c.UpdateVirtualService(new VirtualService
            { Key = Web, Scheduler = "wrr", Persistent = true, PersistenceTimeout = 20, PersistencePrefixLength = 24, PersistenceEngine = "sip" })),
        new("add a NAT real server", "ok", c => c.AddRealServer(Dest(Web, "10.0.0.7"))),
        new("add it again", "EEXIST", c => c.AddRealServer(Dest(Web, "10.0.0.7", weight: 3))),
        new("add a real server to a missing service", "ESRCH", c => c.AddRealServer(Dest(Missing, "10.0.0.7"))),
        new("update a missing real server", "ENOENT", c => c.UpdateRealServer(Dest(Web, "10.0.0.8"))),
        new("remove a missing real server", "ENOENT", c => c.RemoveRealServer(Web, IPAddress.Parse("10.0.0.8"), 80)),
        new("update a real server of a missing service", "ESRCH", c => c.UpdateRealServer(Dest(Missing, "10.0.0.7"))),
        new("remove a real server of a missing service", "ESRCH", c => c.RemoveRealServer(Missing, IPAddress.Parse("10.0.0.7"), 80)),
        new("a multicast real server", "EINVAL", c => c.AddRealServer(Dest(Web, "224.0.0.9"))),
        new("the address 0.0.0.0 as real server", "EINVAL", c => c.AddRealServer(Dest(Web, "0.0.0.0"))),
        new("the broadcast address as real server", "EINVAL", c => c.AddRealServer(Dest(Web, "255.255.255.255"))),
        new("the director's own address, forwarded as asked", "ok", c => c.AddRealServer(Dest(Web, "127.0.0.1"))),
        new("two more real servers (listed newest first)", "ok", c =>
        {
            c.AddRealServer(Dest(Web, "10.0.0.8", ForwardingMethod.Masquerade, 2));
            c.AddRealServer(Dest(Web, "10.0.0.9", ForwardingMethod.Masquerade, 0));
        }),
        new("a weight above 65535", "invalid:WeightOutOfRange", c => c.UpdateRealServer(Dest(Web, "10.0.0.8", weight: 65536))),
        new("an IPv6 service", "ok", c => c.AddVirtualService(new VirtualService { Key = Dns6, Scheduler = "sh", SchedulerFlags = SchedulerFlags.Flag1 })),
        new("a link-local IPv6 real server", "EINVAL", c => c.AddRealServer(Dest(Dns6, "fe80::7"))),
        new("a multicast IPv6 real server", "EINVAL", c => c.AddRealServer(Dest(Dns6, "ff02::7"))),
        new("the unspecified IPv6 address as real server", "EINVAL", c => c.AddRealServer(Dest(Dns6, "::"))),
        new("an IPv6 real server", "ok", c => c.AddRealServer(Dest(Dns6, "2001:db8::7"))),
        new("an IPv4 tunnel real server of the IPv6 service", "ok", c => c.AddRealServer(Dest(Dns6, "10.0.0.17", ForwardingMethod.Tunnel))),
        new("a sync daemon while mixed families exist", "EINVAL", c => c.StartSyncDaemon(new SyncDaemon { State = SyncDaemonState.Master, Interface = "lo", SyncId = 5 })),
        new("remove the mixed-family real server", "ok", c => c.RemoveRealServer(Dns6, IPAddress.Parse("10.0.0.17"), 53)),
        new("a master sync daemon", "ok", c => c.StartSyncDaemon(new SyncDaemon { State = SyncDaemonState.Master, Interface = "lo", SyncId = 5 })),
        new("a second master", "EEXIST", c => c.StartSyncDaemon(new SyncDaemon { State = SyncDaemonState.Master, Interface = "lo", SyncId = 6 })),
        new("a backup on a missing interface", "ENODEV", c => c.StartSyncDaemon(new SyncDaemon { State = SyncDaemonState.Backup, Interface = "nosuch0" })),
        new("a mixed-family tunnel while a sync daemon runs", "EINVAL", c => c.AddRealServer(Dest(Dns6, "10.0.0.17", ForwardingMethod.Tunnel))),
        new("stop a backup that does not run", "ESRCH", c => c.StopSyncDaemon(SyncDaemonState.Backup)),
        new("stop the master", "ok", c => c.StopSyncDaemon(SyncDaemonState.Master)),
        new("a firewall-mark service with a tunnel real server", "ok", c =>
        {
            c.AddVirtualService(new VirtualService { Key = Mark, Scheduler = "rr" });
            c.AddRealServer(new RealServer
            {
                VirtualService = Mark, Address = IPAddress.Parse("10.0.0.27"), Port = 0, Forwarding = ForwardingMethod.Tunnel,
                TunnelType = TunnelType.Gue, TunnelPort = 6080, TunnelChecksum = TunnelChecksum.Checksum, Weight = 4,
            });
        }),
        new("a batch is not a transaction", "ok", c =>
        {
            IReadOnlyList<IpvsChangeResult> r = c.Apply(new[]
            {
                IpvsChange.Add(Dest(Mark, "10.0.0.28", ForwardingMethod.Route)),
                IpvsChange.Add(Dest(Mark, "10.0.0.28", ForwardingMethod.Route)),
                IpvsChange.Remove(new VirtualService { Key = Missing }),
                IpvsChange.Update(Dest(Mark, "10.0.0.28", ForwardingMethod.Route, 9)),
            });
            string answers = string.Join(",", r.Select(x => x.Errno == 0 ? "ok" : LvsPS.Native.Netlink.Errno.Name(x.Errno)));
            if (answers != "ok,EEXIST,ESRCH,ok")
                throw new InvalidOperationException($"batch answered {answers}");
        }),
        new("a timeout too large for seconds x HZ", "EINVAL", c => c.SetTimeouts(new IpvsTimeouts(int.MaxValue / 250 + 1, 0, 0))),
        new("the largest timeout, the others unchanged", "ok", c => c.SetTimeouts(new IpvsTimeouts(int.MaxValue / 250, 0, 77))),
        new("remove a service with its real servers", "ok", c => c.RemoveVirtualService(Dns6)),
    };

    /// <summary>Runs every step (a failure is recorded, not thrown) and returns how each ended.</summary>
    public static IReadOnlyList<Outcome> Run(IIpvsClient client, string schedulerTheKernelLacks)
    {
        var outcomes = new List<Outcome>();
        foreach (Step step in Steps(schedulerTheKernelLacks))
        {
            string actual;
            try
            {
                step.Run(client);
                actual = "ok";
            }
            catch (IpvsException e)
            {
                actual = LvsPS.Native.Netlink.Errno.Name(e.Errno);
            }
            catch (IpvsValidationException e)
            {
                actual = "invalid:" + e.Rule;
            }
            outcomes.Add(new Outcome(step.Name, step.Expected, actual));
        }
        return outcomes;
    }

    /// <summary>The table afterwards as ipvsadm-save -n writes it (sorted), then the timeouts and the real servers' order of the first service.</summary>
    public static IReadOnlyList<string> Table(IIpvsClient client)
    {
        IReadOnlyList<VirtualService> services = client.GetVirtualServices();
        var lines = IpvsadmRulesWriter.Write(services, includeThresholds: true)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal).ToList();
        IpvsTimeouts t = client.GetTimeouts();
        lines.Add($"timeouts {t.TcpSeconds} {t.TcpFinSeconds} {t.UdpSeconds}");
        VirtualService web = services.Single(s => s.Key.Equals(Web));
        lines.Add("order " + string.Join(" ", web.RealServers.Select(d => $"{d.Endpoint}/{d.Forwarding}")));
        lines.Add("daemons " + client.GetSyncDaemons().Count);
        return lines;
    }
}
