using System.Net;
using System.Text;
using LvsPS.Native.Interop;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Netlink;
using LvsPS.Tests.Support;

namespace LvsPS.Tests.Daemons;

/// <summary>NEW/DEL_DAEMON and the GET_DAEMON dump on the wire, against the fake kernel.</summary>
public sealed class SyncDaemonClientTests
{
    private static Dictionary<ushort, byte[]> DaemonAttributes(SentMessage m)
    {
        Attr nest = Attrs.One(Attrs.Parse(m.Attributes), ip_vs_h.IPVS_CMD_ATTR_DAEMON);
        Assert.True(nest.NestedFlag);
        return Attrs.ToMap(nest.Children);
    }

    [Fact]
    public void Start_sends_every_setting_with_its_width_and_a_host_order_port()
    {
        var kernel = new FakeKernel();
        using IpvsClient client = kernel.Open();
        client.StartSyncDaemon(new SyncDaemon
        {
            State = SyncDaemonState.Backup, Interface = "eth1", SyncId = 7, MaxLength = 1400,
            MulticastGroup = IPAddress.Parse("239.1.2.3"), Port = 8849, Ttl = 3,
        });

        SentMessage m = Assert.Single(kernel.IpvsRequests);
        Assert.Equal(ip_vs_h.IPVS_CMD_NEW_DAEMON, m.Command);
        Dictionary<ushort, byte[]> a = DaemonAttributes(m);
        Assert.Equal(new byte[] { 2, 0, 0, 0 }, a[ip_vs_h.IPVS_DAEMON_ATTR_STATE]);
        Assert.Equal(Encoding.ASCII.GetBytes("eth1\0"), a[ip_vs_h.IPVS_DAEMON_ATTR_MCAST_IFN]);
        Assert.Equal(new byte[] { 7, 0, 0, 0 }, a[ip_vs_h.IPVS_DAEMON_ATTR_SYNC_ID]);
        Assert.Equal(new byte[] { 0x78, 0x05 }, a[ip_vs_h.IPVS_DAEMON_ATTR_SYNC_MAXLEN]);     // 1400, u16 host order
        Assert.Equal(new byte[] { 239, 1, 2, 3 }, a[ip_vs_h.IPVS_DAEMON_ATTR_MCAST_GROUP]);  // in_addr
        Assert.Equal(new byte[] { 0x91, 0x22 }, a[ip_vs_h.IPVS_DAEMON_ATTR_MCAST_PORT]);     // 8849 = 0x2291, nla_get_u16: host order
        Assert.Equal(new byte[] { 3 }, a[ip_vs_h.IPVS_DAEMON_ATTR_MCAST_TTL]);
        Assert.False(a.ContainsKey(ip_vs_h.IPVS_DAEMON_ATTR_MCAST_GROUP6));
    }

    [Fact]
    public void Start_without_options_sends_only_the_three_attributes_the_kernel_requires()
    {
        var kernel = new FakeKernel();
        using IpvsClient client = kernel.Open();
        client.StartSyncDaemon(new SyncDaemon { State = SyncDaemonState.Master, Interface = "lo" });

        Dictionary<ushort, byte[]> a = DaemonAttributes(Assert.Single(kernel.IpvsRequests));
        Assert.Equal(new[] { ip_vs_h.IPVS_DAEMON_ATTR_STATE, ip_vs_h.IPVS_DAEMON_ATTR_MCAST_IFN, ip_vs_h.IPVS_DAEMON_ATTR_SYNC_ID }, a.Keys.Order().ToArray());
        Assert.Equal(new byte[] { 0, 0, 0, 0 }, a[ip_vs_h.IPVS_DAEMON_ATTR_SYNC_ID]);
    }

