using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LvsPS.Testing;

/// <summary>
/// Writes a deterministic connection table in the exact layout of /proc/net/ip_vs_conn
/// (net/netfilter/ipvs/ip_vs_conn.c, ip_vs_conn_seq_show:
/// <c>"%-3s %08X %04X %08X %04X %s %04X %-11s %7u%s\n"</c>, DestIP as %08X or %pI6 by the
/// real server's family, the PE suffix <c>" %s %s"</c> of name and data for SIP templates).
/// Row i belongs to service i % <see cref="Services"/>; each service has its own protocol
/// (TCP, UDP, SCTP, or a firewall mark whose templates print as protocol IP) and address:port,
/// so filtering one service and grepping its "A:P" in ipvsadm -Lnc count the same rows.
/// The connection benchmark writes it; the unit tests read every field back.
/// </summary>
public sealed class ConnectionTableWriter
{
    public const string Header = "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n";

    private static readonly string[] TcpStates = ["ESTABLISHED", "SYN_RECV", "FIN_WAIT", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "SYN_SENT"];
    private static readonly string[] SctpStates = ["ESTABLISHED", "INIT1", "COOKIE_WAIT", "SHUTDOWN_SENT", "CLOSED"];

    /// <summary>Number of services the rows are spread over (row i → service i % Services).</summary>
    public int Services { get; init; } = 1000;

    public int RealServersPerService { get; init; } = 8;

    /// <summary>One generated row, with the values the parser should read back.</summary>
    public readonly record struct Row(string Protocol, int ProtocolNumber, IPAddress Client, ushort ClientPort, IPAddress Virtual, ushort VirtualPort,
        IPAddress RealServer, ushort RealServerPort, string State, uint Expires, bool IsTemplate, uint? FirewallMark, string? PeName, string? PeData);

    public enum Kind { Tcp, Udp, Sctp, FirewallMark }

    /// <summary>60% TCP, 20% UDP, 10% SCTP, 10% firewall-mark services; every 11th one IPv6.</summary>
    public static Kind KindOf(int s) => (s % 10) switch { < 6 => Kind.Tcp, < 8 => Kind.Udp, 8 => Kind.Sctp, _ => Kind.FirewallMark };

    public static bool IsIPv6(int s) => s % 11 == 4;

    /// <summary>The service's virtual address (firewall-mark services: the address its packets are marked on).</summary>
    public static IPAddress VirtualAddress(int s) => IsIPv6(s)
        ? IPAddress.Parse($"2001:db8:5::{s:x}")
        : new IPAddress([10, (byte)(s >> 16), (byte)(s >> 8), (byte)s]);

    public static ushort VirtualPort(int s) => (ushort)(KindOf(s) == Kind.Udp ? 5060 : 80 + s % 3 * 363); // 80, 443, 806

    public static uint FirewallMarkOf(int s) => (uint)(s + 1);

    /// <summary>"tcp/10.0.0.0:80" (what -VirtualService takes) of a TCP service.</summary>
    public static string ServiceText(int s) => KindOf(s) == Kind.Tcp
        ? $"tcp/{VirtualServiceEndpoint(s)}"
        : throw new ArgumentException($"service {s} is not a TCP service", nameof(s));

    /// <summary>The virtual endpoint as ipvsadm -Lnc prints it ("10.0.0.5:80", "[2001:db8::5]:80").</summary>
    public static string VirtualServiceEndpoint(int s) => IsIPv6(s) ? $"[{VirtualAddress(s)}]:{VirtualPort(s)}" : $"{VirtualAddress(s)}:{VirtualPort(s)}";

    /// <summary>The rows of service <paramref name="s"/> among the first <paramref name="rows"/>.</summary>
    public int RowsOf(int s, int rows) => rows / Services + (s < rows % Services ? 1 : 0);

    /// <summary>The first TCP IPv4 service at or after <paramref name="from"/>.</summary>
    public static int TcpIPv4ServiceFrom(int from)
    {
        int s = from;
        while (KindOf(s) != Kind.Tcp || IsIPv6(s))
            s++;
        return s;
    }

