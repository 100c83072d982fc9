using System.Buffers.Binary;
using System.Net;
using CsCheck;
using LvsPS.Native.Configuration;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Text;

namespace LvsPS.Tests.Configuration;

/// <summary>
/// ipvsadm's listing order. The expectations are what ipvsadm 1.31 printed in the lab (Debian 12,
/// kernel 6.1) for one table: `ipvsadm -Ln --nosort` gave the kernel's order (the input here) and
/// `ipvsadm -Ln` the sorted one, wrap-around of its signed comparisons included.
/// </summary>
public sealed class IpvsadmOrderTests
{
    private static VirtualService Service(string identity, params string[] realServers)
    {
        VirtualServiceKey key = VirtualServiceKey.Parse(identity);
        return new VirtualService
        {
            Key = key,
            RealServers = realServers.Select(r => RealServer(key, r)).ToArray(),
        };
    }

    private static RealServer RealServer(VirtualServiceKey key, string endpoint)
    {
        NetEndpoint e = NetText.ParseEndpoint(endpoint, requirePort: true);
        return new RealServer { VirtualService = key, Address = e.Address, Port = e.Port!.Value };
    }

    private static string Endpoint(RealServer d) => d.Endpoint;

    private static IPAddress Ipv4(uint value)
    {
        byte[] bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return new IPAddress(bytes);
    }

    [Fact]
    public void Services_and_real_servers_come_out_as_ipvsadm_lists_them_from_the_kernels_order()
    {
        VirtualService[] kernelOrder =
        {
            Service("tcp/10.0.0.1:8080"),
            Service("sctp/10.0.0.1:9"),
            Service("udp/10.0.0.1:5060"),
            Service("tcp/[2001:db8::1]:443", "[2001:db8::7]:443", "[2001:db8:1234:5678:9abc:def0:1234:5678]:443", "[2001:db8:1234:5678:9abc:def0:1234:5679]:443"),
            Service("udp/10.0.0.1:53"),
            Service("tcp/100.0.0.1:80"),
            Service("tcp/200.0.0.1:80"),
            Service("tcp/10.0.0.1:80", "10.0.0.8:79", "10.0.0.8:80", "10.0.0.8:8080", "100.0.0.7:80", "200.0.0.7:80", "10.0.0.9:80"),
            Service("tcp/[2001:db8:1234:5678:9abc:def0:1234:5678]:65535"),
            Service("fwmark/4000000000"),
            Service("fwmark/1"),
            Service("fwmark/3/ipv6"),
            Service("fwmark/3", "10.0.1.6:0", "[2001:db8::9]:0", "10.0.1.7:0"),
        };

        IReadOnlyList<VirtualService> sorted = IpvsadmOrder.Sort(kernelOrder);

        Assert.Equal(new[]
        {
            "fwmark/4000000000", // ipvsadm prints it as -294967296: mark - 0 wraps negative
            "tcp/200.0.0.1:80",  // 200.0.0.1 - 10.0.0.1 wraps negative too
            "tcp/10.0.0.1:80",
            "tcp/10.0.0.1:8080",
            "tcp/100.0.0.1:80",
            "udp/10.0.0.1:53",
            "udp/10.0.0.1:5060",
            "sctp/10.0.0.1:9",
            "tcp/[2001:db8::1]:443",
            "tcp/[2001:db8:1234:5678:9abc:def0:1234:5678]:65535",
            "fwmark/1",
            "fwmark/3",
            "fwmark/3/ipv6",
        }, sorted.Select(s => s.Key.ToString()));
        Assert.Equal(new[] { "10.0.0.8:79", "10.0.0.8:80", "10.0.0.8:8080", "100.0.0.7:80", "200.0.0.7:80", "10.0.0.9:80" },
            sorted.Single(s => s.Key.ToString() == "tcp/10.0.0.1:80").RealServers.Select(Endpoint));
        Assert.Equal(new[] { "[2001:db8::7]:443", "[2001:db8:1234:5678:9abc:def0:1234:5678]:443", "[2001:db8:1234:5678:9abc:def0:1234:5679]:443" },
            sorted.Single(s => s.Key.ToString() == "tcp/[2001:db8::1]:443").RealServers.Select(Endpoint));
        Assert.Equal(new[] { "10.0.1.6:0", "10.0.1.7:0", "[2001:db8::9]:0" },
            sorted.Single(s => s.Key.ToString() == "fwmark/3").RealServers.Select(Endpoint));
    }

    [Fact]
    public void The_non_transitive_comparison_depends_on_the_input_order_as_ipvsadms_merge_sort_does()
    {
        VirtualServiceKey key = VirtualServiceKey.Parse("tcp/10.0.0.1:80");
        RealServer[] cycle = { RealServer(key, "10.0.0.9:80"), RealServer(key, "100.0.0.7:80"), RealServer(key, "200.0.0.7:80") };
        // 10 < 100 < 200 < 10 under the wrapping subtraction: each comparison alone, then two merge orders.
        Assert.True(IpvsadmOrder.CompareRealServers(cycle[0], cycle[1]) < 0);
        Assert.True(IpvsadmOrder.CompareRealServers(cycle[1], cycle[2]) < 0);
        Assert.True(IpvsadmOrder.CompareRealServers(cycle[2], cycle[0]) < 0);
        Assert.Equal(new[] { "100.0.0.7:80", "200.0.0.7:80", "10.0.0.9:80" }, IpvsadmOrder.SortRealServers(new[] { cycle[1], cycle[2], cycle[0] }).Select(Endpoint));
        Assert.Equal(new[] { "200.0.0.7:80", "10.0.0.9:80", "100.0.0.7:80" }, IpvsadmOrder.SortRealServers(new[] { cycle[2], cycle[0], cycle[1] }).Select(Endpoint));
    }

    [Fact]
    public void Within_one_half_of_the_address_space_the_order_is_numeric_whatever_the_input_order()
    {
        VirtualServiceKey key = VirtualServiceKey.Parse("fwmark/9");
        Gen.UInt[0, 0x7fff_ffff].Select(Gen.UShort).Array[0, 40].Sample(pairs =>
        {
            RealServer[] input = pairs.Select(p => new RealServer
            {
                VirtualService = key, Address = Ipv4(p.Item1), Port = p.Item2,
            }).ToArray();
            var expected = input.OrderBy(d => BinaryPrimitives.ReadUInt32BigEndian(d.Address.GetAddressBytes())).ThenBy(d => d.Port).Select(Endpoint);
            Assert.Equal(expected, IpvsadmOrder.SortRealServers(input).Select(Endpoint));
        });
    }
}
