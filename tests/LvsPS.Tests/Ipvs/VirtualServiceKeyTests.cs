using System.Net;
using CsCheck;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Text;

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
    [InlineData("tcp/[fe80::1%2]:80")]    // a zone index, which a service address never has
    [InlineData("tcp/10.1:80")]           // inet_aton short form
    [InlineData("tcp/[10.0.0.3]:80")]     // brackets are for IPv6
    public void Bad_text_gives_an_error_not_an_exception(string text)
    {
        Assert.False(VirtualServiceKey.TryParse(text, out VirtualServiceKey? key, out string? error));
        Assert.Null(key);
        Assert.False(string.IsNullOrWhiteSpace(error));
        Assert.Equal(error, Assert.Throws<NetTextException>(() => VirtualServiceKey.Parse(text)).Message);
    }

    [Fact]
    public void TryParse_of_null_is_an_error()
        => Assert.False(VirtualServiceKey.TryParse(null, out _, out string? error) || error is null);

    [Fact]
    public void Endpoint_parsing_never_throws_on_arbitrary_text()
        => Gen.String[Gen.Char["0123456789abcdef:.[]% x/-"], 0, 30].Sample(text =>
        {
            NetText.TryParseEndpoint(text, requirePort: false, out _, out _);
            VirtualServiceKey.TryParse("tcp/" + text, out _, out _);
            VirtualServiceKey.TryParse("fwmark/" + text, out _, out _);
        }, iter: 5000);
}
