namespace LvsPS.Native.Configuration.Keepalived;

/// <summary>Where a statement of a keepalived.conf came from: the file (as opened) and its 1-based line.</summary>
public readonly record struct SourceLocation(string File, int Line)
{
    public override string ToString() => Text.MessageText.Printable(Line > 0 ? $"{File}:{Line}" : File);
}
