namespace LvsPS.Native.Text;

/// <summary>What kind of text was expected: the grammar that was not met.</summary>
public enum NetTextKind
{
    /// <summary>An address: 10.0.0.3 or 2001:db8::3.</summary>
    Address,
    /// <summary>An address with an optional prefix length: 10.0.0.3/24, 2001:db8::/32.</summary>
    Prefix,
    /// <summary>An address with an optional (or required) port: 10.0.0.7:80, [2001:db8::7]:80.</summary>
    Endpoint,
    /// <summary>A virtual service: tcp/10.0.0.3:80, udp/[2001:db8::1]:53, fwmark/3, fwmark/3/ipv6.</summary>
    ServiceIdentity,
}

/// <summary>What was wrong with the text; callers that word errors for users choose their advice by it.</summary>
public enum NetTextProblem
{
    /// <summary>Empty or blank text.</summary>
    Empty,
    /// <summary>Neither an IPv4 nor an IPv6 address.</summary>
    NotAnAddress,
    /// <summary>An inet_aton form of IPv4 (10.1, 0x0a.1, 012.0.0.1, 167772161): refused everywhere with one message.</summary>
    LegacyIPv4Form,
    /// <summary>An IPv6 zone index (fe80::1%eth0).</summary>
    ZoneIndex,
    /// <summary>An IPv6 address where an address and a port were expected: it needs brackets.</summary>
    IPv6NeedsBrackets,
    /// <summary>Brackets around something that is not an IPv6 address, or a '[' without its ']'.</summary>
    Brackets,
    /// <summary>Text after the address that is neither a port nor a prefix length.</summary>
    TrailingText,
    /// <summary>A port that is not a whole number from 0 to 65535.</summary>
    BadPort,
    /// <summary>No port where one is required.</summary>
    MissingPort,
    /// <summary>A port where an address alone is expected.</summary>
    UnexpectedPort,
    /// <summary>A prefix length that is not a whole number within the family's width.</summary>
    BadPrefixLength,
    /// <summary>A prefix length where an address alone is expected.</summary>
    UnexpectedPrefixLength,
    /// <summary>A virtual service whose scheme is not tcp, udp, sctp or fwmark, or text without a scheme.</summary>
    NotAServiceIdentity,
    /// <summary>A firewall mark that is not a whole number from 1 to 4294967295.</summary>
    BadFirewallMark,
    /// <summary>A firewall-mark family that is not ipv4 or ipv6.</summary>
    BadFamily,
}

/// <summary>
/// Text that is not the address, prefix, endpoint or service identity it should be. The message
/// says what the text is and what the grammar wants; it never names a command or a parameter
/// (the caller knows which one it was and words its advice).
/// </summary>
public sealed class NetTextException : FormatException
{
    public NetTextException(NetTextKind expected, NetTextProblem problem, string text, string message)
        : base(message)
    {
        Expected = expected;
        Problem = problem;
        Text = text;
    }

    /// <summary>The grammar the text was read with.</summary>
    public NetTextKind Expected { get; }

    public NetTextProblem Problem { get; }

    /// <summary>The text as given (control characters replaced, so it is safe to echo).</summary>
    public string Text { get; }
}
