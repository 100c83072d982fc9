using System.Management.Automation;
using LvsPS.Native.Text;
using LvsPS.Testing;
using Xunit;

namespace LvsPS.Cmdlet.Tests;

/// <summary>
/// Every address argument of every cmdlet is read by the core's one strict parser while it is
/// bound: the inet_aton forms (10.1, 0x0a.1, 012.0.0.1, 167772161) are refused with the same
/// message everywhere, -WhatIf included, before anything is read or changed. On this host any
/// kernel access would show as IpvsNotAvailable, so one binding error and nothing else proves it.
/// </summary>
public sealed class AddressParsingTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    private readonly PowerShellSession _ps = fixture.Session;

    private const string Vrrp = "Start-LvsVrrpInstance VI_T -Interface eth0 -VirtualRouterId 7";

    /// <summary>{0} is the legacy text; one command per address parameter.</summary>
    public static readonly TheoryData<string> Commands = new()
    {
        "Add-LvsVip -Address {0} -WhatIf",
        "Get-LvsVip -Address {0}",
        "Remove-LvsVip {0} -WhatIf",
        "Initialize-LvsRealServerHost -VirtualAddress 10.0.0.3, {0} -WhatIf",
        "Reset-LvsRealServerHost {0} -WhatIf",
        "Start-LvsSyncDaemon Master eth0 -MulticastGroup {0} -WhatIf",
        Vrrp + " -VirtualAddress {0}/24 -WhatIf",
        Vrrp + " -VirtualAddress 10.0.0.3/24 -UnicastSource {0} -WhatIf",
        Vrrp + " -VirtualAddress 10.0.0.3/24 -UnicastPeer 10.0.0.2, {0} -WhatIf",
        Vrrp + " -VirtualAddress 10.0.0.3/24 -LvsSyncDaemonInterface eth1 -LvsSyncMulticastGroup {0} -WhatIf",
        "New-LvsVirtualService -Address {0} -Port 80 -WhatIf",
        "Set-LvsVirtualService -Protocol udp -Address {0} -Port 53 -Scheduler rr -WhatIf",
        "Remove-LvsVirtualService -Address {0} -Port 80 -WhatIf",
        "Get-LvsVirtualService -Address {0} -Port 80",
        "Add-LvsRealServer tcp/10.0.0.3:80 {0} -WhatIf",
        "Add-LvsRealServer tcp/10.0.0.3:80 {0}:80 -WhatIf",
        "Set-LvsRealServer tcp/10.0.0.3:80 {0} -Weight 2 -WhatIf",
        "Remove-LvsRealServer tcp/10.0.0.3:80 {0} -WhatIf",
        "Suspend-LvsRealServer tcp/10.0.0.3:80 {0} -WhatIf",
        "Resume-LvsRealServer tcp/10.0.0.3:80 {0} -Weight 1 -WhatIf",
        "Get-LvsRealServer -Address {0}",
        "Get-LvsConnection -RealServerAddress {0}",
        "Get-LvsConnection -ClientAddress {0}/16",
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void Legacy_IPv4_forms_are_refused_with_the_one_message(string command)
    {
        foreach ((string text, string readAs) in new[] { ("10.1", "10.0.0.1"), ("0x0a.1", "10.0.0.1"), ("012.0.0.1", "10.0.0.1"), ("167772161", "10.0.0.1") })
        {
            PowerShellSession.Result r = _ps.Invoke(string.Format(System.Globalization.CultureInfo.InvariantCulture, command, text));
            NetTextException e = Expect.RefusedAtBinding(r, $"'{text}' is not an IPv4 address in dotted-quad form (inet_aton would read it as {readAs})");
            Assert.Equal(NetTextProblem.LegacyIPv4Form, e.Problem);
            Assert.DoesNotContain("What if:", r.HostText);
        }
    }

    [Theory]
    [InlineData("Add-LvsVip -Address 10.0.0.3 -WhatIf", "10.0.0.3/32 dev lo")]
    [InlineData("Add-LvsVip -Address ' 2001:DB8::3 ' -WhatIf", "2001:db8::3/128 dev lo")]
    [InlineData("Add-LvsVip -Address '[2001:db8::3]' -WhatIf", "2001:db8::3/128 dev lo")]
    [InlineData("Add-LvsVip -Address ::ffff:10.0.0.3 -WhatIf", "10.0.0.3/32 dev lo")]
    public void Good_addresses_bind_in_their_canonical_form(string command, string target)
        => Assert.Contains($"on target \"{target}\"", _ps.Invoke(command).HostText);

    [Theory]
    [InlineData("New-LvsVirtualService -Address 10.0.0.3:80 -Port 80 -WhatIf", "has a port; an address alone is expected here")]
    [InlineData("Add-LvsVip -Address 10.0.0.3/32 -WhatIf", "has a prefix length")]
    [InlineData("Add-LvsVip -Address fe80::1%eth0 -WhatIf", "zone index")]
    [InlineData("Add-LvsRealServer tcp/10.0.0.3:80 '[10.0.0.7]:80' -WhatIf", "brackets enclose IPv6 addresses only")]
    [InlineData("Start-LvsSyncDaemon Master eth0 -MulticastGroup 224.0.0.300 -WhatIf", "'224.0.0.300' is not an IPv4 or IPv6 address")]
    public void Other_malformed_addresses_say_what_is_wrong(string command, string message)
        => Expect.RefusedAtBinding(_ps.Invoke(command), message);

    [Fact]
    public void Objects_with_IPAddress_properties_still_bind_by_property_name()
    {
        var binding = new Native.HostSettings.VipBinding { Address = System.Net.IPAddress.Parse("10.0.0.3"), PrefixLength = 32, InterfaceIndex = 1, Interface = "lo" };
        Expect.WhatIf(_ps.Invoke("$args[0] | Add-LvsVip -WhatIf", binding), "Bind VIP", "10.0.0.3/32 dev lo");
    }

    [Fact]
    public void A_persistence_netmask_in_a_legacy_form_gets_the_one_message_too()
    {
        ErrorRecord e = Expect.SingleError(_ps.Invoke("New-LvsVirtualService tcp/10.0.0.3:80 -Persistent -PersistenceNetmask 255.255.255 -WhatIf"),
            nameof(Native.Ipvs.IpvsRule.InvalidPersistenceNetmask), ErrorCategory.InvalidArgument);
        Assert.Contains("'255.255.255' is not an IPv4 address in dotted-quad form", e.Exception.Message);
    }

    /// <summary>The parameters that carry addresses, by name: a new one without a transformation would read text its own way.</summary>
    [Fact]
    public void Every_address_parameter_of_every_cmdlet_is_read_by_the_strict_parser()
    {
        string[] addressNames = { "Address", "VirtualAddress", "ClientAddress", "RealServer", "MulticastGroup", "LvsSyncMulticastGroup", "UnicastSource", "UnicastPeer" };
        var missing = new List<string>();
        int checkedCount = 0;
        foreach (CmdletInfo cmdlet in _ps.Run("Get-Command -Module LvsPS -CommandType Cmdlet").Select(o => (CmdletInfo)o.BaseObject))
            foreach (ParameterMetadata p in cmdlet.Parameters.Values.Where(p => addressNames.Contains(p.Name)))
            {
                checkedCount++;
                if (!p.Attributes.Any(a => a.GetType().BaseType?.Name == "NetTextTransformationAttribute"))
                    missing.Add($"{cmdlet.Name} -{p.Name}");
            }
        Assert.True(checkedCount >= 20, $"only {checkedCount} address parameters found: the scan is broken");
        Assert.Empty(missing);
    }
}
