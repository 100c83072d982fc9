using System.Net;
using CsCheck;
using LvsPS.Native.Ipvs;

namespace LvsPS.Tests.Ipvs;

public sealed class VirtualServiceKeyTests
{
    [Fact]
    public void ToString_then_Parse_is_the_same_key()
        => Generators.Key.Sample(k =>
        {
            string text = k.ToString();
            Assert.Equal(k, VirtualServiceKey.Parse(text));
            Assert.True(VirtualServiceKey.TryParse(text, out VirtualServiceKey? again, out string? error));
            Assert.Null(error);
            Assert.Equal(text, again!.ToString());
        }, iter: 3000);

    [Theory]
    [InlineData("tcp/10.0.0.3:80", "tcp/10.0.0.3:80")]
    [InlineData(" UDP/[2001:DB8::1]:53 ", "udp/[2001:db8::1]:53")]
    [InlineData("sctp/10.0.0.3:9", "sctp/10.0.0.3:9")]
    [InlineData("tcp/[::ffff:10.0.0.3]:80", "tcp/10.0.0.3:80")]   // v4-mapped is IPv4
    [InlineData("tcp/[fe80::1%2]:80", "tcp/[fe80::1]:80")]         // scope dropped
    [InlineData("fwmark/3", "fwmark/3")]
    [InlineData("fwm/3/ipv4", "fwmark/3")]
    [InlineData("mark/3/inet6", "fwmark/3/ipv6")]
    [InlineData("fwmark/4294967295/6", "fwmark/4294967295/ipv6")]
    public void Parses_the_documented_forms(string text, string canonical)
        => Assert.Equal(canonical, VirtualServiceKey.Parse(text).ToString());

    [Theory]
    [InlineData("")]
    [InlineData("10.0.0.3:80")]           // no protocol
    [InlineData("icmp/10.0.0.3:80")]
    [InlineData("tcp/10.0.0.3")]          // no port
    [InlineData("tcp/10.0.0.3:65536")]
    [InlineData("tcp/10.0.0.3:-1")]
    [InlineData("tcp/10.0.3:80")]         // not four octets
    [InlineData("tcp/[2001:db8::1:53")]
    [InlineData("tcp/[2001:db8::1]x53")]
    [InlineData("tcp/2001:db8::1")]       // v6 needs brackets for a port
    [InlineData("fwmark/0")]
    [InlineData("fwmark/x")]
    [InlineData("fwmark/-1")]
    [InlineData("fwmark/4294967296")]
    [InlineData("fwmark/3/ipx")]
    [InlineData("fwmark/3/ipv6/x")]
    public void Bad_text_gives_an_error_not_an_exception(string text)
    {
        Assert.False(VirtualServiceKey.TryParse(text, out VirtualServiceKey? key, out string? error));
        Assert.Null(key);
        Assert.False(string.IsNullOrWhiteSpace(error));
        Assert.Equal(error, Assert.Throws<FormatException>(() => VirtualServiceKey.Parse(text)).Message);
    }

    [Fact]
    public void TryParse_of_null_is_an_error()
        => Assert.False(VirtualServiceKey.TryParse(null, out _, out string? error) || error is null);

    [Theory]
    [InlineData("10.0.0.7", false, "10.0.0.7", 0)]
    [InlineData("10.0.0.7:8080", true, "10.0.0.7", 8080)]
    [InlineData("2001:db8::7", false, "2001:db8::7", 0)]
    [InlineData("[2001:db8::7]:80", true, "2001:db8::7", 80)]
    [InlineData("[2001:db8::7]", false, "2001:db8::7", 0)]
    [InlineData(" 10.0.0.7:0 ", true, "10.0.0.7", 0)]
    public void TryParseEndpoint_accepts(string text, bool requirePort, string address, ushort port)
    {
        Assert.True(VirtualServiceKey.TryParseEndpoint(text, requirePort, out IPAddress? a, out ushort p, out string? error), error);
        Assert.Equal((IPAddress.Parse(address), port), (a!, p));
    }

    [Theory]
    [InlineData("10.0.0.7", true, "port is required")]
    [InlineData("[2001:db8::7]", true, "port is required")]
    [InlineData("10.0.0.7:http", false, "not a port")]
    [InlineData("10.0.0.7:", false, "not a port")]
    [InlineData("10.0.0:80", false, "not an IPv4 or IPv6")]
    [InlineData("host.example:80", false, "not an IPv4 or IPv6")]
    [InlineData("[2001:db8::7", false, "without its ']'")]
    [InlineData("[2001:db8::7]:", false, "not a port")]
    [InlineData("[2001:db8::7]80", false, "unexpected")]
    [InlineData("", false, "not an IPv4 or IPv6")]
    public void TryParseEndpoint_rejects_with_a_reason(string text, bool requirePort, string reason)
    {
        Assert.False(VirtualServiceKey.TryParseEndpoint(text, requirePort, out IPAddress? a, out _, out string? error));
        Assert.Null(a);
        Assert.Contains(reason, error);
    }

    [Fact]
    public void Endpoint_parsing_never_throws_on_arbitrary_text()
        => Gen.String[Gen.Char["0123456789abcdef:.[]% x/-"], 0, 30].Sample(text =>
        {
            VirtualServiceKey.TryParseEndpoint(text, requirePort: false, out _, out _, out _);
            VirtualServiceKey.TryParse("tcp/" + text, out _, out _);
            VirtualServiceKey.TryParse("fwmark/" + text, out _, out _);
        }, iter: 5000);
}
