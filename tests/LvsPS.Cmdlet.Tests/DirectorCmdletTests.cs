using System.Net;
using System.Net.Sockets;
using LvsPS.Testing;
using Xunit;

namespace LvsPS.Cmdlet.Tests;

/// <summary>
/// Start-/Get-/Stop-LvsDirector against the in-memory IPVS: the start table, the health engine
/// acting on it (a real closed port), stop cleaning as keepalived does, and files or settings that
/// cannot run changing nothing.
/// </summary>
[Collection(HealthWorkersCollection.Name)]
public sealed class DirectorCmdletTests(SessionFixture fixture) : IClassFixture<SessionFixture>, IDisposable
{
    private readonly PowerShellSession _ps = fixture.Session;
    private readonly InMemoryIpvsSwitch _ipvs = new(fixture.Session);
    private readonly string _dir = Directory.CreateTempSubdirectory("lvsps-director-cmdlet-").FullName;

    public void Dispose()
    {
        _ps.Invoke("Get-LvsDirector | Stop-LvsDirector");
        _ipvs.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private string Write(string text)
    {
        string path = Path.Combine(_dir, "lb.conf");
        File.WriteAllText(path, text);
        return path;
    }

    private const string Simple = """
        virtual_server 10.0.0.3 80 {
          protocol TCP
          lb_algo wrr
          lb_kind NAT
          real_server 10.0.0.7 80 {
            weight 3
          }
          real_server 10.0.0.8 80 {
            weight 1
          }
        }
        """;

    private static readonly string[] SimpleRules =
    [
        "-A -t 10.0.0.3:80 -s wrr",
        "-a -t 10.0.0.3:80 -r 10.0.0.7:80 -m -w 3",
        "-a -t 10.0.0.3:80 -r 10.0.0.8:80 -m -w 1",
    ];

    [Fact]
    public void Start_BuildsTheTable_Stop_RemovesOnlyItsServices()
    {
        _ps.Invoke("New-LvsVirtualService -Protocol UDP -Address 10.9.9.9 -Port 53");
        string file = Write(Simple);
        PowerShellSession.Result r = _ps.Invoke("$d = Start-LvsDirector $args[0] -NoHostCheck; $d.Name; (Get-LvsDirector).Name", file);
        Assert.Empty(r.AllErrors);
        Assert.Equal(new[] { "lb", "lb" }, r.Output.Select(o => o.ToString()));
        Assert.Equal(SimpleRules.Append("-A -u 10.9.9.9:53 -s wlc").Order(StringComparer.Ordinal), _ipvs.Rules().Order(StringComparer.Ordinal));

        r = _ps.Invoke("Stop-LvsDirector lb; @(Get-LvsDirector).Count");
        Assert.Empty(r.AllErrors);
        Assert.Equal("0", r.Output.Single().ToString());
        Assert.Equal(new[] { "-A -u 10.9.9.9:53 -s wlc" }, _ipvs.Rules());
    }

    [Fact]
    public void LvsFlush_AtStartAndStop()
    {
        _ps.Invoke("New-LvsVirtualService -Protocol UDP -Address 10.9.9.9 -Port 53");
        string file = Write("global_defs {\n  lvs_flush\n  lvs_flush_on_stop\n}\n" + Simple);
        PowerShellSession.Result r = _ps.Invoke("$null = Start-LvsDirector $args[0] -NoHostCheck -Name f", file);
        Assert.Empty(r.AllErrors);
        Assert.Equal(SimpleRules, _ipvs.Rules().Order(StringComparer.Ordinal));
        _ps.Invoke("New-LvsVirtualService -Protocol UDP -Address 10.9.9.9 -Port 53");
        r = _ps.Invoke("Stop-LvsDirector f");
        Assert.Empty(r.AllErrors);
        Assert.Empty(_ipvs.Rules());
    }

    [Fact]
    public void HealthEngine_TakesAFailingRealServerOut()
    {
        // Both real servers listen at start, so the start table holds both whenever it is read (the first
        // check runs 1 s after the start: under load the read came after it); then one stops listening.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int open = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var failing = new TcpListener(IPAddress.Loopback, 0);
        failing.Start();
        int closed = ((IPEndPoint)failing.LocalEndpoint).Port;
        string file = Write($$"""
            virtual_server 10.0.0.3 80 {
              protocol TCP
              lb_algo wrr
              lb_kind NAT
              delay_loop 1
              real_server 127.0.0.1 {{open}} {
                weight 2
                TCP_CHECK {
                  connect_timeout 1
                  warmup 0
                }
              }
              real_server 127.0.0.1 {{closed}} {
                weight 2
                TCP_CHECK {
                  connect_timeout 1
                  warmup 0
                }
              }
            }
            """);
        PowerShellSession.Result r = _ps.Invoke("$null = Start-LvsDirector $args[0] -NoHostCheck -Name h", file);
        Assert.Empty(r.AllErrors);
        Assert.Equal(new[] { "-A -t 10.0.0.3:80 -s wrr", $"-a -t 10.0.0.3:80 -r 127.0.0.1:{open} -m -w 2", $"-a -t 10.0.0.3:80 -r 127.0.0.1:{closed} -m -w 2" }.Order(StringComparer.Ordinal),
            _ipvs.Rules().Order(StringComparer.Ordinal));
        failing.Stop();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline && _ipvs.Rules().Any(l => l.Contains($":{closed} ")))
            Thread.Sleep(100);
        Assert.Equal(new[] { "-A -t 10.0.0.3:80 -s wrr", $"-a -t 10.0.0.3:80 -r 127.0.0.1:{open} -m -w 2" }, _ipvs.Rules());
        r = _ps.Invoke("(Get-LvsHealthCheck -Name 'h/*').Count");
        Assert.Equal("2", r.Output.Single().ToString());
    }

