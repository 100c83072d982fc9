using System.Net;
using LvsPS.Testing;

namespace LvsPS.Tests.Proc;

/// <summary>
/// The crafted sync messages (tests/LvsPS.Testing/Ipvs, used by the lab tests and the benchmark to fill
/// a backup's table) byte for byte against struct ip_vs_sync_mesg / ip_vs_sync_v4 of ip_vs_sync.c.
/// </summary>
public sealed class SyncMessageLayoutTests
{
    [Fact]
    public void OneConnectionIsTheKernelsLayout()
    {
        var c = new SyncedConnection(6, IPAddress.Parse("192.168.50.2"), 0xC074, IPAddress.Parse("192.168.50.100"), 80,
            IPAddress.Parse("10.20.0.11"), 8080, State: 1, TimeoutSeconds: 900);
        var buffer = new byte[64];
        int n = IpvsSyncMessages.Write(buffer, syncId: 7, [c]);

        Assert.Equal(8 + 36, n);
        Assert.Equal(Convert.FromHexString(
            "00" + "07" + "002C" + "01" + "01" + "0000" + // reserved, syncid 7, size 44; nr_conns 1, version 1, spare
            "0006" + "0024" + "00000000" +           // type IPv4, TCP, ver_size (v0, 36 bytes); flags
            "0001" + "C074" + "0050" + "1F90" +      // state ESTABLISHED; cport, vport, dport
            "00000000" + "00000384" +                // fwmark; timeout 900 s
            "C0A83202" + "C0A83264" + "0A14000B"),   // caddr, vaddr, daddr
            buffer[..n]);
    }

    [Fact]
    public void TemplatesCarryTheTemplateFlagAndMessagesFitTheMaxLength()
    {
        var t = new SyncedConnection(17, IPAddress.Parse("10.0.0.1"), 0, IPAddress.Parse("10.0.0.2"), 53, IPAddress.Parse("10.0.0.3"), 53,
            State: 1, TimeoutSeconds: 60, IsTemplate: true);
        var buffer = new byte[9200];
        IpvsSyncMessages.Write(buffer, 0, [t]);
        Assert.Equal(new byte[] { 0, 0, 0x10, 0 }, buffer[12..16]);

        Assert.Equal(40, IpvsSyncMessages.ConnectionsPerMessage(1472)); // the default for a 1500-byte MTU
        Assert.Equal(255, IpvsSyncMessages.ConnectionsPerMessage(65507)); // nr_conns is a u8
        int full = IpvsSyncMessages.Write(buffer, 0, Enumerable.Repeat(t, 255).ToArray());
        Assert.Equal(8 + 255 * 36, full);
        Assert.Equal(255, buffer[4]);
        Assert.Throws<ArgumentOutOfRangeException>(() => IpvsSyncMessages.Write(buffer, 0, Enumerable.Repeat(t, 256).ToArray()));
    }
}
