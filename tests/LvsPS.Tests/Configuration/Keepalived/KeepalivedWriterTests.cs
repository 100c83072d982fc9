using System.Net;
using LvsPS.Native.Configuration.Director;
using LvsPS.Native.Configuration.Keepalived;
using LvsPS.Native.Ipvs;

namespace LvsPS.Tests.Configuration.Keepalived;

/// <summary>Writing keepalived.conf back: what is written reads back to the same director, without a finding.</summary>
public sealed class KeepalivedWriterTests
{
    private static readonly KeepalivedReadOptions NoHostChecks = new() { ConfigId = "lb1" };

    [Theory]
    [InlineData("002-master.conf")]
    [InlineData("002-backup.conf")]
    [InlineData("003-master.conf")]
    [InlineData("003-backup.conf")]
    public void Seeds_RoundTripWithoutFindings(string seed)
    {
        DirectorConfiguration first = KeepalivedConfigurationReader.ReadFile(KeepalivedSeedTests.Seed(seed), NoHostChecks).Configuration;
        string written = KeepalivedConfigurationWriter.Write(first);
        KeepalivedReadResult again = KeepalivedConfigurationReader.Parse(written, "written.conf", "/nonexistent", NoHostChecks);
        Assert.True(again.Diagnostics.Count == 0, string.Join('\n', again.Diagnostics) + "\n" + written);
        Assert.Equal(written, KeepalivedConfigurationWriter.Write(again.Configuration));
        Assert.Equal(Table(first), Table(again.Configuration));
    }

    [Fact]
    public void EveryOption_SurvivesTheRoundTrip()
    {
        string text = """
            global_defs {
              router_id lb1
              lvs_flush
              lvs_timeouts tcp 900 tcpfin 120 udp 300
              lvs_sync_daemon eth0 VI_1 id 7 maxlen 1400 port 8848 ttl 2 group 239.0.0.9
              vrrp_garp_master_refresh 60
            }
            vrrp_script chk {
              script "/bin/check 'a b'"
              interval 2
              weight -5 reverse
              rise 2
              fall 3
              user nobody
              init_fail
            }
            vrrp_instance VI_1 {
              state MASTER
              interface eth0
              virtual_router_id 51
              priority 150
              advert_int 0.5
              version 3
              virtual_ipaddress { 10.0.0.3/24 dev eth0 label eth0:v brd 10.0.0.255 }
              track_script { chk weight 10 }
              unicast_src_ip 10.0.0.1
              unicast_peer { 10.0.0.2 }
              notify_master "/bin/notify master"
              use_vmac
            }
            virtual_server_group G { 10.0.1.1-3 80
            fwmark 9 inet }
            virtual_server group G {
              protocol TCP
              lb_algo rr
              lb_kind DR
              real_server 10.0.1.10 80 { weight 2 }
            }
            virtual_server 2001:db8::1 53 {
              protocol UDP
              lb_algo sh
              sh-port
              sh-fallback
              ops
              lb_kind TUN type gue port 6080 csum
              persistence_timeout 20
              persistence_granularity 64
              quorum 3
              hysteresis 1
              sorry_server 2001:db8::99 53
              sorry_server_inhibit
              real_server 2001:db8::7 53 {
                weight 3
                uthreshold 100
                lthreshold 10
                DNS_CHECK {
                  name example.org
                  type A
                  retry 2
                }
                UDP_CHECK {
                  payload 0a0b
                  require_reply 0aXX
                  min_reply_length 2
                }
              }
              real_server 10.0.0.8 53 {
                HTTP_GET {
                  url {
                    path /h
                    digest 9B3A0C85A887A256D6939DA88AABD8CD
                    status_code 200-299 404
                  }
                  http_protocol 1.1
                }
                MISC_CHECK {
                  misc_path "/bin/misc x"
                  misc_timeout 5
                  misc_dynamic
                }
              }
            }
            static_routes { 10.9.0.0/16 via 10.0.0.1 }
            """;
        KeepalivedReadResult first = KeepalivedConfigurationReader.Parse(text, "k.conf", "/nonexistent", NoHostChecks);
        Assert.Empty(first.Diagnostics);
        string written = KeepalivedConfigurationWriter.Write(first.Configuration);
        KeepalivedReadResult again = KeepalivedConfigurationReader.Parse(written, "w.conf", "/nonexistent", NoHostChecks);
        Assert.True(again.Diagnostics.Count == 0, string.Join('\n', again.Diagnostics) + "\n" + written);
        Assert.Equal(written, KeepalivedConfigurationWriter.Write(again.Configuration));
        Assert.Equal(Table(first.Configuration), Table(again.Configuration));
        Assert.Contains("static_routes {", written);
        Assert.Contains("use_vmac", written);
        Assert.Equal(5, DirectorIpvsTable.Initial(again.Configuration).Count);
    }

