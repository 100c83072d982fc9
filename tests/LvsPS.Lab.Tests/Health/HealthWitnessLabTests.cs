using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using LvsPS.Lab.Tests.Infrastructure;
using LvsPS.Testing;
using Xunit;
using Xunit.Abstractions;

namespace LvsPS.Lab.Tests.Health;

/// <summary>
/// Issue 12's proof on the real IPVS kernel: LvsPS's health checks on one NAT director and
/// keepalived 2.2.7 (-C, the checker alone) on a twin with the same real servers and the same
/// faults. After every fault and every recovery both ipvsadm -Sn agree with each other and with the
/// table keepalived's rules give; the notify actions ran alike; and client traffic through LvsPS's
/// VIP reaches only the real servers that are in service.
/// </summary>
public sealed partial class HealthWitnessLabTests(ITestOutputHelper output)
{
    private static readonly string HealthyDigest = Convert.ToHexString(MD5.HashData(Encoding.ASCII.GetBytes("healthy\n"))).ToLowerInvariant();
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(90);

    private static string Rule(string rs, int weight) => $"-a -t {HealthTwin.Vip}:80 -r {HealthTwin.AddressOf(rs)}:80 -m -w {weight}";

    private static List<string> Table(params (string Rs, int Weight)[] rows)
        => rows.Select(r => Rule(r.Rs, r.Weight)).Append($"-A -t {HealthTwin.Vip}:80 -s wrr").Order(StringComparer.Ordinal).ToList();

    /// <summary>Waits until both twins hold <paramref name="expected"/>, then checks LvsPS's traffic and the notify actions.</summary>
    private void Converge(string step, HealthTwin lvsps, HealthTwin keepalived, List<string> expected, Func<string>? keepalivedLog = null)
    {
        var sw = Stopwatch.StartNew();
        IReadOnlyList<string> a = lvsps.Rules(), b = keepalived.Rules();
        while (sw.Elapsed < Settle && !(a.SequenceEqual(expected) && b.SequenceEqual(expected)))
        {
            Thread.Sleep(500);
            (a, b) = (lvsps.Rules(), keepalived.Rules());
        }
        output.WriteLine($"[{step}] after {sw.Elapsed.TotalSeconds:0.0} s\n  LvsPS:      {string.Join(" | ", a)}\n  keepalived: {string.Join(" | ", b)}");
        Assert.True(b.SequenceEqual(expected), $"{step}: keepalived's table is not the one expected:\n{string.Join("\n", b)}\n{keepalivedLog?.Invoke()}");
        Assert.True(a.SequenceEqual(b), $"{step}: LvsPS and keepalived disagree:\nLvsPS:\n{string.Join("\n", a)}\nkeepalived:\n{string.Join("\n", b)}");
        // Traffic through the VIP goes only where the table sends it, and every request is answered.
        string[] serving = expected.Where(r => r.StartsWith("-a") && !r.EndsWith("-w 0", StringComparison.Ordinal))
            .Select(r => r.Split(' ')[4].Split(':')[0]).Select(NameOf).ToArray();
        List<string> answers = lvsps.Get(12);
        output.WriteLine($"  traffic: {string.Join(' ', answers)}");
        Assert.All(answers, x => Assert.Contains(x, serving));
    }

    private static string NameOf(string address) => address == "10.50.0.99" ? "sorry" : $"rs{int.Parse(address.Split('.')[3]) - 10}";

