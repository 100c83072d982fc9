using System.Buffers.Binary;
using System.Net;
using LvsPS.Native.Vrrp;

namespace LvsPS.Fuzz.Targets;

/// <summary>
/// VRRP adverts, v2 and v3, IPv4 and IPv6: the IPv4 header split, the message decoder, the receive
/// checks of three instances and, for what they accept, the state machine. All of it is documented
/// never to throw (answers are <see cref="VrrpDropReason"/>s), so any exception is a finding.
/// The first byte says how to read the rest: bit 0 IPv6, bit 1 a whole IPv4 datagram (else the VRRP
/// message alone), bit 2 repair the VRRP checksum (so mutations reach past it), bit 3 unicast
/// destination, bit 4 hop limit 64 instead of 255.
/// </summary>
internal static class VrrpTarget
{
    private const byte IPv6 = 1, WholeDatagram = 2, RepairChecksum = 4, Unicast = 8, Routed = 16;
    private static readonly IPAddress Source4 = IPAddress.Parse("192.0.2.2"), Source6 = IPAddress.Parse("fe80::2");
    private static readonly IPAddress Local4 = IPAddress.Parse("192.0.2.1"), Local6 = IPAddress.Parse("fe80::1");
    private const string Password = "secret";

    private static readonly VrrpInstanceOptions[] Instances =
    [
        Options(2, "10.0.0.3/24", Password),
        Options(3, "10.0.0.3/24", null, unicastPeer: Source4),
        Options(3, "2001:db8::3/64", null),
    ];

    private static VrrpInstanceOptions Options(int version, string address, string? password, IPAddress? unicastPeer = null) => new()
    {
        Name = $"fuzz-v{version}", Interface = "eth0", VirtualRouterId = 51, Version = version,
        VirtualAddresses = [VrrpVirtualAddress.Parse(address)], AuthenticationPassword = password,
        UnicastPeers = unicastPeer is null ? [] : [unicastPeer],
    };

    public static void Run(ReadOnlySpan<byte> input)
    {
        if (input.Length == 0)
            return;
        byte mode = input[0];
        byte[] bytes = input[1..].ToArray();
        bool v6 = (mode & IPv6) != 0;
        IPAddress source = v6 ? Source6 : Source4;
        IPAddress destination = (mode & Unicast) != 0 ? (v6 ? Local6 : Local4) : VrrpInstanceOptions.MulticastGroup(source.AddressFamily);
        int hopLimit = (mode & Routed) != 0 ? 64 : 255;
        VrrpIpPacket packet;
        if (!v6 && (mode & WholeDatagram) != 0)
        {
            if ((mode & RepairChecksum) != 0 && bytes.Length >= 20)
                RepairIPv4Payload(bytes);
            if (VrrpIpPacket.TryParseIPv4(bytes, out packet) != VrrpDropReason.None)
                return;
        }
        else
        {
            if ((mode & RepairChecksum) != 0)
                Repair(bytes, source, destination);
            packet = new VrrpIpPacket(source, destination, hopLimit, bytes);
        }
        VrrpCodec.TryDecode(packet.Payload, packet.Source, packet.Destination, out _);
        foreach (VrrpInstanceOptions options in Instances)
        {
            var filter = new VrrpReceiveFilter(options) { LocalAddress = LocalOf(options) };
            if (filter.Check(packet, out VrrpAdvertisement? advert) == VrrpDropReason.None)
                Drive(options, advert!, packet.Source);
        }
    }

    /// <summary>An accepted advert goes to a backup and to a master of the instance, as the receive loop does.</summary>
    private static void Drive(VrrpInstanceOptions options, VrrpAdvertisement advert, IPAddress source)
    {
        foreach (VrrpState initial in new[] { VrrpState.Backup, VrrpState.Master })
        {
            var machine = new VrrpStateMachine(options.Version, 100, options.AdvertisementInterval, LocalOf(options), initialState: initial);
            TimeSpan now = TimeSpan.FromSeconds(10);
            machine.Start(now);
            machine.Receive(now, advert, source);
            if (machine.NextDeadline is { } deadline)
                machine.Tick(deadline);
        }
    }

    private static IPAddress LocalOf(VrrpInstanceOptions options)
        => options.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? Local6 : Local4;

    private static void RepairIPv4Payload(byte[] datagram)
    {
        int headerLength = (datagram[0] & 0x0f) * 4;
        if (headerLength < 20 || headerLength > datagram.Length)
            return;
        int end = Math.Clamp(BinaryPrimitives.ReadUInt16BigEndian(datagram.AsSpan(2)), headerLength, datagram.Length);
        Repair(datagram.AsSpan(headerLength, end - headerLength), new IPAddress(datagram.AsSpan(12, 4)), new IPAddress(datagram.AsSpan(16, 4)));
    }

    private static void Repair(Span<byte> message, IPAddress source, IPAddress destination)
    {
        if (message.Length < VrrpAdvertisement.HeaderLength)
            return;
        message[6] = 0;
        message[7] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(message[6..], VrrpChecksum.Compute(message[0] >> 4, message, source, destination));
    }

    /// <summary>Adverts built with the encoder, as messages and (IPv4) as whole datagrams; among them the 255-address maximum.</summary>
    public static IEnumerable<Seed> Seeds(SeedContext context)
    {
        IPAddress vip = IPAddress.Parse("10.0.0.3"), vip6 = IPAddress.Parse("2001:db8::3");
        byte[] auth = VrrpInstanceOptions.PasswordBytes(Password);
        var adverts = new (string Name, VrrpAdvertisement Advert)[]
        {
            ("v2-ipv4-pass", new VrrpAdvertisement(2, 51, 100, 100, [vip], VrrpAuthenticationType.Password, auth)),
            ("v3-ipv4", new VrrpAdvertisement(3, 51, 150, 100, [vip])),
            ("v3-ipv4-255", new VrrpAdvertisement(3, 51, 150, 100, Enumerable.Range(0, 255).Select(i => new IPAddress(new byte[] { 10, 0, 1, (byte)i })).ToArray())),
            ("v3-ipv6", new VrrpAdvertisement(3, 51, 100, 100, [vip6])),
        };
        foreach ((string name, VrrpAdvertisement advert) in adverts)
        {
            bool v6 = advert.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
            IPAddress source = v6 ? Source6 : Source4;
            IPAddress destination = VrrpInstanceOptions.MulticastGroup(source.AddressFamily);
            byte[] message = VrrpCodec.Encode(advert, source, destination);
            yield return new Seed(name, [(byte)(v6 ? IPv6 : 0), .. message]);
            if (!v6)
                yield return new Seed(name + "-datagram", [WholeDatagram, .. IPv4Header(message.Length, source, destination), .. message]);
        }
    }

    private static byte[] IPv4Header(int payloadLength, IPAddress source, IPAddress destination)
    {
        var h = new byte[20];
        h[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(h.AsSpan(2), (ushort)(20 + payloadLength));
        h[8] = 255;
        h[9] = VrrpChecksum.IpProtocol;
        source.TryWriteBytes(h.AsSpan(12), out _);
        destination.TryWriteBytes(h.AsSpan(16), out _);
        return h;
    }
}
