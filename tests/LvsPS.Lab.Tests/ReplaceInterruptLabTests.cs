using LvsPS.Lab.Tests.Infrastructure;
using LvsPS.Native.Configuration;
using LvsPS.Native.DesiredState;
using LvsPS.Native.Ipvs;
using Xunit;

namespace LvsPS.Lab.Tests;

/// <summary>
/// Import-LvsConfiguration -Replace stopped part-way (issue 10: a kill at "Sending" once left 873 of 1,000
/// services without a real server). The kernel applies each netlink datagram whole, before sendmsg
/// returns, and a batch is one datagram, so a kill -9 or a Ctrl+C can only leave the table as it is
/// between two batches. Every such state is made here against the real kernel, the way the cmdlet
/// plans and applies (DesiredStatePlanner, PlanApplier), stopped after each batch in turn: every
/// virtual service still has a real server, and the report says exactly what the table shows.
/// </summary>
public sealed class ReplaceInterruptLabTests
{
    private const int Services = 40, RealServersEach = 4, Batch = 80;

    /// <summary>The same services; the real servers of every one are on network 10.<paramref name="net"/>.</summary>
    private static string Rules(int net) => string.Concat(Enumerable.Range(1, Services).Select(s =>
        $"-A -t 10.1.0.{s}:80 -s rr\n" + string.Concat(Enumerable.Range(1, RealServersEach).Select(r => $"-a -t 10.1.0.{s}:80 -r 10.{net}.{s}.{r}:80 -m -w 1\n"))));

    [Fact]
    public void A_replace_stopped_after_any_batch_leaves_every_service_served_and_reports_what_it_did()
    {
        string dir = Directory.CreateTempSubdirectory("lvsps-replace-").FullName;
        try
        {
            string oldFile = Path.Combine(dir, "old.rules"), newFile = Path.Combine(dir, "new.rules");
            File.WriteAllText(oldFile, Rules(2));
            File.WriteAllText(newFile, Rules(3));
            ConfigurationSource source = ConfigurationSource.Read(newFile);
            int changes = Services * RealServersEach * 2, batches = changes / Batch;

            for (int stopAfter = 1; stopAfter < batches; stopAfter++)
            {
                using var ns = new LabNamespace();
                ns.Exec("sh", "-c", $"ipvsadm -R < {oldFile}");
                using IpvsClient client = IpvsClient.Open(ns.Name);
                IpvsPlan plan = DesiredStatePlanner.Plan(IpvsSnapshot.CaptureFor(client, source.Desired), source.Desired, replace: true);
                Assert.Equal(changes, plan.Steps.Count);

                using var interrupt = new CancellationTokenSource();
                int sent = 0;
                ApplyReport report = new PlanApplier(client)
                {
                    ChunkSize = Batch,
                    Progress = _ => { if (++sent == stopAfter) interrupt.Cancel(); },
                }.Apply(plan, interrupt.Token);

                Assert.True(report.Cancelled, $"stopped after batch {stopAfter}");
                IReadOnlyList<string> rules = ns.SavedRules();
                string[] realServers = rules.Where(r => r.StartsWith("-a ", StringComparison.Ordinal)).ToArray();
                for (int s = 1; s <= Services; s++)
                    Assert.True(realServers.Any(r => r.StartsWith($"-a -t 10.1.0.{s}:80 ", StringComparison.Ordinal)),
                        $"after batch {stopAfter} of {batches}, 10.1.0.{s}:80 has no real server:\n{string.Join('\n', rules)}");
                Assert.Equal(report.Added, realServers.Count(r => r.Contains(" -r 10.3.", StringComparison.Ordinal)));
                Assert.Equal(Services * RealServersEach - report.Removed, realServers.Count(r => r.Contains(" -r 10.2.", StringComparison.Ordinal)));
                Assert.Equal(stopAfter * Batch, report.Added + report.Removed);
                Assert.Equal(changes - stopAfter * Batch, report.NotApplied);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
