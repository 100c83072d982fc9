using System.Net;
using LvsPS.Native.Configuration.Director;
using LvsPS.Native.Configuration.Keepalived;
using LvsPS.Native.Ipvs;

namespace LvsPS.Tests.Configuration.Keepalived;

/// <summary>keepalived 2.2.7's defaults and normalisations, each with the finding it reports (reference §3–5, measured with keepalived -t).</summary>
public sealed class KeepalivedMeaningTests
{
    private static KeepalivedReadResult Read(string text) => KeepalivedConfigurationReader.Parse(text, "k.conf", "/nonexistent");

    private static string[] Codes(KeepalivedReadResult r) => r.Diagnostics.Select(d => $"{d.Location.Line} {d.Code}").ToArray();

    [Fact]
    public void OmittedProtocolSchedulerAndMethod_AreUdpWlcNat_WithWarnings()
    {
        KeepalivedReadResult r = Read("virtual_server 10.0.0.1 80 {\n real_server 10.0.0.2 80 { weight 2 }\n}");
        VirtualServerDefinition vs = r.Configuration.VirtualServers.Single();
        Assert.Equal((IpvsProtocol.Udp, "wlc", ForwardingMethod.Masquerade, 2u), (vs.Protocol, vs.Scheduler, vs.Forwarding, vs.RealServers[0].Weight));
        Assert.Equal(["1 SettingAdjusted", "1 SettingAdjusted", "1 SettingAdjusted"], Codes(r));
    }

    [Theory]
    [InlineData("persistence_timeout", 360u)]
    [InlineData("persistence_timeout 20", 20u)]
    [InlineData("persistence_granularity 255.255.255.0", 360u)]
    public void Persistence_DefaultsTo360(string line, uint expected)
    {
        VirtualServerDefinition vs = Read($"virtual_server 10.0.0.1 80 {{\n protocol TCP\n lb_algo rr\n lb_kind NAT\n {line}\n real_server 10.0.0.2 80 {{ }}\n}}").Configuration.VirtualServers.Single();
        Assert.Equal(expected, vs.PersistenceTimeout);
    }

    [Fact]
    public void PortZero_ForcesPersistence()
    {
        KeepalivedReadResult r = Read("virtual_server 10.0.0.1 {\n protocol TCP\n lb_algo rr\n lb_kind DR\n real_server 10.0.0.2 { }\n}");
        Assert.Equal(360u, r.Configuration.VirtualServers.Single().PersistenceTimeout);
        Assert.Equal(["1 SettingAdjusted"], Codes(r));
    }

    [Fact]
    public void DrAndTunPorts_AreForcedToTheServicePort_MissingPortTakesIt()
    {
        KeepalivedReadResult r = Read("""
            virtual_server 10.0.0.1 80 {
              protocol TCP
              lb_algo rr
              lb_kind DR
              real_server 10.0.0.2 8080 { }
              real_server 10.0.0.3 { }
              real_server 10.0.0.4 8080 {
                lvs_method NAT
              }
            }
            """);
        Assert.Equal([80, 80, 8080], r.Configuration.VirtualServers.Single().RealServers.Select(x => (int)x.Port));
        Assert.Equal(["5 PortReset"], Codes(r));
    }

    [Fact]
    public void DuplicateAndWrongFamilyRealServers_AreDropped()
    {
        KeepalivedReadResult r = Read("""
            virtual_server 10.0.0.1 80 {
              protocol TCP
              lb_algo rr
              lb_kind NAT
              real_server 10.0.0.2 80 { weight 1 }
              real_server 10.0.0.2 80 { weight 2 }
              real_server 2001:db8::1 80 { weight 1 }
            }
            """);
        RealServerDefinition rs = r.Configuration.VirtualServers.Single().RealServers.Single();
        Assert.Equal(1u, rs.Weight);
        Assert.Equal(["6 DuplicateRealServer", "7 FamilyMismatch"], Codes(r).Order());
    }

    [Fact]
    public void VirtualServerWithoutRealServers_IsDropped()
    {
        KeepalivedReadResult r = Read("virtual_server 10.0.0.1 80 {\n # nothing\n}\nvirtual_server 10.0.0.1 81 {\n protocol TCP\n lb_algo rr\n lb_kind NAT\n real_server 10.0.0.2 81 { }\n}");
        Assert.Equal(81, r.Configuration.VirtualServers.Single().Port);
        Assert.Equal(["1 VirtualServerWithoutRealServers"], Codes(r));
    }

