using LvsPS.Native.GenericNetlink;
using LvsPS.Native.Interop;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Netlink;

namespace LvsPS.Tests.Host;

/// <summary>
/// The only tests that touch this machine's kernel: a real NETLINK_GENERIC socket, asking
/// only the controller (no privileges needed, nothing changed).
/// </summary>
public sealed class HostNetlinkTests
{
    [Fact]
    public void The_real_transport_resolves_the_controller_family()
    {
        using var connection = new NetlinkConnection(NetlinkSocket.Open(netlink_h.NETLINK_GENERIC, null));
        // "nlctrl" is the controller itself, always registered with the fixed id GENL_ID_CTRL.
        Assert.Equal(genetlink_h.GENL_ID_CTRL, new GenericNetlinkFamilies(connection).Resolve("nlctrl"));
    }

    [Fact]
    public void A_family_that_does_not_exist_is_reported_as_such()
    {
        using var connection = new NetlinkConnection(NetlinkSocket.Open(netlink_h.NETLINK_GENERIC, null));
        var e = Assert.Throws<GenericNetlinkFamilyNotFoundException>(() => new GenericNetlinkFamilies(connection).Resolve("LvsPS-no-such"));
        Assert.Equal("LvsPS-no-such", e.Family);
    }

    [SkippableFact]
    public void Without_IPVS_in_this_kernel_Open_says_IPVS_is_not_available()
    {
        Skip.If(File.Exists("/proc/net/ip_vs"), "this kernel has IPVS loaded; the lab's tests cover that case");
        using var connection = new NetlinkConnection(NetlinkSocket.Open(netlink_h.NETLINK_GENERIC, null));
        // Asking may make the kernel load ip_vs by itself (genl autoloads modules); then the family exists.
        ushort? id = null;
        try
        {
            id = new GenericNetlinkFamilies(connection).Resolve(ip_vs_h.IPVS_GENL_NAME);
        }
        catch (GenericNetlinkFamilyNotFoundException e)
        {
            Assert.Equal("IPVS", e.Family);
        }
        Skip.If(id is not null, "the kernel loaded ip_vs on demand during this test");
        var open = Assert.Throws<IpvsNotAvailableException>(() => IpvsClient.Open());
        Assert.IsType<GenericNetlinkFamilyNotFoundException>(open.InnerException);
    }
}
