using System.Net;
using System.Net.Sockets;
using LvsPS.Native.Health;
using LvsPS.Native.Health.Engine;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Ipvs.InMemory;
using LvsPS.Native.Runtime;

namespace LvsPS.Tests.Health;

/// <summary>The engine as a runtime worker: the supervisor's shutdown stops it, in the checks stage, and nothing keeps running.</summary>
public sealed class HealthEngineWorkerTests
{
    [Fact]
    public async Task A_supervisor_shutdown_stops_the_engine_and_leaves_IPVS_as_it_is()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var key = VirtualServiceKey.Parse("tcp/10.0.0.3:80");
            var ipvs = new InMemoryIpvs();
            ipvs.AddVirtualService(new VirtualService { Key = key, Scheduler = "rr" });
            var rs = new RealServer { VirtualService = key, Address = IPAddress.Loopback, Port = (ushort)((IPEndPoint)listener.LocalEndpoint).Port, Forwarding = ForwardingMethod.Masquerade, Weight = 7 };
            var service = new HealthCheckedService(key)
            {
                Timing = new() { Interval = TimeSpan.FromMilliseconds(100), Warmup = TimeSpan.Zero },
                RealServers = new[] { new HealthCheckedRealServer(rs) { Checks = new[] { new TcpHealthCheck() } } },
            };
            var engine = new HealthEngine(new[] { service }, new HealthEngineOptions { Name = "w1", OpenIpvs = _ => ipvs });
            var supervisor = new Supervisor();
            Assert.True(supervisor.TryAdd(engine));
            engine.Start();
            Assert.True(engine.IsRunning);
            Assert.Equal(ShutdownStage.Checks, engine.ShutdownStage);
            ShutdownReport report = await supervisor.ShutdownAllAsync(TimeSpan.FromSeconds(10));
            Assert.True(report.AllInTime);
            Assert.Equal("health check", Assert.Single(report.Workers).Kind);
            Assert.False(engine.IsRunning);
            Assert.Equal(HealthEngineState.Stopped, engine.State);
            Assert.True(engine.Completion.IsCompleted);
            Assert.Equal(7u, Assert.Single(ipvs.GetRealServers(key)).Weight);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public void The_metrics_show_each_real_server_alive_or_not_and_each_check()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        ushort closedPort = (ushort)((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        try
        {
            var key = VirtualServiceKey.Parse("tcp/10.0.0.3:80");
            var ipvs = new InMemoryIpvs();
            ipvs.AddVirtualService(new VirtualService { Key = key, Scheduler = "rr" });
            RealServer Rs(ushort port, uint weight) => new() { VirtualService = key, Address = IPAddress.Loopback, Port = port, Forwarding = ForwardingMethod.Masquerade, Weight = weight };
            ushort open = (ushort)((IPEndPoint)listener.LocalEndpoint).Port;
            var tcp = new TcpHealthCheck { Timing = new() { Retry = 0 } };
            var service = new HealthCheckedService(key)
            {
                Timing = new() { Interval = TimeSpan.FromMilliseconds(100), Warmup = TimeSpan.Zero },
                RealServers = new[] { new HealthCheckedRealServer(Rs(open, 3)) { Checks = new[] { tcp } }, new HealthCheckedRealServer(Rs(closedPort, 5)) { Checks = new[] { tcp } } },
            };
            using var engine = new HealthEngine(new[] { service }, new HealthEngineOptions { Name = "metrics", OpenIpvs = _ => ipvs });
            engine.Start();
            SpinWait.SpinUntil(() => engine.GetStatus().Services[0].RealServers.All(r => r.State != HealthState.Unknown), TimeSpan.FromSeconds(10));
            var writer = new StringWriter();
            Native.Metrics.HealthExposition.Write(writer, new[] { engine.GetStatus() });
            string text = writer.ToString();
            string Labels(int port) => $"name=\"metrics\",local_address=\"10.0.0.3\",local_port=\"80\",local_mark=\"\",proto=\"TCP\",remote_address=\"127.0.0.1\",remote_port=\"{port}\"";
            Assert.Contains($"lvs_health_up{{{Labels(open)}}} 1\n", text);
            Assert.Contains($"lvs_health_up{{{Labels(closedPort)}}} 0\n", text);
            Assert.Contains($"lvs_health_weight{{{Labels(open)}}} 3\n", text);
            Assert.DoesNotContain($"lvs_health_weight{{{Labels(closedPort)}}}", text);
            Assert.Contains($"lvs_health_check_up{{{Labels(closedPort)},check=\"tcp\",check_id=\"1\"}} 0\n", text);
            Assert.Matches(@"lvs_health_check_duration_seconds\{[^}]+\} [0-9.eE-]+\n", text);
            Assert.Contains("# TYPE lvs_health_check_failures_total counter", text);
            Assert.Contains("lvs_health_quorum_up{name=\"metrics\",local_address=\"10.0.0.3\"", text);
            Assert.Contains("lvs_health_late_probes_total{name=\"metrics\"}", text);
        }
        finally
        {
            listener.Stop();
        }
    }
}
