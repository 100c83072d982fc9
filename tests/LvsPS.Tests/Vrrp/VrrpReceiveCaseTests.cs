using System.Net;
using System.Net.Sockets;
using LvsPS.Native.Vrrp;

namespace LvsPS.Tests.Vrrp;

/// <summary>
/// Receive cases of RFC 3768/5798 section 7.1 and keepalived's vrrp_check_packet, through the
/// encoder, the receive filter and the state machine as the receive loop joins them: another
/// VRID, our own advert, a v2 advert to a v3 instance, the 255-address maximum, and a v3 backup
/// adopting its master's advertisement interval (RFC 5798 6.4.2).
/// </summary>
public sealed class VrrpReceiveCaseTests
{
    private static readonly IPAddress Me = IPAddress.Parse("192.0.2.1");
    private static readonly IPAddress Peer = IPAddress.Parse("192.0.2.2");
    private static readonly IPAddress Me6 = IPAddress.Parse("fe80::1");
    private static readonly IPAddress Peer6 = IPAddress.Parse("fe80::2");
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private static VrrpInstanceOptions Options(int version = 3, int vrid = 51, string[]? vips = null, double interval = 1, int priority = 100) => new()
    {
        Name = "VI_1", Interface = "eth0", VirtualRouterId = vrid, Version = version, Priority = priority,
        AdvertisementInterval = TimeSpan.FromSeconds(interval),
        VirtualAddresses = (vips ?? ["10.0.0.3/24"]).Select(VrrpVirtualAddress.Parse).ToArray(),
    };

    private static IPAddress[] Addresses(VrrpInstanceOptions o) => o.VirtualAddresses.Select(v => v.Address).ToArray();

    /// <summary>The packet the receive loop would get: encoded (so its checksum is right) and sent to the multicast group.</summary>
    private static VrrpIpPacket Packet(VrrpAdvertisement advert, IPAddress source)
    {
        IPAddress group = VrrpInstanceOptions.MulticastGroup(source.AddressFamily);
        return new VrrpIpPacket(source, group, 255, VrrpCodec.Encode(advert, source, group));
    }

    private static VrrpDropReason Check(VrrpInstanceOptions options, VrrpAdvertisement advert, IPAddress source, IPAddress? local = null)
        => new VrrpReceiveFilter(options) { LocalAddress = local ?? Me }.Check(Packet(advert, source), out _);

    private static IEnumerable<string> Vips(int count, AddressFamily family = AddressFamily.InterNetwork)
        => Enumerable.Range(0, count).Select(i => family == AddressFamily.InterNetworkV6 ? $"2001:db8::{i + 1:x}/64" : $"10.0.{i / 250}.{i % 250 + 1}/16");

