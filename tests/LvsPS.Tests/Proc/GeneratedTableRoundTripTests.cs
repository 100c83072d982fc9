using LvsPS.Native.Ipvs;
using LvsPS.Native.Proc;
using LvsPS.Testing;

namespace LvsPS.Tests.Proc;

/// <summary>
/// The benchmark's generated tables (tests/LvsPS.Testing/Ipvs/ConnectionTableWriter.cs) read back
/// field for field: what the benchmark times is the parser on rows it really understands.
/// </summary>
public sealed class GeneratedTableRoundTripTests
{
    private const int Rows = 5000;
    private static readonly ConnectionTableWriter Table = new() { Services = 97, RealServersPerService = 8 };

    private static List<IpvsConnection> ParseGenerated(ConnectionFilter? filter = null)
    {
        var ms = new MemoryStream();
        Table.Write(ms, Rows);
        ms.Position = 0;
        return IpvsConnectionReader.Parse(ms, filter).ToList();
    }

    [Fact]
    public void EveryGeneratedRowReadsBackExactly()
    {
        List<IpvsConnection> rows = ParseGenerated();
        Assert.Equal(Rows, rows.Count);
        for (int i = 0; i < Rows; i++)
        {
            ConnectionTableWriter.Row want = Table.RowAt(i);
            IpvsConnection got = rows[i];
            Assert.Equal(want.Protocol, got.Protocol);
            Assert.Equal(want.ProtocolNumber, got.ProtocolNumber);
            Assert.Equal(want.Client, got.ClientAddress);
            Assert.Equal(want.ClientPort, got.ClientPort);
            Assert.Equal(want.Virtual, got.VirtualAddress);
            Assert.Equal(want.VirtualPort, got.VirtualPort);
            Assert.Equal(want.RealServer, got.RealServerAddress);
            Assert.Equal(want.RealServerPort, got.RealServerPort);
            Assert.Equal(want.State, got.State);
            Assert.Equal(TimeSpan.FromSeconds(want.Expires), got.Expires);
            Assert.Equal(want.IsTemplate, got.IsTemplate);
            Assert.Equal(want.FirewallMark, got.FirewallMark);
            Assert.Equal(want.PeName, got.PersistenceEngine);
            Assert.Equal(want.PeData, got.PersistenceEngineData);
            Assert.Null(got.Origin);
        }
    }

    [Fact]
    public void TheMixHasEveryKindTheKernelPrints()
    {
        List<IpvsConnection> rows = ParseGenerated();
        Assert.Equal(["IP", "SCTP", "TCP", "UDP"], rows.Select(r => r.Protocol).Distinct().Order());
        Assert.Contains(rows, r => r.Family == IpFamily.IPv6 && r.FirewallMark is not null);
        Assert.Contains(rows, r => r.Family == IpFamily.IPv4 && r.RealServerAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6);
        Assert.Contains(rows, r => r.PersistenceEngine == "sip" && r.PersistenceEngineData!.StartsWith("call-"));
        Assert.InRange(rows.Count(r => r.IsTemplate), Rows / 10, Rows / 10);
        Assert.True(rows.Select(r => r.State).Distinct().Count() >= 10);
    }

    [Fact]
    public void FilteringOneServiceCountsItsRowsOnly()
    {
        int s = ConnectionTableWriter.TcpIPv4ServiceFrom(40);
        var filter = new ConnectionFilter { VirtualService = VirtualServiceKey.Parse(ConnectionTableWriter.ServiceText(s)) };
        List<IpvsConnection> rows = ParseGenerated(filter);
        Assert.Equal(Table.RowsOf(s, Rows), rows.Count);
        Assert.All(rows, r => Assert.Equal(ConnectionTableWriter.VirtualServiceEndpoint(s), r.VirtualEndpoint));
        // What grep ' A:P ' sees in ipvsadm -Lnc: the endpoint text is this service's only.
        Assert.Equal(rows.Count, ParseGenerated().Count(r => r.VirtualEndpoint == ConnectionTableWriter.VirtualServiceEndpoint(s)));
    }
}
