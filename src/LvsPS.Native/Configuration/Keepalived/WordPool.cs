namespace LvsPS.Native.Configuration.Keepalived;

/// <summary>
/// One string for each short piece of text a read meets again and again (keywords, "TCP", "weight 1", the same
/// real server under thousands of virtual servers): a 10,000-service file repeats most of its words and lines.
/// A fixed table, the last piece seen in each slot: nothing grows, a miss costs what the string would have.
/// </summary>
internal sealed class WordPool
{
    private const int MaxLength = 64;
    private readonly string?[] _slots = new string?[4096];

    public string Get(ReadOnlySpan<char> text)
    {
        if (text.Length > MaxLength)
            return text.ToString();
        if (text.IsEmpty)
            return "";
        int slot = string.GetHashCode(text) & (_slots.Length - 1);
        if (_slots[slot] is { } known && text.SequenceEqual(known))
            return known;
        return _slots[slot] = text.ToString();
    }
}
