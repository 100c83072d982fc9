using System.Net;
using LvsPS.Native.Ipvs;
using LvsPS.Tests.Support;

namespace LvsPS.Tests.Daemons;

/// <summary>Bad daemon settings are refused before anything is sent.</summary>
public sealed class SyncDaemonValidationTests
{
    private static readonly SyncDaemon Valid = new() { State = SyncDaemonState.Master, Interface = "eth0" };

    public static TheoryData<IpvsRule, SyncDaemon> Invalid => new()
    {
        { IpvsRule.InvalidSyncInterface, Valid with { Interface = "" } },
        { IpvsRule.InvalidSyncInterface, Valid with { Interface = "a-very-long-name" } }, // 16 characters
        { IpvsRule.InvalidSyncInterface, Valid with { Interface = "eth 0" } },
        { IpvsRule.InvalidSyncInterface, Valid with { Interface = "eth0/1" } },
        { IpvsRule.SyncIdOutOfRange, Valid with { SyncId = 256 } },
        { IpvsRule.TtlOutOfRange, Valid with { Ttl = 0 } },
        { IpvsRule.SyncPortOutOfRange, Valid with { Port = 0 } },
        { IpvsRule.SyncMaxLengthOutOfRange, Valid with { MaxLength = 0 } },
        { IpvsRule.InvalidMulticastGroup, Valid with { MulticastGroup = IPAddress.Parse("10.0.0.1") } },
        { IpvsRule.InvalidMulticastGroup, Valid with { MulticastGroup = IPAddress.Parse("2001:db8::1") } },
        { IpvsRule.UnknownSyncDaemonState, Valid with { State = (SyncDaemonState)3 } },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Refused_with_its_rule_id_and_nothing_sent(IpvsRule errorId, SyncDaemon daemon)
    {
        var kernel = new FakeKernel();
        using IpvsClient client = kernel.Open();
        var e = Assert.Throws<IpvsValidationException>(() => client.StartSyncDaemon(daemon));
        Assert.Equal(errorId, e.Rule);
        Assert.Empty(kernel.IpvsRequests);
    }

    [Fact]
    public void The_limits_themselves_are_accepted()
    {
        SyncDaemonValidation.Validate(Valid with { Interface = "fifteen-chars15", SyncId = 255, Ttl = 255, Port = 65535, MaxLength = 1 });
        SyncDaemonValidation.Validate(Valid with { MulticastGroup = IPAddress.Parse("239.255.255.255") });
        SyncDaemonValidation.Validate(Valid with { MulticastGroup = IPAddress.Parse("::ffff:224.0.0.81") });
        SyncDaemonValidation.Validate(Valid with { MulticastGroup = IPAddress.Parse("ff05::101") });
    }

    [Fact]
    public void Stopping_an_unknown_role_is_refused()
    {
        var kernel = new FakeKernel();
        using IpvsClient client = kernel.Open();
        Assert.Equal(IpvsRule.UnknownSyncDaemonState,
            Assert.Throws<IpvsValidationException>(() => client.StopSyncDaemon(0)).Rule);
        Assert.Empty(kernel.IpvsRequests);
    }

    [Theory]
    [InlineData("master", SyncDaemonState.Master)]
    [InlineData(" Backup ", SyncDaemonState.Backup)]
    public void Roles_parse_by_name(string text, SyncDaemonState expected)
    {
        Assert.True(SyncDaemon.TryParseState(text, out SyncDaemonState state));
        Assert.Equal(expected, state);
        Assert.False(SyncDaemon.TryParseState("primary", out _));
    }

    [Fact]
    public void A_desired_daemon_is_satisfied_by_a_running_one_with_kernel_defaults_filled_in()
    {
        var desired = new SyncDaemon { State = SyncDaemonState.Master, Interface = "lo", SyncId = 5 };
        var running = desired with { MaxLength = 1472, MulticastGroup = SyncDaemon.DefaultMulticastGroup, Port = 8848, Ttl = 1 };
        Assert.True(desired.IsSatisfiedBy(running));
        Assert.False((desired with { Ttl = 2 }).IsSatisfiedBy(running));
        Assert.False((desired with { SyncId = 6 }).IsSatisfiedBy(running));
        Assert.False((desired with { State = SyncDaemonState.Backup }).IsSatisfiedBy(running));
    }
}
