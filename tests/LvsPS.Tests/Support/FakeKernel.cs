using System.Text;
using LvsPS.Native.Interop;
using LvsPS.Native.Ipvs;

namespace LvsPS.Tests.Support;

/// <summary>
/// Answers like the kernel's generic netlink controller and IPVS family would: CTRL_CMD_GETFAMILY,
/// an NLMSG_ERROR for every failing request and an ACK for every succeeding request that asked
/// for one (netlink_rcv_skb: <c>if (flags &amp; NLM_F_ACK || err) netlink_ack()</c>), nothing for a request
/// whose handler returned EINTR (netlink_rcv_skb skips those), dumps from a script.
/// </summary>
internal sealed class FakeKernel
{
    public const ushort DefaultIpvsFamily = 0x20;

    public FakeKernel() => Socket.Respond = Handle;

    public FakeNetlinkSocket Socket { get; } = new();
    public ushort IpvsFamily { get; set; } = DefaultIpvsFamily;
    public bool HasIpvs { get; set; } = true;

    /// <summary>Every IPVS request received, in order (dumps included).</summary>
    public List<SentMessage> IpvsRequests { get; } = new();

    /// <summary>The errno (positive, 0 = success) for a non-dump request, given its index in <see cref="IpvsRequests"/>.</summary>
    public Func<int, SentMessage, int> Errno { get; set; } = (_, _) => 0;

    /// <summary>Replies sent before the ACK of a successful non-dump request (GET_SERVICE, GET_INFO…).</summary>
    public Func<SentMessage, IEnumerable<byte[]>>? Reply { get; set; }

    /// <summary>The datagrams answering a dump request.</summary>
    public Func<SentMessage, IEnumerable<byte[]>>? Dump { get; set; }

    public string? ExtAck { get; set; }

    /// <summary>The datagrams sent after the family was resolved.</summary>
    public IEnumerable<byte[]> SentAfterOpen => Socket.Sent.Skip(1);

    public IpvsClient Open()
    {
        IpvsClient client = IpvsClient.Open(Socket);
        Assert.Single(Socket.Sent); // the family lookup
        return client;
    }

    private IEnumerable<byte[]> Handle(byte[] datagram)
    {
        var replies = new List<byte[]>();
        foreach (SentMessage m in FakeNetlinkSocket.Parse(datagram))
        {
            if (m.Type == genetlink_h.GENL_ID_CTRL)
                replies.AddRange(Control(m));
            else if (m.Type == IpvsFamily)
                replies.AddRange(Ipvs(m));
            else
                replies.Add(Replies.Error(m, LvsPS.Native.Netlink.Errno.ENOENT)); // no such family id
        }
        return replies;
    }

    private IEnumerable<byte[]> Control(SentMessage m)
    {
        Assert.Equal(genetlink_h.CTRL_CMD_GETFAMILY, m.Command);
        string name = Encoding.ASCII.GetString(Attrs.One(Attrs.Parse(m.Attributes), genetlink_h.CTRL_ATTR_FAMILY_NAME).Payload).TrimEnd('\0');
        if (name != "IPVS" || !HasIpvs)
        {
            yield return Replies.Error(m, LvsPS.Native.Netlink.Errno.ENOENT);
            yield break;
        }
        yield return Replies.Genl(genetlink_h.GENL_ID_CTRL, 0, m.Sequence, 1 /* CTRL_CMD_NEWFAMILY */, w =>
        {
            w.WriteString(genetlink_h.CTRL_ATTR_FAMILY_NAME, "IPVS");
            w.WriteUInt16(genetlink_h.CTRL_ATTR_FAMILY_ID, IpvsFamily);
            w.WriteUInt32(genetlink_h.CTRL_ATTR_VERSION, 1);
        });
        if ((m.Flags & netlink_h.NLM_F_ACK) != 0)
            yield return Replies.Ack(m);
    }

    private IEnumerable<byte[]> Ipvs(SentMessage m)
    {
        int index = IpvsRequests.Count;
        IpvsRequests.Add(m);
        if ((m.Flags & netlink_h.NLM_F_DUMP) == netlink_h.NLM_F_DUMP)
            return (Dump ?? throw new InvalidOperationException($"no dump scripted for IPVS command {m.Command}"))(m);
        int errno = Errno(index, m);
        if (errno == LvsPS.Native.Netlink.Errno.EINTR)
            return Array.Empty<byte[]>(); // netlink_rcv_skb: a handler's -EINTR gets no answer at all, not even with NLM_F_ACK
        if (errno != 0)
            return new[] { Replies.Error(m, errno, extAck: ExtAck) };
        var replies = Reply?.Invoke(m).ToList() ?? new List<byte[]>();
        if ((m.Flags & netlink_h.NLM_F_ACK) != 0)
            replies.Add(Replies.Ack(m));
        return replies;
    }
}
