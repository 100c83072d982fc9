using System.Net;
using LvsPS.Lab.Tests.Infrastructure;
using LvsPS.Native.Configuration;
using LvsPS.Native.DesiredState;
using LvsPS.Native.Ipvs;
using Xunit;

namespace LvsPS.Lab.Tests;

/// <summary>
/// The configuration formats against the real kernel: ipvsadm-save/ipvsadm-restore as witnesses,
/// and plan + apply converging in one step.
/// </summary>
public sealed class ConfigurationLabTests : IDisposable
{
    private readonly LabNamespace _ns = new();
    private readonly IpvsClient _client;
    private readonly List<LabNamespace> _others = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("lvsps-config").FullName;

    public ConfigurationLabTests() => _client = IpvsClient.Open(_ns.Name);

    public void Dispose()
    {
        _client.Dispose();
        _ns.Dispose();
        foreach (LabNamespace ns in _others)
            ns.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private LabNamespace Fresh()
    {
        var ns = new LabNamespace();
        _others.Add(ns);
        return ns;
    }

    /// <summary>Every option ipvsadm-save prints, built with ipvsadm itself.</summary>
    private static void BuildWithIpvsadm(LabNamespace ns)
    {
        ns.Ipvsadm("-A", "-t", "10.0.0.3:80", "-s", "wrr", "-p", "20");
        ns.Ipvsadm("-a", "-t", "10.0.0.3:80", "-r", "10.0.0.7:80", "-g", "-w", "1");
        ns.Ipvsadm("-a", "-t", "10.0.0.3:80", "-r", "10.0.0.9", "-m", "-w", "0");
        ns.Ipvsadm("-a", "-t", "10.0.0.3:80", "-r", "10.0.0.10:8080", "-m", "-w", "3");
        ns.Ipvsadm("-a", "-t", "10.0.0.3:80", "-r", "10.0.0.11:80", "-i", "-w", "2");
        ns.Ipvsadm("-a", "-t", "10.0.0.3:80", "-r", "10.0.0.12:80", "-i", "--tun-type", "gue", "--tun-port", "6080", "--tun-csum");
        ns.Ipvsadm("-a", "-t", "10.0.0.3:80", "-r", "10.0.0.13:80", "-i", "--tun-type", "gre", "--tun-csum");
        ns.Ipvsadm("-a", "-t", "10.0.0.3:80", "-r", "10.0.0.15:80", "-i", "--tun-type", "gue", "--tun-port", "6080", "--tun-remcsum");
        ns.Ipvsadm("-A", "-t", "10.0.0.4:80", "-s", "sh", "-b", "sh-fallback,sh-port", "-p", "60", "-M", "255.255.255.0");
        ns.Ipvsadm("-A", "-u", "10.0.0.20:5060", "-s", "sh", "-b", "sh-port", "-p", "60", "-M", "255.255.0.0", "--pe", "sip", "-o");
        ns.Ipvsadm("-A", "-t", "10.0.0.8:0", "-s", "wlc", "-p", "10", "-M", "0.0.0.0");
        ns.Ipvsadm("-A", "-u", "10.0.0.5:53", "-s", "rr", "-o");
        ns.Ipvsadm("-A", "--sctp-service", "10.0.0.7:9", "-s", "mh", "-b", "mh-fallback");
        ns.Ipvsadm("-A", "-u", "[2001:db8::1]:53", "-s", "sh", "-b", "sh-fallback,sh-port", "-p", "60", "-M", "64");
        ns.Ipvsadm("-a", "-u", "[2001:db8::1]:53", "-r", "[2001:db8::7]:5353", "-m", "-w", "3", "-x", "100", "-y", "10");
        ns.Ipvsadm("-A", "-f", "42", "-s", "mh", "-b", "mh-port");
        ns.Ipvsadm("-a", "-f", "42", "-r", "[2001:db8::9]:0", "-i", "-w", "5");
        ns.Ipvsadm("-A", "-f", "43", "-6", "-s", "rr", "-p", "30", "-M", "64");
        ns.Ipvsadm("-a", "-f", "43", "-6", "-r", "[2001:db8::10]:0", "-g", "-w", "2");
    }

    private static IpvsPlan Plan(IIpvsClient client, IReadOnlyList<VirtualService> desired, bool replace = true)
        => DesiredStatePlanner.Plan(IpvsSnapshot.Capture(client), new IpvsSnapshot { Services = desired }, replace);

    private static void ApplyAll(IIpvsClient client, IpvsPlan plan)
    {
        ApplyReport report = new PlanApplier(client).Apply(plan);
        Assert.All(report.Outcomes, o => Assert.True(o.Status == StepStatus.Applied, $"{o.Step.Target}: {o.Status} {o.Error?.Message}"));
    }

    [Fact]
    public void Our_writer_prints_exactly_what_ipvsadm_save_prints()
    {
        BuildWithIpvsadm(_ns);
        IReadOnlyList<VirtualService> table = _client.GetVirtualServices();
        Assert.Equal(_ns.Ipvsadm("-Sn"), IpvsadmRulesWriter.Write(table, includeThresholds: false));
        Assert.Equal(_ns.SavedRules(), IpvsadmRulesWriter.Write(table, includeThresholds: false, sort: false)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Ipvsadm_save_read_planned_and_applied_into_a_fresh_namespace_saves_identically()
    {
        BuildWithIpvsadm(_ns);
        string saved = _ns.Ipvsadm("-Sn");
        IpvsadmRuleSet rules = IpvsadmRulesReader.Parse(saved, "saved.rules");

        LabNamespace target = Fresh();
        using IpvsClient client = IpvsClient.Open(target.Name);
        IpvsPlan plan = Plan(client, rules.Services);
        Assert.Equal(rules.Services.Count + rules.Services.Sum(s => s.RealServers.Count), plan.Steps.Count);
        ApplyAll(client, plan);

        Assert.Equal(_ns.SavedRules(), target.SavedRules());
        Assert.True(Plan(client, rules.Services).IsEmpty);
    }

    [Fact]
    public void What_our_writer_writes_ipvsadm_restore_loads_identically_thresholds_included()
    {
        BuildWithIpvsadm(_ns);
        _client.UpdateRealServer(_client.GetRealServers(VirtualServiceKey.Parse("tcp/10.0.0.3:80")).Single(d => d.Port == 8080) with { UpperThreshold = 50, LowerThreshold = 5 });
        IReadOnlyList<VirtualService> original = _client.GetVirtualServices();
        string file = Path.Combine(_dir, "rules");
        File.WriteAllText(file, IpvsadmRulesWriter.Write(original));
        Assert.Contains("-a -t 10.0.0.3:80 -r 10.0.0.10:8080 -m -w 3 -x 50 -y 5\n", File.ReadAllText(file));

        LabNamespace target = Fresh();
        target.Exec("sh", "-c", $"ipvsadm-restore < '{file}'");
        using IpvsClient client = IpvsClient.Open(target.Name);
        IReadOnlyList<VirtualService> restored = client.GetVirtualServices();

        Assert.True(DesiredStatePlanner.Plan(new IpvsSnapshot { Services = restored }, new IpvsSnapshot { Services = original }, replace: true).IsEmpty);
        Assert.Equal(original.Select(s => s.Key.ToString()).Order(), restored.Select(s => s.Key.ToString()).Order());
        Assert.Equal(original.Sum(s => s.RealServers.Count), restored.Sum(s => s.RealServers.Count));
        RealServer limited = restored.SelectMany(s => s.RealServers).Single(d => d.Port == 8080);
        Assert.Equal((50u, 5u), (limited.UpperThreshold, limited.LowerThreshold));
    }

    [Fact]
    public void Json_written_flushed_read_and_applied_is_identical_and_a_second_plan_is_empty()
    {
        var web = VirtualServiceKey.Parse("tcp/10.0.0.3:80");
        var dns = VirtualServiceKey.Parse("udp/[2001:db8::1]:53");
        var table = new[]
        {
            new VirtualService
            {
                Key = web, Scheduler = "wrr", Persistent = true, PersistenceTimeout = 20, PersistencePrefixLength = 24,
                RealServers = new[]
                {
                    new RealServer { VirtualService = web, Address = IPAddress.Parse("10.0.0.7"), Port = 80, Forwarding = ForwardingMethod.Route, Weight = 2, UpperThreshold = 100, LowerThreshold = 10 },
                    new RealServer { VirtualService = web, Address = IPAddress.Parse("10.0.0.8"), Port = 80, Forwarding = ForwardingMethod.Tunnel, Weight = 1,
                        TunnelType = TunnelType.Gue, TunnelPort = 6080, TunnelChecksum = TunnelChecksum.RemoteChecksum, UpperThreshold = 7 },
                    new RealServer { VirtualService = web, Address = IPAddress.Parse("10.0.0.9"), Port = 80, Forwarding = ForwardingMethod.Tunnel, Weight = 0,
                        TunnelType = TunnelType.Gre, TunnelChecksum = TunnelChecksum.Checksum },
                },
            },
            new VirtualService
            {
                Key = dns, Scheduler = "mh", SchedulerFlags = SchedulerFlags.Flag1 | SchedulerFlags.Flag2,
                RealServers = new[] { new RealServer { VirtualService = dns, Address = IPAddress.Parse("2001:db8::7"), Port = 5353, Weight = 3, UpperThreshold = 20, LowerThreshold = 20 } },
            },
            new VirtualService { Key = VirtualServiceKey.Parse("fwmark/42/ipv6"), Scheduler = "rr", OnePacket = true },
        };
        ApplyAll(_client, Plan(_client, table));
        _client.SetTimeouts(new IpvsTimeouts(900, 100, 200));
        _client.StartSyncDaemon(new SyncDaemon { State = SyncDaemonState.Master, Interface = "lo", SyncId = 3 });

        string file = Path.Combine(_dir, "lvs.json");
        LvsConfiguration before = LvsConfiguration.Capture(_client);
        LvsConfigurationJson.WriteFile(before, file);
        string json = File.ReadAllText(file);

        _client.Flush();
        _client.StopSyncDaemon(SyncDaemonState.Master);
        _client.SetTimeouts(new IpvsTimeouts(60, 60, 60));
        Assert.Empty(_ns.SavedRules());

        ConfigurationSource source = ConfigurationSource.Read(file);
        IpvsPlan plan = DesiredStatePlanner.Plan(IpvsSnapshot.CaptureFor(_client, source.Desired), source.Desired, replace: true);
        Assert.Equal(1 + 1 + 3 + 4, plan.Steps.Count); // timeouts, the master daemon, 3 services, 4 real servers
        Assert.IsType<SetTimeoutsStep>(plan.Steps[0]);
        Assert.IsType<StartSyncDaemonStep>(plan.Steps[^1]);
        ApplyAll(_client, plan);

        LvsConfiguration after = LvsConfiguration.Capture(_client);
        Assert.Equal(json, LvsConfigurationJson.Write(after));
        Assert.True(DesiredStatePlanner.Plan(IpvsSnapshot.CaptureFor(_client, source.Desired), source.Desired, replace: true).IsEmpty);
        Assert.Matches(@"-> 10\.0\.0\.8:80\s+7\s+0\s", _ns.Ipvsadm("-Ln", "--thresholds")); // Uthreshold Lthreshold
        Assert.Contains("-a -t 10.0.0.3:80 -r 10.0.0.8:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-remcsum", _ns.SavedRules());
    }

    [Fact]
    public void Replace_converges_a_drifted_table_in_one_plan_and_keeps_what_already_matches()
    {
        BuildWithIpvsadm(_ns);
        IReadOnlyList<VirtualService> desired = IpvsadmRulesReader.Parse(_ns.Ipvsadm("-Sn")).Services;
        _ns.Ipvsadm("-D", "-t", "10.0.0.4:80");
        _ns.Ipvsadm("-e", "-t", "10.0.0.3:80", "-r", "10.0.0.7:80", "-g", "-w", "9");
        _ns.Ipvsadm("-E", "-u", "10.0.0.5:53", "-s", "wrr");
        _ns.Ipvsadm("-A", "-t", "10.9.9.9:80", "-s", "rr");
        _ns.Ipvsadm("-a", "-t", "10.9.9.9:80", "-r", "10.9.9.10:80", "-m");
        _ns.Ipvsadm("-a", "-t", "10.0.0.3:80", "-r", "10.0.0.99:80", "-g");

        IpvsPlan plan = Plan(_client, desired);
        // Additions and edits first; removals last, and a removed service takes its real servers along.
        Assert.Equal(new[]
        {
            "AddService tcp/10.0.0.4:80",
            "UpdateService udp/10.0.0.5:53",
            "UpdateRealServer tcp/10.0.0.3:80 -> 10.0.0.7:80",
            // ipvsadm-save drops thresholds: the desired table read from it has none, so they are reset.
            "UpdateRealServer udp/[2001:db8::1]:53 -> [2001:db8::7]:5353",
            "RemoveRealServer tcp/10.0.0.3:80 -> 10.0.0.99:80",
            "RemoveService tcp/10.9.9.9:80",
        }, plan.Steps.Select(s => s is ChangeStep c ? $"{c.Change.Kind} {c.Target}" : s.Target));
        ApplyAll(_client, plan);
        Assert.Equal(IpvsadmRulesWriter.Write(desired, includeThresholds: false).Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal), _ns.SavedRules());
        Assert.True(Plan(_client, desired).IsEmpty);
    }
}
