using System.Text;

namespace LvsPS.Native.Proc;

/// <summary>
/// The protocol names of ip_vs_proto_name() (net/netfilter/ipvs/ip_vs_core.c): IP, UDP, TCP,
/// SCTP, ICMP, ICMPv6, IPIP and GRE by name, any other protocol as IP_&lt;number&gt;.
/// </summary>
internal static class ProtocolNames
{
    private static readonly (string Name, byte[] Bytes, int Number)[] Known =
    [
        ("TCP", "TCP"u8.ToArray(), 6),
        ("UDP", "UDP"u8.ToArray(), 17),
        ("SCTP", "SCTP"u8.ToArray(), 132),
        ("IP", "IP"u8.ToArray(), 0),
        ("ICMP", "ICMP"u8.ToArray(), 1),
        ("ICMPv6", "ICMPv6"u8.ToArray(), 58),
        ("IPIP", "IPIP"u8.ToArray(), 4),
        ("GRE", "GRE"u8.ToArray(), 47),
    ];

    /// <summary>The protocol number, or -1 when the token is no name the kernel prints.</summary>
    public static int Number(ReadOnlySpan<byte> token)
    {
        foreach (var k in Known)
        {
            if (token.SequenceEqual(k.Bytes))
                return k.Number;
        }
        if (token.StartsWith("IP_"u8) && ProcText.TryParseDecimal(token[3..], out uint n) && n <= 255)
            return (int)n;
        return -1;
    }

    /// <summary>The name as a shared string for the known protocols.</summary>
    public static string Name(ReadOnlySpan<byte> token)
    {
        foreach (var k in Known)
        {
            if (token.SequenceEqual(k.Bytes))
                return k.Name;
        }
        return Encoding.ASCII.GetString(token);
    }
}

/// <summary>
/// The state names of the IPVS protocol state tables (ip_vs_proto_tcp.c, _udp.c, _sctp.c)
/// and of templates (ip_vs_proto.c: NONE, ASSURED), shared so that rows allocate no string.
/// </summary>
internal static class StateNames
{
    private static readonly string[] Known =
    [
        "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT", "TIME_WAIT", "CLOSE", "CLOSE_WAIT",
        "LAST_ACK", "LISTEN", "SYNACK", "NONE", "UDP", "ASSURED", "INIT1", "INIT", "COOKIE_SENT",
        "COOKIE_REPLIED", "COOKIE_WAIT", "COOKIE_ECHOED", "SHUTDOWN_SENT", "SHUTDOWN_RECEIVED",
        "SHUTDOWN_ACK_SENT", "REJECTED", "CLOSED", "ERR!", "BUG!", "?",
    ];

    private static readonly byte[][] KnownBytes = Known.Select(Encoding.ASCII.GetBytes).ToArray();

    public static string Name(ReadOnlySpan<byte> token)
    {
        for (int i = 0; i < KnownBytes.Length; i++)
        {
            if (token.SequenceEqual(KnownBytes[i]))
                return Known[i];
        }
        return Encoding.ASCII.GetString(token);
    }
}
