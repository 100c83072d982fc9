using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace LvsPS.Native.Proc;

/// <summary>One row as numbers and offsets into the line: what the filter sees before anything is allocated.</summary>
internal struct RawConnectionRow
{
    public int ProtocolNumber;
    public RawAddress ClientAddress, VirtualAddress, RealServerAddress;
    public ushort ClientPort, VirtualPort, RealServerPort;
    public uint ExpiresSeconds;
    public ConnectionOrigin? Origin;
    public int ProtocolStart, ProtocolLength, StateStart, StateLength, PeNameStart, PeNameLength, PeDataStart, PeDataLength;
}

/// <summary>
/// Streams the rows of /proc/net/ip_vs_conn or ip_vs_conn_sync (told apart by the header)
/// from any stream. Lines are parsed as bytes in one reused buffer: memory stays constant
/// whatever the size of the table, and rows the filter rejects allocate nothing.
/// </summary>
/// <remarks>
/// Layout (net/netfilter/ipvs/ip_vs_conn.c, ip_vs_conn_seq_show / ip_vs_conn_sync_seq_show):
/// <c>Pro FromIP FPrt ToIP TPrt DestIP DPrt State Expires [PEName PEData]</c>, and for
/// _sync <c>… State Origin Expires</c>. IPv4 addresses are %08X of the host-order value,
/// IPv6 ones %pI6 (8 groups of 4 hex digits); DestIP follows the real server's family; ports
/// %04X; Expires decimal seconds; the PE data (the SIP Call-ID) runs to the end of the line.
/// </remarks>
public sealed class IpvsConnectionParser : IDisposable
{
    /// <summary>Far above the longest row the kernel prints (≈130 bytes, plus up to 255 of PE data).</summary>
    public const int BufferBytes = 64 * 1024;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly CompiledConnectionFilter? _filter;
    private readonly string _fileName;
    private readonly string? _networkNamespace;
    private byte[]? _buffer;
    private int _start, _end;
    private bool _eof, _headerRead, _isSync;

    public IpvsConnectionParser(Stream stream, ConnectionFilter? filter = null, string? fileName = null, string? networkNamespace = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _leaveOpen = leaveOpen;
        _filter = filter is null || filter == ConnectionFilter.All ? null : filter.Compile();
        _fileName = fileName ?? "stream";
        _networkNamespace = networkNamespace;
        _buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
    }

    /// <summary>The last line read (1-based; the header is line 1).</summary>
    public long LineNumber { get; private set; }

    /// <summary>Rows seen so far, matching or not.</summary>
    public long RowsRead { get; private set; }

    /// <summary>True once the header showed the ip_vs_conn_sync layout (with Origin).</summary>
    public bool IsSyncFormat => _isSync;

    /// <summary>The next row that matches the filter; false at the end of the table.</summary>
    public bool TryRead([NotNullWhen(true)] out IpvsConnection? connection)
    {
        connection = null;
        while (TryReadLine(out int lineStart, out int lineLength))
        {
            ReadOnlySpan<byte> line = _buffer.AsSpan(lineStart, lineLength);
            if (!_headerRead)
            {
                ReadHeader(line);
                continue;
            }
            if (line.IsEmpty)
                continue;
            RowsRead++;
            ParseRow(line, out RawConnectionRow row);
            if (_filter != null && (!_filter.Matches(row) || !_filter.MatchesState(line.Slice(row.StateStart, row.StateLength))))
                continue;
            connection = Materialize(line, row);
            return true;
        }
        if (!_headerRead)
            throw Error("", "the stream is empty: expected the header 'Pro FromIP FPrt ToIP TPrt DestIP DPrt State …'");
        return false;
    }

    /// <summary>Counts the matching rows without making objects.</summary>
    public long CountMatching()
    {
        long count = 0;
        while (TryReadLine(out int lineStart, out int lineLength))
        {
            ReadOnlySpan<byte> line = _buffer.AsSpan(lineStart, lineLength);
            if (!_headerRead) { ReadHeader(line); continue; }
            if (line.IsEmpty) continue;
            RowsRead++;
            ParseRow(line, out RawConnectionRow row);
            if (_filter == null || (_filter.Matches(row) && _filter.MatchesState(line.Slice(row.StateStart, row.StateLength))))
                count++;
        }
        return count;
    }

    private void ReadHeader(ReadOnlySpan<byte> line)
    {
        if (!line.StartsWith("Pro FromIP"u8) || line.IndexOf("Expires"u8) < 0)
            throw Error(line, "expected the header 'Pro FromIP FPrt ToIP TPrt DestIP DPrt State …' of ip_vs_conn or ip_vs_conn_sync");
        _isSync = line.IndexOf(" Origin "u8) >= 0;
        _headerRead = true;
    }

