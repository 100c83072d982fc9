using System.Net;
using CsCheck;
using LvsPS.Native.Vrrp;

namespace LvsPS.Tests.Vrrp;

/// <summary>
/// Every packet is hostile input: random bytes, and keepalived's packets with bytes flipped
/// or cut, must yield an advert or a drop reason, never an exception.
/// </summary>
public sealed class VrrpDecoderFuzzProperties
{
    private static readonly IPAddress Src = IPAddress.Parse("192.168.77.1");
    private static readonly IPAddress Src6 = IPAddress.Parse("fe80::1");

    private static readonly byte[][] Seeds =
    {
        Convert.FromHexString("45c0002c00010000ff70cce4c0a84d01e0000012" + VrrpCodecGoldenTests.KeepalivedV2Pass),
        Convert.FromHexString("45c0002000010000ff70ccf0c0a84d01e0000012" + VrrpCodecGoldenTests.KeepalivedV3),
    };

    private static readonly VrrpReceiveFilter Filter = new(new VrrpInstanceOptions
    {
        Name = "fuzz", Interface = "eth0", VirtualRouterId = 51, AuthenticationPassword = "secret",
        VirtualAddresses = new[] { VrrpVirtualAddress.Parse("192.168.77.100/24"), VrrpVirtualAddress.Parse("192.168.77.101/24") },
    });

    private static VrrpDropReason Receive(byte[] datagram)
    {
        VrrpDropReason r = VrrpIpPacket.TryParseIPv4(datagram, out VrrpIpPacket p);
        return r != VrrpDropReason.None ? r : Filter.Check(p, out _);
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        Gen.Byte.Array[0, 200].Sample(bytes =>
        {
            Receive(bytes);
            VrrpCodec.TryDecode(bytes, Src, VrrpInstanceOptions.MulticastGroupV4, out _);
            VrrpCodec.TryDecode(bytes, Src6, VrrpInstanceOptions.MulticastGroupV6, out _);
        }, iter: 20_000);
    }

    [Fact]
    public void Mutated_keepalived_packets_never_throw_and_are_never_accepted_unchanged_after_corruption()
    {
        Gen.Select(Gen.Int[0, Seeds.Length - 1], Gen.Int[0, 63], Gen.Byte[1, 255], Gen.Int[0, 64]).Sample((seed, position, xor, cut) =>
        {
            byte[] packet = (byte[])Seeds[seed].Clone();
            int i = position % packet.Length;
            packet[i] ^= xor;
            byte[] datagram = packet[..Math.Max(0, packet.Length - cut % (packet.Length + 1))];
            VrrpDropReason reason = Receive(datagram);
            // A flipped bit in the VRRP part (after the 20-byte header) is always caught by the
            // checksum or an earlier check; one in the IP header may be harmless (id, TOS).
            if (i >= 20 && datagram.Length == packet.Length)
                Assert.NotEqual(VrrpDropReason.None, reason);
        }, iter: 20_000);
    }

    [Fact]
    public void The_unmodified_seed_is_accepted()
        => Assert.Equal(VrrpDropReason.None, Receive(Seeds[0]));
}
