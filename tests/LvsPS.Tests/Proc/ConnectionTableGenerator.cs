using System.Net;
using System.Text;
using LvsPS.Testing;

namespace LvsPS.Tests.Proc;

/// <summary>
/// Writes connection tables in the kernel's exact /proc/net/ip_vs_conn layout
/// (ip_vs_conn_seq_show: "%-3s %08X %04X %08X %04X %s %04X %-11s %7u%s\n", %pI6 for IPv6),
/// deterministically: row i belongs to service i % <see cref="Services"/> (TCP 10.0.&lt;s/256&gt;.&lt;s%256&gt;:80,
/// every 7th service IPv6 2001:db8::&lt;s&gt;), every 10th row is a persistence template.
/// </summary>
internal sealed class ConnectionTableGenerator
{
    public const string Header = ConnectionTableWriter.Header;
    public const string SyncHeader = "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Origin Expires\n";

    private static readonly string[] States = ["ESTABLISHED", "TIME_WAIT", "SYN_RECV", "FIN_WAIT", "CLOSE_WAIT", "CLOSE", "LAST_ACK"];

    public int Services { get; init; } = 200;
    public int RealServersPerService { get; init; } = 4;

    public static bool IsIPv6Service(int s) => s % 7 == 3;

    public IPAddress VirtualAddress(int s) => IsIPv6Service(s)
        ? IPAddress.Parse($"2001:db8::{s:x}")
        : new IPAddress(new byte[] { 10, 0, (byte)(s / 256), (byte)(s % 256) });

    public IPAddress RealServer(int s, int r) => IsIPv6Service(s)
        ? IPAddress.Parse($"2001:db8:1::{s:x}:{r:x}")
        : new IPAddress(new byte[] { 10, (byte)(128 + r), (byte)(s / 256), (byte)(s % 256) });

    public static IPAddress Client(int i, bool v6) => v6
        ? IPAddress.Parse($"2001:db8:c::{i / 65536:x}:{i % 65536:x}")
        : new IPAddress(new byte[] { 172, 16, (byte)(i / 256 % 256), (byte)(i % 256) });

    /// <summary>The rows of service <paramref name="s"/> among <paramref name="rows"/> generated ones.</summary>
    public int RowsOf(int s, int rows) => rows / Services + (s < rows % Services ? 1 : 0);

    public (string Protocol, IPAddress Client, ushort ClientPort, IPAddress Virtual, ushort VirtualPort, IPAddress Dest, ushort DestPort, string State, uint Expires) Row(int i)
    {
        int s = i % Services;
        bool template = i % 10 == 0;
        bool v6 = IsIPv6Service(s);
        return ("TCP", Client(i, v6), template ? (ushort)0 : (ushort)(1024 + i % 60000), VirtualAddress(s), 80,
            RealServer(s, i / Services % RealServersPerService), 8080,
            template ? (i % 20 == 0 ? "ASSURED" : "NONE") : States[i / 10 % States.Length], (uint)(i % 900));
    }

    public void Write(Stream stream, int rows)
    {
        using var w = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        w.Write(Header);
        for (int i = 0; i < rows; i++)
        {
            var r = Row(i);
            w.Write(FormatRow(r.Protocol, r.Client, r.ClientPort, r.Virtual, r.VirtualPort, r.Dest, r.DestPort, r.State, r.Expires, ""));
        }
    }

    /// <summary>One row exactly as the kernel prints it (peSuffix: "" or " sip CALLID").</summary>
    public static string FormatRow(string protocol, IPAddress client, ushort clientPort, IPAddress virt, ushort virtPort,
        IPAddress dest, ushort destPort, string state, uint expires, string peSuffix)
        => $"{protocol,-3} {Addr(client)} {clientPort:X4} {Addr(virt)} {virtPort:X4} {Addr(dest)} {destPort:X4} {state,-11} {expires,7}{peSuffix}\n";

    /// <summary>ip_vs_conn_sync_seq_show: "… %-11s %-6s %7u\n".</summary>
    public static string FormatSyncRow(string protocol, IPAddress client, ushort clientPort, IPAddress virt, ushort virtPort,
        IPAddress dest, ushort destPort, string state, string origin, uint expires)
        => $"{protocol,-3} {Addr(client)} {clientPort:X4} {Addr(virt)} {virtPort:X4} {Addr(dest)} {destPort:X4} {state,-11} {origin,-6} {expires,7}\n";

    /// <summary>%08X of the host-order IPv4 value, or %pI6: the benchmark writer's, one definition of the kernel's address columns.</summary>
    public static string Addr(IPAddress a) => ConnectionTableWriter.Addr(a);
}
