using LvsPS.Native.Interop;
using LvsPS.Native.Netlink;

namespace LvsPS.Fuzz.Targets;

/// <summary>Seeds of the scripted-kernel targets: the golden replies, framed as <see cref="ScriptedKernel"/> reads them.</summary>
internal static class Seeds
{
    /// <summary>CTRL_CMD_NEWFAMILY for IPVS with its id, then the ACK; and the ENOENT of a kernel without ip_vs.</summary>
    public static IEnumerable<Seed> FamilyReplies(SeedContext context)
    {
        var w = new NetlinkWriter();
        int m = w.BeginMessage(genetlink_h.GENL_ID_CTRL, 0, 0);
        w.WriteGenericHeader(1, 2); // CTRL_CMD_NEWFAMILY, version 2
        w.WriteString(genetlink_h.CTRL_ATTR_FAMILY_NAME, "IPVS");
        w.WriteUInt16(genetlink_h.CTRL_ATTR_FAMILY_ID, Captures.CapturedIpvsFamily);
        w.WriteUInt32(genetlink_h.CTRL_ATTR_VERSION, 1);
        w.EndMessage(m);
        byte[] family = w.WrittenSpan.ToArray();
        yield return new Seed("family-ipvs", [1, .. ScriptedKernel.Frame([Captures.Datagram([family, Captures.Ack()])])]);
        yield return new Seed("family-ipvs-two-datagrams", [1, .. ScriptedKernel.Frame([family, Captures.Ack()])]);
        yield return new Seed("family-missing", [1, .. ScriptedKernel.Frame([Captures.Ack(Errno.ENOENT)])]);
    }

    /// <summary>Each golden reply as the answer to one request, to a dump and to a batch.</summary>
    public static IEnumerable<Seed> ConnectionReplies(SeedContext context)
    {
        foreach (Seed reply in Captures.Golden(context, "*.reply"))
            for (byte mode = 0; mode < 3; mode++)
                yield return new Seed($"{reply.Name}-{mode}", [mode, .. ScriptedKernel.Frame([reply.Bytes])]);
        yield return new Seed("batch-refusals", [2, .. ScriptedKernel.Frame([Captures.Datagram([Captures.Ack(Errno.EEXIST), Captures.Ack()])])]);
    }
}