    [Fact]
    public void An_IPv6_group_goes_in_MCAST_GROUP6_as_16_bytes()
    {
        var kernel = new FakeKernel();
        using IpvsClient client = kernel.Open();
        client.StartSyncDaemon(new SyncDaemon { State = SyncDaemonState.Master, Interface = "eth0", MulticastGroup = IPAddress.Parse("ff02::1:3") });

        Dictionary<ushort, byte[]> a = DaemonAttributes(Assert.Single(kernel.IpvsRequests));
        Assert.Equal(IPAddress.Parse("ff02::1:3").GetAddressBytes(), a[ip_vs_h.IPVS_DAEMON_ATTR_MCAST_GROUP6]);
        Assert.False(a.ContainsKey(ip_vs_h.IPVS_DAEMON_ATTR_MCAST_GROUP));
    }

    [Fact]
    public void Stop_sends_only_the_state_and_confirms_the_stop_with_a_daemon_dump()
    {
        var kernel = new FakeKernel { Dump = m => new[] { Replies.Done(m.Sequence) } };
        using IpvsClient client = kernel.Open();
        client.StopSyncDaemon(SyncDaemonState.Backup);

        Assert.Equal(2, kernel.IpvsRequests.Count);
        SentMessage m = kernel.IpvsRequests[0];
        Assert.Equal(ip_vs_h.IPVS_CMD_DEL_DAEMON, m.Command);
        Assert.Equal(0, m.Flags & netlink_h.NLM_F_ACK); // the kernel may never answer it (EINTR): the dump is the answer
        Dictionary<ushort, byte[]> a = DaemonAttributes(m);
        Assert.Equal(new byte[] { 2, 0, 0, 0 }, Assert.Single(a).Value);
        SentMessage dump = kernel.IpvsRequests[1];
        Assert.Equal(ip_vs_h.IPVS_CMD_GET_DAEMON, dump.Command);
        Assert.Equal(netlink_h.NLM_F_DUMP, dump.Flags & netlink_h.NLM_F_DUMP);
    }

    /// <summary>
    /// A stop right after a start, before the daemon's thread first ran: stop_sync_thread stops it
    /// and returns kthread_stop's -EINTR, for which netlink_rcv_skb sends no answer at all (seen in
    /// the lab: the in-memory parity scenario waited 30 s for an ACK that never came).
    /// </summary>
    [Fact]
    public void A_stop_the_kernel_leaves_unanswered_succeeds_when_the_dump_shows_the_daemon_gone()
    {
        FakeKernel kernel = KernelLeavingTheStopUnanswered(listedState: 2);
        using IpvsClient client = kernel.Open();
        client.StopSyncDaemon(SyncDaemonState.Master); // the backup (state 2) still runs; the master is gone
        Assert.Equal(new[] { ip_vs_h.IPVS_CMD_DEL_DAEMON, ip_vs_h.IPVS_CMD_GET_DAEMON }, kernel.IpvsRequests.Select(r => r.Command));
    }

    [Fact]
    public void A_stop_that_leaves_the_daemon_running_is_an_error_not_a_success()
    {
        FakeKernel kernel = KernelLeavingTheStopUnanswered(listedState: 1);
        using IpvsClient client = kernel.Open();
        var e = Assert.Throws<NetlinkException>(() => client.StopSyncDaemon(SyncDaemonState.Master));
        Assert.Contains("master sync daemon still runs", e.Message);
    }

    /// <summary>DEL_DAEMON's handler returns EINTR (no answer); the daemon dump then lists one daemon in <paramref name="listedState"/> (1 master, 2 backup).</summary>
    private static FakeKernel KernelLeavingTheStopUnanswered(uint listedState) => new()
    {
        Errno = (_, m) => m.Command == ip_vs_h.IPVS_CMD_DEL_DAEMON ? Errno.EINTR : 0,
        Dump = m => new[] { Replies.Datagram(DaemonMessage(m.Sequence, listedState, "eth0", 0, withOptions: false), Replies.Done(m.Sequence)) },
    };

