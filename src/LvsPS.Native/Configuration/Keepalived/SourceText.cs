namespace LvsPS.Native.Configuration.Keepalived;

/// <summary>
/// The lines of a file's text, found in one pass and read in place: what <c>text.Split('\n')</c> gives, each
/// line without its trailing <c>\r</c>, without a string per line (the general path asks for one when it needs it).
/// </summary>
internal sealed class SourceText
{
    private readonly string _text;
    private readonly int[] _starts;

    public SourceText(string text)
    {
        _text = text;
        _starts = new int[text.AsSpan().Count('\n') + 1];
        int from = 0;
        for (int line = 1; line < _starts.Length; line++)
        {
            from += text.AsSpan(from).IndexOf('\n') + 1;
            _starts[line] = from;
        }
    }

    public int Count => _starts.Length;

    /// <summary>Line <paramref name="index"/> (0-based) as a string.</summary>
    public string this[int index] => Span(index).ToString();

    public ReadOnlySpan<char> Span(int index)
    {
        int start = _starts[index];
        int end = index + 1 < _starts.Length ? _starts[index + 1] - 1 : _text.Length;
        ReadOnlySpan<char> line = _text.AsSpan(start, end - start);
        return line.Length > 0 && line[^1] == '\r' ? line[..^1] : line;
    }
}
