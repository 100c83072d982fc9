using System.Net;
using CsCheck;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Text;
using LvsPS.Tests.Ipvs;

namespace LvsPS.Tests.Text;

public sealed class NetTextTests
{
    /// <summary>The inet_aton forms that IPAddress.TryParse and ping accept; the four and their cousins.</summary>
    public static readonly TheoryData<string, string> LegacyForms = new()
    {
        { "10.1", "10.0.0.1" },
        { "0x0a.1", "10.0.0.1" },
        { "012.0.0.1", "10.0.0.1" },
        { "167772161", "10.0.0.1" },
        { "010.0.0.1", "8.0.0.1" },       // four parts but octal: the old dot-count check let it through
        { "1.2.3", "1.2.0.3" },
        { "0x0a000001", "10.0.0.1" },
        { "255.255.255", "255.255.0.255" },
        { "80", "0.0.0.80" },
    };

    [Theory]
    [MemberData(nameof(LegacyForms))]
    public void Legacy_IPv4_forms_are_refused_with_one_message_that_says_how_they_would_be_read(string text, string readAs)
    {
        NetTextException e = Assert.Throws<NetTextException>(() => NetText.ParseAddress(text));
        Assert.Equal(NetTextProblem.LegacyIPv4Form, e.Problem);
        Assert.Equal(LegacyMessage(text, readAs), e.Message);
    }

    /// <summary>The same message whatever grammar reads the address: prefix, endpoint, identity.</summary>
    [Theory]
    [MemberData(nameof(LegacyForms))]
    public void Every_grammar_gives_the_same_legacy_message(string text, string readAs)
    {
        string message = LegacyMessage(text, readAs);
        Assert.Equal(message, Assert.Throws<NetTextException>(() => NetText.ParsePrefix(text + "/24")).Message);
        Assert.Equal(message, Assert.Throws<NetTextException>(() => NetText.ParseEndpoint(text + ":80")).Message);
        Assert.Equal(message, Assert.Throws<NetTextException>(() => NetText.ParseEndpoint(text)).Message);
        NetTextException identity = Assert.Throws<NetTextException>(() => NetText.ParseServiceIdentity($"tcp/{text}:80"));
        Assert.Equal(NetTextProblem.LegacyIPv4Form, identity.Problem);
        Assert.EndsWith(message, identity.Message);
        Assert.False(NetText.TryParseAddress(text, out IPAddress? a, out string? error));
        Assert.Null(a);
        Assert.Equal(message, error);
    }

    private static string LegacyMessage(string text, string readAs)
        => $"'{text}' is not an IPv4 address in dotted-quad form (inet_aton would read it as {readAs}). " +
           "Write four decimal numbers from 0 to 255 without leading zeros, such as 10.0.0.1; " +
           "short, hexadecimal, octal and single-number forms (10.1, 0x0a.1, 012.0.0.1, 167772161) are refused.";

    [Theory]
    [InlineData("10.0.0.3", "10.0.0.3")]
    [InlineData(" 0.0.0.0 ", "0.0.0.0")]
    [InlineData("255.255.255.255", "255.255.255.255")]
    [InlineData("2001:DB8::3", "2001:db8::3")]
    [InlineData("[2001:db8::3]", "2001:db8::3")]
    [InlineData("::ffff:10.0.0.3", "10.0.0.3")]     // IPv4-mapped is IPv4
    [InlineData("::10.0.0.3", "::10.0.0.3")]
    [InlineData("::", "::")]
    public void Addresses_in_their_written_forms(string text, string canonical)
        => Assert.Equal(canonical, NetText.ParseAddress(text).ToString());

