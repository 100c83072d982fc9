using LvsPS.Native.Ipvs;
using LvsPS.Native.Proc;

namespace LvsPS.Tests.Proc;

public sealed class GlobalStatisticsTests
{
    [Fact]
    public void RecordedStatisticsAreTheSumOfIpvsadmsServices()
    {
        IpvsStatistics stats;
        using (FileStream s = ProcSamples.Open("ip_vs_stats.txt"))
            stats = IpvsGlobalStatistics.Parse(s);

        Assert.Equal(new IpvsStatistics
        {
            Connections = 9, InPackets = 0x28, OutPackets = 0x26, InBytes = 0xAAC, OutBytes = 0xD50,
            ConnectionsPerSecond = 0, InPacketsPerSecond = 1, OutPacketsPerSecond = 1, InBytesPerSecond = 0x48, OutBytesPerSecond = 0x4E,
        }, stats);

        // ipvsadm -Ln --stats of the same moment: the service lines add up to the totals.
        var services = ProcSamples.Text("ipvsadm-Ln-stats.txt").Split('\n')
            .Where(l => l.StartsWith("TCP ") || l.StartsWith("UDP ") || l.StartsWith("FWM "))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2..].Select(ulong.Parse).ToArray())
            .ToList();
        Assert.Equal(stats.Connections, services.Aggregate(0UL, (a, v) => a + v[0]));
        Assert.Equal(stats.InPackets, services.Aggregate(0UL, (a, v) => a + v[1]));
        Assert.Equal(stats.OutPackets, services.Aggregate(0UL, (a, v) => a + v[2]));
        Assert.Equal(stats.InBytes, services.Aggregate(0UL, (a, v) => a + v[3]));
        Assert.Equal(stats.OutBytes, services.Aggregate(0UL, (a, v) => a + v[4]));
    }

    [Fact]
    public void SixtyFourBitCounters()
    {
        string text = "   Total Incoming Outgoing         Incoming         Outgoing\n   Conns  Packets  Packets            Bytes            Bytes\n"
            + "1FFFFFFFF        1        2 FFFFFFFFFFFFFFFF               10\n\n Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s\n       1        2        3                4                5\n";
        IpvsStatistics s = IpvsGlobalStatistics.Parse(new StringReader(text));
        Assert.Equal((0x1FFFFFFFFUL, ulong.MaxValue, 16UL, 5UL), (s.Connections, s.InBytes, s.OutBytes, s.OutBytesPerSecond));
    }

    [Theory]
    [InlineData("   Total Incoming\n   Conns  Packets\n       9       28\n", 3, "expected 5 hexadecimal numbers")]
    [InlineData("   Total\n   Conns\n       9       28       26              AAC              DZ0\n", 3, "'DZ0' is not a hexadecimal number")]
    [InlineData("   Total\n   Conns\n       9       28       26              AAC              D50\n", 3, "no rates line")]
    [InlineData("", 0, "no totals line")]
    public void BrokenStatistics(string text, int line, string problem)
    {
        var e = Assert.Throws<ProcFormatException>(() => IpvsGlobalStatistics.Parse(new StringReader(text)));
        Assert.Equal(line, e.LineNumber);
        Assert.Contains(problem, e.Message);
    }
}
