using System.Globalization;
using LvsPS.Native.Ipvs;

namespace LvsPS.Native.Text;

/// <summary>The grammar of a virtual service's identity: PROTOCOL/ADDRESS:PORT or fwmark/MARK[/FAMILY].</summary>
internal static class ServiceIdentityText
{
    public static NetTextException? Read(string? text, out VirtualServiceKey? key)
    {
        key = null;
        string s = (text ?? "").Trim();
        int slash = s.IndexOf('/');
        if (slash <= 0)
            return NetText.Error(NetTextKind.ServiceIdentity, s.Length == 0 ? NetTextProblem.Empty : NetTextProblem.NotAServiceIdentity, s,
                $"'{MessageText.Printable(s)}' is not a virtual service: write protocol/address:port (tcp/10.0.0.3:80, udp/[2001:db8::1]:53) or fwmark/N (fwmark/3, fwmark/3/ipv6).");
        string scheme = s[..slash].ToLowerInvariant();
        string rest = s[(slash + 1)..];
        if (scheme is "fwmark" or "fwm" or "mark")
            return ReadMark(s, rest, out key);
        IpvsProtocol? protocol = scheme switch
        {
            "tcp" => IpvsProtocol.Tcp,
            "udp" => IpvsProtocol.Udp,
            "sctp" => IpvsProtocol.Sctp,
            _ => null,
        };
        if (protocol is null)
            return NetText.Error(NetTextKind.ServiceIdentity, NetTextProblem.NotAServiceIdentity, s,
                $"'{MessageText.Printable(scheme)}' in '{MessageText.Printable(s)}' is not a protocol: the protocols are tcp, udp and sctp, or fwmark for a firewall mark.");
        if (NetText.ReadEndpoint(rest, requirePort: true, NetTextKind.ServiceIdentity, out NetEndpoint endpoint) is { } e)
        {
            string message = e.Problem == NetTextProblem.IPv6NeedsBrackets
                ? $"'{MessageText.Printable(s)}': an IPv6 address with a port is written in brackets, such as {scheme}/{NetText.BracketedGuess(rest.Trim())}."
                : $"'{MessageText.Printable(s)}': {e.Message}";
            return new NetTextException(NetTextKind.ServiceIdentity, e.Problem, MessageText.Printable(s), message);
        }
        key = VirtualServiceKey.ForAddress(protocol.Value, endpoint.Address, endpoint.Port!.Value);
        return null;
    }

    private static NetTextException? ReadMark(string text, string rest, out VirtualServiceKey? key)
    {
        key = null;
        string[] parts = rest.Split('/');
        IpFamily family = IpFamily.IPv4;
        if (parts.Length == 2)
        {
            switch (parts[1].ToLowerInvariant())
            {
                case "ipv6" or "inet6" or "6": family = IpFamily.IPv6; break;
                case "ipv4" or "inet" or "4": break;
                default:
                    return NetText.Error(NetTextKind.ServiceIdentity, NetTextProblem.BadFamily, text,
                        $"'{MessageText.Printable(text)}': the family after the mark is ipv4 or ipv6.");
            }
        }
        if (parts.Length > 2 || !uint.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out uint mark) || mark == 0)
            return NetText.Error(NetTextKind.ServiceIdentity, NetTextProblem.BadFirewallMark, text,
                $"'{MessageText.Printable(text)}': a firewall mark is a whole number from 1 to 4294967295 (fwmark/3, fwmark/3/ipv6).");
        key = VirtualServiceKey.ForFirewallMark(mark, family);
        return null;
    }
}
