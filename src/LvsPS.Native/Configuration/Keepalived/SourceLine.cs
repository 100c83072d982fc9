namespace LvsPS.Native.Configuration.Keepalived;

internal enum SourceLineKind
{
    Text,
    Open,
    Close,
}

/// <summary>One line as the statement builder sees it: text (comments, includes, conditionals, macros and repetition already applied), or a lone brace.</summary>
internal readonly record struct SourceLine(SourceLineKind Kind, string Text, SourceLocation Location);