    private void ParseRow(ReadOnlySpan<byte> line, out RawConnectionRow row)
    {
        row = default;
        int pos = 0;
        if (!ProcText.NextToken(line, ref pos, out ReadOnlySpan<byte> t))
            throw Error(line, "empty row");
        row.ProtocolStart = pos - t.Length;
        row.ProtocolLength = t.Length;
        row.ProtocolNumber = ProtocolNames.Number(t);
        if (row.ProtocolNumber < 0)
            throw Error(line, $"'{Encoding.ASCII.GetString(t)}' is not a protocol name the kernel prints (TCP, UDP, SCTP, IP, IP_<n>, …)");

        row.ClientAddress = Address(line, ref pos, "FromIP");
        row.ClientPort = Port(line, ref pos, "FPrt");
        row.VirtualAddress = Address(line, ref pos, "ToIP");
        row.VirtualPort = Port(line, ref pos, "TPrt");
        if (row.VirtualAddress.IsV6 != row.ClientAddress.IsV6)
            throw Error(line, "FromIP and ToIP are of different families");
        row.RealServerAddress = Address(line, ref pos, "DestIP");
        row.RealServerPort = Port(line, ref pos, "DPrt");

        if (!ProcText.NextToken(line, ref pos, out t))
            throw Error(line, "the State column is missing");
        row.StateStart = pos - t.Length;
        row.StateLength = t.Length;

        if (_isSync)
        {
            if (!ProcText.NextToken(line, ref pos, out t))
                throw Error(line, "the Origin column is missing");
            row.Origin = t.SequenceEqual("LOCAL"u8) ? ConnectionOrigin.Local
                : t.SequenceEqual("SYNC"u8) ? ConnectionOrigin.Sync
                : throw Error(line, $"'{Encoding.ASCII.GetString(t)}' is not an origin (LOCAL or SYNC)");
        }

        if (!ProcText.NextToken(line, ref pos, out t) || !ProcText.TryParseDecimal(t, out row.ExpiresSeconds))
            throw Error(line, "Expires is not a number of seconds");

        if (ProcText.NextToken(line, ref pos, out t))
        {
            if (_isSync)
                throw Error(line, "unexpected text after Expires");
            row.PeNameStart = pos - t.Length;
            row.PeNameLength = t.Length;
            // PEData is whatever the engine printed after one space, to the end of the line.
            int dataStart = Math.Min(pos + 1, line.Length);
            row.PeDataStart = dataStart;
            row.PeDataLength = line.Length - dataStart;
        }
    }

    private RawAddress Address(ReadOnlySpan<byte> line, ref int pos, string column)
    {
        if (!ProcText.NextToken(line, ref pos, out ReadOnlySpan<byte> t) || !ProcText.TryParseAddress(t, out RawAddress a))
            throw Error(line, $"{column} is not an address (8 hex digits for IPv4, xxxx:xxxx:…:xxxx for IPv6)");
        return a;
    }

    private ushort Port(ReadOnlySpan<byte> line, ref int pos, string column)
    {
        if (!ProcText.NextToken(line, ref pos, out ReadOnlySpan<byte> t) || !ProcText.TryParseHex(t, 4, out ulong v))
            throw Error(line, $"{column} is not a port (4 hex digits)");
        return (ushort)v;
    }

    private IpvsConnection Materialize(ReadOnlySpan<byte> line, in RawConnectionRow row)
    {
        ReadOnlySpan<byte> protocol = line.Slice(row.ProtocolStart, row.ProtocolLength);
        bool template = row.ClientPort == 0;
        return new IpvsConnection
        {
            Protocol = ProtocolNames.Name(protocol),
            ProtocolNumber = row.ProtocolNumber,
            ClientAddress = row.ClientAddress.ToIPAddress(),
            ClientPort = row.ClientPort,
            VirtualAddress = row.VirtualAddress.ToIPAddress(),
            VirtualPort = row.VirtualPort,
            RealServerAddress = row.RealServerAddress.ToIPAddress(),
            RealServerPort = row.RealServerPort,
            State = StateNames.Name(line.Slice(row.StateStart, row.StateLength)),
            Expires = TimeSpan.FromSeconds(row.ExpiresSeconds),
            IsTemplate = template,
            FirewallMark = template && row.ProtocolNumber == 0
                ? (uint)(row.VirtualAddress.IsV6 ? row.VirtualAddress.Value >> 96 : row.VirtualAddress.Value)
                : null,
            PersistenceEngine = row.PeNameLength == 0 ? null
                : line.Slice(row.PeNameStart, row.PeNameLength).SequenceEqual("sip"u8) ? "sip"
                : Encoding.ASCII.GetString(line.Slice(row.PeNameStart, row.PeNameLength)),
            PersistenceEngineData = row.PeNameLength == 0 ? null : Encoding.UTF8.GetString(line.Slice(row.PeDataStart, row.PeDataLength)),
            Origin = row.Origin,
            NetworkNamespace = _networkNamespace,
        };
    }

    /// <summary>The next line (without its '\n') as offsets into the buffer; reads more from the stream as needed.</summary>
    private bool TryReadLine(out int start, out int length)
    {
        byte[] buffer = _buffer ?? throw new ObjectDisposedException(nameof(IpvsConnectionParser));
        while (true)
        {
            int nl = buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (nl >= 0)
            {
                start = _start;
                length = nl;
                _start += nl + 1;
                LineNumber++;
                return true;
            }
            if (_eof)
            {
                start = _start;
                length = _end - _start;
                _start = _end;
                if (length == 0)
                    return false;
                LineNumber++;
                return true; // a last line without '\n'
            }
            if (_start > 0)
            {
                Buffer.BlockCopy(buffer, _start, buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            if (_end == buffer.Length)
                throw new ProcFormatException(_fileName, LineNumber + 1, Encoding.UTF8.GetString(buffer, 0, 200) + "…", $"a line longer than {buffer.Length} bytes");
            int n = _stream.Read(buffer, _end, buffer.Length - _end);
            if (n == 0)
                _eof = true;
            _end += n;
        }
    }

    private ProcFormatException Error(ReadOnlySpan<byte> line, string problem)
        => new(_fileName, LineNumber, Encoding.UTF8.GetString(line), problem);

    private ProcFormatException Error(string line, string problem) => new(_fileName, LineNumber, line, problem);

    public void Dispose()
    {
        if (_buffer is null)
            return;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
        if (!_leaveOpen)
            _stream.Dispose();
    }
}
