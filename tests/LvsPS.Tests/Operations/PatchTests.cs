using System.Net;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Operations;

namespace LvsPS.Tests.Operations;

/// <summary>"Change only what was given": a patch keeps every setting it does not name.</summary>
public sealed class PatchTests
{
    private static readonly VirtualService Sh = new()
    {
        Key = VirtualServiceKey.Parse("tcp/10.0.0.3:80"), Scheduler = "sh", SchedulerFlags = SchedulerFlags.Flag1 | SchedulerFlags.Flag3,
        Persistent = true, PersistenceTimeout = 20, PersistencePrefixLength = 24, PersistenceEngine = "sip",
    };

    [Fact]
    public void An_empty_patch_changes_nothing()
    {
        Assert.Equal(Sh, new ServicePatch().ApplyTo(Sh));
        RealServer gue = new() { VirtualService = Sh.Key, Address = IPAddress.Parse("10.0.0.7"), Port = 80, Forwarding = ForwardingMethod.Tunnel, TunnelType = TunnelType.Gue, TunnelPort = 6080, UpperThreshold = 9 };
        Assert.Equal(gue, new RealServerPatch().ApplyTo(gue));
    }

    [Fact]
    public void Moving_off_sh_drops_its_flags_with_a_warning_and_keeps_the_rest()
    {
        var warnings = new List<string>();
        VirtualService rr = new ServicePatch { Scheduler = " RR " }.ApplyTo(Sh, warnings.Add);
        Assert.Equal(Sh with { Scheduler = "rr", SchedulerFlags = SchedulerFlags.Flag3 }, rr);
        Assert.Equal("tcp/10.0.0.3:80: the scheduler flags sh-fallback,flag-3 do not apply to 'rr' and are dropped.", Assert.Single(warnings));
    }

    [Fact]
    public void Persistence_on_keeps_a_timeout_off_clears_it_and_a_timeout_with_off_is_a_contradiction()
    {
        VirtualService plain = new() { Key = Sh.Key };
        Assert.Equal(360u, new ServicePatch { Persistent = true }.ApplyTo(plain).PersistenceTimeout);
        Assert.Equal(20u, new ServicePatch { Persistent = true }.ApplyTo(Sh).PersistenceTimeout);
        VirtualService off = new ServicePatch { Persistent = false }.ApplyTo(Sh);
        Assert.Equal((false, 0u), (off.Persistent, off.PersistenceTimeout));
        var e = Assert.Throws<IpvsValidationException>(() => new ServicePatch { Persistent = false, PersistenceTimeout = 5 }.Check(IpFamily.IPv4));
        Assert.Equal(IpvsRule.PersistenceConflict, e.Rule);
        VirtualService perHost = new ServicePatch { PersistenceNetmask = "32", PersistenceEngine = "" }.ApplyTo(Sh);
        Assert.Equal(((int?)null, (string?)null), (perHost.PersistencePrefixLength, perHost.PersistenceEngine));
    }

    [Fact]
    public void Names_are_checked_before_anything_is_read()
    {
        Assert.Equal(IpvsRule.UnknownSchedulerFlag, Assert.Throws<IpvsValidationException>(() => new ServicePatch { SchedulerFlags = ["sh-sticky"] }.Check(IpFamily.IPv4)).Rule);
        Assert.Equal(IpvsRule.UnknownScheduler, Assert.Throws<IpvsValidationException>(() => new ServicePatch { Scheduler = "fastest" }.Check(IpFamily.IPv4)).Rule);
        Assert.Equal(IpvsRule.InvalidPersistenceNetmask, Assert.Throws<IpvsValidationException>(() => new ServicePatch { PersistenceNetmask = "255.0.255.0" }.Check(IpFamily.IPv4)).Rule);
        Assert.Equal(IpvsRule.SchedulerFlagMismatch, Assert.Throws<IpvsValidationException>(() => new ServicePatch { SchedulerFlags = ["mh-port"] }.ApplyTo(Sh)).Rule);
    }

    [Fact]
    public void Leaving_tunnel_forwarding_clears_the_tunnel_settings()
    {
        RealServer gue = new() { VirtualService = Sh.Key, Address = IPAddress.Parse("10.0.0.7"), Port = 80, Forwarding = ForwardingMethod.Tunnel, TunnelType = TunnelType.Gue, TunnelPort = 6080, TunnelChecksum = TunnelChecksum.Checksum, Weight = 3 };
        RealServer nat = new RealServerPatch { Forwarding = ForwardingMethod.Masquerade }.ApplyTo(gue);
        Assert.Equal(gue with { Forwarding = ForwardingMethod.Masquerade, TunnelType = TunnelType.Ipip, TunnelPort = 0, TunnelChecksum = TunnelChecksum.NoChecksum }, nat);
        Assert.Equal(gue with { Weight = 0 }, new RealServerPatch { Weight = 0 }.ApplyTo(gue));
    }
}