    [Fact]
    public void FromIpvs_WritesWhatKeepalivedWouldBuild_AndSaysWhatItLeftOut()
    {
        var tcp = VirtualServiceKey.ForAddress(IpvsProtocol.Tcp, IPAddress.Parse("10.0.0.3"), 80);
        var mark = VirtualServiceKey.ForFirewallMark(5);
        var empty = VirtualServiceKey.ForAddress(IpvsProtocol.Udp, IPAddress.Parse("10.0.0.3"), 53);
        VirtualService[] table =
        [
            new() { Key = tcp, Scheduler = "wrr", Persistent = true, PersistenceTimeout = 20, RealServers =
                [new RealServer { VirtualService = tcp, Address = IPAddress.Parse("10.0.0.7"), Port = 80, Forwarding = ForwardingMethod.Route, Weight = 1 },
                 new RealServer { VirtualService = tcp, Address = IPAddress.Parse("10.0.0.8"), Port = 80, Forwarding = ForwardingMethod.Tunnel, TunnelType = TunnelType.Gue, TunnelPort = 6080, Weight = 2 }] },
            new() { Key = mark, Scheduler = "rr", RealServers = [new RealServer { VirtualService = mark, Address = IPAddress.Parse("10.0.0.9"), Port = 0, Forwarding = ForwardingMethod.Masquerade, Weight = 1 }] },
            new() { Key = empty, Scheduler = "rr" },
        ];
        var notes = new List<string>();
        DirectorConfiguration c = DirectorFromIpvs.Build(table, notes);
        Assert.Contains(notes, n => n.Contains("udp/10.0.0.3:53"));
        string written = KeepalivedConfigurationWriter.Write(c);
        KeepalivedReadResult back = KeepalivedConfigurationReader.Parse(written, "w.conf", "/nonexistent", NoHostChecks);
        Assert.True(back.Diagnostics.Count == 0, string.Join('\n', back.Diagnostics) + "\n" + written);
        Assert.Equal(Table(table.Take(2).ToArray()), Table(back.Configuration));
    }

    /// <summary>The IPVS table as ipvsadm-like lines (the part of a director that the kernel sees).</summary>
    internal static string Table(DirectorConfiguration c) => Table(DirectorIpvsTable.Initial(c));

    internal static string Table(IReadOnlyList<VirtualService> services)
        => string.Join('\n', services.OrderBy(s => s.Key.ToString(), StringComparer.Ordinal).Select(s =>
            $"{s.Key} {s.Scheduler} {s.SchedulerFlags} p={s.Persistent}/{s.PersistenceTimeout}/{s.PersistencePrefixLength} ops={s.OnePacket} "
            + string.Join(' ', s.RealServers.OrderBy(r => r.Endpoint, StringComparer.Ordinal)
                .Select(r => $"[{r.Endpoint} {r.Forwarding} w{r.Weight} {r.UpperThreshold}/{r.LowerThreshold} {r.TunnelType}/{r.TunnelPort}/{r.TunnelChecksum}]"))));
}
