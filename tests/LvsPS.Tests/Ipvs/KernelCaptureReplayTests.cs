using System.Net;
using LvsPS.Native.Interop;
using LvsPS.Native.Ipvs;
using LvsPS.Tests.Support;

namespace LvsPS.Tests.Ipvs;

/// <summary>The whole client (dumps, sequence checks, decoding) fed the real kernel's captured answers.</summary>
public sealed class KernelCaptureReplayTests
{
    /// <summary>Answers each dump with the capture for the service asked about, re-sequenced.</summary>
    private static IEnumerable<byte[]> Replay(SentMessage request, bool stats, bool oneDatagram)
    {
        string capture;
        if (request.Command == ip_vs_h.IPVS_CMD_GET_SERVICE)
            capture = stats ? "dump-services-stats.reply" : "dump-services.reply";
        else
        {
            IReadOnlyList<Attr> key = Attrs.One(Attrs.Parse(request.Attributes), ip_vs_h.IPVS_CMD_ATTR_SERVICE).Children;
            capture = key.Any(a => a.Type == ip_vs_h.IPVS_SVC_ATTR_FWMARK) ? "dump-dests-fwmark42.reply"
                : Attrs.One(key, ip_vs_h.IPVS_SVC_ATTR_AF).U16 == 10 ? "dump-dests-udp6.reply"
                : stats ? "dump-dests-tcp-stats.reply" : "dump-dests-tcp.reply";
        }
        byte[][] messages = Golden.Messages(capture).Select(m => Replies.WithSequence(m, request.Sequence)).ToArray();
        return oneDatagram ? new[] { Replies.Datagram(messages) } : messages;
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void The_whole_table_reads_back(bool stats, bool oneDatagram)
    {
        var kernel = new FakeKernel { IpvsFamily = Golden.CapturedIpvsFamily, Dump = m => Replay(m, stats, oneDatagram) };
        using IpvsClient client = kernel.Open();

        IReadOnlyList<VirtualService> services = client.GetVirtualServices();

        Assert.Equal(4, kernel.IpvsRequests.Count); // one service dump, one dest dump per service
        Assert.Equal(new[] { "fwmark/42", "tcp/10.0.0.3:80", "udp/[2001:db8::1]:53" }, services.Select(s => s.Key.ToString()).Order());
        VirtualService tcp = services.Single(s => s.Key.Protocol == IpvsProtocol.Tcp);
        Assert.Equal(new[] { IPAddress.Parse("10.0.0.8"), IPAddress.Parse("10.0.0.7") }, tcp.RealServers.Select(d => d.Address));
        Assert.All(tcp.RealServers, d => Assert.Equal(tcp.Key, d.VirtualService));
        Assert.Empty(services.Single(s => s.Key.IsFirewallMark).RealServers);
        Assert.Empty(services.Single(s => s.Key.Family == IpFamily.IPv6).RealServers);
        Assert.Equal(stats ? 2ul : 0ul, tcp.RealServers[0].Statistics!.Connections);
    }
}
