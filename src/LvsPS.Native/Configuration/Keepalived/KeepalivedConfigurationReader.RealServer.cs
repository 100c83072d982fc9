using System.Globalization;
using System.Net;
using LvsPS.Native.Configuration.Director;

namespace LvsPS.Native.Configuration.Keepalived;

public sealed partial class KeepalivedConfigurationReader
{
    private VirtualServerGroupEntry? ReadGroupEntry(KeepalivedStatement line)
    {
        if (line.Keyword == "fwmark")
        {
            if (_values.Integer(line, 1, uint.MaxValue) is not { } mark)
                return null;
            Ipvs.IpFamily? family = line.Arguments.Count > 1 ? line.Arguments[1] switch { "inet" => Ipvs.IpFamily.IPv4, "inet6" => Ipvs.IpFamily.IPv6, _ => null } : null;
            return new VirtualServerGroupEntry { FirewallMark = (uint)mark, Family = family };
        }
        ushort port = 0;
        if (line.Arguments.Count > 0 && _values.Port(line, line.Arguments[0]) is { } p)
            port = p;
        if (AddressRange.TryParse(line.Keyword, out IPAddress? first, out IPAddress? last, out string? error))
        {
            if (AddressRange.Size(first!, last!) <= DirectorIpvsTable.MaxAddressesPerGroupEntry)
                return new VirtualServerGroupEntry { First = first, Last = last, Port = port };
            error = $"the range holds more than {DirectorIpvsTable.MaxAddressesPerGroupEntry} addresses (one IPVS service each)";
        }
        _diagnostics.Warn(DiagnosticCodes.InvalidValue, line.Location, $"virtual_server_group entry '{line.Keyword}': {error}; skipped.");
        return null;
    }

    private RealServerDraft? ReadRealServer(KeepalivedStatement block)
    {
        if (block.Arguments.Count == 0 || _values.Address(block, block.Arguments[0], "real_server") is not { } address)
            return null;
        ushort? port = block.Arguments.Count > 1 ? _values.Port(block, block.Arguments[1]) : null;
        var rs = new RealServerDraft { Line = block, Address = address, Port = port };
        foreach (KeepalivedStatement s in block.Block ?? [])
        {
            if (KeepalivedKeywords.CheckerBlocks.Contains(s.Keyword))
            {
                if (ReadChecker(s) is { } checker)
                    rs.Checkers.Add((s, checker));
                continue;
            }
            if (!KeepalivedKeywords.RealServer.Contains(s.Keyword))
            {
                _values.Unknown(s, $"real_server {string.Join(' ', block.Arguments)}");
                continue;
            }
            _values.NoBlock(s);
            switch (s.Keyword)
            {
                case "weight": rs.Weight = (uint?)_values.Integer(s, 0, int.MaxValue) ?? rs.Weight; break;
                case "lvs_method":
                    if (ReadForwarding(s) is { } forwarding)
                        (rs.Forwarding, rs.Tunnel) = forwarding;
                    break;
                case "uthreshold": rs.UpperThreshold = (uint?)_values.Integer(s, 0, uint.MaxValue) ?? rs.UpperThreshold; break;
                case "lthreshold": rs.LowerThreshold = (uint?)_values.Integer(s, 0, uint.MaxValue) ?? rs.LowerThreshold; break;
                case "inhibit_on_failure": rs.InhibitOnFailure = _values.Bool(s); break;
                case "notify_up": rs.NotifyUp = KeepalivedValues.Script(s); break;
                case "notify_down": rs.NotifyDown = KeepalivedValues.Script(s); break;
                case "alpha": rs.Alpha = _values.Bool(s); break;
                case "retry" or "delay_before_retry" or "warmup" or "connect_timeout" or "delay_loop": ReadTiming(s, rs.Timing, minimumRetry: 1); break;
                case "smtp_alert": rs.SmtpAlert = _values.Bool(s); break;
                case "virtualhost": rs.Virtualhost = _values.Word(s); break;
            }
        }
        return rs;
    }
}

/// <summary>The address forms of a virtual_server_group line: IP, a.b.c.d-e, a.b.c.d-a.b.c.e, a.b.c.d/NN (and the IPv6 equivalents).</summary>
internal static class AddressRange
{
    public static bool TryParse(string text, out IPAddress? first, out IPAddress? last, out string? error)
    {
        first = last = null;
        error = null;
        int slash = text.IndexOf('/');
        int dash = text.IndexOf('-');
        if (slash > 0)
        {
            if (!KeepalivedValues.TryAddress(text[..slash], out first) || !int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int length)
                || length > first!.GetAddressBytes().Length * 8)
                return Fail("expected ADDRESS/PREFIX", out error);
            byte[] low = first.GetAddressBytes(), high = first.GetAddressBytes();
            for (int bit = length; bit < low.Length * 8; bit++)
            {
                low[bit / 8] &= (byte)~(0x80 >> (bit % 8));
                high[bit / 8] |= (byte)(0x80 >> (bit % 8));
            }
            (first, last) = (new IPAddress(low), new IPAddress(high));
            return true;
        }
        if (dash > 0)
        {
            if (!KeepalivedValues.TryAddress(text[..dash], out first))
                return Fail("the start of the range is not an address", out error);
            string end = text[(dash + 1)..];
            if (KeepalivedValues.TryAddress(end, out last))
                return Compare(first!, last!) <= 0 || Fail("the range ends before it starts", out error);
            // a.b.c.d-e: the last part of the address (a group of hex digits for IPv6) ends the range.
            bool v6 = first!.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
            if (!uint.TryParse(end, v6 ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out uint tail) || tail > (v6 ? 0xFFFFu : 255u))
                return Fail("expected a.b.c.d-e or a.b.c.d-a.b.c.e", out error);
            byte[] bytes = first.GetAddressBytes();
            if (v6) { bytes[14] = (byte)(tail >> 8); bytes[15] = (byte)tail; } else bytes[3] = (byte)tail;
            last = new IPAddress(bytes);
            return Compare(first, last) <= 0 || Fail("the range ends before it starts", out error);
        }
        if (!KeepalivedValues.TryAddress(text, out first))
            return Fail("not an IP address", out error);
        last = first;
        return true;
    }

    public static System.Numerics.BigInteger Size(IPAddress first, IPAddress last)
        => new System.Numerics.BigInteger(last.GetAddressBytes(), isUnsigned: true, isBigEndian: true)
           - new System.Numerics.BigInteger(first.GetAddressBytes(), isUnsigned: true, isBigEndian: true) + 1;

    internal static int Compare(IPAddress a, IPAddress b)
    {
        byte[] x = a.GetAddressBytes(), y = b.GetAddressBytes();
        return x.Length != y.Length ? x.Length.CompareTo(y.Length) : x.AsSpan().SequenceCompareTo(y);
    }

    private static bool Fail(string why, out string? error)
    {
        error = why;
        return false;
    }
}