    private static List<string> SortedLines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal).ToList();

    private void SameNotifications(string step, HealthTwin lvsps, HealthTwin keepalived)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(20) && !SortedLines(lvsps.Notifications).SequenceEqual(SortedLines(keepalived.Notifications)))
            Thread.Sleep(250);
        output.WriteLine($"  notify: LvsPS [{string.Join(", ", SortedLines(lvsps.Notifications))}] keepalived [{string.Join(", ", SortedLines(keepalived.Notifications))}]");
        Assert.Equal(SortedLines(keepalived.Notifications), SortedLines(lvsps.Notifications));
    }

    [Fact]
    public void Http_with_digest_inhibit_quorum_and_sorry_server_matches_keepalived_fault_by_fault()
    {
        string[] rs = { "rs1", "rs2", "rs3" };
        using var a = new HealthTwin('A', rs);
        using var b = new HealthTwin('B', rs);
        var realServers = string.Concat(rs.Select(r => $$"""
                real_server {{HealthTwin.AddressOf(r)}} 80 {
                    weight 1
                    notify_up "{{b.NotifyScript}} rs_up"
                    notify_down "{{b.NotifyScript}} rs_down"
                    HTTP_GET {
                        url {
                            path /health
                            digest {{HealthyDigest}}
                            status_code 200
                        }
                        connect_timeout 2
                        retry 1
                        delay_before_retry 1
                    }
                }

            """));
        string config = $$"""
            global_defs {
                router_id twinB
            }
            virtual_server {{HealthTwin.Vip}} 80 {
                delay_loop 1
                lb_algo wrr
                lb_kind NAT
                protocol TCP
                quorum 2
                sorry_server 10.50.0.99 80
                sorry_server_inhibit
                inhibit_on_failure
                quorum_up "{{b.NotifyScript}} quorum_up"
                quorum_down "{{b.NotifyScript}} quorum_down"
            {{realServers}}
            }
            """;
        using var keepalived = new KeepalivedChecker(b.Director, b.Dir, config).Start();
        using var ps = new PowerShellSession(a.Director);
        ps.Run("""
            param($digest, $notify)
            New-LvsVirtualService tcp/192.168.70.100:80 -Scheduler wrr
            foreach ($rs in '10.50.0.11', '10.50.0.12', '10.50.0.13') { Add-LvsRealServer tcp/192.168.70.100:80 "${rs}:80" -Forwarding Masquerade -Weight 1 }
            Start-LvsHealthCheck tcp/192.168.70.100:80 -Url @{ Path = '/health'; Digest = $digest; StatusCode = '200' } -Interval 1 -ConnectTimeout 2 -Retry 1 -DelayBeforeRetry 1 `
                -Quorum 2 -SorryServer 10.50.0.99:80 -SorryServerInhibit -InhibitOnFailure `
                -OnRealServerUp "$notify rs_up" -OnRealServerDown "$notify rs_down" -OnQuorumUp "$notify quorum_up" -OnQuorumDown "$notify quorum_down" -Name witness | Out-Null
            """, HealthyDigest, a.NotifyScript);
        try
        {
            Converge("start", a, b, Table(("rs1", 1), ("rs2", 1), ("rs3", 1), ("sorry", 0)), () => keepalived.Log);
            SameNotifications("start", a, b);
            foreach (HealthTwin t in new[] { a, b }) t.StopWeb("rs1");
            Converge("rs1 stopped: inhibited", a, b, Table(("rs1", 0), ("rs2", 1), ("rs3", 1), ("sorry", 0)));
            foreach (HealthTwin t in new[] { a, b }) t.SetBody("rs3", "changed\n");
            Converge("rs3 body changed: quorum lost, the sorry server serves", a, b, Table(("rs1", 0), ("rs2", 0), ("rs3", 0), ("sorry", 1)));
            SameNotifications("quorum lost", a, b);
            foreach (HealthTwin t in new[] { a, b }) t.StartWeb("rs1");
            Converge("rs1 back: quorum regained", a, b, Table(("rs1", 1), ("rs2", 1), ("rs3", 0), ("sorry", 0)));
            foreach (HealthTwin t in new[] { a, b }) t.SetBody("rs3", "healthy\n");
            Converge("rs3 body restored", a, b, Table(("rs1", 1), ("rs2", 1), ("rs3", 1), ("sorry", 0)));
            foreach (HealthTwin t in new[] { a, b }) t.SetMode("rs2", 500);
            Converge("rs2 answers 500", a, b, Table(("rs1", 1), ("rs2", 0), ("rs3", 1), ("sorry", 0)));
            foreach (HealthTwin t in new[] { a, b }) t.SetMode("rs2", 200);
            Converge("rs2 answers 200 again", a, b, Table(("rs1", 1), ("rs2", 1), ("rs3", 1), ("sorry", 0)));
            foreach (HealthTwin t in new[] { a, b }) t.Drop("rs1", true);
            Converge("rs1 drops every packet (timeouts)", a, b, Table(("rs1", 0), ("rs2", 1), ("rs3", 1), ("sorry", 0)));
            foreach (HealthTwin t in new[] { a, b }) t.Drop("rs1", false);
            Converge("rs1 answers again", a, b, Table(("rs1", 1), ("rs2", 1), ("rs3", 1), ("sorry", 0)));
            SameNotifications("end", a, b);
            string rows = string.Join("\n", ps.Run("Get-LvsHealthCheck witness | ForEach-Object { \"$($_.RealServer) $($_.State) $($_.Transitions)\" }").Select(o => o.ToString()));
            output.WriteLine(rows);
            Assert.Equal(3, rows.Split('\n').Count(l => l.Contains(" Up ")));
        }
        finally
        {
            ps.Invoke("Stop-LvsHealthCheck witness -Confirm:$false");
            output.WriteLine("keepalived log:\n" + keepalived.Log);
        }
    }
}
