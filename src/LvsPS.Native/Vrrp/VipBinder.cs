using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using LvsPS.Native.Interop;
using LvsPS.Native.Netlink;

namespace LvsPS.Native.Vrrp;

/// <summary>An interface as route netlink reports it (RTM_NEWLINK).</summary>
public sealed record VrrpLink(int Index, string Name, byte[] HardwareAddress, bool IsUp);

/// <summary>An address of an interface (RTM_NEWADDR).</summary>
public sealed record VrrpInterfaceAddress(IPAddress Address, int PrefixLength, bool IsSecondary);

/// <summary>
/// The little route netlink VRRP needs: find a link, list its addresses, add and remove a
/// VIP (RTM_NEWADDR/RTM_DELADDR), over the existing <see cref="INetlinkSocket"/>. Written
/// apart from src/LvsPS.Native/RouteNetlink on purpose (parallel work); merge when that lands.
/// Not thread-safe: the instance's protocol thread is its only user after start.
/// </summary>
internal sealed class VipBinder : IDisposable
{
    // include/uapi/linux/rtnetlink.h
    private const ushort RTM_NEWLINK = 16, RTM_GETLINK = 18, RTM_NEWADDR = 20, RTM_DELADDR = 21, RTM_GETADDR = 22;
    // include/uapi/linux/if_link.h, if_addr.h, netlink.h
    private const ushort IFLA_ADDRESS = 1, IFLA_IFNAME = 3;
    private const ushort IFA_ADDRESS = 1, IFA_LOCAL = 2, IFA_FLAGS = 8;
    private const uint IFA_F_SECONDARY = 0x01, IFA_F_NODAD = 0x02;
    private const uint IFF_UP = 0x1, IFF_RUNNING = 0x40, IFF_LOWER_UP = 0x10000;
    private const ushort NLM_F_EXCL = 0x200, NLM_F_CREATE = 0x400;
    private const int EEXIST = 17, EADDRNOTAVAIL = 99, ENOENT = 2, ENODEV = 19;

    private readonly INetlinkSocket _socket;
    private readonly byte[] _receive = new byte[64 * 1024];
    private uint _sequence = (uint)Environment.TickCount;

    public VipBinder(INetlinkSocket socket) => _socket = socket;

    /// <summary>Opens route netlink in the calling thread's namespace, or in <paramref name="networkNamespace"/>.</summary>
    public static VipBinder Open(string? networkNamespace) => new(NetlinkSocket.Open(netlink_h.NETLINK_ROUTE, networkNamespace));

    public IReadOnlyList<VrrpLink> GetLinks()
    {
        var links = new List<VrrpLink>();
        Span<byte> ifinfomsg = stackalloc byte[16];
        ifinfomsg.Clear();
        Request(RTM_GETLINK, netlink_h.NLM_F_DUMP, ifinfomsg, default, (type, payload) =>
        {
            if (type != RTM_NEWLINK || payload.Length < 16)
                return;
            int index = BinaryPrimitives.ReadInt32LittleEndian(payload[4..]);
            uint flags = BinaryPrimitives.ReadUInt32LittleEndian(payload[8..]);
            string? name = null;
            byte[] mac = Array.Empty<byte>();
            var r = new NetlinkAttributeReader(payload[16..]);
            while (r.MoveNext())
                switch (r.Type)
                {
                    case IFLA_IFNAME: name = r.GetString(); break;
                    case IFLA_ADDRESS: mac = r.Payload.ToArray(); break;
                }
            if (name != null)
                links.Add(new VrrpLink(index, name, mac, (flags & IFF_UP) != 0 && (flags & (IFF_RUNNING | IFF_LOWER_UP)) != 0));
        });
        return links;
    }

    public VrrpLink? FindLink(string name) => GetLinks().FirstOrDefault(l => l.Name == name);

    public IReadOnlyList<VrrpInterfaceAddress> GetAddresses(int ifindex, AddressFamily family)
    {
        var list = new List<VrrpInterfaceAddress>();
        Span<byte> ifaddrmsg = stackalloc byte[8];
        ifaddrmsg.Clear();
        ifaddrmsg[0] = Family(family);
        Request(RTM_GETADDR, netlink_h.NLM_F_DUMP, ifaddrmsg, default, (type, payload) =>
        {
            if (type != RTM_NEWADDR || payload.Length < 8 || BinaryPrimitives.ReadInt32LittleEndian(payload[4..]) != ifindex || payload[0] != Family(family))
                return;
            int prefix = payload[1];
            uint flags = payload[2];
            IPAddress? local = null, address = null;
            var r = new NetlinkAttributeReader(payload[8..]);
            while (r.MoveNext())
                switch (r.Type)
                {
                    case IFA_LOCAL when r.Payload.Length is 4 or 16: local = new IPAddress(r.Payload); break;
                    case IFA_ADDRESS when r.Payload.Length is 4 or 16: address = new IPAddress(r.Payload); break;
                    case IFA_FLAGS: flags = r.GetUInt32(); break;
                }
            if ((local ?? address) is { } a)
                list.Add(new VrrpInterfaceAddress(a, prefix, (flags & IFA_F_SECONDARY) != 0));
        });
        return list;
    }

