using LvsPS.Host.Tests.Infrastructure;
using LvsPS.Native.Configuration.Director;
using LvsPS.Native.Configuration.Keepalived;
using LvsPS.Native.Ipvs.InMemory;
using LvsPS.Native.Vrrp;

namespace LvsPS.Host.Tests;

/// <summary>
/// A director's reload that changes only a VRRP instance's priority or preemption sets them on the
/// running instance (keepalived's reload restarts it): the same instance, its state kept, and the
/// new priority in force in the next election.
/// </summary>
[Collection("vrrp")]
public sealed class DirectorVrrpReloadTests
{
    private static string Conf(Segment s, int priority, string extra = "") => $$"""
        vrrp_instance VI_1 {
          interface eth0
          virtual_router_id 51
          version 3
          advert_int 0.1
          priority {{priority}}
          {{extra}}
          virtual_ipaddress {
            {{s.Vip}}/24
          }
        }
        """;

    private static DirectorConfiguration Read(string text)
    {
        KeepalivedReadResult r = KeepalivedConfigurationReader.Parse(text, "keepalived.conf", Path.GetTempPath(), new KeepalivedReadOptions());
        Assert.False(r.HasErrors, string.Join('\n', r.Diagnostics));
        return r.Configuration;
    }

    [SkippableFact]
    public async Task A_priority_or_preemption_edit_keeps_the_running_instance_and_its_state()
    {
        HostFacts.RequireRoot();
        using var s = new Segment(2);
        var ipvs = new InMemoryIpvsNamespaces();
        RunningDirector director = RunningDirector.Start(Read(Conf(s, 110)), new DirectorRunOptions { Name = "d", NetworkNamespace = s.Node(1), OpenIpvs = ipvs.Open });
        try
        {
            VrrpInstance instance = Assert.Single(director.VrrpInstances);
            Assert.True(instance.WaitForState(VrrpState.Master, TimeSpan.FromSeconds(10)), "the director's instance did not become master alone");
            using VrrpInstance peer = VrrpInstance.Start(HostFacts.Options(s, 2, 105, version: 3, interval: 0.1));
            Thread.Sleep(1000);
            Assert.Equal(VrrpState.Master, instance.State);
            Assert.Equal(VrrpState.Backup, peer.State);
            int transitions = instance.History.Count;

            DirectorReloadResult tuned = director.Reload(Read(Conf(s, 110, "nopreempt")));
            Assert.Equal(new VrrpInstanceTuning("VI_1", null, false, TimeSpan.Zero), Assert.Single(tuned.Plan.TunedInstances));
            Assert.Same(instance, Assert.Single(director.VrrpInstances));
            Assert.False(instance.Preempt);
            Assert.Equal(VrrpState.Master, instance.State);
            Assert.Equal(transitions, instance.History.Count);

            // Below the peer: the next advert the peer hears carries 90, and it preempts.
            DirectorReloadResult lowered = director.Reload(Read(Conf(s, 90, "nopreempt")));
            Assert.Empty(lowered.Plan.StartedInstances);
            Assert.Same(instance, Assert.Single(director.VrrpInstances));
            Assert.Equal(90, instance.ConfiguredPriority);
            Assert.True(peer.WaitForState(VrrpState.Master, TimeSpan.FromSeconds(5)), "the peer (105) did not take over from the lowered director (90)");
            Assert.True(instance.WaitForState(VrrpState.Backup, TimeSpan.FromSeconds(5)));
            Assert.DoesNotContain(instance.History.Skip(transitions), c => c.To == VrrpState.Init);
            Assert.True(s.HasAddress(2, s.Vip) && !s.HasAddress(1, s.Vip), "the VIP did not move to the peer");
        }
        finally
        {
            await director.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }
}
