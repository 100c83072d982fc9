using CsCheck;
using LvsPS.Native.Health;
using static LvsPS.Tests.Health.HealthSim;

namespace LvsPS.Tests.Health;

/// <summary>Invariants that hold for any sequence of probe results.</summary>
public sealed class HealthMonitorProperties
{
    private sealed record Case(int Servers, int Retry, bool Inhibit, bool Alpha, bool Sorry, uint Quorum, bool[][] Outcomes);

    private static readonly Gen<Case> Cases =
        Gen.Select(Gen.Int[1, 4], Gen.Int[0, 2], Gen.Bool, Gen.Bool, Gen.Bool, Gen.UInt[1, 4])
           .SelectMany(t => Gen.Bool.Array[30].Array[t.Item1].Select(o => new Case(t.Item1, t.Item2, t.Item3, t.Item4, t.Item5, t.Item6, o)));

    private static HealthSim Simulate(Case c, Action<HealthSim>? afterEachSecond = null)
    {
        var servers = Enumerable.Range(0, c.Servers)
            .Select(i => Checked($"10.0.0.{10 + i}", 1, new PingHealthCheck { Timing = new() { Retry = c.Retry } }))
            .ToArray();
        var service = new HealthCheckedService(Vs)
        {
            RealServers = servers,
            Timing = new() { Interval = S(1), DelayBeforeRetry = S(0.25), Warmup = TimeSpan.Zero, Alpha = c.Alpha },
            InhibitOnFailure = c.Inhibit,
            Quorum = c.Quorum,
            SorryServer = c.Sorry ? Rs("10.0.0.99") : null,
        };
        var count = new int[c.Servers];
        var sim = new HealthSim(service)
        {
            Respond = (p, _) =>
            {
                int server = p.Check.Target!.Address.GetAddressBytes()[3] - 10;
                bool passed = c.Outcomes[server][Math.Min(count[server]++, 29)];
                return passed ? ProbeResult.Pass(p.CheckId, TimeSpan.Zero) : ProbeResult.Fail(p.CheckId, TimeSpan.Zero, "x");
            },
        };
        sim.Start();
        afterEachSecond?.Invoke(sim);
        for (int second = 1; second <= 20; second++)
        {
            sim.RunUntil(S(second));
            afterEachSecond?.Invoke(sim);
        }
        return sim;
    }

    [Fact]
    public void The_table_it_builds_is_the_table_it_believes_in()
        => Cases.Sample(c => Simulate(c, sim =>
        {
            ServiceHealthStatus status = sim.Monitor.GetStatus()[0];
            var believed = status.RealServers.Where(r => r.InTable).Select(r => $"{r.RealServer.Endpoint}={r.TableWeight}");
            if (status.SorryServer is { } sorry && sim.Table.ContainsKey(Key(sorry)))
                believed = believed.Append($"{sorry.Endpoint}={sim.Table[Key(sorry)]}");
            Assert.Equal(string.Join(' ', believed.OrderBy(x => x, StringComparer.Ordinal)),
                string.Join(' ', sim.TableText().Split(' ', StringSplitOptions.RemoveEmptyEntries).OrderBy(x => x, StringComparer.Ordinal)));
        }));

    [Fact]
    public void A_real_server_gets_traffic_only_while_alive_and_alive_means_every_check_up()
        => Cases.Sample(c => Simulate(c, sim =>
        {
            foreach (RealServerHealthStatus rs in sim.Monitor.GetStatus()[0].RealServers)
            {
                bool receives = sim.Table.TryGetValue(Key(rs.RealServer), out uint w) && w > 0;
                if (receives)
                    Assert.True(rs.Alive, $"{rs.RealServer} has weight {w} but is not alive");
                Assert.Equal(rs.Alive, rs.Checks.All(ch => ch.State != HealthState.Down) && (!c.Alpha || rs.Checks.All(ch => ch.State == HealthState.Up)));
            }
        }));

    [Fact]
    public void After_retry_plus_one_failures_in_a_row_the_real_server_gets_no_traffic()
        => Cases.Sample(c => Simulate(c, sim =>
        {
            foreach (RealServerHealthStatus rs in sim.Monitor.GetStatus()[0].RealServers)
                if (rs.Checks[0].ConsecutiveFailures >= c.Retry + 1 || (rs.Checks[0].ConsecutiveFailures >= 1 && rs.Checks[0].Probes == rs.Checks[0].ConsecutiveFailures))
                    Assert.False(sim.Table.TryGetValue(Key(rs.RealServer), out uint w) && w > 0);
        }));

    [Fact]
    public void Without_quorum_and_with_a_sorry_server_only_the_sorry_server_gets_traffic()
        => Cases.Where(c => c.Sorry).Sample(c => Simulate(c, sim =>
        {
            ServiceHealthStatus s = sim.Monitor.GetStatus()[0];
            if (!s.QuorumUp)
                Assert.Equal("10.0.0.99:80=1", string.Join(' ', sim.TableText().Split(' ').Where(e => !e.EndsWith("=0", StringComparison.Ordinal))));
            else
                Assert.False(sim.Table.TryGetValue(Key(s.SorryServer!), out uint w) && w > 0);
        }));
}
