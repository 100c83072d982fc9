using LvsPS.Native.GenericNetlink;
using LvsPS.Native.Interop;
using LvsPS.Native.Netlink;

namespace LvsPS.Fuzz.Targets;

/// <summary>
/// The netlink layer: message and attribute framing (never throw: they keep their first error),
/// NLMSG_ERROR with extended ACKs, and the request/reply connection fed a scripted kernel.
/// </summary>
internal static class NetlinkTargets
{
    /// <summary>The scripted kernel and the connection over it, shared by every input (the sequence moves on; replies are rebased on it).</summary>
    private static readonly ScriptedKernel Kernel = new();
    private static readonly NetlinkConnection Connection = new(Kernel, firstSequence: 1);

    /// <summary>Nesting the harness follows; real replies nest three deep (service, stats, counter).</summary>
    private const int MaxDepth = 8;

    /// <summary>Walks every message, every error body and every attribute at every depth, reading each with every getter.</summary>
    public static void Framing(ReadOnlySpan<byte> datagram)
    {
        var messages = new NetlinkMessageReader(datagram);
        while (messages.MoveNext())
        {
            if (messages.Type == netlink_h.NLMSG_ERROR)
                NetlinkErrorMessage.Decode(messages.Payload, messages.Flags, out _);
            WalkAttributes(new NetlinkAttributeReader(messages.Payload), 0);
            if (messages.Payload.Length >= genetlink_h.GENL_HDRLEN)
                WalkAttributes(new NetlinkAttributeReader(messages.Payload[genetlink_h.GENL_HDRLEN..]), 0);
        }
        _ = messages.Error;
    }

    private static void WalkAttributes(NetlinkAttributeReader r, int depth)
    {
        while (r.MoveNext())
        {
            r.GetUInt8(); r.GetUInt16(); r.GetUInt16BigEndian(); r.GetUInt32(); r.GetUInt64(); r.GetString();
            if (depth < MaxDepth)
                WalkAttributes(r.Nested(), depth + 1);
        }
    }

    /// <summary>
    /// Resolves the IPVS family the way every client starts: the first byte picks the name asked
    /// for, the rest is the kernel's side (<see cref="ScriptedKernel"/>).
    /// </summary>
    public static void FamilyResolution(ReadOnlySpan<byte> input)
    {
        string name = input.Length > 0 && (input[0] & 1) != 0 ? "IPVS" : "nlctrl";
        Kernel.Load(input[Math.Min(1, input.Length)..]);
        ushort id = new GenericNetlinkFamilies(Connection).Resolve(name);
        if (id == 0)
            throw new InvalidOperationException("Resolve returned family id 0 instead of throwing");
    }

    /// <summary>The first byte picks one request (ACKed), a dump, or a batch of three; the rest is the kernel's side.</summary>
    public static void Requests(ReadOnlySpan<byte> input)
    {
        int mode = input.Length > 0 ? input[0] % 3 : 0;
        Kernel.Load(input[Math.Min(1, input.Length)..]);
        NetlinkConnection connection = Connection;
        long replies = 0;
        NetlinkRequestBuilder request = (w, flags, seq) =>
        {
            int m = w.BeginMessage(0x20, flags, seq);
            w.WriteGenericHeader(1, 1);
            w.EndMessage(m);
        };
        switch (mode)
        {
            case 0:
                connection.Execute(request, (payload, _) => replies += payload.Length, "fuzz execute");
                break;
            case 1:
                connection.Dump(request, (payload, _) => replies += payload.Length, () => replies = 0, "fuzz dump");
                break;
            default:
                NetlinkAnswer[] results = connection.ExecuteBatch(3, (w, _, flags, seq) => request(w, flags, seq), "fuzz batch");
                if (results.Length != 3)
                    throw new InvalidOperationException($"a batch of 3 came back with {results.Length} results");
                break;
        }
    }

    /// <summary>Runs <paramref name="decode"/> on the payload of every message of a datagram (control messages too: a decoder must survive any bytes).</summary>
    public static void EachPayload(ReadOnlySpan<byte> datagram, NetlinkReplyHandler decode)
    {
        var messages = new NetlinkMessageReader(datagram);
        while (messages.MoveNext())
            decode(messages.Payload, messages.Type);
    }
}