    /// <summary>A NEW_DAEMON dump message written attribute by attribute, as ip_vs_genl_fill_daemon does.</summary>
    private static byte[] DaemonMessage(uint seq, uint state, string ifn, uint syncId, bool withOptions, byte[]? group = null, bool v6 = false)
        => Replies.Genl(FakeKernel.DefaultIpvsFamily, netlink_h.NLM_F_MULTI, seq, ip_vs_h.IPVS_CMD_NEW_DAEMON, w =>
        {
            int nest = w.BeginNested(ip_vs_h.IPVS_CMD_ATTR_DAEMON);
            w.WriteUInt32(ip_vs_h.IPVS_DAEMON_ATTR_STATE, state);
            w.WriteString(ip_vs_h.IPVS_DAEMON_ATTR_MCAST_IFN, ifn);
            w.WriteUInt32(ip_vs_h.IPVS_DAEMON_ATTR_SYNC_ID, syncId);
            if (withOptions)
            {
                w.WriteUInt16(ip_vs_h.IPVS_DAEMON_ATTR_SYNC_MAXLEN, 1472);
                w.WriteUInt16(ip_vs_h.IPVS_DAEMON_ATTR_MCAST_PORT, 8848);
                w.WriteUInt8(ip_vs_h.IPVS_DAEMON_ATTR_MCAST_TTL, 1);
                w.WriteBytes(v6 ? ip_vs_h.IPVS_DAEMON_ATTR_MCAST_GROUP6 : ip_vs_h.IPVS_DAEMON_ATTR_MCAST_GROUP, group ?? new byte[] { 224, 0, 0, 81 });
            }
            w.WriteUInt32(99, 0xdeadbeef); // an attribute from a future kernel: skipped
            w.EndNested(nest);
        });

    [Fact]
    public void Get_decodes_both_daemons_of_a_dump_with_the_kernel_defaults()
    {
        var kernel = new FakeKernel
        {
            Dump = m => new[]
            {
                Replies.Datagram(
                    DaemonMessage(m.Sequence, 1, "lo", 5, withOptions: true),
                    DaemonMessage(m.Sequence, 2, "dum0", 7, withOptions: true, IPAddress.Parse("ff02::1:3").GetAddressBytes(), v6: true),
                    Replies.Done(m.Sequence)),
            },
        };
        using IpvsClient client = kernel.Open();
        IReadOnlyList<SyncDaemon> daemons = client.GetSyncDaemons();

        Assert.Equal(ip_vs_h.IPVS_CMD_GET_DAEMON, Assert.Single(kernel.IpvsRequests).Command);
        Assert.Equal(netlink_h.NLM_F_REQUEST | netlink_h.NLM_F_DUMP, kernel.IpvsRequests[0].Flags);
        Assert.Equal(2, daemons.Count);
        Assert.Equal(new SyncDaemon
        {
            State = SyncDaemonState.Master, Interface = "lo", SyncId = 5, MaxLength = 1472,
            MulticastGroup = IPAddress.Parse("224.0.0.81"), Port = 8848, Ttl = 1,
        }, daemons[0]);
        Assert.Equal((SyncDaemonState.Backup, "dum0", IPAddress.Parse("ff02::1:3")), (daemons[1].State, daemons[1].Interface, daemons[1].MulticastGroup));
        Assert.Equal("master sync daemon (mcast=lo, syncid=5, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)", daemons[0].ToString());
    }

    [Fact]
    public void Get_from_an_old_kernel_leaves_the_options_unset()
    {
        var kernel = new FakeKernel { Dump = m => new[] { Replies.Datagram(DaemonMessage(m.Sequence, 1, "eth0", 0, withOptions: false), Replies.Done(m.Sequence)) } };
        using IpvsClient client = kernel.Open();
        SyncDaemon d = Assert.Single(client.GetSyncDaemons());
        Assert.Equal(new SyncDaemon { State = SyncDaemonState.Master, Interface = "eth0" }, d);
    }

