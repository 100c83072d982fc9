using LvsPS.Lab.Tests.Infrastructure;
using LvsPS.Native.Configuration.Director;
using LvsPS.Native.Ipvs;
using Xunit;

namespace LvsPS.Lab.Tests;

/// <summary>
/// A reload repairs what was changed by hand with ipvsadm (issue 13), against the real kernel: a service deleted and a
/// scheduler edited in services the file did not change are put back and reported, while the one the file changed is
/// edited; the reload reads the file while the kernel's services are dumped, as Update-LvsDirector does. ipvsadm -Sn is
/// the witness.
/// </summary>
public sealed class ReloadRepairLabTests : IDisposable
{
    private readonly LabNamespace _ns = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("lvsps-repair-lab-").FullName;

    public void Dispose()
    {
        _ns.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static string Conf(uint weight) => string.Concat(Enumerable.Range(1, 3).Select(i => $$"""
        virtual_server 10.60.0.{{i}} 80 {
          protocol TCP
          lb_algo wrr
          lb_kind DR
          real_server 192.168.60.1 80 {
            weight {{(i == 3 ? weight : 1)}}
          }
          real_server 192.168.60.2 80 {
            weight 1
          }
        }

        """));

    private static string[] Rules(uint weight) => [.. Enumerable.Range(1, 3).SelectMany(i => new[]
    {
        $"-A -t 10.60.0.{i}:80 -s wrr",
        $"-a -t 10.60.0.{i}:80 -r 192.168.60.1:80 -g -w {(i == 3 ? weight : 1)}",
        $"-a -t 10.60.0.{i}:80 -r 192.168.60.2:80 -g -w 1",
    }).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task HandEdits_AreRepaired_ByAReloadThatReadsTheFileWhileTheKernelIsDumped()
    {
        string conf = Path.Combine(_dir, "keepalived.conf");
        File.WriteAllText(conf, Conf(weight: 1));
        RunningDirector director = RunningDirector.Start(KeepalivedFile.Read(conf), new DirectorRunOptions
        {
            Name = "repair",
            NetworkNamespace = _ns.Name,
            OpenIpvs = ns => IpvsClient.Open(ns),
        });
        try
        {
            Assert.Equal(Rules(weight: 1), _ns.SavedRules());
            _ns.Ipvsadm("-D", "-t", "10.60.0.1:80");
            _ns.Ipvsadm("-E", "-t", "10.60.0.2:80", "-s", "lc");
            Assert.Contains("-A -t 10.60.0.2:80 -s lc", _ns.SavedRules());

            File.WriteAllText(conf, Conf(weight: 5));
            DirectorReloadResult? result = director.Reload(() => KeepalivedFile.Read(conf), _ => true);

            Assert.NotNull(result);
            Assert.Empty(result.Errors);
            Assert.Equal(2, result.Plan.Repairs.Count);
            Assert.Contains(result.Plan.Repairs, r => r.StartsWith("service tcp/10.60.0.1:80 was removed outside the director", StringComparison.Ordinal));
            Assert.Contains(result.Plan.Repairs, r => r.StartsWith("service tcp/10.60.0.2:80 was changed outside the director (scheduler lc)", StringComparison.Ordinal));
            Assert.Equal(["[10.60.0.3]:tcp:80"], result.Plan.RestartedChecks);
            Assert.Equal(Rules(weight: 5), _ns.SavedRules());
        }
        finally
        {
            await director.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        Assert.Empty(_ns.SavedRules());
    }
}
