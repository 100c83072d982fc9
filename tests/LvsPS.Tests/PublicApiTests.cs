using LvsPS.Testing;

namespace LvsPS.Tests;

/// <summary>Any change to the public types of the core is a visible, reviewed change (tests/PublicApi/LvsPS.Native.approved.txt).</summary>
public sealed class PublicApiTests
{
    [Fact]
    public void The_public_API_of_LvsPS_Native_is_the_approved_one()
    {
        string? difference = PublicApiSnapshot.Compare(typeof(LvsPS.Native.Text.NetText).Assembly);
        Assert.True(difference is null, difference);
    }

    [Fact]
    public void Transport_and_codec_types_are_internal()
    {
        Type[] exported = typeof(LvsPS.Native.Text.NetText).Assembly.GetExportedTypes();
        string[] transport = { "NetlinkConnection", "NetlinkWriter", "NetlinkSocket", "INetlinkSocket", "NetlinkAttributeReader", "NetlinkMessageReader",
            "NetlinkErrorMessage", "GenericNetlinkFamilies", "IpvsCodec", "SyncDaemonCodec", "RouteNetlinkCodec", "VrrpCodec", "VrrpChecksum" };
        Assert.Empty(exported.Where(t => transport.Contains(t.Name) || t.Namespace == "LvsPS.Native.Interop").Select(t => t.FullName));
    }
}
