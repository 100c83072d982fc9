using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using LvsPS.Native.Namespaces;

namespace LvsPS.Testing;

/// <summary>
/// One IPv4 connection as a master director announces it in a sync message
/// (net/netfilter/ipvs/ip_vs_sync.c, struct ip_vs_sync_v4). State numbers are the kernel's
/// (TCP: 1 ESTABLISHED … 8 LAST_ACK; UDP: 0; templates: 0 NONE, 1 ASSURED).
/// </summary>
public readonly record struct SyncedConnection(byte Protocol, IPAddress Client, ushort ClientPort, IPAddress Virtual, ushort VirtualPort,
    IPAddress RealServer, ushort RealServerPort, ushort State, uint TimeoutSeconds, bool IsTemplate = false, uint FirewallMark = 0);

/// <summary>
/// Crafts version-1 IPVS sync messages, as a master's sync daemon multicasts them, so that
/// a backup sync daemon fills its connection table with entries we choose: the fastest way to
/// a real table of a million rows (test and benchmark tooling, not product code).
/// </summary>
/// <remarks>
/// Layout (ip_vs_sync.c): header struct ip_vs_sync_mesg {u8 reserved = 0; u8 syncid; be16 size
/// (the whole datagram); u8 nr_conns; s8 version = 1; u16 spare = 0}, then nr_conns entries
/// struct ip_vs_sync_v4 {u8 type = 0 (IPv4); u8 protocol; be16 ver_size (version 0 in the top
/// 4 bits, the entry's size in the low 12); be32 flags; be16 state; be16 cport, vport, dport;
/// be32 fwmark; be32 timeout (seconds); be32 caddr, vaddr, daddr}, 36 bytes, 32-bit aligned.
/// The backup drops a datagram whose size field differs from what it received (so a message
/// must fit its receive buffer, sync_maxlen), and reads at most 255 entries (nr_conns is a u8).
/// </remarks>
public static class IpvsSyncMessages
{
    public const int HeaderBytes = 8;
    public const int ConnectionBytes = 36;
    public const int MaxConnectionsPerMessage = 255;
    /// <summary>IP_VS_CONN_F_TEMPLATE (include/uapi/linux/ip_vs.h).</summary>
    public const uint TemplateFlag = 0x1000;
    public static readonly IPAddress DefaultGroup = IPAddress.Parse("224.0.0.81");
    public const int DefaultPort = 8848;

    /// <summary>How many entries fit a datagram of <paramref name="maxLength"/> bytes (the daemon's sync_maxlen).</summary>
    public static int ConnectionsPerMessage(int maxLength) => Math.Clamp((maxLength - HeaderBytes) / ConnectionBytes, 1, MaxConnectionsPerMessage);

    /// <summary>Writes one message; returns its length.</summary>
    public static int Write(Span<byte> destination, byte syncId, ReadOnlySpan<SyncedConnection> connections)
    {
        if (connections.Length is 0 or > MaxConnectionsPerMessage)
            throw new ArgumentOutOfRangeException(nameof(connections), connections.Length, $"1 to {MaxConnectionsPerMessage} entries per message");
        int length = HeaderBytes + connections.Length * ConnectionBytes;
        Span<byte> m = destination[..length];
        m.Clear();
        m[1] = syncId;
        BinaryPrimitives.WriteUInt16BigEndian(m[2..], (ushort)length);
        m[4] = (byte)connections.Length;
        m[5] = 1; // SYNC_PROTO_VER
        for (int i = 0; i < connections.Length; i++)
            WriteConnection(m.Slice(HeaderBytes + i * ConnectionBytes, ConnectionBytes), connections[i]);
        return length;
    }

    private static void WriteConnection(Span<byte> e, in SyncedConnection c)
    {
        e[0] = 0; // type: IPv4
        e[1] = c.Protocol;
        BinaryPrimitives.WriteUInt16BigEndian(e[2..], ConnectionBytes); // version 0, size 36
        BinaryPrimitives.WriteUInt32BigEndian(e[4..], c.IsTemplate ? TemplateFlag : 0); // forwarding: masquerade (0)
        BinaryPrimitives.WriteUInt16BigEndian(e[8..], c.State);
        BinaryPrimitives.WriteUInt16BigEndian(e[10..], c.ClientPort);
        BinaryPrimitives.WriteUInt16BigEndian(e[12..], c.VirtualPort);
        BinaryPrimitives.WriteUInt16BigEndian(e[14..], c.RealServerPort);
        BinaryPrimitives.WriteUInt32BigEndian(e[16..], c.FirewallMark);
        BinaryPrimitives.WriteUInt32BigEndian(e[20..], c.TimeoutSeconds);
        V4(c.Client).CopyTo(e[24..]);
        V4(c.Virtual).CopyTo(e[28..]);
        V4(c.RealServer).CopyTo(e[32..]);
    }

    private static byte[] V4(IPAddress a) => a.AddressFamily == AddressFamily.InterNetwork
        ? a.GetAddressBytes()
        : throw new ArgumentException($"{a} is not IPv4: only struct ip_vs_sync_v4 entries are crafted here", nameof(a));
}

