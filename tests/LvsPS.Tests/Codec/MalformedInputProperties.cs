using System.Net;
using CsCheck;
using LvsPS.Native.GenericNetlink;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Netlink;
using LvsPS.Tests.Support;

namespace LvsPS.Tests.Codec;

/// <summary>
/// Bytes from the kernel are input: garbage must either decode or fail with a
/// <see cref="NetlinkException"/>, never IndexOutOfRange, ArgumentException and the like.
/// </summary>
public sealed class MalformedInputProperties
{
    private static readonly VirtualServiceKey Tcp = VirtualServiceKey.Parse("tcp/10.0.0.3:80");

    /// <summary>Well-formed genl payloads (after nlmsghdr) to mutate: our own encodings, and the kernel's when captured.</summary>
    private static readonly byte[][] Seeds = BuildSeeds();

    private static byte[][] BuildSeeds()
    {
        var seeds = new List<byte[]>();
        var w = new NetlinkWriter();
        w.WriteGenericHeader(1, 1);
        IpvsCodec.WriteService(w, new VirtualService { Key = Tcp, Scheduler = "wrr", Persistent = true, PersistenceTimeout = 20 });
        seeds.Add(w.WrittenSpan.ToArray());
        w.Reset();
        w.WriteGenericHeader(5, 1);
        IpvsCodec.WriteDest(w, new RealServer { VirtualService = Tcp, Address = IPAddress.Parse("2001:db8::7"), Port = 80, Forwarding = ForwardingMethod.Tunnel, TunnelType = TunnelType.Gue, TunnelPort = 6080 }, full: true);
        seeds.Add(w.WrittenSpan.ToArray());
        foreach (string name in new[] { "dump-services-stats.reply", "dump-dests-tcp-stats.reply", "get-info.reply" })
            if (Golden.Exists(name))
                seeds.AddRange(Golden.Messages(name).Where(m => m.Length > 20).Select(m => m[16..]));
        return seeds.ToArray();
    }

    private static readonly Gen<byte[]> RandomBytes = Gen.Byte.Array[0, 400];

    /// <summary>A seed with a few bytes overwritten, then maybe cut short.</summary>
    private static readonly Gen<byte[]> Mutated =
        Gen.Select(Gen.Int[0, Seeds.Length - 1], Gen.Select(Gen.Int[0, 1000], Gen.Byte).Array[1, 6], Gen.Int[0, 100], (s, edits, cut) =>
        {
            byte[] b = (byte[])Seeds[s].Clone();
            foreach (var (at, value) in edits)
                b[at % b.Length] = value;
            return cut < 20 ? b[..(b.Length * cut / 20)] : b;
        });

    private static readonly Gen<byte[]> Garbage = Gen.Frequency((1, RandomBytes), (3, Mutated));

    private static void OnlyNetlinkExceptions(Action decode)
    {
        try { decode(); }
        catch (NetlinkException) { }
    }

    private static void Walk(NetlinkAttributeReader r, int depth)
    {
        while (r.MoveNext())
        {
            r.GetUInt8(); r.GetUInt16(); r.GetUInt16BigEndian(); r.GetUInt32(); r.GetUInt64(); r.GetString();
            if (depth < 4)
                Walk(r.Nested(), depth + 1);
        }
    }

    [Fact]
    public void The_attribute_reader_never_throws()
        => Garbage.Sample(bytes => Walk(new NetlinkAttributeReader(bytes), 0), iter: 5000);

    [Fact]
    public void The_message_reader_and_error_decoder_never_throw()
        => Gen.Select(Garbage, Gen.UShort).Sample((bytes, flags) =>
        {
            var m = new NetlinkMessageReader(bytes);
            while (m.MoveNext())
                NetlinkErrorMessage.Decode(m.Payload, flags, out _);
            NetlinkErrorMessage.Decode(bytes, flags, out _); // as if the whole thing were an error payload
        }, iter: 5000);

    [Fact]
    public void Ipvs_decoders_decode_or_throw_only_NetlinkException()
        => Garbage.Sample(bytes =>
        {
            OnlyNetlinkExceptions(() => IpvsCodec.ReadService(bytes, null));
            OnlyNetlinkExceptions(() => IpvsCodec.ReadDest(bytes, Tcp, null));
            OnlyNetlinkExceptions(() => IpvsCodec.ReadInfo(bytes));
            OnlyNetlinkExceptions(() => IpvsCodec.ReadTimeouts(bytes));
            OnlyNetlinkExceptions(() => GenericNetlinkFamilies.DecodeFamilyId(bytes));
        }, iter: 5000);

    [Theory]
    [InlineData("01010000 0c000100 06000100 02000000")]                  // AF only: no protocol, no mark
    [InlineData("01010000 14000100 06000100 02000000 06000200 00000000")] // protocol 0, no mark
    [InlineData("01010000 14000100 06000100 02000000 06000200 63000000")] // protocol 99 (IPVS has tcp, udp, sctp)
    public void A_service_without_a_usable_key_is_a_protocol_error(string hex)
    {
        var e = Assert.Throws<NetlinkException>(() => IpvsCodec.ReadService(Hex.Parse(hex), null));
        Assert.Equal(Errno.EPROTO, e.Errno);
    }
}
