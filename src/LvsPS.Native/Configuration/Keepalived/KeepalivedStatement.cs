namespace LvsPS.Native.Configuration.Keepalived;

/// <summary>
/// One statement of a keepalived.conf: its keyword, the words after it and, when a <c>{</c>
/// followed it, the statements of its block.
/// </summary>
public sealed record KeepalivedStatement(string Keyword, IReadOnlyList<string> Arguments, SourceLocation Location, IReadOnlyList<KeepalivedStatement>? Block)
{
    public bool HasBlock => Block != null;

    /// <summary>The words as written after the keyword, for messages.</summary>
    public string Text => Arguments.Count == 0 ? Keyword : $"{Keyword} {string.Join(' ', Arguments)}";
}