/// <summary>
/// Multicasts crafted sync messages out of one interface (as a master director would) and
/// paces them so that the backup's socket never overflows: after each burst it waits until
/// the backup namespace's UDP receive queue on the sync port is empty (/proc/net/udp).
/// </summary>
public sealed class IpvsSyncFeeder : IDisposable
{
    private readonly Socket _socket;
    private readonly IPEndPoint _group;
    private readonly string? _backupNamespace;
    private readonly byte _syncId;
    private readonly int _perMessage;
    private readonly byte[] _buffer;

    /// <param name="senderNamespace">Where the sending socket lives (null: the caller's namespace).</param>
    /// <param name="localAddress">The sender's address on the link to the backup (selects the multicast interface).</param>
    /// <param name="backupNamespace">The backup daemon's namespace, whose receive queue paces the bursts.</param>
    /// <param name="maxLength">The backup's sync_maxlen: no datagram is longer.</param>
    public IpvsSyncFeeder(string? senderNamespace, IPAddress localAddress, string? backupNamespace, byte syncId = 0, int maxLength = 1472,
        IPAddress? group = null, int port = IpvsSyncMessages.DefaultPort)
    {
        _socket = NetworkNamespace.Run(senderNamespace, () => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp));
        _socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, localAddress.GetAddressBytes());
        _socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 1);
        _socket.Bind(new IPEndPoint(localAddress, 0));
        _group = new IPEndPoint(group ?? IpvsSyncMessages.DefaultGroup, port);
        _backupNamespace = backupNamespace;
        _syncId = syncId;
        _perMessage = IpvsSyncMessages.ConnectionsPerMessage(maxLength);
        _buffer = new byte[IpvsSyncMessages.HeaderBytes + _perMessage * IpvsSyncMessages.ConnectionBytes];
    }

    /// <summary>Messages sent so far.</summary>
    public long Messages { get; private set; }

    /// <summary>
    /// Sends every connection, <paramref name="burst"/> datagrams at a time (default: about 48 KiB,
    /// well inside the default 208 KiB receive buffer even at twice the size in skb overhead),
    /// and returns once the backup has taken them all in.
    /// </summary>
    public void Send(IEnumerable<SyncedConnection> connections, int? burst = null)
    {
        int perBurst = burst ?? Math.Max(1, 48 * 1024 / _buffer.Length);
        var batch = new SyncedConnection[_perMessage];
        int n = 0, inBurst = 0;
        foreach (SyncedConnection c in connections)
        {
            batch[n++] = c;
            if (n == _perMessage)
            {
                Flush(batch.AsSpan(0, n));
                n = 0;
                if (++inBurst == perBurst)
                {
                    WaitDrained();
                    inBurst = 0;
                }
            }
        }
        if (n > 0)
            Flush(batch.AsSpan(0, n));
        WaitDrained();
    }

    private void Flush(ReadOnlySpan<SyncedConnection> batch)
    {
        int length = IpvsSyncMessages.Write(_buffer, _syncId, batch);
        _socket.SendTo(_buffer.AsSpan(0, length), SocketFlags.None, _group);
        Messages++;
    }

    /// <summary>Waits until the backup's socket on the sync port has no datagram queued (its kernel thread applied them).</summary>
    public void WaitDrained(TimeSpan? timeout = null)
    {
        DateTime deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(5));
        string port = $":{_group.Port:X4} ";
        while (true)
        {
            // A datagram leaves the queue before it is applied: give the thread a moment after it is empty.
            string udp = NetworkNamespace.Run(_backupNamespace, () => File.ReadAllText("/proc/thread-self/net/udp"));
            bool queued = udp.Split('\n').Any(l => l.Contains(port, StringComparison.Ordinal) && RxQueue(l) > 0);
            if (!queued)
            {
                Thread.Sleep(20);
                return;
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("the backup sync daemon did not drain its socket");
            Thread.Sleep(5);
        }
    }

    /// <summary>The rx_queue half of "tx_queue:rx_queue" (5th column of /proc/net/udp).</summary>
    private static long RxQueue(string line)
    {
        string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return f.Length > 4 && f[4].Split(':') is [_, string rx] ? Convert.ToInt64(rx, 16) : 0;
    }

    /// <summary>UDP RcvbufErrors of a namespace (/proc/net/snmp): datagrams the backup's socket dropped.</summary>
    public static long ReceiveBufferErrors(string? networkNamespace)
    {
        string[] lines = NetworkNamespace.Run(networkNamespace, () => File.ReadAllLines("/proc/thread-self/net/snmp"))
            .Where(l => l.StartsWith("Udp:", StringComparison.Ordinal)).ToArray();
        int column = Array.IndexOf(lines[0].Split(' '), "RcvbufErrors");
        return long.Parse(lines[1].Split(' ')[column]);
    }

    public void Dispose() => _socket.Dispose();
}
