using LvsPS.Native.Vrrp;

namespace LvsPS.Tests.Vrrp;

public sealed class VrrpOptionsValidationTests
{
    private static VrrpInstanceOptions Options(int vrid = 51, int priority = 100, int version = 2, double interval = 1, string vip = "10.0.0.3/24", string? password = null)
        => new()
        {
            Name = "VI_1", Interface = "eth0", VirtualRouterId = vrid, Priority = priority, Version = version,
            AdvertisementInterval = TimeSpan.FromSeconds(interval), VirtualAddresses = new[] { VrrpVirtualAddress.Parse(vip) },
            AuthenticationPassword = password,
        };

    private static VrrpRule Id(VrrpInstanceOptions o) => Assert.Throws<VrrpValidationException>(o.Validate).Rule;

    [Fact]
    public void Valid_options_pass() => Options().Validate();

    [Theory]
    [InlineData(0)]
    [InlineData(256)]
    public void VRID_out_of_range(int vrid) => Assert.Equal(VrrpRule.InvalidVirtualRouterId, Id(Options(vrid: vrid)));

    [Fact]
    public void Priority_zero_is_reserved() => Assert.Equal(VrrpRule.InvalidPriority, Id(Options(priority: 0)));

    [Fact]
    public void V2_with_IPv6_is_refused() => Assert.Equal(VrrpRule.VersionAddressFamilyConflict, Id(Options(vip: "2001:db8::3/64")));

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.5)]
    [InlineData(256)]
    public void V2_interval_must_be_whole_seconds(double seconds) => Assert.Equal(VrrpRule.InvalidAdvertisementInterval, Id(Options(interval: seconds)));

    [Theory]
    [InlineData(0.005)]
    [InlineData(41)]
    public void V3_interval_is_in_centiseconds_up_to_4095(double seconds) => Assert.Equal(VrrpRule.InvalidAdvertisementInterval, Id(Options(version: 3, interval: seconds)));

    [Fact]
    public void V3_accepts_10_ms() => Options(version: 3, interval: 0.01).Validate();

    [Fact]
    public void Password_longer_than_8_bytes_is_refused() => Assert.Equal(VrrpRule.PasswordTooLong, Id(Options(password: "123456789")));

    [Fact]
    public void Password_with_v3_is_refused() => Assert.Equal(VrrpRule.AuthenticationNotSupported, Id(Options(version: 3, password: "x")));

    [Theory]
    [InlineData("10.0.0.3/33")]
    [InlineData("not-an-address")]
    [InlineData("10.3/24")]
    public void Bad_virtual_address(string text)
        => Assert.Equal(LvsPS.Native.Text.NetTextKind.Prefix, Assert.Throws<LvsPS.Native.Text.NetTextException>(() => VrrpVirtualAddress.Parse(text)).Expected);

    [Fact]
    public void Address_without_prefix_is_a_host_address() => Assert.Equal(32, VrrpVirtualAddress.Parse("10.0.0.3").PrefixLength);
}
