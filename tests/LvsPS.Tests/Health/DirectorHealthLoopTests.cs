using System.Net;
using System.Net.Sockets;
using LvsPS.Native.Configuration.Director;
using LvsPS.Native.Configuration.Keepalived;
using LvsPS.Native.Health;
using LvsPS.Native.Health.Engine;
using LvsPS.Native.Ipvs.InMemory;

namespace LvsPS.Tests.Health;

/// <summary>A director's health engines share its pool of loops (issue 12), across reloads, and its stop ends the loops.</summary>
public sealed class DirectorHealthLoopTests : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public DirectorHealthLoopTests() => _listener.Start();

    public void Dispose() => _listener.Stop();

    private string Conf(int services, double delayLoop = 0.2)
    {
        int port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        var text = new System.Text.StringBuilder();
        for (int i = 1; i <= services; i++)
            text.Append($$"""
                virtual_server 10.9.0.{{i}} 80 {
                  delay_loop {{delayLoop.ToString(System.Globalization.CultureInfo.InvariantCulture)}}
                  lb_algo rr
                  lb_kind NAT
                  protocol TCP
                  real_server 127.0.0.1 {{port}} {
                    weight 1
                    TCP_CHECK {
                      connect_timeout 1
                    }
                  }
                }

                """);
        KeepalivedReadResult r = KeepalivedConfigurationReader.Parse(text.ToString(), "keepalived.conf", Path.GetTempPath(), new KeepalivedReadOptions());
        Assert.False(r.HasErrors, string.Join('\n', r.Diagnostics));
        return text.ToString();
    }

    private static DirectorConfiguration Read(string text)
        => KeepalivedConfigurationReader.Parse(text, "keepalived.conf", Path.GetTempPath(), new KeepalivedReadOptions()).Configuration;

    private static long Completed(HealthEngine e) => e.GetStatus().Statistics.ProbesCompleted;

    [Fact]
    public async Task Twelve_checked_virtual_servers_share_at_most_four_loop_threads_across_a_reload_until_the_director_stops()
    {
        var ipvs = new InMemoryIpvs();
        RunningDirector director = RunningDirector.Start(Read(Conf(12)), new DirectorRunOptions { Name = "pooled", OpenIpvs = _ => ipvs });
        HealthLoop[] loops;
        try
        {
            Assert.Equal(12, director.HealthEngines.Count);
            loops = director.HealthEngines.Select(e => e.Loop!).Distinct().ToArray();
            Assert.Equal(Math.Min(HealthLoopPool.MaxLoops, Environment.ProcessorCount), loops.Length);
            Assert.True(SpinWait.SpinUntil(() => director.HealthEngines.All(e => Completed(e) >= 2), TimeSpan.FromSeconds(15)),
                string.Join(' ', director.HealthEngines.Select(Completed)));

            // A reload that changes one virtual server restarts its engine on one of the same loops; the others go on.
            string changed = Conf(12).Replace("virtual_server 10.9.0.12 80 {\n  delay_loop 0.2", "virtual_server 10.9.0.12 80 {\n  delay_loop 0.3");
            Assert.NotEqual(Conf(12), changed);
            HealthEngine[] before = director.HealthEngines.ToArray();
            director.Reload(Read(changed));
            HealthEngine[] after = director.HealthEngines.ToArray();
            HealthEngine restarted = Assert.Single(after.Except(before));
            Assert.Contains(restarted.Loop!, loops);
            Assert.Equal(11, after.Intersect(before).Count());
            Assert.True(SpinWait.SpinUntil(() => Completed(restarted) >= 2, TimeSpan.FromSeconds(10)));
            Assert.All(loops, l => Assert.False(l.Completion.IsCompleted));
            Assert.Equal(12, loops.Sum(l => l.EngineCount));
        }
        finally
        {
            await director.StopAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }
        Assert.All(loops, l => Assert.True(l.Completion.IsCompleted, "a loop thread outlived its director"));
        Assert.All(director.HealthEngines, e => Assert.Equal(HealthEngineState.Stopped, e.State));
    }
}
