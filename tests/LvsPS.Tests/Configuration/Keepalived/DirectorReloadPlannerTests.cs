using LvsPS.Native.Configuration.Director;
using LvsPS.Native.Configuration.Keepalived;
using LvsPS.Native.Ipvs;
using Xunit;

namespace LvsPS.Tests.Configuration.Keepalived;

/// <summary>The reload's diff of old configuration, new configuration and kernel, rule by rule.</summary>
public sealed class DirectorReloadPlannerTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    private static DirectorConfiguration Read(string text)
    {
        KeepalivedReadResult r = KeepalivedConfigurationReader.Parse(text, "t.conf", Path.GetTempPath(), new KeepalivedReadOptions());
        Assert.False(r.HasErrors, string.Join('\n', r.Diagnostics));
        return r.Configuration;
    }

    private const string Base = """
        virtual_server 10.0.0.3 80 {
          protocol TCP
          lb_algo wrr
          real_server 10.0.0.7 80 {
            weight 3
          }
          real_server 10.0.0.8 80 {
            weight 1
          }
        }
        virtual_server 10.0.0.4 80 {
          protocol TCP
          lb_algo rr
          real_server 10.0.0.9 80 {
            weight 1
            TCP_CHECK {
              connect_timeout 3
            }
          }
        }
        vrrp_instance V1 {
          interface eth0
          virtual_router_id 1
          virtual_ipaddress {
            10.0.0.3
          }
        }
        """;

    private static DirectorReloadPlan Plan(string old, string next, IReadOnlyList<VirtualService>? kernel = null)
    {
        DirectorConfiguration o = Read(old);
        return DirectorReloadPlanner.Plan(o, Read(next), kernel ?? DirectorIpvsTable.Initial(o), TimeSpan.FromSeconds(30), Now);
    }

    [Fact]
    public void SameFile_SendsNothing_AndKeepsEverything()
    {
        DirectorReloadPlan plan = Plan(Base, Base);
        Assert.True(plan.IsEmpty);
        Assert.Equal(3, plan.Unchanged);
    }

    [Fact]
    public void ChangedWeightAndScheduler_AreEditedInPlace_OnlyThatVirtualServerRestarts()
    {
        DirectorReloadPlan plan = Plan(Base, Base.Replace("lb_algo wrr", "lb_algo sh").Replace("weight 3", "weight 4"));
        Assert.Equal(new[] { "UpdateService tcp/10.0.0.3:80", "UpdateRealServer 10.0.0.7:80 4" },
            plan.Changes.Select(c => $"{c.Kind} {(c.Service is { } s ? s.Key.ToString() : $"{c.RealServer!.Endpoint} {c.RealServer.Weight}")}"));
        Assert.Equal(new[] { "[10.0.0.3]:tcp:80" }, plan.RestartedChecks);
        Assert.Empty(plan.Drains);
        Assert.Equal(2, plan.Unchanged); // the other virtual server and the VRRP instance
    }

    [Fact]
    public void RemovedRealServer_IsDrained_NotDeleted()
    {
        DirectorReloadPlan plan = Plan(Base, Base.Replace("  real_server 10.0.0.8 80 {\n    weight 1\n  }\n", ""));
        IpvsChange c = Assert.Single(plan.Changes);
        Assert.Equal((IpvsChangeKind.UpdateRealServer, 0u), (c.Kind, c.RealServer!.Weight));
        DirectorDrain d = Assert.Single(plan.Drains);
        Assert.Equal(("10.0.0.8:80", Now.AddSeconds(30)), (d.RealServer!.Endpoint, d.Deadline));
        Assert.Contains("drain tcp/10.0.0.3:80 -> 10.0.0.8:80 (weight 0)", plan.Describe());
    }

    [Fact]
    public void RemovedVirtualServer_IsDrainedWhole_AndItsChecksStop()
    {
        int at = Base.IndexOf("virtual_server 10.0.0.4", StringComparison.Ordinal);
        int end = Base.IndexOf("vrrp_instance", StringComparison.Ordinal);
        DirectorReloadPlan plan = Plan(Base, Base.Remove(at, end - at));
        Assert.Equal(new[] { "[10.0.0.4]:tcp:80" }, plan.StoppedChecks);
        DirectorDrain d = Assert.Single(plan.Drains);
        Assert.Equal(("tcp/10.0.0.4:80", (RealServer?)null), (d.Service.ToString(), d.RealServer));
        Assert.Equal(0u, Assert.Single(plan.Changes).RealServer!.Weight);
    }

    [Fact]
    public void ChangedChecker_RestartsTheChecks_WithoutTouchingIpvs()
    {
        DirectorReloadPlan plan = Plan(Base, Base.Replace("connect_timeout 3", "connect_timeout 4"));
        Assert.Empty(plan.Changes);
        Assert.Equal(new[] { "[10.0.0.4]:tcp:80" }, plan.RestartedChecks);
    }

    [Fact]
    public void HandEdits_AreRepaired_ForUnchangedVirtualServers()
    {
        DirectorConfiguration old = Read(Base);
        VirtualService[] kernel = DirectorIpvsTable.Initial(old).Where(s => s.Key.Address!.ToString() != "10.0.0.4")
            .Select(s => s with { Scheduler = "lc" }).ToArray();
        DirectorReloadPlan plan = DirectorReloadPlanner.Plan(old, old, kernel, TimeSpan.FromSeconds(30), Now);
        Assert.Equal(2, plan.Repairs.Count);
        Assert.Contains(plan.Changes, c => c.Kind == IpvsChangeKind.AddService && c.Service!.Key.ToString() == "tcp/10.0.0.4:80");
        Assert.Contains(plan.Changes, c => c.Kind == IpvsChangeKind.UpdateService && c.Service!.Scheduler == "wrr");
    }

    [Fact]
    public void ChangedVrrpInstance_Restarts_ARemovedOneStops()
    {
        DirectorReloadPlan plan = Plan(Base, Base.Replace("virtual_router_id 1", "virtual_router_id 2") + "\nvrrp_instance V2 {\n interface eth0\n virtual_router_id 3\n virtual_ipaddress {\n  10.0.0.4\n }\n}\n");
        Assert.Equal(new[] { "V1" }, plan.StoppedInstances);
        Assert.Equal(new[] { "V1", "V2" }, plan.StartedInstances);
        plan = Plan(Base, Base[..Base.IndexOf("vrrp_instance", StringComparison.Ordinal)]);
        Assert.Equal(new[] { "V1" }, plan.StoppedInstances);
        Assert.Empty(plan.StartedInstances);
    }

    [Fact]
    public void AReplacedRealServer_IsAddedBeforeTheOldOneGoesToWeightZero_AfterTheKernelAnswered()
    {
        DirectorReloadPlan plan = Plan(Base, Base.Replace("real_server 10.0.0.8 80", "real_server 10.0.0.10 80"));
        Assert.Equal(new[] { "AddRealServer 10.0.0.10:80 1", "UpdateRealServer 10.0.0.8:80 0" },
            plan.Changes.Select(c => $"{c.Kind} {c.RealServer!.Endpoint} {c.RealServer.Weight}"));
        // The weight-0 half waits for the answers to the additions: a refused addition holds it back (PlanApplier).
        Assert.True(plan.Ipvs.Steps[1].AfterAnswers);
        Assert.Equal("10.0.0.8:80", Assert.Single(plan.Drains).RealServer!.Endpoint);
    }

    [Fact]
    public void AKeptRealServer_KeepsTheWeightItsChecksGaveIt_UnlessTheFileChangedIt()
    {
        DirectorConfiguration old = Read(Base);
        VirtualService[] kernel = DirectorIpvsTable.Initial(old)
            .Select(s => s with { RealServers = s.RealServers.Select(r => r with { Weight = 0 }).ToArray() }).ToArray();
        DirectorReloadPlan plan = DirectorReloadPlanner.Plan(old, Read(Base.Replace("lb_algo wrr", "lb_algo sh")), kernel, TimeSpan.FromSeconds(30), Now);
        Assert.Equal("UpdateService", Assert.Single(plan.Changes).Kind.ToString());
        plan = DirectorReloadPlanner.Plan(old, Read(Base.Replace("weight 3", "weight 4")), kernel, TimeSpan.FromSeconds(30), Now);
        Assert.Equal("UpdateRealServer 10.0.0.7:80 4", Assert.Single(plan.Changes.Select(c => $"{c.Kind} {c.RealServer!.Endpoint} {c.RealServer.Weight}")));
    }

    [Fact]
    public void AServiceMovedToAnotherVirtualServer_IsNotDrained()
    {
        const string Group = """
            virtual_server_group G {
              10.0.0.4 80
            }
            virtual_server group G {
              protocol TCP
              lb_algo rr
              real_server 10.0.0.9 80 {
                weight 1
              }
            }

            """;
        int at = Base.IndexOf("virtual_server 10.0.0.4", StringComparison.Ordinal);
        int end = Base.IndexOf("vrrp_instance", StringComparison.Ordinal);
        DirectorReloadPlan plan = Plan(Base, Base.Remove(at, end - at).Insert(at, Group));
        Assert.Equal(new[] { "[10.0.0.4]:tcp:80" }, plan.StoppedChecks);
        Assert.Equal(new[] { "group G" }, plan.StartedChecks);
        Assert.Empty(plan.Drains);
        Assert.Empty(plan.Changes);
    }

    [Fact]
    public void PriorityOrPreemptionChange_TunesTheInstanceInPlace_NothingElseRestarts()
    {
        string before = Base.Replace("virtual_router_id 1", "virtual_router_id 1\n  priority 100");
        DirectorReloadPlan plan = Plan(before, before.Replace("priority 100", "priority 150\n  nopreempt"));
        VrrpInstanceTuning tuning = Assert.Single(plan.TunedInstances);
        Assert.Equal(new VrrpInstanceTuning("V1", 150, false, TimeSpan.Zero), tuning);
        Assert.Empty(plan.StoppedInstances);
        Assert.Empty(plan.StartedInstances);
        Assert.Empty(plan.Changes);
        Assert.False(plan.IsEmpty);
        Assert.Contains("set VRRP instance V1: priority 150, nopreempt (its state kept)", plan.Describe());

        plan = Plan(before, before.Replace("priority 100", "priority 100\n  preempt_delay 5"));
        Assert.Equal(new VrrpInstanceTuning("V1", null, true, TimeSpan.FromSeconds(5)), Assert.Single(plan.TunedInstances));
    }

    [Fact]
    public void PriorityChangeWithAnotherChange_OrToOrFrom255_RestartsTheInstance()
    {
        string before = Base.Replace("virtual_router_id 1", "virtual_router_id 1\n  priority 100");
        foreach (string next in new[]
        {
            before.Replace("priority 100", "priority 150").Replace("    10.0.0.3\n", "    10.0.0.5\n"),
            before.Replace("priority 100", "priority 255"),
        })
        {
            DirectorReloadPlan plan = Plan(before, next);
            Assert.Empty(plan.TunedInstances);
            Assert.Equal(new[] { "V1" }, plan.StoppedInstances);
            Assert.Equal(new[] { "V1" }, plan.StartedInstances);
        }
    }
}
