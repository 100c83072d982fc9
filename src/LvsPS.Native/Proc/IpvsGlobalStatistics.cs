using System.Globalization;
using LvsPS.Native.Ipvs;

namespace LvsPS.Native.Proc;

/// <summary>
/// The counters and rates of the whole IPVS table of a namespace, from /proc/net/ip_vs_stats
/// (ip_vs_stats_show in ip_vs_ctl.c): two header lines, the totals (Conns InPkts OutPkts
/// InBytes OutBytes), a blank line, a header, the rates (CPS InPPS OutPPS InBPS OutBPS), all in hex.
/// </summary>
public static class IpvsGlobalStatistics
{
    public const string FileName = "ip_vs_stats";

    /// <param name="networkNamespace">A name under /run/netns, a path, or null for the caller's namespace.</param>
    public static IpvsStatistics Read(string? networkNamespace = null)
    {
        using FileStream stream = ProcNetFile.Open(FileName, networkNamespace);
        return Parse(stream, $"/proc/net/{FileName}");
    }

    public static IpvsStatistics Parse(Stream stream, string fileName = "stream")
    {
        using var reader = new StreamReader(stream, leaveOpen: true);
        return Parse(reader, fileName);
    }

    public static IpvsStatistics Parse(TextReader reader, string fileName = "stream")
    {
        ulong[]? totals = null, rates = null;
        int lineNumber = 0;
        string? line;
        while ((line = reader.ReadLine()) != null)
        {
            lineNumber++;
            string trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed.StartsWith("Total", StringComparison.Ordinal) || trimmed.StartsWith("Conns", StringComparison.Ordinal))
                continue; // blank line and the three header lines
            ulong[] values = Values(line, lineNumber, fileName);
            if (totals is null)
                totals = values;
            else if (rates is null)
                rates = values;
            else
                throw new ProcFormatException(fileName, lineNumber, line, "a third line of numbers (expected the totals, then the rates)");
        }
        if (totals is null || rates is null)
            throw new ProcFormatException(fileName, lineNumber, "", totals is null ? "no totals line" : "no rates line");
        return new IpvsStatistics
        {
            Connections = totals[0], InPackets = totals[1], OutPackets = totals[2], InBytes = totals[3], OutBytes = totals[4],
            ConnectionsPerSecond = rates[0], InPacketsPerSecond = rates[1], OutPacketsPerSecond = rates[2],
            InBytesPerSecond = rates[3], OutBytesPerSecond = rates[4],
        };
    }

    private static ulong[] Values(string line, int lineNumber, string fileName)
    {
        string[] tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length != 5)
            throw new ProcFormatException(fileName, lineNumber, line, $"expected 5 hexadecimal numbers, found {tokens.Length} fields");
        var values = new ulong[5];
        for (int i = 0; i < 5; i++)
        {
            if (!ulong.TryParse(tokens[i], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out values[i]))
                throw new ProcFormatException(fileName, lineNumber, line, $"'{tokens[i]}' is not a hexadecimal number");
        }
        return values;
    }
}
