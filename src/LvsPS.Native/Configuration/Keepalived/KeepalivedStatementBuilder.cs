namespace LvsPS.Native.Configuration.Keepalived;

/// <summary>
/// Builds the statement tree from the source lines: a <c>{</c> opens a block for the statement
/// just before it (on the same line or the previous one), a <c>}</c> closes the innermost block.
/// Unbalanced braces are errors that name where the block opened and what to add or remove:
/// keepalived reports them as warnings and runs a configuration nested differently from what
/// its author meant.
/// </summary>
internal static class KeepalivedStatementBuilder
{
    /// <summary>An open block: the index of its owner in the enclosing block's statements (-1: none).</summary>
    private sealed class Frame(KeepalivedStatement? owner, int ownerIndex, SourceLocation opened)
    {
        public KeepalivedStatement? Owner { get; } = owner;
        public int OwnerIndex { get; } = ownerIndex;
        public SourceLocation Opened { get; } = opened;
        public List<KeepalivedStatement> Statements { get; } = new();

        public void CloseInto(Frame parent)
        {
            if (Owner != null)
                parent.Statements[OwnerIndex] = Owner with { Block = Statements };
        }
    }

    public static IReadOnlyList<KeepalivedStatement> Build(IReadOnlyList<SourceLine> lines, DiagnosticBag diagnostics, WordPool? pool = null)
    {
        pool ??= new WordPool();
        var split = new LineWords();
        var root = new Frame(null, -1, default);
        var stack = new Stack<Frame>();
        stack.Push(root);
        bool lastWasStatement = false;
        foreach (SourceLine line in lines)
        {
            Frame top = stack.Peek();
            switch (line.Kind)
            {
                case SourceLineKind.Text:
                    string keyword;
                    string[] arguments;
                    bool unclosed = false, any = split.TryGet(line.Text, out keyword, out arguments);
                    if (!any)
                    {
                        any = KeepalivedTokenizer.TryStatement(line.Text, pool, out keyword, out arguments, out unclosed, out bool plain);
                        if (any && plain)
                            split.Add(line.Text, keyword, arguments);
                    }
                    if (unclosed)
                        diagnostics.Warn(DiagnosticCodes.UnclosedQuote, line.Location, "a double quote is not closed; the rest of the line is read as one word. Add the closing '\"'.");
                    if (!any)
                        continue;
                    top.Statements.Add(new KeepalivedStatement(keyword, arguments, line.Location, null));
                    lastWasStatement = true;
                    continue;
                case SourceLineKind.Open:
                    KeepalivedStatement? owner = lastWasStatement ? top.Statements[^1] : null;
                    if (owner == null)
                        diagnostics.Error(DiagnosticCodes.StrayOpenBrace, line.Location,
                            "'{' follows no keyword (it opens a block of nothing): remove it, or put it after the keyword whose block it opens.");
                    stack.Push(new Frame(owner, owner == null ? -1 : top.Statements.Count - 1, line.Location));
                    lastWasStatement = false;
                    continue;
                case SourceLineKind.Close:
                    if (stack.Count == 1)
                    {
                        diagnostics.Error(DiagnosticCodes.ExtraCloseBrace, line.Location,
                            "'}' closes no block: remove it, or add the '{' it belongs to (every block is 'keyword ... {' up to its '}').");
                        lastWasStatement = false;
                        continue;
                    }
                    Frame done = stack.Pop();
                    done.CloseInto(stack.Peek());
                    lastWasStatement = false;
                    continue;
            }
        }
        while (stack.Count > 1)
        {
            Frame open = stack.Pop();
            string what = open.Owner != null ? $"'{Shorten(open.Owner.Text)}'" : "the block";
            diagnostics.Error(DiagnosticCodes.UnclosedBlock, open.Opened,
                $"{what} opened here is never closed (the file ends first: truncated?). Add the missing '}}'.");
            open.CloseInto(stack.Peek());
        }
        return root.Statements;
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
