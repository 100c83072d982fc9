using System.Buffers.Binary;
using System.Net;
using LvsPS.Native.Interop;
using LvsPS.Native.Netlink;
using LvsPS.Native.RouteNetlink;

namespace LvsPS.Fuzz.Targets;

/// <summary>Route netlink replies: links, addresses and routes (RouteNetlinkCodec), every message through every parser.</summary>
internal static class RouteNetlinkTarget
{
    /// <summary>Messages kept from each live dump: small seeds mutate faster.</summary>
    private const int MessagesPerDump = 3;

    public static void Run(ReadOnlySpan<byte> datagram) => NetlinkTargets.EachPayload(datagram, ParseAll);

    /// <summary>Each parser's documented rejection is caught here, so the next parser still sees the message.</summary>
    private static void ParseAll(ReadOnlySpan<byte> payload, ushort type)
    {
        try { RouteNetlinkCodec.ParseLink(payload); }
        catch (NetlinkException e) when (e.GetType() == typeof(NetlinkException)) { }
        try { RouteNetlinkCodec.ParseAddress(payload); }
        catch (NetlinkException e) when (e.GetType() == typeof(NetlinkException)) { }
        try { RouteNetlinkCodec.ParseRoute(payload); }
        catch (NetlinkException e) when (e.GetType() == typeof(NetlinkException)) { }
    }

    /// <summary>Messages built with the library's writer, and the first messages of this host kernel's own link, address and route dumps.</summary>
    public static IEnumerable<Seed> Seeds(SeedContext context)
    {
        var w = new NetlinkWriter();
        int m = w.BeginMessage(rtnetlink_h.RTM_NEWLINK, netlink_h.NLM_F_MULTI, 0);
        w.WriteStruct(new ifinfomsg { ifi_type = if_link_h.ARPHRD_TUNNEL, ifi_index = 7, ifi_flags = if_link_h.IFF_UP | if_link_h.IFF_NOARP });
        w.WriteString(if_link_h.IFLA_IFNAME, "tunl0");
        w.WriteBytes(if_link_h.IFLA_ADDRESS, new byte[4]);
        int info = w.BeginNested(if_link_h.IFLA_LINKINFO);
        w.WriteString(if_link_h.IFLA_INFO_KIND, "ipip");
        w.EndNested(info);
        w.EndMessage(m);
        RouteNetlinkCodec.WriteAddress(w, rtnetlink_h.RTM_NEWADDR, netlink_h.NLM_F_MULTI, 0, 1, IPAddress.Parse("10.0.0.3"), 32);
        RouteNetlinkCodec.WriteAddress(w, rtnetlink_h.RTM_NEWADDR, netlink_h.NLM_F_MULTI, 0, 1, IPAddress.Parse("2001:db8::3"), 128);
        yield return new Seed("built-link-addresses", w.WrittenSpan.ToArray());
        foreach (ushort dump in new[] { rtnetlink_h.RTM_GETLINK, rtnetlink_h.RTM_GETADDR, rtnetlink_h.RTM_GETROUTE })
            if (LiveDump(dump) is { } bytes)
                yield return new Seed($"host-dump-{dump}", bytes);
    }

    /// <summary>The start of one dump from this host's kernel (null when it cannot be read: the built seeds remain).</summary>
    private static byte[]? LiveDump(ushort type)
    {
        try
        {
            using NetlinkSocket socket = NetlinkSocket.Open(netlink_h.NETLINK_ROUTE, null);
            var w = new NetlinkWriter();
            RouteNetlinkCodec.WriteDump(w, type, netlink_h.NLM_F_REQUEST | netlink_h.NLM_F_DUMP, 1);
            socket.Send(w.WrittenSpan);
            var buffer = new byte[256 * 1024];
            int n = socket.Receive(buffer), end = 0;
            for (int kept = 0; kept < MessagesPerDump && end + nlmsghdr.Size <= n; kept++)
            {
                uint length = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(end));
                if (length < nlmsghdr.Size || length > n - end)
                    break;
                end = Math.Min(n, end + netlink_h.Align((int)length));
            }
            return end == 0 ? null : buffer[..end];
        }
        catch (NetlinkException)
        {
            return null;
        }
    }
}