    [Fact]
    public void WhatIf_AndBrokenFiles_ChangeNothing()
    {
        string file = Write(Simple);
        PowerShellSession.Result r = _ps.Invoke("Start-LvsDirector $args[0] -NoHostCheck -WhatIf", file);
        Assert.Empty(r.AllErrors);
        Assert.Contains("1 IPVS service(s) with 2 real server(s)", r.HostText);
        Assert.Empty(_ipvs.Rules());

        file = Write(Simple + "\nvirtual_server 10.0.0.4 80 {\n");
        r = _ps.Invoke("Start-LvsDirector $args[0] -NoHostCheck", file);
        Assert.Contains(r.AllErrors, e => e.FullyQualifiedErrorId.StartsWith("DirectorNotStarted", StringComparison.Ordinal));
        Assert.Empty(_ipvs.Rules());

        // A VRRP instance on an interface that does not exist: refused before IPVS is touched.
        file = Write(Simple + "\nvrrp_instance V {\n  interface nosuch0\n  virtual_router_id 5\n  virtual_ipaddress {\n    10.0.0.3\n  }\n}\n");
        r = _ps.Invoke("Start-LvsDirector $args[0] -NoHostCheck", file);
        Assert.NotEmpty(r.AllErrors);
        Assert.Empty(_ipvs.Rules());
        Assert.Equal("0", _ps.Invoke("@(Get-LvsDirector).Count").Output.Single().ToString());

        // static_ipaddress: -WhatIf names them; one on an interface that does not exist is refused like a VRRP interface.
        file = Write(Simple + "\nstatic_ipaddress {\n  10.0.0.3/24 dev lo\n  10.0.0.5/24 dev nosuch0\n}\n");
        r = _ps.Invoke("Start-LvsDirector $args[0] -NoHostCheck -WhatIf", file);
        Assert.Contains("static address(es) 10.0.0.3/24 dev lo, 10.0.0.5/24 dev nosuch0 added", r.HostText);
        r = _ps.Invoke("Start-LvsDirector $args[0] -NoHostCheck", file);
        Assert.Contains(r.AllErrors, e => e.FullyQualifiedErrorId.StartsWith("InterfaceNotFound", StringComparison.Ordinal)
            && e.Exception.Message.Contains("lb.conf:14: static_ipaddress 10.0.0.5/24 dev nosuch0", StringComparison.Ordinal));
        Assert.Empty(_ipvs.Rules());
        Assert.Equal("0", _ps.Invoke("@(Get-LvsDirector).Count").Output.Single().ToString());
    }

    private const string Two = """
        virtual_server 10.0.0.3 80 {
          protocol TCP
          lb_algo wrr
          lb_kind NAT
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
          lb_kind NAT
          real_server 10.0.0.9 80 {
            weight 1
            MISC_CHECK {
              misc_path /bin/true
            }
          }
        }
        """;