    [Fact]
    public void An_advert_for_another_VRID_is_dropped_before_any_other_check_and_does_not_hold_a_backup()
    {
        VrrpInstanceOptions options = Options(version: 2);
        // Another router's advert on the same link: its version, interval and addresses differ too,
        // but keepalived ignores it silently for its VRID, and so does the filter (no other reason is counted).
        var other = new VrrpAdvertisement(3, 52, 200, 50, [IPAddress.Parse("10.9.9.9")]);
        Assert.Equal(VrrpDropReason.OtherVirtualRouterId, Check(options, other, Peer));

        // A backup that hears only a higher master of VRID 52 (otherwise a match for it) takes over
        // when its own Master_Down_Timer runs out.
        var higherOfVrid52 = new VrrpAdvertisement(2, 52, 254, 100, Addresses(options));
        var filter = new VrrpReceiveFilter(options) { LocalAddress = Me };
        var machine = new VrrpStateMachine(2, 100, Second, Me);
        machine.Start(TimeSpan.Zero);
        TimeSpan down = machine.MasterDownInterval;
        for (TimeSpan t = Second; t < down; t += Second)
        {
            Assert.Equal(VrrpDropReason.OtherVirtualRouterId, filter.Check(Packet(higherOfVrid52, Peer), out VrrpAdvertisement? accepted));
            Assert.Null(accepted);
            Assert.Empty(machine.Tick(t));
        }
        Assert.Equal(VrrpState.Backup, machine.State);
        machine.Tick(down);
        Assert.Equal(VrrpState.Master, machine.State);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Our_own_advert_looped_back_is_dropped_even_when_it_would_otherwise_be_accepted(int version)
    {
        VrrpInstanceOptions options = Options(version: version);
        var own = new VrrpAdvertisement(version, 51, 100, 100, Addresses(options));
        Assert.Equal(VrrpDropReason.OwnAdvertisement, Check(options, own, Me, local: Me));
        Assert.Equal(VrrpDropReason.None, Check(options, own, Peer, local: Me)); // the same bytes from the peer pass
    }

    [Fact]
    public void Our_own_IPv6_advert_is_dropped()
    {
        VrrpInstanceOptions options = Options(vips: ["2001:db8::3/64"]);
        var own = new VrrpAdvertisement(3, 51, 100, 100, Addresses(options));
        Assert.Equal(VrrpDropReason.OwnAdvertisement, Check(options, own, Me6, local: Me6));
        Assert.Equal(VrrpDropReason.None, Check(options, own, Peer6, local: Me6));
    }

    [Fact]
    public void A_master_ignores_its_own_looped_advert_instead_of_comparing_itself_with_itself()
    {
        VrrpInstanceOptions options = Options(version: 3);
        var filter = new VrrpReceiveFilter(options) { LocalAddress = Me };
        var machine = new VrrpStateMachine(3, 100, Second, Me, initialState: VrrpState.Master);
        machine.Start(TimeSpan.Zero);
        var own = new VrrpAdvertisement(3, 51, 100, 100, Addresses(options));
        Assert.Equal(VrrpDropReason.OwnAdvertisement, filter.Check(Packet(own, Me), out VrrpAdvertisement? accepted));
        Assert.Null(accepted);
        Assert.Equal(VrrpState.Master, machine.State);
        Assert.Equal(Second, machine.NextDeadline); // no advert was forced out of turn
    }

    [Fact]
    public void A_v2_advert_to_a_v3_instance_is_dropped_as_the_wrong_version_and_the_reverse_too()
    {
        VrrpInstanceOptions v3 = Options(version: 3), v2 = Options(version: 2);
        var advertV2 = new VrrpAdvertisement(2, 51, 200, 100, Addresses(v2));
        var advertV3 = new VrrpAdvertisement(3, 51, 200, 100, Addresses(v3));
        // Well-formed (its v2 checksum is right), the right VRID and addresses: only the version is wrong.
        Assert.Equal(VrrpDropReason.None, VrrpCodec.TryDecode(Packet(advertV2, Peer).Payload, Peer, VrrpInstanceOptions.MulticastGroupV4, out _));
        Assert.Equal(VrrpDropReason.BadVersion, Check(v3, advertV2, Peer));
        Assert.Equal(VrrpDropReason.BadVersion, Check(v2, advertV3, Peer));
        Assert.Equal(VrrpDropReason.None, Check(v2, advertV2, Peer));
        Assert.Equal(VrrpDropReason.None, Check(v3, advertV3, Peer));
    }

    [Theory]
    [InlineData(2, AddressFamily.InterNetwork)]
    [InlineData(3, AddressFamily.InterNetwork)]
    [InlineData(3, AddressFamily.InterNetworkV6)]
    public void An_advert_with_255_addresses_round_trips_and_is_accepted_by_an_instance_with_those_255(int version, AddressFamily family)
    {
        VrrpInstanceOptions options = Options(version: version, vips: Vips(255, family).ToArray());
        options.Validate();
        IPAddress source = family == AddressFamily.InterNetworkV6 ? Peer6 : Peer;
        var advert = new VrrpAdvertisement(version, 51, 150, 100, Addresses(options));
        VrrpIpPacket packet = Packet(advert, source);
        int addressBytes = family == AddressFamily.InterNetworkV6 ? 16 : 4;
        Assert.Equal(8 + 255 * addressBytes + (version == 2 ? 8 : 0), packet.Payload.Length);
        Assert.Equal(255, packet.Payload[3]);

        Assert.Equal(VrrpDropReason.None, new VrrpReceiveFilter(options).Check(packet, out VrrpAdvertisement? decoded));
        Assert.Equal(Addresses(options), decoded!.Addresses);
    }

    [Fact]
    public void An_advert_with_254_of_the_255_addresses_is_an_address_list_mismatch()
    {
        VrrpInstanceOptions options = Options(vips: Vips(255).ToArray());
        var advert = new VrrpAdvertisement(3, 51, 150, 100, Addresses(options)[..254]);
        Assert.Equal(VrrpDropReason.AddressListMismatch, Check(options, advert, Peer));
    }

    [Fact]
    public void The_count_byte_is_checked_against_the_length_at_255()
    {
        VrrpInstanceOptions options = Options(vips: Vips(255).ToArray());
        byte[] message = Packet(new VrrpAdvertisement(3, 51, 150, 100, Addresses(options)), Peer).Payload.ToArray();
        Assert.Equal(VrrpDropReason.AddressCountMismatch, VrrpCodec.TryDecode(message[..^4], Peer, VrrpInstanceOptions.MulticastGroupV4, out _));
    }

    [Fact]
    public void More_than_255_addresses_are_refused_when_the_instance_is_configured()
    {
        VrrpInstanceOptions options = Options(vips: Vips(256).ToArray());
        Assert.Equal(VrrpRule.InvalidVirtualAddress, Assert.Throws<VrrpValidationException>(options.Validate).Rule);
    }

    [Fact]
    public void A_v3_backup_adopts_its_masters_interval_and_times_out_on_it_not_on_its_own()
    {
        // Configured for 1 s, the master advertises every 100 ms (RFC 5798 6.4.2: a Backup sets
        // Master_Adver_Interval from the advert, recomputes Master_Down_Interval and resets the timer).
        var machine = new VrrpStateMachine(3, 100, Second, Me);
        machine.Start(TimeSpan.Zero);
        TimeSpan heard = TimeSpan.FromMilliseconds(500);
        machine.Receive(heard, new VrrpAdvertisement(3, 51, 200, 10, [IPAddress.Parse("10.0.0.3")]), Peer);

        TimeSpan learned = TimeSpan.FromMilliseconds(100);
        TimeSpan skew = TimeSpan.FromTicks((256 - 100) * learned.Ticks / 256);
        Assert.Equal(learned, machine.MasterAdvertisementInterval);
        Assert.Equal(skew, machine.SkewTime);
        Assert.Equal(3 * learned + skew, machine.MasterDownInterval);
        Assert.Equal(heard + 3 * learned + skew, machine.NextDeadline);

        // The master falls silent: the backup takes over after 3 × 100 ms + skew, not 3 s + skew.
        Assert.Empty(machine.Tick(heard + 3 * learned + skew - TimeSpan.FromMilliseconds(1)));
        machine.Tick(heard + 3 * learned + skew);
        Assert.Equal(VrrpState.Master, machine.State);
        // As master it advertises at its own configured interval.
        Assert.Equal(Second, machine.MasterAdvertisementInterval);
        Assert.Equal(heard + 3 * learned + skew + Second, machine.NextDeadline);
    }

    [Fact]
    public void A_v3_backup_follows_each_change_of_its_masters_interval()
    {
        var machine = new VrrpStateMachine(3, 100, Second, Me);
        machine.Start(TimeSpan.Zero);
        IPAddress[] vip = [IPAddress.Parse("10.0.0.3")];
        machine.Receive(TimeSpan.FromSeconds(1), new VrrpAdvertisement(3, 51, 200, 10, vip), Peer);
        machine.Receive(TimeSpan.FromSeconds(2), new VrrpAdvertisement(3, 51, 200, 300, vip), Peer);
        Assert.Equal(TimeSpan.FromSeconds(3), machine.MasterAdvertisementInterval);
        Assert.Equal(TimeSpan.FromSeconds(2) + 3 * TimeSpan.FromSeconds(3) + machine.SkewTime, machine.NextDeadline);
    }

    [Fact]
    public void A_v3_backup_that_preempts_does_not_adopt_the_interval_of_a_lower_priority_master()
    {
        var machine = new VrrpStateMachine(3, 100, Second, Me);
        machine.Start(TimeSpan.Zero);
        TimeSpan downBefore = machine.NextDeadline!.Value;
        machine.Receive(TimeSpan.FromMilliseconds(500), new VrrpAdvertisement(3, 51, 50, 10, [IPAddress.Parse("10.0.0.3")]), Peer);
        Assert.Equal(Second, machine.MasterAdvertisementInterval);
        Assert.Equal(downBefore, machine.NextDeadline); // the lower master is ignored: the timer runs on
    }

    [Fact]
    public void A_v2_backup_keeps_its_own_interval()
    {
        // v2 has no interval to adopt: a different one is dropped by the filter (IntervalMismatch),
        // and the state machine does not take one from a v2 advert either.
        VrrpInstanceOptions options = Options(version: 2);
        Assert.Equal(VrrpDropReason.IntervalMismatch, Check(options, new VrrpAdvertisement(2, 51, 200, 300, Addresses(options)), Peer));
        var machine = new VrrpStateMachine(2, 100, Second, Me);
        machine.Start(TimeSpan.Zero);
        machine.Receive(TimeSpan.FromMilliseconds(500), new VrrpAdvertisement(2, 51, 200, 300, Addresses(options)), Peer);
        Assert.Equal(Second, machine.MasterAdvertisementInterval);
    }
}