    [Fact]
    public void FirewallMark_IgnoresProtocolAndClearsNonNatPorts()
    {
        KeepalivedReadResult r = Read("virtual_server fwmark 5 {\n lb_kind DR\n protocol TCP\n lb_algo rr\n real_server 10.0.0.2 8080 { weight 1 }\n}");
        VirtualServerDefinition vs = r.Configuration.VirtualServers.Single();
        Assert.Equal((IpvsProtocol.FirewallMark, 5u, 0), (vs.Protocol, vs.FirewallMark, (int)vs.RealServers[0].Port));
        Assert.Equal(["3 ProtocolIgnored", "5 PortReset"], Codes(r));
    }

    [Fact]
    public void NbGetRetry_IsRetryOnlyInsideHttpAndSsl()
    {
        KeepalivedReadResult r = Read("""
            virtual_server 10.0.0.1 80 {
              protocol TCP
              lb_algo rr
              lb_kind NAT
              real_server 10.0.0.2 80 {
                HTTP_GET {
                  url { path / }
                  nb_get_retry 4
                }
                TCP_CHECK {
                  nb_get_retry 4
                }
                SSL_GET {
                  url { path /x }
                  nb_get_retry 5
                }
              }
            }
            """);
        Assert.Equal([4, 1, 5], r.Configuration.VirtualServers.Single().RealServers.Single().Checkers.Select(c => c.Retry));
        Assert.Equal(["8 Deprecated", "11 UnknownKeyword", "15 Deprecated"], Codes(r));
    }

    [Fact]
    public void CheckerDefaults_PerTypeAndInherited()
    {
        KeepalivedReadResult r = Read("""
            virtual_server 10.0.0.1 53 {
              protocol UDP
              lb_algo rr
              lb_kind NAT
              delay_loop 10
              connect_timeout 2
              real_server 10.0.0.2 53 {
                retry 2
                DNS_CHECK { }
                TCP_CHECK { retry 0 }
                HTTP_GET { url { path / } }
                MISC_CHECK { misc_path "/bin/true x" }
                HTTP_GET { }
              }
            }
            """);
        IReadOnlyList<CheckerDefinition> c = r.Configuration.VirtualServers.Single().RealServers.Single().Checkers;
        Assert.Equal([CheckerKind.Dns, CheckerKind.Tcp, CheckerKind.Http, CheckerKind.Misc], c.Select(x => x.Kind));
        Assert.Equal([2, 0, 2, 2], c.Select(x => x.Retry));
        Assert.Equal([10.0, 1, 3, 1], c.Select(x => x.DelayBeforeRetrySeconds));
        Assert.All(c, x => Assert.Equal((10.0, 2.0, (ushort)53), (x.DelayLoopSeconds, x.ConnectTimeoutSeconds, x.ConnectPort)));
        Assert.Equal(("SOA", "."), (c[0].DnsType, c[0].DnsName));
        Assert.Equal(["13 CheckerDropped"], Codes(r));
    }

    [Fact]
    public void Quorum_IsLoweredAndHysteresisClamped_AllZeroWeightsTrap()
    {
        KeepalivedReadResult r = Read("""
            virtual_server 10.0.0.1 80 {
              protocol TCP
              lb_algo rr
              lb_kind NAT
              quorum 10
              hysteresis 20
              real_server 10.0.0.2 80 { weight 0 }
            }
            """);
        VirtualServerDefinition vs = r.Configuration.VirtualServers.Single();
        Assert.Equal((0u, 4294967295u), (vs.Quorum, vs.Hysteresis));
    }

    [Fact]
    public void OnePacket_IsUdpOnly()
    {
        KeepalivedReadResult r = Read("virtual_server 10.0.0.1 80 {\n protocol TCP\n lb_algo rr\n lb_kind NAT\n ops\n real_server 10.0.0.2 80 { }\n}");
        Assert.False(r.Configuration.VirtualServers.Single().OnePacket);
        Assert.Equal(["5 SettingAdjusted"], Codes(r));
    }

    [Fact]
    public void UnknownBlock_IsSkippedWhole_LaterBlocksStayNested()
    {
        KeepalivedReadResult r = Read("""
            foo_block {
              router_id inside
              bar { baz 1 }
            }
            global_defs {
              router_id after
            }
            """);
        Assert.Equal("after", r.Configuration.Global.RouterId);
        Assert.Equal(["1 UnknownKeyword", "1 UnknownBlockSkipped"], Codes(r));
    }