    [Fact]
    public void Reload_SendsOnlyTheDifference_KeepsUnchangedChecks_AndDrainsRemovedRealServers()
    {
        string file = Write(Two);
        PowerShellSession.Result r = _ps.Invoke("$null = Start-LvsDirector $args[0] -NoHostCheck; $global:kept = (Get-LvsDirector lb).HealthEngines | Where-Object Name -eq 'lb/[10.0.0.4]:tcp:80'; $global:kept.Name", file);
        Assert.Empty(r.AllErrors);
        Assert.Equal("lb/[10.0.0.4]:tcp:80", r.Output.Single().ToString());
        // 10.0.0.8 has a long-lived connection: it must stay at weight 0 until the connection ends.
        _ps.Invoke("$LvsInMemoryIpvs.get_Item('').SetConnections([LvsPS.Native.Ipvs.VirtualServiceKey]::Parse('tcp/10.0.0.3:80'), [ipaddress]'10.0.0.8', 80, 1)");
        File.WriteAllText(file, Two.Replace("lb_algo wrr", "lb_algo sh").Replace("real_server 10.0.0.8 80 {\n    weight 1\n  }\n", "").Replace("weight 3", "weight 5")
            .Replace("real_server 10.0.0.7 80 {", "real_server 10.0.0.10 80 {\n    weight 2\n  }\n  real_server 10.0.0.7 80 {"));

        r = _ps.Invoke("Update-LvsDirector $args[0] -NoHostCheck -WhatIf", file);
        Assert.Empty(r.AllErrors);
        Assert.Contains("drain tcp/10.0.0.3:80 -> 10.0.0.8:80 (weight 0)", r.HostText);
        Assert.Contains("keep 1 virtual server(s)", r.HostText);
        Assert.Contains("-a -t 10.0.0.3:80 -r 10.0.0.8:80 -m -w 1", _ipvs.Rules()); // -WhatIf changed nothing

        r = _ps.Invoke("$res = Update-LvsDirector $args[0] -NoHostCheck; $res.Plan.Changes.Count; $res.Plan.RestartedChecks; [object]::ReferenceEquals($global:kept, ((Get-LvsDirector lb).HealthEngines | Where-Object Name -eq 'lb/[10.0.0.4]:tcp:80'))", file);
        Assert.Empty(r.AllErrors);
        // Update the service, add 10.0.0.10, set 10.0.0.7's weight, 10.0.0.8 to weight 0: four requests, nothing for 10.0.0.4.
        Assert.Equal(new[] { "4", "[10.0.0.3]:tcp:80", "True" }, r.Output.Select(o => o.ToString()));
        Thread.Sleep(2500);
        Assert.Equal(new[]
        {
            "-A -t 10.0.0.3:80 -s sh",
            "-a -t 10.0.0.3:80 -r 10.0.0.7:80 -m -w 5",
            "-a -t 10.0.0.3:80 -r 10.0.0.8:80 -m -w 0",
            "-a -t 10.0.0.3:80 -r 10.0.0.10:80 -m -w 2",
            "-A -t 10.0.0.4:80 -s rr",
            "-a -t 10.0.0.4:80 -r 10.0.0.9:80 -m -w 1",
        }, _ipvs.Rules());
        _ps.Invoke("$LvsInMemoryIpvs.get_Item('').SetConnections([LvsPS.Native.Ipvs.VirtualServiceKey]::Parse('tcp/10.0.0.3:80'), [ipaddress]'10.0.0.8', 80, 0)");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline && _ipvs.Rules().Any(l => l.Contains("10.0.0.8")))
            Thread.Sleep(100);
        Assert.DoesNotContain(_ipvs.Rules(), l => l.Contains("10.0.0.8"));
        Assert.Equal("0", _ps.Invoke("(Get-LvsDirector lb).PendingDrains.Count").Output.Single().ToString());
    }

    [Fact]
    public void Reload_RepairsHandEdits_AndABrokenFileChangesNothing()
    {
        string file = Write(Two);
        Assert.Empty(_ps.Invoke("$null = Start-LvsDirector $args[0] -NoHostCheck", file).AllErrors);
        string[] before = _ipvs.Rules().ToArray();
        _ps.Invoke("Remove-LvsVirtualService tcp/10.0.0.4:80 -Confirm:$false; Set-LvsVirtualService tcp/10.0.0.3:80 -Scheduler lc");

        PowerShellSession.Result r = _ps.Invoke("Update-LvsDirector $args[0] -NoHostCheck 3>&1 | ForEach-Object { \"$_\" }", file);
        Assert.Empty(r.AllErrors);
        Assert.Contains(r.Output, o => o.ToString()!.Contains("repaired: service tcp/10.0.0.4:80 was removed outside the director"));
        Assert.Contains(r.Output, o => o.ToString()!.Contains("repaired: service tcp/10.0.0.3:80 was changed outside the director (scheduler lc)"));
        Assert.Equal(before, _ipvs.Rules());

        File.WriteAllText(file, Two.Replace("lb_algo rr", "lb_algo sh") + "\nvirtual_server 10.0.0.5 80 {\n");
        r = _ps.Invoke("Update-LvsDirector $args[0] -NoHostCheck", file);
        Assert.Contains(r.AllErrors, e => e.FullyQualifiedErrorId.StartsWith("DirectorNotStarted", StringComparison.Ordinal));
        Assert.Equal(before, _ipvs.Rules());
    }
}