    public Row RowAt(int i)
    {
        int s = i % Services;
        int n = i / Services; // the n-th row of this service
        bool v6 = IsIPv6(s);
        Kind kind = KindOf(s);
        bool template = i % 10 == 0;
        var client = v6
            ? IPAddress.Parse($"2001:db8:c::{i >> 16:x}:{i & 0xffff:x}")
            : new IPAddress([172, (byte)(16 + (i >> 16 & 0xf)), (byte)(i >> 8), (byte)i]);
        ushort clientPort = template ? (ushort)0 : (ushort)(1024 + i % 64000);
        int r = n % RealServersPerService;
        // The last real server of every 13th IPv4 TCP service is an IPv6 tunnel destination.
        var rs = v6 || (kind == Kind.Tcp && s % 13 == 0 && r == RealServersPerService - 1)
            ? IPAddress.Parse($"2001:db8:1::{s:x}:{r:x}")
            : new IPAddress([10, (byte)(128 + r), (byte)(s >> 8), (byte)s]);
        ushort vport = VirtualPort(s);
        ushort rsPort = (ushort)(kind == Kind.Udp ? 5060 : 8000 + vport % 100);
        uint expires = (uint)(i * 7 % 901);

        if (template)
        {
            string tstate = n % 3 == 0 ? "NONE" : "ASSURED";
            if (kind == Kind.FirewallMark)
            {
                // ip_vs_ct of a firewall-mark service: protocol IP, the mark as vaddr, ports 0.
                uint mark = FirewallMarkOf(s);
                var markAddress = v6 ? new IPAddress([.. BitConverterBigEndian(mark), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) : new IPAddress(BitConverterBigEndian(mark));
                return new Row("IP", 0, client, 0, markAddress, 0, rs, 0, tstate, expires, true, mark, null, null);
            }
            if (kind == Kind.Udp && n % 4 == 1)
                return new Row("UDP", 17, client, 0, VirtualAddress(s), vport, rs, rsPort, "NONE", expires, true, null, "sip", $"call-{i:x}@pc{s}.example.com");
            return new Row(Name(kind), Number(kind), client, 0, VirtualAddress(s), vport, rs, rsPort, tstate, expires, true, null, null, null);
        }
        string state = kind switch
        {
            Kind.Udp => "UDP",
            Kind.Sctp => SctpStates[n % SctpStates.Length],
            _ => TcpStates[n % TcpStates.Length],
        };
        // Connections of a firewall-mark service carry the packets' own protocol (TCP here).
        return new Row(Name(kind), Number(kind), client, clientPort, VirtualAddress(s), vport, rs, rsPort, state, expires, false, null, null, null);
    }

    private static byte[] BitConverterBigEndian(uint v) => [(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v];

    private static string Name(Kind k) => k switch { Kind.Udp => "UDP", Kind.Sctp => "SCTP", _ => "TCP" };

    private static int Number(Kind k) => k switch { Kind.Udp => 17, Kind.Sctp => 132, _ => 6 };

    /// <summary>One row exactly as ip_vs_conn_seq_show prints it.</summary>
    public static string Format(in Row r)
        => $"{r.Protocol,-3} {Addr(r.Client)} {r.ClientPort:X4} {Addr(r.Virtual)} {r.VirtualPort:X4} {Addr(r.RealServer)} {r.RealServerPort:X4} {r.State,-11} {r.Expires,7}"
           + (r.PeName is null ? "" : $" {r.PeName} {r.PeData}") + "\n";

    /// <summary>%08X of the host-order IPv4 value, or %pI6 (8 groups of 4 lowercase hex digits).</summary>
    public static string Addr(IPAddress a)
    {
        byte[] b = a.GetAddressBytes();
        if (a.AddressFamily == AddressFamily.InterNetwork)
            return $"{b[0]:X2}{b[1]:X2}{b[2]:X2}{b[3]:X2}";
        var sb = new StringBuilder(39);
        for (int i = 0; i < 16; i += 2)
        {
            if (i > 0) sb.Append(':');
            sb.Append($"{b[i]:x2}{b[i + 1]:x2}");
        }
        return sb.ToString();
    }

    public void Write(Stream stream, int rows)
    {
        using var w = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        w.Write(Header);
        for (int i = 0; i < rows; i++)
            w.Write(Format(RowAt(i)));
    }

    public void Write(string path, int rows)
    {
        using FileStream f = File.Create(path);
        Write(f, rows);
    }
}
