using System.Runtime.CompilerServices;

namespace LvsPS.Native.Configuration.Keepalived;

/// <summary>
/// The words of the lines a read meets again and again ("protocol TCP", "weight 1", the same real_server line under
/// thousands of virtual servers): split once, their keyword and argument array shared by every statement of that line.
/// Keyed by the line's identity, which <see cref="WordPool"/> gives every repeat of a short line. A fixed table, the last
/// line seen in each slot: nothing grows, a miss costs the split it would have cost. Only lines split without quotes or
/// escapes are kept (their words are pieces of the line, nothing to warn about).
/// </summary>
internal sealed class LineWords
{
    private readonly Entry?[] _slots = new Entry?[1024];

    private sealed record Entry(string Line, string Keyword, string[] Arguments);

    public bool TryGet(string line, out string keyword, out string[] arguments)
    {
        if (_slots[Slot(line)] is { } e && ReferenceEquals(e.Line, line))
        {
            (keyword, arguments) = (e.Keyword, e.Arguments);
            return true;
        }
        (keyword, arguments) = ("", []);
        return false;
    }

    public void Add(string line, string keyword, string[] arguments) => _slots[Slot(line)] = new Entry(line, keyword, arguments);

    private int Slot(string line) => RuntimeHelpers.GetHashCode(line) & (_slots.Length - 1);
}