    [Fact]
    public void VrrpInstance_ValuesAndDefaults()
    {
        KeepalivedReadResult r = Read("""
            global_defs {
              vrrp_version 3
              lvs_sync_daemon eth1 VI_1 id 5 maxlen 1400
              lvs_timeouts tcp 900 udp 60
              lvs_flush
            }
            vrrp_instance VI_1 {
              interface eth1
              virtual_router_id 51
              advert_int 0.1
              nopreempt
              unicast_src_ip 10.0.0.1
              unicast_peer {
                10.0.0.2
              }
              virtual_ipaddress {
                10.0.0.100/24 dev eth1 label eth1:vip
                10.0.0.101
              }
              track_interface {
                eth2 weight -10
              }
            }
            """);
        Assert.Empty(r.Diagnostics);
        VrrpInstanceDefinition vi = r.Configuration.VrrpInstances.Single();
        Assert.Equal((3, 100, 0.1, true, null), (vi.Version, vi.Priority, vi.AdvertIntervalSeconds, vi.NoPreempt, vi.InitialState));
        Assert.Equal(["10.0.0.100/24", "10.0.0.101"], vi.VirtualAddresses.Select(a => a.ToString()));
        Assert.Equal(("eth1", "eth1:vip"), (vi.VirtualAddresses[0].Device, vi.VirtualAddresses[0].Label));
        Assert.Equal([IPAddress.Parse("10.0.0.2")], vi.UnicastPeers);
        Assert.Equal(new TrackDefinition("eth2", -10), vi.TrackInterfaces.Single());
        GlobalSettings g = r.Configuration.Global;
        Assert.Equal((true, (byte)5, (ushort?)1400), (g.LvsFlush, g.LvsSyncDaemon!.SyncId, g.LvsSyncDaemon.MaxLength));
        Assert.Equal(new LvsTimeoutSettings(900, null, 60), g.LvsTimeouts);
    }

    [Theory]
    [InlineData("10.0.0.1 80", "10.0.0.1", "10.0.0.1", 80)]
    [InlineData("10.0.0.1-5 80", "10.0.0.1", "10.0.0.5", 80)]
    [InlineData("10.0.0.250-10.0.1.2 443", "10.0.0.250", "10.0.1.2", 443)]
    [InlineData("10.0.0.8/29 80", "10.0.0.8", "10.0.0.15", 80)]
    [InlineData("2001:db8::1-a 80", "2001:db8::1", "2001:db8::a", 80)]
    public void VirtualServerGroup_Ranges(string line, string first, string last, int port)
    {
        VirtualServerGroupEntry e = Read($"virtual_server_group G {{\n {line}\n}}").Configuration.VirtualServerGroups.Single().Entries.Single();
        Assert.Equal((IPAddress.Parse(first), IPAddress.Parse(last), port), (e.First, e.Last, (int)e.Port));
    }

    [Theory]
    [InlineData("10.1 80")]
    [InlineData("0x0a.0.0.1 80")]
    [InlineData("012.0.0.1 80")]
    public void LegacyIPv4Forms_AreNotAddresses(string head)
    {
        KeepalivedReadResult r = Read($"virtual_server {head} {{\n real_server 10.0.0.2 80 {{ }}\n}}");
        Assert.Empty(r.Configuration.VirtualServers);
        Assert.Equal("1 InvalidValue", Codes(r).Single());
    }

    [Fact]
    public void StartTable_AlphaIsPerChecker_FirewallMarkDrPortsCleared()
    {
        KeepalivedReadResult r = Read("""
            virtual_server_group G {
              fwmark 9
            }
            virtual_server group G {
              protocol TCP
              lb_algo rr
              lb_kind DR
              real_server 10.0.1.10 80 { weight 2 }
            }
            virtual_server 10.0.0.5 80 {
              protocol TCP
              lb_algo wrr
              lb_kind NAT
              alpha
              inhibit_on_failure
              real_server 10.0.0.13 80 { weight 2 }
              real_server 10.0.0.16 80 {
                weight 4
                TCP_CHECK { connect_timeout 1 }
              }
              real_server 10.0.0.17 80 {
                inhibit_on_failure off
                TCP_CHECK { connect_timeout 1 }
              }
            }
            """);
        string table = KeepalivedWriterTests.Table(r.Configuration);
        // Measured in the lab with keepalived 2.2.7: no checker, no alpha; an alpha checker starts the server
        // out (inhibited: in at weight 0); a DR server of a firewall-mark entry has port 0.
        Assert.Contains("[10.0.0.13:80 Masquerade w2", table);
        Assert.Contains("[10.0.0.16:80 Masquerade w0", table);
        Assert.DoesNotContain("10.0.0.17", table);
        Assert.Contains("fwmark/9 rr None p=False/0/ ops=False [10.0.1.10:0 Route w2", table);
    }
}