    [Fact]
    public void Get_with_no_daemon_is_empty()
    {
        var kernel = new FakeKernel { Dump = m => new[] { Replies.Done(m.Sequence) } };
        using IpvsClient client = kernel.Open();
        Assert.Empty(client.GetSyncDaemons());
    }

    private static IpvsException Refused(int errno, Action<IpvsClient> act, Func<SentMessage, IEnumerable<byte[]>>? dump = null)
    {
        var kernel = new FakeKernel { Errno = (_, _) => errno, Dump = dump ?? (m => new[] { Replies.Done(m.Sequence) }) };
        using IpvsClient client = kernel.Open();
        var e = Assert.Throws<IpvsException>(() => act(client));
        Assert.Equal(errno, e.Errno);
        return e;
    }

    private static readonly SyncDaemon Master = new() { State = SyncDaemonState.Master, Interface = "eth0", SyncId = 5 };

    [Fact]
    public void EEXIST_says_a_daemon_in_that_role_runs()
    {
        IpvsException e = Refused(Errno.EEXIST, c => c.StartSyncDaemon(Master));
        Assert.Equal(IpvsOperation.StartSyncDaemon, e.Operation);
        Assert.StartsWith("master sync daemon (mcast=eth0", e.Target);
        Assert.Contains("already runs", e.Message);
    }

    [Fact]
    public void ENODEV_says_the_interface_does_not_exist()
    {
        IpvsException e = Refused(Errno.ENODEV, c => c.StartSyncDaemon(Master));
        Assert.Contains("interface does not exist", e.Message);
        Assert.Contains("mcast=eth0", e.Message);
    }

    [Fact]
    public void ESRCH_on_stop_says_no_daemon_runs()
    {
        IpvsException e = Refused(Errno.ESRCH, c => c.StopSyncDaemon(SyncDaemonState.Backup));
        Assert.Equal((IpvsOperation.StopSyncDaemon, "backup"), (e.Operation, e.Target));
        Assert.Contains("No backup sync daemon runs", e.Message);
    }

    [Fact]
    public void EINVAL_on_start_explains_the_mixed_family_rule_and_names_the_offending_real_servers()
    {
        var svc = new VirtualService { Key = VirtualServiceKey.Parse("tcp/10.0.0.3:80"), Scheduler = "rr" };
        var v6 = new RealServer { VirtualService = svc.Key, Address = IPAddress.Parse("2001:db8::9"), Port = 80, Forwarding = ForwardingMethod.Tunnel };
        IpvsException e = Refused(Errno.EINVAL, c => c.StartSyncDaemon(Master), m => m.Command switch
        {
            ip_vs_h.IPVS_CMD_GET_SERVICE => new[] { Replies.Datagram(
                Replies.Genl(FakeKernel.DefaultIpvsFamily, netlink_h.NLM_F_MULTI, m.Sequence, ip_vs_h.IPVS_CMD_NEW_SERVICE, w => IpvsCodec.WriteService(w, svc)),
                Replies.Done(m.Sequence)) },
            _ => new[] { Replies.Datagram(
                Replies.Genl(FakeKernel.DefaultIpvsFamily, netlink_h.NLM_F_MULTI, m.Sequence, ip_vs_h.IPVS_CMD_NEW_DEST, w => IpvsCodec.WriteDest(w, v6, full: true)),
                Replies.Done(m.Sequence)) },
        });
        Assert.Contains("real servers of another address family", e.Message);
        Assert.Contains("tcp/10.0.0.3:80 -> [2001:db8::9]:80", e.Message);
    }

    [Fact]
    public void EINVAL_without_mixed_real_servers_keeps_the_general_explanation()
    {
        IpvsException e = Refused(Errno.EINVAL, c => c.StartSyncDaemon(Master), m => new[] { Replies.Done(m.Sequence) });
        Assert.Contains("another address family", e.Message);
        Assert.DoesNotContain("They are", e.Message);
    }
}
