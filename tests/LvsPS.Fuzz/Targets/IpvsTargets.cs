using System.Net;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Netlink;
using static LvsPS.Native.Interop.ip_vs_h;

namespace LvsPS.Fuzz.Targets;

/// <summary>The IPVS replies: services, real servers, info and timeouts, sync daemons (IpvsCodec, SyncDaemonCodec).</summary>
internal static class IpvsTargets
{
    private static readonly VirtualServiceKey Tcp = VirtualServiceKey.ForAddress(IpvsProtocol.Tcp, IPAddress.Parse("10.0.0.3"), 80);
    private static readonly VirtualServiceKey Mark6 = VirtualServiceKey.ForFirewallMark(42, IpFamily.IPv6);

    public static void Services(ReadOnlySpan<byte> datagram)
        => NetlinkTargets.EachPayload(datagram, (payload, _) => IpvsCodec.ReadService(payload, null));

    /// <summary>Each message as a real server of an IPv4 service and of an IPv6 firewall-mark service (the family defaults to the service's).</summary>
    public static void Dests(ReadOnlySpan<byte> datagram)
        => NetlinkTargets.EachPayload(datagram, (payload, _) =>
        {
            IpvsCodec.ReadDest(payload, Tcp, null);
            IpvsCodec.ReadDest(payload, Mark6, null);
        });

    public static void InfoAndConfig(ReadOnlySpan<byte> datagram)
        => NetlinkTargets.EachPayload(datagram, (payload, _) =>
        {
            IpvsCodec.ReadInfo(payload);
            IpvsCodec.ReadTimeouts(payload);
        });

    public static void Daemons(ReadOnlySpan<byte> datagram)
        => NetlinkTargets.EachPayload(datagram, (payload, _) => SyncDaemonCodec.ReadDaemon(payload, null));

    public static IEnumerable<Seed> ConfigSeeds(SeedContext context)
        => Captures.Golden(context, "get-info.reply").Append(new Seed("get-config.reply", Captures.Datagram([
            Captures.IpvsMessage(IPVS_CMD_SET_CONFIG, w =>
            {
                w.WriteUInt32(IPVS_CMD_ATTR_TIMEOUT_TCP, 900);
                w.WriteUInt32(IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, 120);
                w.WriteUInt32(IPVS_CMD_ATTR_TIMEOUT_UDP, 300);
            }, 0),
            Captures.Ack()])));

    /// <summary>A GET_DAEMON dump as the kernel answers it: master and backup, IPv4 and IPv6 groups.</summary>
    public static IEnumerable<Seed> DaemonSeeds(SeedContext context)
    {
        SyncDaemon master = new() { State = SyncDaemonState.Master, Interface = "eth1", SyncId = 5 };
        SyncDaemon backup = new()
        {
            State = SyncDaemonState.Backup, Interface = "eth2", SyncId = 7, MaxLength = 1472,
            MulticastGroup = IPAddress.Parse("ff02::81"), Port = 8849, Ttl = 2,
        };
        SyncDaemon master4 = master with { MulticastGroup = IPAddress.Parse("224.0.0.81"), Port = 8848, Ttl = 1 };
        byte[] Daemon(SyncDaemon d) => Captures.IpvsMessage(IPVS_CMD_NEW_DAEMON, w => SyncDaemonCodec.WriteDaemon(w, d));
        yield return new Seed("daemons-both", Captures.Datagram([Daemon(master4), Daemon(backup), Captures.Done()]));
        yield return new Seed("daemon-master", Captures.Datagram([Daemon(master), Captures.Done()]));
    }
}
