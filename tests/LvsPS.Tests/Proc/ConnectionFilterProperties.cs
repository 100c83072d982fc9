using System.Net;
using System.Net.Sockets;
using CsCheck;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Proc;

namespace LvsPS.Tests.Proc;

/// <summary>
/// The parser's filter, which works on raw numbers before any object exists, selects exactly
/// the rows a plain LINQ predicate over the parsed objects selects.
/// </summary>
public sealed class ConnectionFilterProperties
{
    private static readonly ConnectionTableGenerator Table = new() { Services = 23, RealServersPerService = 3 };
    private const int Rows = 3000;

    private static readonly byte[] Bytes = BuildTable();
    private static readonly List<IpvsConnection> All = IpvsConnectionReader.Parse(new MemoryStream(Bytes)).ToList();

    private static byte[] BuildTable()
    {
        var ms = new MemoryStream();
        Table.Write(ms, Rows);
        // Append the hand-written and recorded rows (without their headers): other protocols, fwmark templates, tunnels.
        foreach (string sample in new[] { "ip_vs_conn.txt", "ip_vs_conn-pe-ipv6-sctp.txt" })
        {
            byte[] rows = System.Text.Encoding.ASCII.GetBytes(ProcSamples.Text(sample).Split('\n', 2)[1]);
            ms.Write(rows);
        }
        return ms.ToArray();
    }

    private static readonly Gen<IPAddress> SomeClient = Gen.Int[0, All.Count - 1].Select(i => All[i].ClientAddress);

    private static readonly Gen<VirtualServiceKey?> Service = Gen.Frequency<VirtualServiceKey?>(
        (2, Gen.Const(() => (VirtualServiceKey?)null)),
        (4, Gen.Int[0, All.Count - 1].Select(i => All[i]).Where(c => c.Protocol is "TCP" or "UDP" or "SCTP")
            .Select(c => (VirtualServiceKey?)VirtualServiceKey.ForAddress(ProtocolOf(c), c.VirtualAddress, c.VirtualPort))),
        (1, Gen.Int[0, All.Count - 1].Select(i => All[i]).Where(c => c.Protocol is "TCP" or "UDP" or "SCTP")
            .Select(c => (VirtualServiceKey?)VirtualServiceKey.ForAddress(ProtocolOf(c), c.VirtualAddress, 0))),
        (1, Gen.Select(Gen.UInt[1, 9], Gen.OneOf(IpFamily.IPv4, IpFamily.IPv6), (m, f) => (VirtualServiceKey?)VirtualServiceKey.ForFirewallMark(m, f))));

    private static readonly Gen<(IPAddress?, ushort?)> RealServer = Gen.Frequency<(IPAddress?, ushort?)>(
        (3, Gen.Const(() => ((IPAddress?)null, (ushort?)null))),
        (2, Gen.Int[0, All.Count - 1].Select(i => ((IPAddress?)All[i].RealServerAddress, (ushort?)null))),
        (2, Gen.Int[0, All.Count - 1].Select(i => ((IPAddress?)All[i].RealServerAddress, (ushort?)All[i].RealServerPort))),
        (1, Gen.Int[0, All.Count - 1].Select(i => ((IPAddress?)All[i].RealServerAddress, (ushort?)1))));

    private static readonly Gen<IPNetwork?> Client = Gen.Frequency<IPNetwork?>(
        (3, Gen.Const(() => (IPNetwork?)null)),
        (3, Gen.Select(SomeClient, Gen.Int[0, 128], (a, p) =>
        {
            int width = a.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
            return (IPNetwork?)Network(a, Math.Min(p, width));
        })));

    private static readonly string[] StateNames = ["ESTABLISHED", "time_wait", "SYN_RECV", "NONE", "ASSURED", "UDP", "CLOSE", "nothing"];

    private static readonly Gen<ConnectionFilter> Filter =
        from protocol in Gen.Frequency<IpvsProtocol?>((3, Gen.Const(() => (IpvsProtocol?)null)),
            (1, Gen.OneOf<IpvsProtocol?>(IpvsProtocol.Tcp, IpvsProtocol.Udp, IpvsProtocol.Sctp, IpvsProtocol.FirewallMark)))
        from service in Service
        from rs in RealServer
        from client in Client
        from states in Gen.Frequency<string[]?>((2, Gen.Const(() => (string[]?)null)),
            (1, Gen.Int[0, StateNames.Length - 1].Array[1, 3].Select(ix => (string[]?)ix.Select(i => StateNames[i]).ToArray())))
        from templates in Gen.Enum<TemplateFilter>()
        select new ConnectionFilter
        {
            Protocol = protocol, VirtualService = service, RealServerAddress = rs.Item1, RealServerPort = rs.Item2,
            ClientNetwork = client, States = states, Templates = templates,
        };

    [Fact]
    public void FilterEqualsPredicateOverAllRows()
    {
        Assert.Equal(Rows + 11 + 6, All.Count);
        Filter.Sample(f =>
        {
            var expected = All.Where(c => Reference(f, c)).ToList();
            var actual = IpvsConnectionReader.Parse(new MemoryStream(Bytes), f).ToList();
            Assert.Equal(expected, actual);
            using var counter = new IpvsConnectionParser(new MemoryStream(Bytes), f);
            Assert.Equal(expected.Count, counter.CountMatching());
        }, iter: 400);
    }

