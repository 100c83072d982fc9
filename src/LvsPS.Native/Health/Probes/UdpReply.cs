namespace LvsPS.Native.Health.Probes;

/// <summary>UDP_CHECK's require_reply: a length window and leading bytes where an X nibble matches anything.</summary>
public static class UdpReply
{
    /// <summary>Null when the reply is acceptable, else why not.</summary>
    public static string? Judge(ReadOnlySpan<byte> reply, UdpHealthCheck check)
    {
        if (reply.Length < check.MinReplyLength || reply.Length > check.MaxReplyLength)
            return $"reply of {reply.Length} bytes is outside {check.MinReplyLength}-{check.MaxReplyLength}";
        if (check.ReplyPattern is not { } pattern)
            return null;
        // keepalived compares only the shorter of the reply and the pattern.
        int bytes = Math.Min(reply.Length, (pattern.Length + 1) / 2);
        for (int i = 0; i < bytes; i++)
            for (int half = 0; half < 2; half++)
            {
                int at = i * 2 + half;
                if (at >= pattern.Length || pattern[at] is 'X' or 'x')
                    continue;
                int want = Convert.ToInt32(pattern[at].ToString(), 16);
                int got = half == 0 ? reply[i] >> 4 : reply[i] & 0xf;
                if (want != got)
                    return $"reply byte {i} is {reply[i]:x2}, the pattern wants {pattern.Substring(i * 2, Math.Min(2, pattern.Length - i * 2))}";
            }
        return null;
    }
}
