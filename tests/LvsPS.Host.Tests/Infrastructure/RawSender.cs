using System.Net;

namespace LvsPS.Host.Tests.Infrastructure;

/// <summary>
/// A hostile peer: sends arbitrary bytes as IP protocol 112 from a namespace, with a chosen TTL,
/// through python3's raw sockets (IPPROTO_RAW builds the IP header here), independent of LvsPS's own sender.
/// </summary>
public static class RawSender
{
    private const string Script = """
        import socket, struct, sys
        src, dst = sys.argv[1], sys.argv[2]
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"eth0")
        for item in sys.argv[3:]:
            ttl, hexpayload = item.split(":")
            payload = bytes.fromhex(hexpayload)
            header = struct.pack("!BBHHHBBH4s4s", 0x45, 0xc0, 20 + len(payload), 0, 0, int(ttl), 112, 0,
                                 socket.inet_aton(src), socket.inet_aton(dst))
            s.sendto(header + payload, (dst, 0))
        """;

    public static void Send(string networkNamespace, IPAddress source, IPAddress destination, IEnumerable<(int Ttl, byte[] Payload)> packets)
    {
        var args = new List<string> { "netns", "exec", networkNamespace, "python3", "-c", Script, source.ToString(), destination.ToString() };
        args.AddRange(packets.Select(p => $"{p.Ttl}:{Convert.ToHexString(p.Payload)}"));
        Sh.Run("ip", args.ToArray());
    }
}
