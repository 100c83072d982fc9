using System.Text;
using LvsPS.Native.Configuration.Director;

namespace LvsPS.Native.Configuration.Keepalived;

/// <summary>Indented keepalived.conf text: blocks, lines, optional and flag settings.</summary>
internal sealed class ConfWriter
{
    private readonly StringBuilder _text = new();
    private int _depth;

    public void Line(string line) => _text.Append(' ', _depth * 4).Append(line).Append('\n');

    public void Open(string head)
    {
        Line(head + " {");
        _depth++;
    }

    public void Close()
    {
        _depth--;
        Line("}");
    }

    public void Optional(string keyword, string? value)
    {
        if (value != null)
            Line($"{keyword} {KeepalivedConfigurationWriter.Word(value)}");
    }

    public void Script(string keyword, string? command)
    {
        if (command != null)
            Line($"{keyword} {KeepalivedConfigurationWriter.Quoted(command)}");
    }

    public void Flag(string keyword, bool on)
    {
        if (on)
            Line(keyword);
    }

    public void Setting(KeywordSetting s)
    {
        string head = string.Join(' ', s.Arguments.Select(KeepalivedConfigurationWriter.Word).Prepend(s.Keyword));
        if (s.Block == null)
        {
            Line(head);
            return;
        }
        Open(head);
        foreach (KeywordSetting child in s.Block)
            Setting(child);
        Close();
    }

    public override string ToString() => _text.ToString();
}