    /// <summary>The filter's meaning written plainly over the parsed objects.</summary>
    private static bool Reference(ConnectionFilter f, IpvsConnection c)
    {
        if (f.Protocol is IpvsProtocol p && c.ProtocolNumber != (int)p)
            return false;
        if (f.Templates == TemplateFilter.Only && !c.IsTemplate || f.Templates == TemplateFilter.Exclude && c.IsTemplate)
            return false;
        if (f.VirtualService is VirtualServiceKey k)
        {
            bool match = k.IsFirewallMark
                ? c.ProtocolNumber == 0 && c.VirtualPort == 0 && c.VirtualAddress.Equals(MarkAddress(k))
                : c.ProtocolNumber == (int)k.Protocol && c.VirtualAddress.Equals(k.Address) && (k.Port == 0 || c.VirtualPort == k.Port);
            if (!match)
                return false;
        }
        if (f.RealServerAddress is IPAddress rs && (!c.RealServerAddress.Equals(rs) || f.RealServerPort is ushort port && c.RealServerPort != port))
            return false;
        if (f.ClientNetwork is IPNetwork n && !n.Contains(c.ClientAddress))
            return false;
        if (f.States is { Count: > 0 } states && !states.Contains(c.State, StringComparer.OrdinalIgnoreCase))
            return false;
        return true;
    }

    private static IPAddress MarkAddress(VirtualServiceKey k)
    {
        byte[] b = new byte[k.Family == IpFamily.IPv6 ? 16 : 4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(b, k.FirewallMark);
        return new IPAddress(b);
    }

    private static IpvsProtocol ProtocolOf(IpvsConnection c) => c.Protocol switch
    {
        "TCP" => IpvsProtocol.Tcp,
        "UDP" => IpvsProtocol.Udp,
        _ => IpvsProtocol.Sctp,
    };

    private static IPNetwork Network(IPAddress a, int prefix)
    {
        byte[] b = a.GetAddressBytes();
        for (int bit = prefix; bit < b.Length * 8; bit++)
            b[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        return new IPNetwork(new IPAddress(b), prefix);
    }

    [Theory]
    [InlineData("10.1.0.0/16", "10.1.0.0", 16)]
    [InlineData("10.1.2.3/16", "10.1.0.0", 16)]
    [InlineData("0.0.0.0/0", "0.0.0.0", 0)]
    [InlineData("2001:db8::7/48", "2001:db8::", 48)]
    [InlineData("172.16.0.9", "172.16.0.9", 32)]
    [InlineData("::ffff:172.16.0.9", "172.16.0.9", 32)]
    [InlineData(" 2001:db8::/32 ", "2001:db8::", 32)]
    [InlineData("2001:db8::1", "2001:db8::1", 128)]
    public void ClientNetworks(string text, string address, int prefix)
        => Assert.Equal(new IPNetwork(IPAddress.Parse(address), prefix), ConnectionFilter.ParseClientNetwork(text));

    [Theory]
    [InlineData("10.1.0.0/33")]
    [InlineData("2001:db8::/129")]
    [InlineData("10.1.0.0/")]
    [InlineData("10.1.0.0/-1")]
    [InlineData("10.1/16")]
    [InlineData("host")]
    public void BadClientNetworksAreRefusedByTheStrictParser(string text)
    {
        var e = Assert.Throws<LvsPS.Native.Text.NetTextException>(() => ConnectionFilter.ParseClientNetwork(text));
        Assert.Equal(LvsPS.Native.Text.NetTextKind.Prefix, e.Expected);
        Assert.Contains(e.Problem == LvsPS.Native.Text.NetTextProblem.LegacyIPv4Form ? $"'{text.Split('/')[0]}'" : $"'{text}'", e.Message);
    }

    [Fact]
    public void ProtocolThatContradictsTheServiceMatchesNothing()
    {
        var f = new ConnectionFilter { Protocol = IpvsProtocol.Udp, VirtualService = VirtualServiceKey.Parse("tcp/10.0.0.1:80") };
        Assert.Empty(IpvsConnectionReader.Parse(new MemoryStream(Bytes), f));
    }

    [Fact]
    public void RealServerPortWithoutAddressIsRefused()
        => Assert.Throws<ArgumentException>(() => IpvsConnectionReader.Parse(new MemoryStream(Bytes), new ConnectionFilter { RealServerPort = 80 }).ToList());

    [Fact]
    public void IPv4MappedFilterAddressesMatchIPv4Rows()
    {
        IpvsConnection any = All.First(c => c.RealServerAddress.AddressFamily == AddressFamily.InterNetwork);
        var f = new ConnectionFilter { RealServerAddress = any.RealServerAddress.MapToIPv6() };
        Assert.Contains(any, IpvsConnectionReader.Parse(new MemoryStream(Bytes), f));
    }
}
