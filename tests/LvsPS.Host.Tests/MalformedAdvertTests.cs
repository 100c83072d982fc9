using System.Net;
using LvsPS.Host.Tests.Infrastructure;
using LvsPS.Native.Vrrp;
using Xunit.Abstractions;

namespace LvsPS.Host.Tests;

/// <summary>
/// A test sender on the segment floods the LvsPS master with higher-priority adverts that are
/// broken in one way each: every one is dropped and counted by its reason, and the master
/// stays master (keepalived drops the same packets; see ../shared/reference/vrrp.md). A final
/// well-formed advert proves the sender reaches the instance.
/// </summary>
[Collection("vrrp")]
public sealed class MalformedAdvertTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void Malformed_adverts_are_dropped_counted_and_never_acted_on()
    {
        HostFacts.RequireRoot();
        Skip.IfNot(Sh.Has("python3"), "python3 is needed for the raw test sender");
        using var s = new Segment(2);
        using VrrpInstance lvs = VrrpInstance.Start(HostFacts.Options(s, 1, 100, password: "secret", initialState: VrrpState.Master));
        Assert.True(lvs.WaitForState(VrrpState.Master, TimeSpan.FromSeconds(5)));
        var src = IPAddress.Parse(s.Address(2));
        var group = VrrpInstanceOptions.MulticastGroupV4;
        IPAddress[] vips = { IPAddress.Parse(s.Vip) };
        byte[] Advert(int version = 2, byte vrid = 51, int intervalCs = 100, string password = "secret", IPAddress[]? addresses = null, VrrpAuthenticationType auth = VrrpAuthenticationType.Password)
            => VrrpCodec.Encode(new VrrpAdvertisement(version, vrid, 200, intervalCs, addresses ?? vips, auth, VrrpInstanceOptions.PasswordBytes(password)), src, group);
        byte[] badChecksum = Advert();
        badChecksum[7] ^= 0x5a;
        byte[] badCount = Advert();
        badCount[3] = 3; // the length says 1 address
        var v3 = VrrpCodec.Encode(new VrrpAdvertisement(3, 51, 200, 100, vips), src, group);
        byte[] wrongType = Advert();
        wrongType[0] = 0x22;
        wrongType[6] = wrongType[7] = 0;
        ushort sum = VrrpChecksum.Compute(2, wrongType, src, group);
        wrongType[6] = (byte)(sum >> 8);
        wrongType[7] = (byte)sum;
        var cases = new (VrrpDropReason Reason, int Ttl, byte[] Payload)[]
        {
            (VrrpDropReason.BadTtl, 64, Advert()),
            (VrrpDropReason.BadChecksum, 255, badChecksum),
            (VrrpDropReason.BadPassword, 255, Advert(password: "wrong")),
            (VrrpDropReason.BadAuthenticationType, 255, Advert(auth: VrrpAuthenticationType.None, password: "")),
            (VrrpDropReason.IntervalMismatch, 255, Advert(intervalCs: 200)),
            (VrrpDropReason.BadVersion, 255, v3),
            (VrrpDropReason.BadType, 255, wrongType),
            (VrrpDropReason.AddressCountMismatch, 255, badCount),
            (VrrpDropReason.AddressListMismatch, 255, Advert(addresses: new[] { IPAddress.Parse("192.0.2.1") })),
            (VrrpDropReason.Truncated, 255, new byte[] { 0x21, 51, 200 }),
        };
        const int repeat = 3;
        RawSender.Send(s.Node(2), src, group, cases.SelectMany(c => Enumerable.Repeat((c.Ttl, c.Payload), repeat)));
        // Garbage: random bytes must not kill the protocol thread.
        var random = new Random(5);
        RawSender.Send(s.Node(2), src, group, Enumerable.Range(0, 50).Select(_ =>
        {
            var b = new byte[random.Next(0, 80)];
            random.NextBytes(b);
            return (255, b);
        }));
        try
        {
            Assert.True(Sh.Eventually(() => cases.All(c => lvs.Counters.DroppedFor(c.Reason) >= repeat), TimeSpan.FromSeconds(5)),
                "not every malformed advert was counted");
            Assert.Equal(0, lvs.Counters.AdvertisementsReceived);
            Assert.Equal(VrrpState.Master, lvs.State);
            Assert.True(lvs.IsRunning);
            Assert.True(s.HasAddress(1, s.Vip));

            // The control: a well-formed priority-200 advert does move the master away.
            RawSender.Send(s.Node(2), src, group, new[] { (255, Advert()) });
            Assert.True(lvs.WaitForState(VrrpState.Backup, TimeSpan.FromSeconds(5)), "the valid advert was not accepted");
            Assert.Equal(src, lvs.MasterAddress);
            Assert.False(s.HasAddress(1, s.Vip));
        }
        finally
        {
            output.WriteLine($"{lvs.State} {lvs.Counters} [{string.Join(", ", lvs.Counters.Dropped.Select(d => $"{d.Key}={d.Value}"))}] {lvs.LastError}");
        }
    }
}
