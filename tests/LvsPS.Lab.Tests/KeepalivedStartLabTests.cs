using System.Diagnostics;
using LvsPS.Lab.Tests.Infrastructure;
using LvsPS.Native.Configuration.Director;
using LvsPS.Native.Configuration.Keepalived;
using LvsPS.Native.Ipvs;
using Xunit;

namespace LvsPS.Lab.Tests;

/// <summary>
/// The same keepalived.conf started by keepalived 2.2.7 (checker process only, its own namespace)
/// and read by LvsPS (its start table applied in a twin namespace): ipvsadm -Sn must be the same.
/// keepalived puts every real server in before its first check (at least a second after start),
/// so its table is read as soon as it holds as many rules as LvsPS's; under emulation on a loaded
/// machine keepalived may need tens of seconds to get there.
/// </summary>
public sealed class KeepalivedStartLabTests : IDisposable
{
    private readonly LabNamespace _keepalived = new();
    private readonly LabNamespace _lvsps = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("lvsps-kconf-lab-").FullName;

    public void Dispose()
    {
        _keepalived.Dispose();
        _lvsps.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>Every rule of the start table that keepalived's defaults and normalisations decide.</summary>
    private const string Rich = """
        global_defs {
          router_id lab
        }
        virtual_server_group G {
          10.0.1.1-3 80
          fwmark 9
        }
        virtual_server group G {
          protocol TCP
          lb_algo rr
          lb_kind DR
          real_server 10.0.1.10 80 {
            weight 2
          }
        }
        virtual_server 10.0.0.3 80 {
          protocol TCP
          lb_algo sh
          sh-port
          sh-fallback
          lb_kind DR
          persistence_timeout
          persistence_granularity 255.255.255.0
          real_server 10.0.0.7 8080 {
            weight 3
          }
          real_server 10.0.0.8 {
            weight 0
            uthreshold 100
            lthreshold 10
          }
        }
        virtual_server 10.0.0.3 53 {
          lb_algo wlc
          ops
          lb_kind NAT
          real_server 10.0.0.9 5353 {
          }
        }
        virtual_server fwmark 5 {
          lb_algo rr
          lb_kind TUN type gue port 6080 csum
          real_server 10.0.0.11 {
            weight 1
          }
        }
        virtual_server 10.0.0.4 {
          protocol TCP
          lb_algo rr
          lb_kind DR
          real_server 10.0.0.12 {
          }
        }
        virtual_server 10.0.0.5 80 {
          protocol TCP
          lb_algo wrr
          lb_kind NAT
          alpha
          inhibit_on_failure
          sorry_server 10.0.0.15 80
          sorry_server_inhibit
          real_server 10.0.0.13 80 {
            weight 2
          }
          real_server 10.0.0.14 80 {
            weight 2
            alpha off
          }
          real_server 10.0.0.16 80 {
            weight 4
            TCP_CHECK {
              connect_timeout 1
            }
          }
        }
        virtual_server 2001:db8::1 80 {
          protocol TCP
          lb_algo rr
          lb_kind NAT
          real_server 2001:db8::7 80 {
            weight 5
          }
        }
        """;

    public static TheoryData<string> Configurations() => new() { "002-master.conf", "002-backup.conf", "003-master.conf", "rich" };

    [Theory]
    [MemberData(nameof(Configurations))]
    public void StartTable_IsTheOneKeepalivedBuilds(string name)
    {
        Assert.True(LvsPS.Testing.Sh.Has("keepalived"), "keepalived must be installed on the host (the VM shares its root)");
        string conf = Path.Combine(_dir, name == "rich" ? "rich.conf" : name);
        if (name == "rich")
            File.WriteAllText(conf, Rich);
        else
            File.Copy(Path.Combine(AppContext.BaseDirectory, "Seeds", name), conf);

        KeepalivedReadResult read = KeepalivedConfigurationReader.ReadFile(conf, new KeepalivedReadOptions { ConfigId = "lab" });
        Assert.False(read.HasErrors, string.Join('\n', read.Errors));
        IReadOnlyList<VirtualService> table = DirectorIpvsTable.Initial(read.Configuration);
        using (IpvsClient client = IpvsClient.Open(_lvsps.Name))
            foreach (VirtualService s in table)
            {
                client.AddVirtualService(s with { RealServers = [] });
                foreach (RealServer r in s.RealServers)
                    client.AddRealServer(r);
            }
        IReadOnlyList<string> ours = _lvsps.SavedRules();

        using Process keepalived = StartKeepalived(conf);
        try
        {
            IReadOnlyList<string> theirs = [];
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < TimeSpan.FromSeconds(180) && !keepalived.HasExited)
            {
                theirs = _keepalived.SavedRules();
                if (theirs.Count >= ours.Count && ours.Count > 0 || ours.Count == 0 && watch.Elapsed > TimeSpan.FromSeconds(3))
                    break;
                Thread.Sleep(20);
            }
            Assert.True(theirs.SequenceEqual(ours),
                $"keepalived (ipvsadm -Sn):\n{string.Join('\n', theirs)}\nLvsPS (ipvsadm -Sn):\n{string.Join('\n', ours)}\nkeepalived's log:\n{Log()}");
        }
        finally
        {
            if (!keepalived.HasExited)
                keepalived.Kill(entireProcessTree: true);
            keepalived.WaitForExit(5000);
        }
    }

    private Process StartKeepalived(string conf)
    {
        var info = new ProcessStartInfo("sh") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add($"exec setsid ip netns exec {_keepalived.Name} keepalived -C -n -l -D -f {conf} -p {_dir}/k.pid -c {_dir}/c.pid -r {_dir}/v.pid > {_dir}/log 2>&1");
        return Process.Start(info)!;
    }

    private string Log() => File.Exists(Path.Combine(_dir, "log")) ? File.ReadAllText(Path.Combine(_dir, "log")) : "";
}
