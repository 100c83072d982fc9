using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LvsPS.Lab.Tests.Infrastructure;
using LvsPS.Native.Configuration.Director;
using LvsPS.Native.Configuration.Keepalived;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Namespaces;
using Xunit;

namespace LvsPS.Lab.Tests;

/// <summary>
/// One keepalived.conf run by keepalived 2.2.7 (checker process) and by LvsPS's director in twin
/// namespaces, with the same real servers (TCP listeners on loopback addresses inside each
/// namespace): ipvsadm -Sn must be the same after start, after a fault (two listeners closed: one
/// real server removed, one inhibited at weight 0), after the heal, and after stop (both clean up).
/// </summary>
public sealed class DirectorLabTests : IDisposable
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(120);
    private readonly LabNamespace _keepalived = new();
    private readonly LabNamespace _lvsps = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("lvsps-director-lab-").FullName;
    private readonly Dictionary<(string Ns, int Last), TcpListener> _listeners = new();

    public void Dispose()
    {
        foreach (TcpListener l in _listeners.Values)
            l.Stop();
        _keepalived.Dispose();
        _lvsps.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private const string Conf = """
        global_defs {
          router_id lab
        }
        virtual_server 10.0.0.3 80 {
          protocol TCP
          lb_algo wrr
          lb_kind NAT
          delay_loop 2
          real_server 127.0.0.2 8080 {
            weight 2
            TCP_CHECK {
              connect_timeout 1
            }
          }
          real_server 127.0.0.3 8080 {
            weight 3
            TCP_CHECK {
              connect_timeout 1
            }
          }
          real_server 127.0.0.4 8080 {
            weight 4
            inhibit_on_failure
            TCP_CHECK {
              connect_timeout 1
            }
          }
        }
        virtual_server 10.0.0.3 53 {
          protocol UDP
          lb_algo rr
          lb_kind NAT
          real_server 127.0.0.5 53 {
            weight 1
          }
        }
        """;

    [Fact]
    public async Task SameTableAsKeepalived_AtStart_AfterAFault_AfterTheHeal_AndAfterStop()
    {
        Assert.True(LvsPS.Testing.Sh.Has("keepalived"), "keepalived must be installed on the host (the VM shares its root)");
        string conf = Path.Combine(_dir, "keepalived.conf");
        File.WriteAllText(conf, Conf);
        foreach (LabNamespace ns in new[] { _keepalived, _lvsps })
            foreach (int last in new[] { 2, 3, 4 })
                Listen(ns.Name, last);

        RunningDirector director = RunningDirector.Start(KeepalivedFile.Read(conf), new DirectorRunOptions
        {
            Name = "lab",
            NetworkNamespace = _lvsps.Name,
            OpenIpvs = ns => IpvsClient.Open(ns),
        });
        using KeepalivedDaemon keepalived = new KeepalivedDaemon(_keepalived.Name, conf, _dir, checkerOnly: true).Start();
        try
        {
            string[] all =
            [
                "-A -t 10.0.0.3:80 -s wrr",
                "-A -u 10.0.0.3:53 -s rr",
                "-a -t 10.0.0.3:80 -r 127.0.0.2:8080 -m -w 2",
                "-a -t 10.0.0.3:80 -r 127.0.0.3:8080 -m -w 3",
                "-a -t 10.0.0.3:80 -r 127.0.0.4:8080 -m -w 4",
                "-a -u 10.0.0.3:53 -r 127.0.0.5:53 -m -w 1",
            ];
            BothReach("start", all.Order(StringComparer.Ordinal).ToArray(), keepalived);

            foreach (LabNamespace ns in new[] { _keepalived, _lvsps })
                foreach (int last in new[] { 3, 4 })
                    if (_listeners.Remove((ns.Name, last), out TcpListener? closed))
                        closed.Stop();
            string[] fault = all.Where(l => !l.Contains("127.0.0.3")).Select(l => l.Replace("127.0.0.4:8080 -m -w 4", "127.0.0.4:8080 -m -w 0")).ToArray();
            BothReach("fault", fault.Order(StringComparer.Ordinal).ToArray(), keepalived);

            foreach (LabNamespace ns in new[] { _keepalived, _lvsps })
                foreach (int last in new[] { 3, 4 })
                    Listen(ns.Name, last);
            BothReach("heal", all.Order(StringComparer.Ordinal).ToArray(), keepalived);

            await director.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
            keepalived.Stop();
            Assert.Empty(_lvsps.SavedRules());
            Assert.Equal(_keepalived.SavedRules(), _lvsps.SavedRules());
        }
        finally
        {
            await director.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>Edits of the file, each reloaded by both (keepalived: SIGHUP; LvsPS: Reload).</summary>
    private static string Edited(int step)
    {
        string web = step switch
        {
            0 => Rs(2, 2) + Rs(3, 3),
            1 => Rs(2, 5) + Rs(3, 3) + Rs(6, 1),
            _ => Rs(2, 5) + Rs(6, 1),
        };
        string scheduler = step >= 2 ? "rr" : "wrr";
        string dns = step >= 3 ? "" : """
            virtual_server 10.0.0.3 53 {
              protocol UDP
              lb_algo rr
              lb_kind NAT
              real_server 127.0.0.5 53 {
                weight 1
              }
            }
            """;
        string tls = step >= 3 ? "virtual_server 10.0.0.3 443 {\n  protocol TCP\n  lb_algo sh\n  lb_kind NAT\n  delay_loop 2\n" + Rs(2, 7) + "}\n" : "";
        return $"virtual_server 10.0.0.3 80 {{\n  protocol TCP\n  lb_algo {scheduler}\n  lb_kind NAT\n  delay_loop 2\n{web}}}\n{dns}\n{tls}";

        static string Rs(int last, int weight)
            => $"  real_server 127.0.0.{last} 8080 {{\n    weight {weight}\n    TCP_CHECK {{\n      connect_timeout 1\n    }}\n  }}\n";
    }

    private static readonly string[][] AfterEdit =
    [
        ["-A -t 10.0.0.3:80 -s wrr", "-A -u 10.0.0.3:53 -s rr", "-a -t 10.0.0.3:80 -r 127.0.0.2:8080 -m -w 2", "-a -t 10.0.0.3:80 -r 127.0.0.3:8080 -m -w 3", "-a -u 10.0.0.3:53 -r 127.0.0.5:53 -m -w 1"],
        ["-A -t 10.0.0.3:80 -s wrr", "-A -u 10.0.0.3:53 -s rr", "-a -t 10.0.0.3:80 -r 127.0.0.2:8080 -m -w 5", "-a -t 10.0.0.3:80 -r 127.0.0.3:8080 -m -w 3", "-a -t 10.0.0.3:80 -r 127.0.0.6:8080 -m -w 1", "-a -u 10.0.0.3:53 -r 127.0.0.5:53 -m -w 1"],
        ["-A -t 10.0.0.3:80 -s rr", "-A -u 10.0.0.3:53 -s rr", "-a -t 10.0.0.3:80 -r 127.0.0.2:8080 -m -w 5", "-a -t 10.0.0.3:80 -r 127.0.0.6:8080 -m -w 1", "-a -u 10.0.0.3:53 -r 127.0.0.5:53 -m -w 1"],
        ["-A -t 10.0.0.3:443 -s sh", "-A -t 10.0.0.3:80 -s rr", "-a -t 10.0.0.3:443 -r 127.0.0.2:8080 -m -w 7", "-a -t 10.0.0.3:80 -r 127.0.0.2:8080 -m -w 5", "-a -t 10.0.0.3:80 -r 127.0.0.6:8080 -m -w 1"],
    ];

    [Fact]
    public async Task SameTableAsKeepalived_AfterEachEditAndReload()
    {
        Assert.True(LvsPS.Testing.Sh.Has("keepalived"), "keepalived must be installed on the host (the VM shares its root)");
        string conf = Path.Combine(_dir, "keepalived.conf");
        File.WriteAllText(conf, Edited(0));
        foreach (LabNamespace ns in new[] { _keepalived, _lvsps })
            foreach (int last in new[] { 2, 3, 6 })
                Listen(ns.Name, last);
        RunningDirector director = RunningDirector.Start(KeepalivedFile.Read(conf), new DirectorRunOptions
        {
            Name = "lab",
            NetworkNamespace = _lvsps.Name,
            OpenIpvs = ns => IpvsClient.Open(ns),
            DrainTimeout = TimeSpan.FromSeconds(30),
        });
        using KeepalivedDaemon keepalived = new KeepalivedDaemon(_keepalived.Name, conf, _dir, checkerOnly: true).Start();
        try
        {
            BothReach("start", AfterEdit[0].Order(StringComparer.Ordinal).ToArray(), keepalived);
            for (int step = 1; step < AfterEdit.Length; step++)
            {
                File.WriteAllText(conf, Edited(step));
                DirectorReloadResult result = director.Reload(KeepalivedFile.Read(conf));
                Assert.Empty(result.Errors);
                keepalived.Reload();
                BothReach($"edit {step}", AfterEdit[step].Order(StringComparer.Ordinal).ToArray(), keepalived);
            }
        }
        finally
        {
            await director.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>Both tables reach <paramref name="expected"/> (each at its own pace: the checks' timers are independent).</summary>
    private void BothReach(string stage, string[] expected, KeepalivedDaemon keepalived)
    {
        var watch = Stopwatch.StartNew();
        IReadOnlyList<string> theirs = [], ours = [];
        while (watch.Elapsed < Settle && !keepalived.HasExited)
        {
            theirs = _keepalived.SavedRules();
            ours = _lvsps.SavedRules();
            if (theirs.SequenceEqual(expected) && ours.SequenceEqual(expected))
                return;
            Thread.Sleep(100);
        }
        Assert.Fail($"{stage}: after {watch.Elapsed.TotalSeconds:0.#} s\nexpected:\n{string.Join('\n', expected)}\nkeepalived (ipvsadm -Sn):\n{string.Join('\n', theirs)}\n"
            + $"LvsPS (ipvsadm -Sn):\n{string.Join('\n', ours)}\nkeepalived's log:\n{keepalived.Log}");
    }

    private void Listen(string ns, int last)
    {
        TcpListener listener = NetworkNamespace.Run(ns, () =>
        {
            var l = new TcpListener(IPAddress.Parse($"127.0.0.{last}"), 8080);
            l.Start();
            return l;
        });
        _listeners[(ns, last)] = listener;
    }
}
