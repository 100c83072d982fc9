using System.Net;
using LvsPS.Native.Ipvs;
using LvsPS.Tests.Support;

namespace LvsPS.Tests.Ipvs;

/// <summary>Bad input is refused before anything reaches the socket.</summary>
public sealed class ValidationTests
{
    private static readonly VirtualServiceKey Tcp = VirtualServiceKey.Parse("tcp/10.0.0.3:80");
    private static readonly VirtualServiceKey Tcp6 = VirtualServiceKey.Parse("tcp/[2001:db8::3]:80");
    private static readonly VirtualService Good = new() { Key = Tcp, Scheduler = "wrr" };
    private static RealServer Dest(string address = "10.0.0.7", ushort port = 80) => new() { VirtualService = Tcp, Address = IPAddress.Parse(address), Port = port };

    public static TheoryData<IpvsRule, IpvsChange> Invalid => new()
    {
        { IpvsRule.UnknownScheduler, IpvsChange.Add(Good with { Scheduler = "fastest" }) },
        { IpvsRule.SchedulerFlagMismatch, IpvsChange.Add(Good with { SchedulerFlags = SchedulerFlags.Flag2 }) }, // sh-port on wrr
        { IpvsRule.InvalidPersistenceNetmask, IpvsChange.Add(new VirtualService { Key = Tcp6, Persistent = true, PersistencePrefixLength = 0 }) },
        { IpvsRule.InvalidPersistenceNetmask, IpvsChange.Update(new VirtualService { Key = Tcp6, Persistent = true, PersistencePrefixLength = 129 }) },
        { IpvsRule.InvalidPersistenceNetmask, IpvsChange.Add(Good with { Persistent = true, PersistencePrefixLength = 33 }) },
        { IpvsRule.PortZeroNeedsPersistence, IpvsChange.Add(Good with { Key = VirtualServiceKey.Parse("tcp/10.0.0.3:0") }) },
        { IpvsRule.PersistenceEngineNeedsPersistence, IpvsChange.Add(Good with { PersistenceEngine = "sip" }) },
        { IpvsRule.WeightOutOfRange, IpvsChange.Add(Dest() with { Weight = 70000 }) },
        { IpvsRule.ThresholdOrder, IpvsChange.Update(Dest() with { UpperThreshold = 10, LowerThreshold = 11 }) },
        { IpvsRule.ThresholdOrder, IpvsChange.Add(Dest() with { LowerThreshold = 5 }) }, // no upper threshold
        { IpvsRule.GueNeedsPort, IpvsChange.Add(Dest() with { Forwarding = ForwardingMethod.Tunnel, TunnelType = TunnelType.Gue }) },
        { IpvsRule.TunnelSettingsWithoutTunnel, IpvsChange.Add(Dest() with { Forwarding = ForwardingMethod.Route, TunnelPort = 6080 }) },
        { IpvsRule.PortRemapNotPossible, IpvsChange.Add(Dest(port: 8080) with { Forwarding = ForwardingMethod.Route }) },
        { IpvsRule.PortRemapNotPossible, IpvsChange.Add(Dest(port: 8080) with { Forwarding = ForwardingMethod.Tunnel }) },
        { IpvsRule.FamilyMismatch, IpvsChange.Add(Dest("2001:db8::7")) },
        { IpvsRule.FamilyMismatch, IpvsChange.Update(Dest("2001:db8::7") with { Forwarding = ForwardingMethod.Route }) },
        { IpvsRule.LocalForwarding, IpvsChange.Add(Dest() with { Forwarding = ForwardingMethod.Local }) },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_changes_throw_and_send_nothing(IpvsRule errorId, IpvsChange change)
    {
        var kernel = new FakeKernel();
        using IpvsClient client = kernel.Open();

        var single = Assert.Throws<IpvsValidationException>(() => client.Apply(new[] { change }));
        Assert.Equal(errorId, single.Rule);
        Assert.False(string.IsNullOrWhiteSpace(single.Message));

        // Also as the last of a batch of otherwise good changes: validation comes before any send.
        var batch = new[] { IpvsChange.Add(Good), IpvsChange.Add(Dest()), change };
        Assert.Equal(errorId, Assert.Throws<IpvsValidationException>(() => client.Apply(batch)).Rule);

        Assert.Empty(kernel.SentAfterOpen);
    }

    [Fact]
    public void The_single_change_methods_validate_too()
    {
        var kernel = new FakeKernel();
        using IpvsClient client = kernel.Open();
        Assert.Equal(IpvsRule.WeightOutOfRange, Assert.Throws<IpvsValidationException>(() => client.AddRealServer(Dest() with { Weight = 70000 })).Rule);
        Assert.Equal(IpvsRule.UnknownScheduler, Assert.Throws<IpvsValidationException>(() => client.UpdateVirtualService(Good with { Scheduler = "" })).Rule);
        Assert.Empty(kernel.SentAfterOpen);
    }

    public static TheoryData<IpvsChange> Valid => new()
    {
        IpvsChange.Add(new VirtualService { Key = Tcp6, Scheduler = "sh", SchedulerFlags = SchedulerFlags.Flag1 | SchedulerFlags.Flag2, Persistent = true, PersistencePrefixLength = 128 }),
        IpvsChange.Add(Good with { Persistent = true, PersistencePrefixLength = 0 }), // IPv4 /0: one template for every client
        IpvsChange.Add(Good with { Key = VirtualServiceKey.Parse("tcp/10.0.0.3:0"), Persistent = true, PersistenceEngine = "sip" }),
        IpvsChange.Add(Dest("2001:db8::7") with { Forwarding = ForwardingMethod.Tunnel }),  // mixed family over a tunnel
        IpvsChange.Add(Dest() with { Forwarding = ForwardingMethod.Tunnel, TunnelType = TunnelType.Gue, TunnelPort = 6080 }),
        IpvsChange.Add(Dest(port: 8080)),                                                     // NAT may remap
        IpvsChange.Add(Dest(port: 8080) with { VirtualService = VirtualServiceKey.ForFirewallMark(3), Forwarding = ForwardingMethod.Route }),
        IpvsChange.Add(Dest() with { Weight = 65535, UpperThreshold = 5, LowerThreshold = 5 }),
        IpvsChange.Remove(Dest() with { Weight = 70000 }),                                    // a delete needs only the identity
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Valid_edge_cases_are_sent(IpvsChange change)
    {
        var kernel = new FakeKernel();
        using IpvsClient client = kernel.Open();
        Assert.True(client.Apply(new[] { change })[0].Succeeded);
        Assert.Single(kernel.IpvsRequests);
    }
}
