using System.Net;
using LvsPS.Native.Configuration.Director;
using LvsPS.Native.Configuration.Keepalived;
using LvsPS.Native.Health;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Runtime;
using LvsPS.Native.Vrrp;
using Xunit;

namespace LvsPS.Tests.Configuration.Keepalived;

/// <summary>What a director runs from a file: the health core's model and the VRRP speaker's options.</summary>
public sealed class DirectorRunMappingTests
{
    private static DirectorConfiguration Read(string text)
    {
        KeepalivedReadResult r = KeepalivedConfigurationReader.Parse(text, "t.conf", Path.GetTempPath(), new KeepalivedReadOptions());
        Assert.False(r.HasErrors, string.Join('\n', r.Diagnostics));
        return r.Configuration;
    }

    [Fact]
    public void Checkers_CarryKeepalivedsEffectiveTiming_AndEveryOption()
    {
        DirectorConfiguration c = Read("""
            track_file F {
              file /run/f
              weight 5
            }
            virtual_server 10.0.0.3 80 {
              protocol TCP
              delay_loop 7
              quorum 3
              hysteresis 1
              sorry_server 10.0.0.99 80
              real_server 10.0.0.7 80 {
                weight 4
                inhibit_on_failure
                notify_down "/bin/echo down"
                HTTP_GET {
                  url {
                    path /health
                    status_code 200-204
                  }
                  connect_port 8080
                  retry 2
                }
                MISC_CHECK {
                  misc_path "/bin/true x"
                  misc_dynamic
                }
                FILE_CHECK {
                  track_file F
                }
                DNS_CHECK {
                  type A
                  name example.org
                }
              }
            }
            """);
        HealthCheckedService s = Assert.Single(DirectorHealthChecks.Services(c));
        Assert.Equal(VirtualServiceKey.ForAddress(IpvsProtocol.Tcp, IPAddress.Parse("10.0.0.3"), 80), s.Service);
        Assert.Equal((3u, 1u), (s.Quorum, s.Hysteresis));
        Assert.Equal(1u, s.SorryServer!.Weight);
        HealthCheckedRealServer rs = Assert.Single(s.RealServers);
        Assert.Equal(4u, rs.RealServer.Weight);
        Assert.True(rs.InhibitOnFailure);
        Assert.Equal("/bin/echo down", rs.NotifyDown!.Text);

        var http = Assert.IsType<HttpHealthCheck>(rs.Checks[0]);
        Assert.Equal((ushort?)8080, http.Connection.ConnectPort);
        Assert.Equal(new HttpStatusRange(200, 204), Assert.Single(Assert.Single(http.Urls).StatusCodes));
        Assert.Equal(2, http.Timing.Retry);
        Assert.Equal(TimeSpan.FromSeconds(3), http.Timing.DelayBeforeRetry); // HTTP's own default
        Assert.Equal(TimeSpan.FromSeconds(7), http.Timing.Interval);

        var misc = Assert.IsType<ScriptHealthCheck>(rs.Checks[1]);
        Assert.Equal("/bin/true x", misc.Command.Text);
        Assert.True(misc.Dynamic);
        Assert.Equal(TimeSpan.FromSeconds(7), misc.Timeout); // misc_timeout defaults to the delay loop
        Assert.Equal(0, misc.Timing.Retry);

        var file = Assert.IsType<FileHealthCheck>(rs.Checks[2]);
        Assert.Equal(("/run/f", 5), (file.Path, file.Weight));

        var dns = Assert.IsType<DnsHealthCheck>(rs.Checks[3]);
        Assert.Equal((DnsRecordType.A, "example.org", 3), (dns.RecordType, dns.Name, dns.Timing.Retry));
        HealthCheckValidation.Validate(s);
    }

    [Fact]
    public void GroupEntries_EachGetAService_WithTheirOwnRealServerKeys()
    {
        DirectorConfiguration c = Read("""
            virtual_server_group G {
              10.0.1.1-2 80
              fwmark 9
            }
            virtual_server group G {
              protocol TCP
              lb_kind DR
              real_server 10.0.1.10 80 {
                TCP_CHECK {
                }
              }
            }
            """);
        IReadOnlyList<HealthCheckedService> services = DirectorHealthChecks.Services(c);
        Assert.Equal(new[] { "tcp/10.0.1.1:80", "tcp/10.0.1.2:80", "fwmark/9" }, services.Select(s => s.Service.ToString()));
        Assert.All(services, s => Assert.Equal(s.Service, Assert.Single(s.RealServers).RealServer.VirtualService));
        Assert.Equal(0, services[2].RealServers[0].RealServer.Port);
    }