    [Theory]
    [InlineData("", NetTextProblem.Empty)]
    [InlineData("10.0.0.300", NetTextProblem.NotAnAddress)]
    [InlineData("1.2.3.4.5", NetTextProblem.NotAnAddress)]
    [InlineData("10..0.1", NetTextProblem.NotAnAddress)]
    [InlineData("host.example", NetTextProblem.NotAnAddress)]
    [InlineData("::ffff:012.0.0.1", NetTextProblem.NotAnAddress)]  // the embedded IPv4 part follows the IPv4 rules
    [InlineData("1::2::3", NetTextProblem.NotAnAddress)]
    [InlineData("fe80::1%eth0", NetTextProblem.ZoneIndex)]
    [InlineData("fe80::1%2", NetTextProblem.ZoneIndex)]
    [InlineData("10.0.0.3:80", NetTextProblem.UnexpectedPort)]
    [InlineData("[2001:db8::3]:80", NetTextProblem.UnexpectedPort)]
    [InlineData("10.0.0.3/32", NetTextProblem.UnexpectedPrefixLength)]
    [InlineData("[10.0.0.3]", NetTextProblem.Brackets)]
    [InlineData("[2001:db8::3", NetTextProblem.Brackets)]
    public void Not_addresses(string text, NetTextProblem problem)
    {
        NetTextException e = Assert.Throws<NetTextException>(() => NetText.ParseAddress(text));
        Assert.Equal((NetTextKind.Address, problem), (e.Expected, e.Problem));
        Assert.Contains(text.Length == 0 ? "empty" : $"'{text.Trim()}'", e.Message);
    }

    [Theory]
    [InlineData("10.0.0.7", "10.0.0.7", null)]
    [InlineData("10.0.0.7:8080", "10.0.0.7", 8080)]
    [InlineData(" 10.0.0.7:0 ", "10.0.0.7", 0)]
    [InlineData("2001:db8::7", "2001:db8::7", null)]
    [InlineData("2001:db8::7:80", "2001:db8::7:80", null)]   // a valid address by itself: no port without brackets
    [InlineData("[2001:db8::7]:80", "2001:db8::7", 80)]
    [InlineData("[2001:db8::7]", "2001:db8::7", null)]
    [InlineData("[::ffff:10.0.0.7]:80", "10.0.0.7", 80)]
    public void Endpoints(string text, string address, int? port)
    {
        NetEndpoint e = NetText.ParseEndpoint(text);
        Assert.Equal((IPAddress.Parse(address), (ushort?)port), (e.Address, e.Port));
    }

    [Theory]
    [InlineData("10.0.0.7", true, NetTextProblem.MissingPort, "has no port")]
    [InlineData("[2001:db8::7]", true, NetTextProblem.MissingPort, "has no port")]
    [InlineData("2001:db8::1:80", true, NetTextProblem.IPv6NeedsBrackets, "such as [2001:db8::1]:80")]
    [InlineData("2001:db8::1", true, NetTextProblem.IPv6NeedsBrackets, "in brackets")]
    [InlineData("10.0.0.7:http", false, NetTextProblem.BadPort, "'http' is not a port")]
    [InlineData("10.0.0.7:", false, NetTextProblem.BadPort, "is not a port")]
    [InlineData("10.0.0.7:65536", false, NetTextProblem.BadPort, "0 to 65535")]
    [InlineData("10.0.0:80", false, NetTextProblem.LegacyIPv4Form, "dotted-quad")]
    [InlineData("host.example:80", false, NetTextProblem.NotAnAddress, "not an IPv4 or IPv6")]
    [InlineData("[2001:db8::7", false, NetTextProblem.Brackets, "without its ']'")]
    [InlineData("[2001:db8::7]:", false, NetTextProblem.BadPort, "is not a port")]
    [InlineData("[2001:db8::7]80", false, NetTextProblem.TrailingText, "is not ':port'")]
    [InlineData("[10.0.0.7]:80", false, NetTextProblem.Brackets, "written without them (10.0.0.7:80)")]
    [InlineData("", false, NetTextProblem.Empty, "empty")]
    public void Not_endpoints(string text, bool requirePort, NetTextProblem problem, string reason)
    {
        Assert.False(NetText.TryParseEndpoint(text, requirePort, out NetEndpoint endpoint, out string? error));
        Assert.Equal(default, endpoint);
        Assert.Contains(reason, error);
        Assert.Equal(problem, Assert.Throws<NetTextException>(() => NetText.ParseEndpoint(text, requirePort)).Problem);
    }

