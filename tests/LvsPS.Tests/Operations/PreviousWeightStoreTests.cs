using System.Net;
using LvsPS.Native.Operations;
using LvsPS.Native.Ipvs;
using Xunit;

namespace LvsPS.Tests.Operations;

public sealed class PreviousWeightStoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lvsps-drain-" + Guid.NewGuid().ToString("N"));
    private static readonly VirtualServiceKey Web = VirtualServiceKey.Parse("tcp/10.0.0.3:80");
    private static readonly IPAddress Rs = IPAddress.Parse("10.0.0.7");

    public void Dispose()
    {
        if (Directory.Exists(_dir))
            Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Remembers_recalls_and_forgets_per_namespace_and_real_server()
    {
        var store = new PreviousWeightStore(_dir);
        Assert.Null(store.Recall(null, Web, Rs, 80));
        store.Remember(null, Web, Rs, 80, 5);
        store.Remember("lb1", Web, Rs, 80, 7);
        store.Remember("lb1", Web, Rs, 8080, 9);
        Assert.Equal(5u, store.Recall(null, Web, Rs, 80));
        Assert.Equal(7u, store.Recall("lb1", Web, Rs, 80));
        Assert.Equal(9u, store.Recall("lb1", Web, Rs, 8080));
        Assert.Null(store.Recall("lb2", Web, Rs, 80));
        Assert.Null(store.Recall(null, VirtualServiceKey.Parse("udp/10.0.0.3:80"), Rs, 80));

        store.Remember(null, Web, Rs, 80, 6); // replaces
        Assert.Equal(6u, new PreviousWeightStore(_dir).Recall(null, Web, Rs, 80)); // another process would read the same
        Assert.True(store.Forget(null, Web, Rs, 80));
        Assert.False(store.Forget(null, Web, Rs, 80));
        Assert.Null(store.Recall(null, Web, Rs, 80));
        Assert.Equal(7u, store.Recall("lb1", Web, Rs, 80));
        Assert.DoesNotContain(Directory.GetFiles(_dir), f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public void File_names_are_unambiguous_and_stay_in_the_directory()
    {
        var store = new PreviousWeightStore(_dir);
        var v6 = VirtualServiceKey.Parse("udp/[2001:db8::1]:53");
        string[] paths =
        {
            store.PathOf(null, Web, Rs, 80),
            store.PathOf("current", Web, Rs, 80),
            store.PathOf("/proc/1/ns/net", Web, Rs, 80),
            store.PathOf("../../etc", Web, Rs, 80),
            store.PathOf(null, v6, IPAddress.Parse("2001:db8::15"), 3),
            store.PathOf(null, v6, IPAddress.Parse("2001:db8::1"), 53),
        };
        Assert.Equal(paths.Length, paths.Distinct().Count());
        Assert.All(paths, p => Assert.Equal(_dir, Path.GetDirectoryName(p)));
        Assert.EndsWith("current_tcp%2F10.0.0.3%3A80%20-%3E%2010.0.0.7%3A80", paths[0]);
        // An IPv4-mapped address names the same real server as its IPv4 form.
        Assert.Equal(paths[0], store.PathOf(null, Web, Rs.MapToIPv6(), 80));
    }

    [Fact]
    public void A_file_that_is_not_a_weight_is_no_weight()
    {
        var store = new PreviousWeightStore(_dir);
        store.Remember(null, Web, Rs, 80, 1);
        File.WriteAllText(store.PathOf(null, Web, Rs, 80), "five\n");
        Assert.Null(store.Recall(null, Web, Rs, 80));
    }
}
