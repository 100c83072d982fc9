using LvsPS.Native.Interop;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Netlink;
using LvsPS.Tests.Support;

namespace LvsPS.Tests.Transport;

/// <summary>Multipart dumps: NLM_F_MULTI … NLMSG_DONE, retried when NLM_F_DUMP_INTR says the table changed.</summary>
public sealed class DumpTests
{
    private static byte[] ServiceMessage(uint seq, string key, ushort extraFlags = 0)
        => Replies.Genl(FakeKernel.DefaultIpvsFamily, (ushort)(netlink_h.NLM_F_MULTI | extraFlags), seq, ip_vs_h.IPVS_CMD_NEW_SERVICE,
            w => IpvsCodec.WriteService(w, new VirtualService { Key = VirtualServiceKey.Parse(key), Scheduler = "rr" }));

    private static string[] Keys(IEnumerable<VirtualService> services) => services.Select(s => s.Key.ToString()).ToArray();

    [Fact]
    public void A_dump_spread_over_several_datagrams_is_collected_to_its_done()
    {
        var kernel = new FakeKernel
        {
            Dump = m => new[]
            {
                Replies.Datagram(ServiceMessage(m.Sequence, "tcp/10.0.0.1:80"), ServiceMessage(m.Sequence, "tcp/10.0.0.2:80")),
                ServiceMessage(m.Sequence, "udp/10.0.0.3:53"),
                Replies.Datagram(ServiceMessage(m.Sequence, "fwmark/4"), Replies.Done(m.Sequence)),
            },
        };
        using IpvsClient client = kernel.Open();
        Assert.Equal(new[] { "tcp/10.0.0.1:80", "tcp/10.0.0.2:80", "udp/10.0.0.3:53", "fwmark/4" }, Keys(client.GetVirtualServices(includeRealServers: false)));
        SentMessage request = Assert.Single(kernel.IpvsRequests);
        Assert.Equal(netlink_h.NLM_F_REQUEST | netlink_h.NLM_F_DUMP, request.Flags);
        Assert.Equal(ip_vs_h.IPVS_CMD_GET_SERVICE, request.Command);
    }

    [Fact]
    public void An_interrupted_dump_is_retried_without_duplicates()
    {
        int attempt = 0;
        var kernel = new FakeKernel
        {
            Dump = m => ++attempt == 1
                ? new[]
                {
                    ServiceMessage(m.Sequence, "tcp/10.0.0.1:80"),
                    ServiceMessage(m.Sequence, "tcp/10.0.0.2:80", netlink_h.NLM_F_DUMP_INTR),
                    Replies.Done(m.Sequence, 0, netlink_h.NLM_F_DUMP_INTR),
                }
                : new[]
                {
                    Replies.Datagram(ServiceMessage(m.Sequence, "tcp/10.0.0.1:80"), ServiceMessage(m.Sequence, "tcp/10.0.0.2:80"),
                        ServiceMessage(m.Sequence, "tcp/10.0.0.3:80"), Replies.Done(m.Sequence)),
                },
        };
        using IpvsClient client = kernel.Open();
        Assert.Equal(new[] { "tcp/10.0.0.1:80", "tcp/10.0.0.2:80", "tcp/10.0.0.3:80" }, Keys(client.GetVirtualServices(includeRealServers: false)));
        Assert.Equal(2, kernel.IpvsRequests.Count);
        Assert.NotEqual(kernel.IpvsRequests[0].Sequence, kernel.IpvsRequests[1].Sequence);
    }

    [Fact]
    public void A_dump_that_keeps_being_interrupted_gives_up_with_EAGAIN()
    {
        var kernel = new FakeKernel { Dump = m => new[] { ServiceMessage(m.Sequence, "tcp/10.0.0.1:80", netlink_h.NLM_F_DUMP_INTR), Replies.Done(m.Sequence, 0, netlink_h.NLM_F_DUMP_INTR) } };
        using IpvsClient client = kernel.Open();
        var e = Assert.Throws<NetlinkException>(() => client.GetVirtualServices());
        Assert.Equal((Errno.EAGAIN, NetlinkFailure.Transport), (e.Errno, e.Failure)); // not a refusal: the kernel kept changing the table
        Assert.Equal(NetlinkConnection.MaxDumpAttempts, kernel.IpvsRequests.Count);
    }

    [Fact]
    public void Done_with_a_negative_status_is_an_error()
    {
        var kernel = new FakeKernel { Dump = m => new[] { ServiceMessage(m.Sequence, "tcp/10.0.0.1:80"), Replies.Done(m.Sequence, -Errno.ENOBUFS) } };
        using IpvsClient client = kernel.Open();
        var e = Assert.Throws<IpvsException>(() => client.GetVirtualServices());
        Assert.Equal((IpvsOperation.GetServices, Errno.ENOBUFS), (e.Operation, e.Errno));
    }

    [Fact]
    public void Stale_messages_inside_a_dump_are_ignored()
    {
        var kernel = new FakeKernel
        {
            Dump = m => new[]
            {
                // An earlier, abandoned dump's tail: neither its service nor its DONE belongs to this one.
                Replies.Datagram(ServiceMessage(m.Sequence - 1, "tcp/10.9.9.9:80"), Replies.Done(m.Sequence - 1), ServiceMessage(m.Sequence, "tcp/10.0.0.1:80")),
                Replies.Datagram(ServiceMessage(m.Sequence, "tcp/10.0.0.2:80"), Replies.Done(m.Sequence)),
            },
        };
        using IpvsClient client = kernel.Open();
        Assert.Equal(new[] { "tcp/10.0.0.1:80", "tcp/10.0.0.2:80" }, Keys(client.GetVirtualServices(includeRealServers: false)));
    }

    [Fact]
    public void Dest_dumps_carry_the_service_key_and_an_empty_answer_is_an_empty_list()
    {
        var kernel = new FakeKernel { Dump = m => new[] { Replies.Done(m.Sequence) } };
        using IpvsClient client = kernel.Open();
        Assert.Empty(client.GetRealServers(VirtualServiceKey.Parse("fwmark/9/ipv6")));
        SentMessage request = Assert.Single(kernel.IpvsRequests);
        Assert.Equal(ip_vs_h.IPVS_CMD_GET_DEST, request.Command);
        IReadOnlyList<Attr> key = Attrs.One(Attrs.Parse(request.Attributes), ip_vs_h.IPVS_CMD_ATTR_SERVICE).Children;
        Assert.Equal((10, 9u), (Attrs.One(key, ip_vs_h.IPVS_SVC_ATTR_AF).U16, Attrs.One(key, ip_vs_h.IPVS_SVC_ATTR_FWMARK).U32));
    }
}