    [Theory]
    [InlineData("10.0.0.3/24", "10.0.0.3", 24)]
    [InlineData("10.0.0.3", "10.0.0.3", 32)]
    [InlineData("0.0.0.0/0", "0.0.0.0", 0)]
    [InlineData("2001:db8::/32", "2001:db8::", 32)]
    [InlineData("2001:db8::3", "2001:db8::3", 128)]
    public void Prefixes_keep_the_host_bits(string text, string address, int length)
        => Assert.Equal(new NetPrefix(IPAddress.Parse(address), length), NetText.ParsePrefix(text));

    [Theory]
    [InlineData("10.0.0.3/33", NetTextProblem.BadPrefixLength, "0 to 32")]
    [InlineData("2001:db8::/129", NetTextProblem.BadPrefixLength, "0 to 128")]
    [InlineData("10.0.0.3/-1", NetTextProblem.BadPrefixLength, "0 to 32")]
    [InlineData("10.0.0.3/", NetTextProblem.BadPrefixLength, "0 to 32")]
    [InlineData("10.3/24", NetTextProblem.LegacyIPv4Form, "dotted-quad")]
    [InlineData("10.0.0.3:80/24", NetTextProblem.NotAnAddress, "not an IPv4 or IPv6")]
    public void Not_prefixes(string text, NetTextProblem problem, string reason)
    {
        NetTextException e = Assert.Throws<NetTextException>(() => NetText.ParsePrefix(text));
        Assert.Equal(problem, e.Problem);
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void A_prefix_names_its_network_with_the_host_bits_cleared()
        => Assert.Equal(new IPNetwork(IPAddress.Parse("10.1.0.0"), 16), NetText.ParsePrefix("10.1.2.3/16").ToNetwork());

    [Fact]
    public void An_IPv6_service_without_brackets_is_told_where_the_brackets_go()
    {
        NetTextException e = Assert.Throws<NetTextException>(() => NetText.ParseServiceIdentity("tcp/2001:db8::1:80"));
        Assert.Equal((NetTextKind.ServiceIdentity, NetTextProblem.IPv6NeedsBrackets), (e.Expected, e.Problem));
        Assert.Equal("'tcp/2001:db8::1:80': an IPv6 address with a port is written in brackets, such as tcp/[2001:db8::1]:80.", e.Message);
    }

    [Fact]
    public void Control_characters_are_never_echoed_raw()
    {
        NetTextException e = Assert.Throws<NetTextException>(() => NetText.ParseAddress("10.0.0.1\u001b[31m"));
        Assert.DoesNotContain('\u001b', e.Message);
        Assert.Contains("\\x1B[31m", e.Message);
        Assert.DoesNotContain('\u001b', e.Text);
        NetTextException rlo = Assert.Throws<NetTextException>(() => NetText.ParseServiceIdentity("tcp/10.0.0.1\u202e:80"));
        Assert.DoesNotContain('\u202e', rlo.Message);
        Assert.Contains("10.0.0.1\\u202E", rlo.Message);
    }

    [Fact]
    public void Canonical_text_reads_back_as_the_same_value()
        => Gen.Select(Generators.Address, Gen.UShort, Gen.Int[0, 128]).Sample((address, port, length) =>
        {
            Assert.Equal(address, NetText.ParseAddress(address.ToString()));
            var endpoint = new NetEndpoint(address, port);
            Assert.Equal(endpoint, NetText.ParseEndpoint(endpoint.ToString(), requirePort: true));
            var prefix = new NetPrefix(address, Math.Min(length, NetText.HostPrefixLength(address)));
            Assert.Equal(prefix, NetText.ParsePrefix(prefix.ToString()));
        }, iter: 3000);

    [Fact]
    public void Arbitrary_text_gives_a_NetTextException_or_a_value_and_nothing_else()
        => Gen.String[Gen.Char["0123456789abcdefx:.[]%/ \t-"], 0, 30].Sample(text =>
        {
            foreach (Action parse in new Action[]
            {
                () => NetText.ParseAddress(text), () => NetText.ParsePrefix(text), () => NetText.ParseEndpoint(text),
                () => NetText.ParseEndpoint(text, requirePort: true), () => NetText.ParseServiceIdentity("udp/" + text),
            })
            {
                try { parse(); }
                catch (NetTextException) { }
            }
        }, iter: 5000);
}
