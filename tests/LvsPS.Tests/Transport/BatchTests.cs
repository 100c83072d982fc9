using System.Net;
using LvsPS.Native.Interop;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Netlink;
using LvsPS.Tests.Support;

namespace LvsPS.Tests.Transport;

/// <summary>Many requests per sendmsg, ACK only on the last of each, failures matched back by sequence.</summary>
public sealed class BatchTests
{
    /// <summary>100 services with 11 real servers each, some IPv6: 1,200 changes.</summary>
    private static List<IpvsChange> TwelveHundredChanges()
    {
        var changes = new List<IpvsChange>();
        for (int s = 0; changes.Count < 1200; s++)
        {
            VirtualServiceKey key = s % 4 == 3
                ? VirtualServiceKey.Parse($"tcp/[2001:db8::{s + 1:x}]:80")
                : VirtualServiceKey.Parse($"tcp/10.1.{s / 250}.{s % 250 + 1}:80");
            changes.Add(IpvsChange.Add(new VirtualService { Key = key, Scheduler = "wlc" }));
            for (int d = 0; d < 11 && changes.Count < 1200; d++)
            {
                IPAddress address = key.Family == IpFamily.IPv6 ? IPAddress.Parse($"2001:db8:1::{s:x}:{d + 1:x}") : IPAddress.Parse($"10.2.{s % 250}.{d + 1}");
                changes.Add(IpvsChange.Add(new RealServer { VirtualService = key, Address = address, Port = 8080, Weight = (uint)d }));
            }
        }
        return changes;
    }

    [Fact]
    public void Twelve_hundred_changes_go_in_few_datagrams_with_one_ack_each_and_failures_by_sequence()
    {
        List<IpvsChange> changes = TwelveHundredChanges();
        var kernel = new FakeKernel { Errno = (index, _) => index is 7 or 700 ? Errno.EEXIST : 0 };
        using IpvsClient client = kernel.Open();

        IReadOnlyList<IpvsChangeResult> results = client.Apply(changes);

        // Every change answered, exactly #7 and #700 (0-based) refused.
        Assert.Equal(1200, results.Count);
        Assert.Equal(new[] { 7, 700 }, results.Select((r, i) => (r, i)).Where(x => !x.r.Succeeded).Select(x => x.i));
        for (int i = 0; i < results.Count; i++)
            Assert.Same(changes[i], results[i].Change);
        foreach (int i in new[] { 7, 700 })
        {
            IpvsException e = results[i].Error!;
            Assert.Equal((Errno.EEXIST, changes[i].Target, changes[i].Operation), (e.Errno, e.Target, e.Operation));
            Assert.Contains(changes[i].Target, e.Message);
        }
        Assert.Equal(IpvsOperation.AddRealServer, results[7].Error!.Operation);
        Assert.Contains("already exists", results[7].Error!.Message);
        Assert.All(results.Where(r => r.Succeeded), r => Assert.Null(r.Error));

        // The wire: ≥ 3 datagrams of ≤ 512 requests, only the last one of each acked, sequences consecutive, order kept.
        List<List<SentMessage>> datagrams = kernel.SentAfterOpen.Select(FakeNetlinkSocket.Parse).ToList();
        Assert.True(datagrams.Count >= 3, $"{datagrams.Count} datagrams");
        Assert.All(datagrams, d =>
        {
            Assert.InRange(d.Count, 1, NetlinkConnection.MaxBatchRequests);
            Assert.All(d.SkipLast(1), m => Assert.Equal(netlink_h.NLM_F_REQUEST, m.Flags));
            Assert.Equal(netlink_h.NLM_F_REQUEST | netlink_h.NLM_F_ACK, d[^1].Flags);
        });
        Assert.All(kernel.SentAfterOpen, d => Assert.InRange(d.Length, 1, 64 * 1024));
        List<SentMessage> all = datagrams.SelectMany(d => d).ToList();
        Assert.Equal(1200, all.Count);
        for (int i = 1; i < all.Count; i++)
            Assert.Equal(all[i - 1].Sequence + 1, all[i].Sequence);
        Assert.Equal(changes.Select(c => c.Kind == IpvsChangeKind.AddService ? ip_vs_h.IPVS_CMD_NEW_SERVICE : ip_vs_h.IPVS_CMD_NEW_DEST),
            all.Select(m => m.Command));
    }

    [Fact]
    public void A_refused_last_request_still_closes_its_datagram()
    {
        List<IpvsChange> changes = TwelveHundredChanges().Take(600).ToList();
        var kernel = new FakeKernel { Errno = (index, m) => (m.Flags & netlink_h.NLM_F_ACK) != 0 ? Errno.EEXIST : 0 };
        using IpvsClient client = kernel.Open();

        IReadOnlyList<IpvsChangeResult> results = client.Apply(changes);

        // The last request of each datagram is the one with NLM_F_ACK, which this kernel refuses.
        var expectedFailures = new List<int>();
        int sum = 0;
        foreach (byte[] datagram in kernel.SentAfterOpen) { sum += FakeNetlinkSocket.Parse(datagram).Count; expectedFailures.Add(sum - 1); }
        Assert.True(expectedFailures.Count >= 2, "600 requests need more than one datagram");
        Assert.Equal(expectedFailures, results.Select((r, i) => (r, i)).Where(x => !x.r.Succeeded).Select(x => x.i));
    }

    [Fact]
    public void Replies_split_and_merged_across_datagrams_are_matched_by_sequence()
    {
        List<IpvsChange> changes = TwelveHundredChanges().Take(40).ToList();
        var kernel = new FakeKernel();
        using IpvsClient client = kernel.Open();
        // Answer the batch ourselves: errors for odd requests, all in one datagram, ACK separately, with a stale error first.
        kernel.Socket.Respond = d =>
        {
            List<SentMessage> ms = FakeNetlinkSocket.Parse(d);
            return new[]
            {
                Replies.Error(ms[0] with { Sequence = ms[0].Sequence - 1000 }, Errno.EINVAL),
                Replies.Datagram(ms.Where((m, i) => i % 2 == 1).Select(m => Replies.Error(m, Errno.ESRCH)).Reverse().ToArray()),
                Replies.Ack(ms[^1]),
            };
        };
        IReadOnlyList<IpvsChangeResult> results = client.Apply(changes);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => i % 2 == 1 ? Errno.ESRCH : 0), results.Select(r => r.Errno));
    }

    [Fact]
    public void An_empty_batch_sends_nothing()
    {
        var kernel = new FakeKernel();
        using IpvsClient client = kernel.Open();
        Assert.Empty(client.Apply(Array.Empty<IpvsChange>()));
        Assert.Empty(kernel.SentAfterOpen);
    }
}
