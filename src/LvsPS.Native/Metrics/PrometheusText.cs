using System.Globalization;

namespace LvsPS.Native.Metrics;

/// <summary>
/// Writing the Prometheus text exposition format 0.0.4: one HELP and TYPE per family, then
/// its samples, with label values escaped (backslash, double quote, newline).
/// </summary>
internal sealed class PrometheusText
{
    private readonly TextWriter _writer;

    public PrometheusText(TextWriter writer) => _writer = writer;

    public void Family(string name, string type, string help)
    {
        _writer.Write("# HELP ");
        _writer.Write(name);
        _writer.Write(' ');
        _writer.Write(EscapeHelp(help));
        _writer.Write("\n# TYPE ");
        _writer.Write(name);
        _writer.Write(' ');
        _writer.Write(type);
        _writer.Write('\n');
    }

    public void Sample(string name, IReadOnlyList<KeyValuePair<string, string>> labels, ulong value)
        => Sample(name, labels, value.ToString(CultureInfo.InvariantCulture));

    /// <summary>A sample with a fractional value (seconds), in the shortest form that reads back the same.</summary>
    public void Sample(string name, IReadOnlyList<KeyValuePair<string, string>> labels, double value)
        => Sample(name, labels, value.ToString("R", CultureInfo.InvariantCulture));

    private void Sample(string name, IReadOnlyList<KeyValuePair<string, string>> labels, string value)
    {
        _writer.Write(name);
        if (labels.Count > 0)
        {
            _writer.Write('{');
            for (int i = 0; i < labels.Count; i++)
            {
                if (i > 0)
                    _writer.Write(',');
                _writer.Write(labels[i].Key);
                _writer.Write("=\"");
                _writer.Write(EscapeLabelValue(labels[i].Value));
                _writer.Write('"');
            }
            _writer.Write('}');
        }
        _writer.Write(' ');
        _writer.Write(value);
        _writer.Write('\n');
    }

    public static string EscapeLabelValue(string value)
        => value.AsSpan().IndexOfAny("\\\"\n") < 0 ? value : value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");

    public static string EscapeHelp(string help)
        => help.AsSpan().IndexOfAny("\\\n") < 0 ? help : help.Replace("\\", "\\\\").Replace("\n", "\\n");
}
