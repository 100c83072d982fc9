using System.Text;
using LvsPS.Native.Health;
using LvsPS.Native.Health.Probes;

namespace LvsPS.Fuzz.Targets;

/// <summary>
/// What a health probe reads from a real server: an HTTP response (fed in chunks, as it arrives),
/// a DNS reply, an ICMP echo reply, a UDP reply against a require_reply pattern, SMTP reply lines,
/// a tracked file's value. Each answers with a verdict and is documented never to throw. The
/// first byte is the HTTP chunk size (0: all at once); the rest is the server's bytes.
/// </summary>
internal static class HealthTarget
{
    private static readonly HttpUrl Url = new("/") { Digest = "d41d8cd98f00b204e9800998ecf8427e", Regex = "^ok" };
    private static readonly UdpHealthCheck Udp = new() { RequireReply = true, ReplyPattern = "02Xx00ff", MinReplyLength = 2, MaxReplyLength = 512 };

    public static void Run(ReadOnlySpan<byte> input)
    {
        if (input.Length == 0)
            return;
        int chunk = input[0] == 0 ? int.MaxValue : input[0];
        ReadOnlySpan<byte> reply = input[1..];
        using (var http = new HttpResponseReader(Url))
        {
            for (int at = 0; at < reply.Length; at += chunk)
                if (!http.Feed(reply.Slice(at, Math.Min(chunk, reply.Length - at))))
                    break;
            http.Finish();
        }
        DnsMessage.Judge(reply, 0x1234, out _);
        IcmpEcho.ParseReply(reply, v6: false);
        IcmpEcho.ParseReply(reply, v6: true);
        UdpReply.Judge(reply, Udp);
        string text = Encoding.UTF8.GetString(reply);
        foreach (string line in text.Split('\n'))
            SmtpProbe.Status(line);
        HealthRules.ParseFileValue(text);
    }

    /// <summary>Replies of each kind as a server sends them, built with the probes' own request encoders where there is one.</summary>
    public static IEnumerable<Seed> Seeds(SeedContext context)
    {
        static Seed Text(string name, string text, byte chunk = 0) => new(name, [chunk, .. Encoding.ASCII.GetBytes(text)]);
        yield return Text("http-200", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n");
        yield return Text("http-404-chunks", "HTTP/1.0 404 Not Found\r\nServer: x\r\n\r\nmissing", 7);
        yield return Text("http-no-length", "HTTP/1.1 301 Moved\r\nLocation: /x\r\n\r\n", 1);
        byte[] dns = DnsMessage.Query(0x1234, "www.example.org", DnsRecordType.A);
        dns[2] |= 0x80; // QR: a response
        yield return new Seed("dns-reply", [0, .. dns]);
        byte[] echo = IcmpEcho.Request(false, 7, 1);
        echo[0] = IcmpEcho.EchoReply;
        byte[] ip = new byte[20];
        ip[0] = 0x45;
        ip[9] = 1;
        yield return new Seed("icmp-echo-reply", [0, .. ip, .. echo]);
        yield return new Seed("udp-reply", [0, 0x02, 0x7f, 0x00, 0xff, 0x10]);
        yield return Text("smtp", "220 mail ESMTP\r\n250-first\n250 ok\r\n");
        yield return Text("file-value", "  -0x1F\n");
    }
}
