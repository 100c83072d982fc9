using LvsPS.Lab.Tests.Infrastructure;
using LvsPS.Testing;
using Xunit;
using Xunit.Abstractions;

namespace LvsPS.Lab.Tests;

/// <summary>
/// VRRP between the two directors of a seed pair, one run by keepalived 2.2.7 (VRRP and checkers), the other by
/// LvsPS's director, fail-over both ways (<see cref="DirectorPair"/>), with the seed files as they are.
/// </summary>
public sealed class DirectorPairLabTests(ITestOutputHelper output) : IDisposable
{
    private readonly DirectorPair _pair = new(output);

    public void Dispose() => _pair.Dispose();

    /// <summary>
    /// Seed 002, LVS-DR: advert_int 1, preemption by default, the master's track script missing so both disable it;
    /// the real servers 192.168.1.101 and .102 on eth0. The master file's service has both real servers; the
    /// backup file's has none, so it is dropped and that side's table stays empty.
    /// </summary>
    [Fact]
    public async Task Seed002_FailsOverBothWays_BetweenKeepalivedAndLvsPS()
    {
        Assert.True(Keepalived.Available, "keepalived must be installed on the host (the VM shares its root)");
        Assert.False(File.Exists("/etc/keepalived/check_lvs.sh"), "the seed's track script must be missing, as the seed was measured");
        _pair.StartRealServers("eth0", "192.168.1.101", "192.168.1.102");
        await _pair.FailsOverBothWaysAsync("002-master.conf", "002-backup.conf", [new PairVip("192.168.1.100", "eth0")],
            file => file == "002-master.conf"
                ?
                [
                    "-A -t 192.168.1.100:80 -s wrr -p 50",
                    "-a -t 192.168.1.100:80 -r 192.168.1.101:80 -g -w 3",
                    "-a -t 192.168.1.100:80 -r 192.168.1.102:80 -g -w 1",
                ]
                : []);
    }

    /// <summary>
    /// Seed 003, LVS-NAT: sync group VG1 of VI_EXT (172.16.100.10/24 on eth0) and VI_INT (192.168.10.254/24 on eth1,
    /// the real servers' gateway), so both VIPs move together; global_defs as stored (vrrp_garp_interval 0 and
    /// vrrp_gna_interval 0, which keepalived rejects and runs with its defaults; LvsPS warns the same). The real
    /// servers 192.168.10.11 and .12 are on eth1; both files carry the same NAT service with both of them
    /// (TCP_CHECK on port 80), so both sides' tables are that service whatever their VRRP state.
    /// </summary>
    [Fact]
    public async Task Seed003Nat_FailsOverBothWays_BetweenKeepalivedAndLvsPS_WithItsSyncGroup()
    {
        Assert.True(Keepalived.Available, "keepalived must be installed on the host (the VM shares its root)");
        _pair.AddNetwork("eth1");
        _pair.StartRealServers("eth1", "192.168.10.11", "192.168.10.12");
        string[] nat =
        [
            "-A -t 172.16.100.10:80 -s rr -p 50",
            "-a -t 172.16.100.10:80 -r 192.168.10.11:80 -m -w 1",
            "-a -t 172.16.100.10:80 -r 192.168.10.12:80 -m -w 1",
        ];
        await _pair.FailsOverBothWaysAsync("003-master.conf", "003-backup.conf",
            [new PairVip("172.16.100.10", "eth0"), new PairVip("192.168.10.254", "eth1")], _ => nat);
    }
}