    [Fact]
    public void BfdCheck_IsLeftOut_WithANote()
    {
        DirectorConfiguration c = Read("virtual_server 10.0.0.3 80 {\n protocol TCP\n real_server 10.0.0.7 80 {\n  BFD_CHECK {\n   name b1\n  }\n }\n}\n");
        var notes = new List<string>();
        HealthCheckedService s = Assert.Single(DirectorHealthChecks.Services(c, notes));
        Assert.Empty(s.RealServers[0].Checks);
        Assert.Contains(notes, n => n.Contains("BFD_CHECK is not run by LvsPS") && n.Contains("t.conf:"));
    }

    private const string Vrrp = """
        global_defs {
          lvs_sync_daemon eth1 VI_1 id 7
        }
        vrrp_script chk {
          script "/bin/true"
          interval 2
          weight -20
          fall 3
        }
        vrrp_sync_group SG {
          group {
            VI_1
          }
        }
        vrrp_instance VI_1 {
          state MASTER
          interface eth0
          virtual_router_id 51
          priority 150
          advert_int 1
          authentication {
            auth_type PASS
            auth_pass secret
          }
          virtual_ipaddress {
            10.0.0.3/24
            10.0.0.4
          }
          track_script {
            chk
          }
          track_interface {
            eth2 weight -10
          }
          notify_master "/bin/echo master"
        }
        vrrp_instance VI_2 {
          interface eth0
          virtual_router_id 52
          nopreempt
          virtual_ipaddress {
            10.0.0.5
          }
          virtual_ipaddress_excluded {
            10.0.1.5/24
            2001:db8::5/64
          }
          track_script {
            chk weight -5
          }
        }
        """;

    [Fact]
    public void VrrpInstances_BecomeSpeakerOptions()
    {
        IReadOnlyList<DirectorVrrpInstance> instances = DirectorVrrp.Instances(Read(Vrrp), "lb1");
        Assert.Equal(2, instances.Count);
        (VrrpInstanceOptions one, string? group) = (instances[0].Options, instances[0].SyncGroup);
        Assert.Equal("SG", group);
        Assert.Equal((VrrpState.Master, 150, 51, "secret", "lb1"), (one.InitialState, one.Priority, one.VirtualRouterId, one.AuthenticationPassword, one.NetworkNamespace));
        Assert.Equal(new[] { "10.0.0.3/24", "10.0.0.4/32" }, one.VirtualAddresses.Select(a => a.ToString()));
        // In a sync group the tracking weights count as 0 (keepalived: a failure puts the group in Fault).
        Assert.Equal(0, Assert.Single(one.TrackScripts).Weight);
        Assert.Equal(0, Assert.Single(one.TrackInterfaces).Weight);
        Assert.Equal(("eth1", 7u), (one.LvsSyncDaemon!.Interface, one.LvsSyncDaemon.SyncId));
        one.Validate();

        VrrpInstanceOptions two = instances[1].Options;
        Assert.Null(instances[1].SyncGroup);
        Assert.False(two.Preempt);
        Assert.Null(two.LvsSyncDaemon);
        VrrpTrackedScript chk = Assert.Single(two.TrackScripts);
        Assert.Equal((-5, 3, TimeSpan.FromSeconds(2)), (chk.Weight, chk.Fall, chk.Interval));
        Assert.Equal("/bin/true", chk.Script.Description);
        // virtual_ipaddress_excluded: held, not advertised (any family).
        Assert.Equal(new[] { "10.0.0.5/32" }, two.VirtualAddresses.Select(a => a.ToString()));
        Assert.Equal(new[] { "10.0.1.5/24", "2001:db8::5/64" }, two.ExcludedAddresses.Select(a => a.ToString()));
        Assert.Empty(one.ExcludedAddresses);
        two.Validate();
    }

    [Fact]
    public async Task NotifyMaster_RunsOnlyOnMaster_WithoutArguments()
    {
        VrrpNotifyScript notify = Assert.Single(DirectorVrrp.Instances(Read(Vrrp), null)[0].Options.NotifyScripts);
        ScriptResult onBackup = await notify.Script.RunAsync(["INSTANCE", "VI_1", "BACKUP", "150"], new ScriptRunOptions(), CancellationToken.None);
        Assert.True(onBackup.Succeeded);
        Assert.Null(onBackup.ProcessId);
        ScriptResult onMaster = await notify.Script.RunAsync(["INSTANCE", "VI_1", "MASTER", "150"], new ScriptRunOptions(), CancellationToken.None);
        Assert.True(onMaster.Succeeded, onMaster.ToString());
        Assert.Equal("master\n", onMaster.StandardOutput);
    }
}
