using System.Buffers.Binary;
using LvsPS.Native.Interop;
using LvsPS.Native.Netlink;

namespace LvsPS.Fuzz.Targets;

/// <summary>Netlink seeds: the golden captures of the real kernel and ipvsadm, and messages built with the library's writer.</summary>
internal static class Captures
{
    public const string GoldenFolder = "tests/LvsPS.Tests/Golden";

    /// <summary>The IPVS family id of the golden captures (Golden/README.md).</summary>
    public const ushort CapturedIpvsFamily = 0x20;

    /// <summary>Each golden capture whose name matches, its messages in one datagram (as the kernel batches a dump).</summary>
    public static IEnumerable<Seed> Golden(SeedContext context, string pattern)
    {
        foreach (string file in Directory.EnumerateFiles(context.PathOf(GoldenFolder), pattern + ".hex").Order(StringComparer.Ordinal))
            yield return new Seed(Path.GetFileNameWithoutExtension(file), Datagram(Messages(file)));
    }

    /// <summary>The messages of one capture file (one hex line each).</summary>
    public static IReadOnlyList<byte[]> Messages(string file)
        => File.ReadAllLines(file).Select(l => l.Trim()).Where(l => l.Length > 0).Select(Convert.FromHexString).ToArray();

    public static byte[] Datagram(IEnumerable<byte[]> messages) => messages.SelectMany(m => m).ToArray();

    /// <summary>One generic netlink message of the IPVS family, its attributes written by <paramref name="body"/>.</summary>
    public static byte[] IpvsMessage(byte command, Action<NetlinkWriter> body, ushort flags = netlink_h.NLM_F_MULTI)
    {
        var w = new NetlinkWriter();
        int m = w.BeginMessage(CapturedIpvsFamily, flags, 0);
        w.WriteGenericHeader(command, ip_vs_h.IPVS_GENL_VERSION);
        body(w);
        w.EndMessage(m);
        return w.WrittenSpan.ToArray();
    }

    /// <summary>NLMSG_DONE (payload: int 0) or an ACK/error (NLMSG_ERROR with the request's header only).</summary>
    public static byte[] Done() => Control(netlink_h.NLMSG_DONE, 0, netlink_h.NLM_F_MULTI);

    public static byte[] Ack(int errno = 0) => Control(netlink_h.NLMSG_ERROR, -errno, netlink_h.NLM_F_CAPPED);

    private static byte[] Control(ushort type, int code, ushort flags)
    {
        // NLMSG_DONE carries the int; an ACK carries it and the request's 16-byte header (NLM_F_CAPPED).
        int length = nlmsghdr.Size + 4 + (type == netlink_h.NLMSG_ERROR ? nlmsghdr.Size : 0);
        var m = new byte[length];
        BinaryPrimitives.WriteUInt32LittleEndian(m, (uint)length);
        BinaryPrimitives.WriteUInt16LittleEndian(m.AsSpan(4), type);
        BinaryPrimitives.WriteUInt16LittleEndian(m.AsSpan(6), flags);
        BinaryPrimitives.WriteInt32LittleEndian(m.AsSpan(nlmsghdr.Size), code);
        if (type == netlink_h.NLMSG_ERROR)
            BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(nlmsghdr.Size + 4), nlmsghdr.Size);
        return m;
    }
}
