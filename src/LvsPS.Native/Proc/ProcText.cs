using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace LvsPS.Native.Proc;

/// <summary>
/// An address as /proc/net/ip_vs_conn prints it, kept as a number so that rows can be
/// compared and filtered without allocating. IPv4 is the host-order value (10.0.0.1 =
/// 0x0A000001) in the low 32 bits.
/// </summary>
internal readonly record struct RawAddress(UInt128 Value, bool IsV6)
{
    public static RawAddress From(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out int written))
            throw new ArgumentException($"'{address}' is neither IPv4 nor IPv6.", nameof(address));
        return address.AddressFamily == AddressFamily.InterNetworkV6
            ? new(BinaryPrimitives.ReadUInt128BigEndian(bytes), true)
            : written == 4 ? new(BinaryPrimitives.ReadUInt32BigEndian(bytes), false)
            : throw new ArgumentException($"'{address}' is neither IPv4 nor IPv6.", nameof(address));
    }

    public IPAddress ToIPAddress()
    {
        Span<byte> bytes = stackalloc byte[16];
        if (IsV6)
        {
            BinaryPrimitives.WriteUInt128BigEndian(bytes, Value);
            return new IPAddress(bytes);
        }
        BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)Value);
        return new IPAddress(bytes[..4]);
    }

    /// <summary>Whether the first <paramref name="prefixLength"/> bits equal those of <paramref name="network"/> (same family).</summary>
    public bool IsIn(RawAddress network, int prefixLength)
    {
        if (IsV6 != network.IsV6)
            return false;
        int width = IsV6 ? 128 : 32;
        if (prefixLength <= 0)
            return true;
        if (prefixLength >= width)
            return Value == network.Value;
        int shift = width - prefixLength;
        return Value >> shift == network.Value >> shift;
    }
}

/// <summary>Span parsers for the hexadecimal and decimal fields of /proc/net/ip_vs_* files.</summary>
internal static class ProcText
{
    /// <summary>The next run of non-blank bytes after <paramref name="pos"/>; false at the end of the line.</summary>
    public static bool NextToken(ReadOnlySpan<byte> line, ref int pos, out ReadOnlySpan<byte> token)
    {
        int i = pos;
        while (i < line.Length && line[i] == (byte)' ')
            i++;
        int start = i;
        while (i < line.Length && line[i] != (byte)' ')
            i++;
        pos = i;
        token = line[start..i];
        return token.Length > 0;
    }

    public static bool TryParseHex(ReadOnlySpan<byte> token, int maxDigits, out ulong value)
    {
        value = 0;
        if (token.IsEmpty || token.Length > maxDigits)
            return false;
        foreach (byte c in token)
        {
            int d = HexDigit(c);
            if (d < 0)
                return false;
            value = value << 4 | (uint)d;
        }
        return true;
    }

    public static bool TryParseDecimal(ReadOnlySpan<byte> token, out uint value)
    {
        value = 0;
        if (token.IsEmpty || token.Length > 10)
            return false;
        ulong v = 0;
        foreach (byte c in token)
        {
            if (c is < (byte)'0' or > (byte)'9')
                return false;
            v = v * 10 + (uint)(c - '0');
        }
        if (v > uint.MaxValue)
            return false;
        value = (uint)v;
        return true;
    }

    /// <summary>8 hex digits (IPv4, host order) or the uncompressed IPv6 form of %pI6 (2001:0db8:0000:…).</summary>
    public static bool TryParseAddress(ReadOnlySpan<byte> token, out RawAddress address)
    {
        address = default;
        if (token.IndexOf((byte)':') < 0)
        {
            if (!TryParseHex(token, 8, out ulong v4))
                return false;
            address = new RawAddress(v4, false);
            return true;
        }
        UInt128 value = 0;
        int groups = 0;
        while (true)
        {
            int colon = token.IndexOf((byte)':');
            ReadOnlySpan<byte> group = colon < 0 ? token : token[..colon];
            if (!TryParseHex(group, 4, out ulong g) || ++groups > 8)
                return false;
            value = value << 16 | g;
            if (colon < 0)
                break;
            token = token[(colon + 1)..];
        }
        if (groups != 8)
            return false;
        address = new RawAddress(value, true);
        return true;
    }

    public static bool EqualsIgnoreCase(ReadOnlySpan<byte> ascii, string text)
    {
        if (ascii.Length != text.Length)
            return false;
        for (int i = 0; i < ascii.Length; i++)
        {
            int a = ascii[i], b = text[i];
            if (a == b)
                continue;
            if ((a | 0x20) != (b | 0x20) || (a | 0x20) is < 'a' or > 'z')
                return false;
        }
        return true;
    }

    private static int HexDigit(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        _ => -1,
    };
}
