using LvsPS.Host.Tests.Infrastructure;
using LvsPS.Native.Configuration.Director;
using LvsPS.Native.Configuration.Keepalived;
using LvsPS.Native.Ipvs.InMemory;
using LvsPS.Native.Vrrp;

namespace LvsPS.Host.Tests;

/// <summary>
/// virtual_ipaddress_excluded run by the director: the master holds the excluded addresses (both families, on an
/// IPv4 instance) with its VIP, its adverts carry only the VIP (a peer configured with the VIP alone accepts them:
/// no address-list drop), and when it hands over they leave with the VIP.
/// </summary>
[Collection("vrrp")]
public sealed class DirectorExcludedAddressTests
{
    private static string Addresses(Segment s, int node) => Sh.Run("ip", "-n", s.Node(node), "-o", "addr", "show", "dev", "eth0");

    [SkippableFact]
    public async Task The_master_holds_excluded_addresses_without_advertising_them()
    {
        HostFacts.RequireRoot();
        using var s = new Segment(2);
        string text = $$"""
            vrrp_instance VI_1 {
              interface eth0
              virtual_router_id 51
              version 3
              advert_int 0.1
              priority 110
              virtual_ipaddress {
                {{s.Vip}}/24
              }
              virtual_ipaddress_excluded {
                10.78.0.1/24
                fd00:78::1/64
              }
            }
            """;
        KeepalivedReadResult read = KeepalivedConfigurationReader.Parse(text, "keepalived.conf", Path.GetTempPath(), new KeepalivedReadOptions());
        Assert.False(read.HasErrors, string.Join('\n', read.Diagnostics));
        RunningDirector director = RunningDirector.Start(read.Configuration, new DirectorRunOptions { Name = "x", NetworkNamespace = s.Node(1), OpenIpvs = new InMemoryIpvsNamespaces().Open });
        Assert.DoesNotContain(director.Notes, n => n.Contains("excluded", StringComparison.Ordinal));
        using VrrpInstance peer = VrrpInstance.Start(HostFacts.Options(s, 2, 100, version: 3, interval: 0.1));
        try
        {
            VrrpInstance instance = Assert.Single(director.VrrpInstances);
            Assert.True(instance.WaitForState(VrrpState.Master, TimeSpan.FromSeconds(10)), "the director's instance did not become master");
            Thread.Sleep(1000);
            Assert.Equal(VrrpState.Backup, peer.State);
            Assert.True(peer.Counters.AdvertisementsReceived > 5, $"the peer heard {peer.Counters.AdvertisementsReceived} adverts");
            Assert.Equal(0, peer.Counters.DroppedFor(VrrpDropReason.AddressListMismatch));
            string held = Addresses(s, 1);
            Assert.Contains($" {s.Vip}/24 ", held);
            Assert.Contains(" 10.78.0.1/24 ", held);
            Assert.Contains(" fd00:78::1/64 ", held);
            Assert.DoesNotContain("10.78.0.1", Addresses(s, 2));
        }
        finally
        {
            await director.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        Assert.True(peer.WaitForState(VrrpState.Master, TimeSpan.FromSeconds(5)), "the peer did not take over");
        string left = Addresses(s, 1);
        Assert.DoesNotContain($" {s.Vip}/24 ", left);
        Assert.DoesNotContain("10.78.0.1", left);
        Assert.DoesNotContain("fd00:78::1", left);
    }
}