    /// <summary>Adds the address (no DAD for IPv6, so it is usable at once); false when it was there already.</summary>
    public bool Add(int ifindex, VrrpVirtualAddress vip) => Change(RTM_NEWADDR, (ushort)(NLM_F_CREATE | NLM_F_EXCL), ifindex, vip, EEXIST);

    /// <summary>Removes the address; false when it was not there.</summary>
    public bool Remove(int ifindex, VrrpVirtualAddress vip) => Change(RTM_DELADDR, 0, ifindex, vip, EADDRNOTAVAIL, ENOENT, ENODEV);

    private bool Change(ushort type, ushort flags, int ifindex, VrrpVirtualAddress vip, params int[] benign)
    {
        Span<byte> ifaddrmsg = stackalloc byte[8];
        ifaddrmsg.Clear();
        ifaddrmsg[0] = Family(vip.Address.AddressFamily);
        ifaddrmsg[1] = (byte)vip.PrefixLength;
        BinaryPrimitives.WriteInt32LittleEndian(ifaddrmsg[4..], ifindex);
        var attributes = new List<(ushort, byte[])>
        {
            (IFA_LOCAL, vip.Address.GetAddressBytes()),
            (IFA_ADDRESS, vip.Address.GetAddressBytes()),
        };
        if (type == RTM_NEWADDR && vip.Address.AddressFamily == AddressFamily.InterNetworkV6)
            attributes.Add((IFA_FLAGS, BitConverter.GetBytes(IFA_F_NODAD)));
        try
        {
            Request(type, (ushort)(netlink_h.NLM_F_ACK | flags), ifaddrmsg, attributes, null);
            return true;
        }
        catch (NetlinkException e) when (benign.Contains(e.Errno))
        {
            return false;
        }
    }

    private static byte Family(AddressFamily family) => family == AddressFamily.InterNetworkV6 ? (byte)10 : (byte)2;

    private delegate void ReplyHandler(ushort type, ReadOnlySpan<byte> payload);

    private void Request(ushort type, ushort flags, ReadOnlySpan<byte> header, List<(ushort Type, byte[] Value)>? attributes, ReplyHandler? onReply)
    {
        uint seq = ++_sequence;
        int length = nlmsghdr.Size + netlink_h.Align(header.Length);
        foreach ((_, byte[] v) in attributes ?? new())
            length += netlink_h.Align(4 + v.Length);
        var m = new byte[length];
        BinaryPrimitives.WriteUInt32LittleEndian(m, (uint)length);
        BinaryPrimitives.WriteUInt16LittleEndian(m.AsSpan(4), type);
        BinaryPrimitives.WriteUInt16LittleEndian(m.AsSpan(6), (ushort)(netlink_h.NLM_F_REQUEST | flags));
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(8), seq);
        header.CopyTo(m.AsSpan(nlmsghdr.Size));
        int offset = nlmsghdr.Size + netlink_h.Align(header.Length);
        foreach ((ushort t, byte[] v) in attributes ?? new())
        {
            BinaryPrimitives.WriteUInt16LittleEndian(m.AsSpan(offset), (ushort)(4 + v.Length));
            BinaryPrimitives.WriteUInt16LittleEndian(m.AsSpan(offset + 2), t);
            v.CopyTo(m, offset + 4);
            offset += netlink_h.Align(4 + v.Length);
        }
        _socket.Send(m);
        string operation = $"route netlink {type}";
        while (true)
        {
            int n = _socket.Receive(_receive);
            var messages = new NetlinkMessageReader(_receive.AsSpan(0, n));
            while (messages.MoveNext())
            {
                if (messages.Sequence != seq)
                    continue;
                switch (messages.Type)
                {
                    case netlink_h.NLMSG_ERROR:
                        int error = NetlinkErrorMessage.Decode(messages.Payload, messages.Flags, out string? text);
                        if (error != 0)
                            throw NetlinkException.FromErrno(-error, operation, text);
                        return;
                    case netlink_h.NLMSG_DONE:
                        return;
                    default:
                        onReply?.Invoke(messages.Type, messages.Payload);
                        break;
                }
            }
            if (messages.Error != null)
                throw new NetlinkException(Errno.EPROTO, $"{operation}: malformed reply: {messages.Error}");
        }
    }

    public void Dispose() => _socket.Dispose();
}
