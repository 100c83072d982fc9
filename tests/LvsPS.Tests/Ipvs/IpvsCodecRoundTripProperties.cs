using CsCheck;
using LvsPS.Native.Interop;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Netlink;
using LvsPS.Tests.Support;

namespace LvsPS.Tests.Ipvs;

/// <summary>
/// What we send, read back as the kernel would answer it (the encoded nest wrapped as a
/// NEW_SERVICE / NEW_DEST reply payload), is the record we started from.
/// </summary>
public sealed class IpvsCodecRoundTripProperties
{
    private static byte[] AsReply(byte command, Action<NetlinkWriter> nest)
    {
        var w = new NetlinkWriter();
        w.WriteGenericHeader(command, ip_vs_h.IPVS_GENL_VERSION);
        nest(w);
        return w.WrittenSpan.ToArray();
    }

    [Fact]
    public void Services_round_trip()
        => Generators.Service.Sample(s =>
        {
            byte[] reply = AsReply(ip_vs_h.IPVS_CMD_NEW_SERVICE, w => IpvsCodec.WriteService(w, s));
            Assert.Equal(s with { NetworkNamespace = "blue" }, IpvsCodec.ReadService(reply, "blue"));
        }, iter: 3000);

    [Fact]
    public void Service_keys_round_trip_through_the_key_nest()
        => Generators.Key.Sample(k =>
        {
            byte[] reply = AsReply(ip_vs_h.IPVS_CMD_NEW_SERVICE, w => IpvsCodec.WriteServiceKeyNest(w, k));
            Assert.Equal(k, IpvsCodec.ReadService(reply, null)!.Key);
        }, iter: 2000);

    [Fact]
    public void Real_servers_round_trip()
        => Generators.RealServer.Sample(d =>
        {
            byte[] reply = AsReply(ip_vs_h.IPVS_CMD_NEW_DEST, w => IpvsCodec.WriteDest(w, d, full: true));
            Assert.Equal(d, IpvsCodec.ReadDest(reply, d.VirtualService, null));
        }, iter: 3000);

    [Fact]
    public void The_kernel_only_hashed_flag_never_shows()
        => Generators.Service.Sample(s =>
        {
            byte[] reply = AsReply(ip_vs_h.IPVS_CMD_NEW_SERVICE, w => IpvsCodec.WriteService(w, s));
            // Set IP_VS_SVC_F_HASHED in the FLAGS attribute, as every kernel dump does.
            Attr nest = Attrs.Parse(reply.AsSpan(4))[0];
            int flagsOffset = 4 + 4 + OffsetOf(nest.Payload, ip_vs_h.IPVS_SVC_ATTR_FLAGS) + 4;
            reply[flagsOffset] |= (byte)ip_vs_h.IP_VS_SVC_F_HASHED;
            Assert.Equal(s, IpvsCodec.ReadService(reply, null));
        }, iter: 500);

    private static int OffsetOf(byte[] attributes, ushort type)
    {
        int offset = 0;
        foreach (Attr a in Attrs.Parse(attributes))
        {
            if (a.Type == type)
                return offset;
            offset += (4 + a.Payload.Length + 3) & ~3;
        }
        throw new InvalidOperationException($"no attribute {type}");
    }

    [Theory]
    [InlineData(IpFamily.IPv4, 0, 0x00000000u)]
    [InlineData(IpFamily.IPv4, 8, 0x000000ffu)]
    [InlineData(IpFamily.IPv4, 24, 0x00ffffffu)]
    [InlineData(IpFamily.IPv4, 32, 0xffffffffu)]
    [InlineData(IpFamily.IPv6, 64, 64u)]
    [InlineData(IpFamily.IPv6, 128, 128u)]
    public void Netmask_encoding(IpFamily family, int prefix, uint wire)
    {
        // IPv4: the u32 whose little-endian bytes are the mask in network order (255.255.255.0 → ff ff ff 00).
        Assert.Equal(wire, IpvsCodec.EncodeNetmask(family, prefix));
        Assert.Equal(prefix, IpvsCodec.DecodeNetmask(family, wire));
    }
}
