using System.Buffers.Binary;
using System.Text;
using LvsPS.Native.Interop;
using LvsPS.Native.Netlink;

namespace LvsPS.Tests.Support;

/// <summary>Builds what the kernel would send back, by hand (not with the writer under test, except for genl bodies).</summary>
internal static class Replies
{
    /// <summary>
    /// An NLMSG_ERROR; error 0 is an ACK. <paramref name="capped"/> echoes only the request header
    /// (NLM_F_CAPPED, what the kernel does with NETLINK_CAP_ACK), else the whole request.
    /// </summary>
    public static byte[] Error(SentMessage request, int errno, bool capped = true, string? extAck = null, uint? extAckOffset = null)
    {
        byte[] echoed = capped ? request.Raw[..16] : request.Raw;
        var body = new List<byte>();
        body.AddRange(Int32(-errno));
        body.AddRange(echoed);
        Pad(body);
        if (extAck != null)
        {
            byte[] text = Encoding.ASCII.GetBytes(extAck + "\0");
            body.AddRange(UInt16((ushort)(4 + text.Length)));
            body.AddRange(UInt16(netlink_h.NLMSGERR_ATTR_MSG));
            body.AddRange(text);
            Pad(body);
        }
        if (extAckOffset is uint offset)
        {
            body.AddRange(UInt16(8));
            body.AddRange(UInt16(netlink_h.NLMSGERR_ATTR_OFFS));
            body.AddRange(BitConverter.GetBytes(offset));
        }
        ushort flags = (ushort)((capped ? netlink_h.NLM_F_CAPPED : 0) | (extAck != null || extAckOffset != null ? netlink_h.NLM_F_ACK_TLVS : 0));
        return Message(netlink_h.NLMSG_ERROR, flags, request.Sequence, body.ToArray());
    }

    public static byte[] Ack(SentMessage request) => Error(request, 0);

    public static byte[] Done(uint sequence, int status = 0, ushort extraFlags = 0)
        => Message(netlink_h.NLMSG_DONE, (ushort)(netlink_h.NLM_F_MULTI | extraFlags), sequence, Int32(status));

    public static byte[] Genl(ushort type, ushort flags, uint sequence, byte command, Action<NetlinkWriter> attributes)
    {
        var w = new NetlinkWriter();
        int m = w.BeginMessage(type, flags, sequence);
        w.WriteGenericHeader(command, 1);
        attributes(w);
        w.EndMessage(m);
        return w.WrittenSpan.ToArray();
    }

    public static byte[] Message(ushort type, ushort flags, uint sequence, byte[] body)
    {
        var m = new List<byte>();
        m.AddRange(BitConverter.GetBytes((uint)(16 + body.Length)));
        m.AddRange(UInt16(type));
        m.AddRange(UInt16(flags));
        m.AddRange(BitConverter.GetBytes(sequence));
        m.AddRange(BitConverter.GetBytes(0u));
        m.AddRange(body);
        Pad(m);
        return m.ToArray();
    }

    /// <summary>Several messages in one datagram (each is already a multiple of 4 bytes long).</summary>
    public static byte[] Datagram(params byte[][] messages) => messages.SelectMany(m => m).ToArray();

    /// <summary>A copy of a captured message with another sequence number (captures carry ipvsadm's), optionally more flags.</summary>
    public static byte[] WithSequence(byte[] message, uint sequence, ushort flagsToAdd = 0)
    {
        byte[] copy = (byte[])message.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(8), sequence);
        BinaryPrimitives.WriteUInt16LittleEndian(copy.AsSpan(6), (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(copy.AsSpan(6)) | flagsToAdd));
        return copy;
    }

    private static byte[] Int32(int v) => BitConverter.GetBytes(v);
    private static byte[] UInt16(ushort v) => BitConverter.GetBytes(v);

    private static void Pad(List<byte> bytes)
    {
        while (bytes.Count % 4 != 0)
            bytes.Add(0);
    }
}
