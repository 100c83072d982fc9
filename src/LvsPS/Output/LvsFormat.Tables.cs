using System.Globalization;
using System.Text;

namespace LvsPS;

/// <summary>The ipvsadm-like lines of the statistics, connection and finding views.</summary>
public static partial class LvsFormat
{
    internal const string StatisticHeader =
        "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n  -> RemoteAddress:Port";
    internal const string ConnectionHeader = "pro expire state       source             virtual            destination";

    /// <summary>ipvsadm --stats' header, led by the namespace when there is one.</summary>
    public static string StatisticListingHeader(LvsStatistic row) => Namespace(row.NetworkNamespace) + StatisticHeader;

    /// <summary>A row as ipvsadm -Ln --stats prints it: the name padded to 33, five counters 9 wide (K, M, G, T past 8 digits).</summary>
    public static string StatisticLine(LvsStatistic row)
        => Numbers(StatisticLabel(row), row.Connections, row.InPackets, row.OutPackets, row.InBytes, row.OutBytes);

    private static string Numbers(string label, params ulong[] values)
    {
        var line = new StringBuilder(label.PadRight(33), 80);
        foreach (ulong v in values)
            line.Append(LargeNumber(v));
        return line.ToString();
    }

    /// <summary>ipvsadm's way of keeping a counter 9 columns wide: exact below 10^8, then thousands (K), millions (M), billions (G), trillions (T).</summary>
    public static string LargeNumber(ulong value) => value switch
    {
        < 100_000_000 => value.ToString(CultureInfo.InvariantCulture).PadLeft(9),
        < 1_000_000_000 => (value / 1_000).ToString(CultureInfo.InvariantCulture).PadLeft(8) + "K",
        < 100_000_000_000 => (value / 1_000_000).ToString(CultureInfo.InvariantCulture).PadLeft(8) + "M",
        < 100_000_000_000_000 => (value / 1_000_000_000).ToString(CultureInfo.InvariantCulture).PadLeft(8) + "G",
        _ => (value / 1_000_000_000_000).ToString(CultureInfo.InvariantCulture).PadLeft(8) + "T",
    };

    /// <summary>ipvsadm -Lnc's header, led by the namespace when there is one.</summary>
    public static string ConnectionListingHeader(LvsConnection c) => Namespace(c.NetworkNamespace) + ConnectionHeader + (c.Origin is null ? "" : "  origin");

    /// <summary>A connection as ipvsadm -Lnc prints it (long IPv6 endpoints widen the line rather than being cut).</summary>
    public static string ConnectionLine(LvsConnection c)
    {
        Native.Proc.IpvsConnection r = c.Record;
        string line = string.Create(CultureInfo.InvariantCulture,
            $"{r.Protocol,-3} {Expire(r.Expires),-6} {r.State,-11} {r.ClientEndpoint,-18} {r.VirtualEndpoint,-18} {r.RealServerEndpoint}");
        return r.Origin is { } origin ? line + "  " + origin : line;
    }

    /// <summary>A finding: severity, check and target on one line, the message and the fix under it, wrapped for 80 columns.</summary>
    public static string FindingText(LvsFinding f)
    {
        var text = new StringBuilder();
        text.Append(f.Severity.ToString().PadRight(8)).Append(' ').Append(f.Check).Append("  ").Append(f.Target);
        foreach (string line in Wrap(f.Message, FindingTextWidth))
            text.Append('\n').Append(FindingIndent).Append(line);
        foreach (string line in Wrap("Fix: " + f.Fix, FindingTextWidth))
            text.Append('\n').Append(FindingIndent).Append(line);
        return text.ToString();
    }

    private const string FindingIndent = "         ";
    private const int FindingTextWidth = 79 - 9;

    /// <summary>Words to lines of at most <paramref name="width"/> characters; a longer word (an IPv6 address) keeps its own line whole.</summary>
    internal static IEnumerable<string> Wrap(string text, int width)
    {
        var line = new StringBuilder();
        foreach (string word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                yield return line.ToString();
                line.Clear();
            }
            if (line.Length > 0)
                line.Append(' ');
            line.Append(word);
        }
        if (line.Length > 0)
            yield return line.ToString();
    }

    private static string Namespace(string? ns) => ns is null ? "" : $"Network namespace: {ns}\n";
}
