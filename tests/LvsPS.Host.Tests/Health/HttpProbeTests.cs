using System.Security.Cryptography;
using LvsPS.Host.Tests.Infrastructure;
using LvsPS.Native.Health;

namespace LvsPS.Host.Tests.Health;

/// <summary>HTTP_GET against python3's http.server in a namespace; genhash (keepalived's own tool) as the witness of the digest.</summary>
public sealed class HttpProbeTests : IClassFixture<ProbeFixture>
{
    private readonly ProbeFixture _f;

    public HttpProbeTests(ProbeFixture f) => _f = f;

    private NsServer Web(int port) => new NsServer(_f.ServerNs, _f.WebRoot, "/usr/bin/python3", "-m", "http.server", port.ToString(), "--bind", _f.ServerAddress)
        .WaitTcp(_f.Director, _f.ServerAddress, port);

    private static HttpHealthCheck Get(string path, string? digest = null, params HttpStatusRange[] codes)
        => new() { Urls = new[] { new HttpUrl(path) { Digest = digest, StatusCodes = codes } }, Timing = new() { ConnectTimeout = TimeSpan.FromSeconds(3) } };

    [SkippableFact]
    public void A_200_passes_a_404_fails_and_a_404_passes_when_it_is_the_expected_code()
    {
        HostFacts.RequireRoot();
        using NsServer web = Web(8081);
        Assert.True(_f.Probe(Get("/health"), 8081).Passed);
        ProbeResult missing = _f.Probe(Get("/missing"), 8081);
        Assert.False(missing.Passed);
        Assert.Contains("status 404", missing.Reason);
        Assert.True(_f.Probe(Get("/missing", null, new HttpStatusRange(400, 404)), 8081).Passed);
    }

    [SkippableFact]
    public void The_body_digest_is_md5_as_genhash_computes_it_and_a_changed_body_fails()
    {
        HostFacts.RequireRoot();
        Skip.IfNot(Sh.Has("genhash"), "genhash (keepalived's digest tool) is not installed");
        using NsServer web = Web(8082);
        string expected = Convert.ToHexString(MD5.HashData(File.ReadAllBytes(Path.Combine(_f.WebRoot, "big.bin")))).ToLowerInvariant();
        string genhash = Sh.Run("ip", "netns", "exec", _f.Director, "genhash", "-s", _f.ServerAddress, "-p", "8082", "-u", "/big.bin");
        Assert.Contains(expected, genhash.ToLowerInvariant());
        Assert.True(_f.Probe(Get("/big.bin", expected.ToUpperInvariant()), 8082).Passed);
        ProbeResult changed = _f.Probe(Get("/big.bin", new string('0', 32)), 8082);
        Assert.False(changed.Passed);
        Assert.Contains(expected, changed.Reason);
    }

    [SkippableFact]
    public void A_stopped_server_fails_with_connection_refused()
    {
        HostFacts.RequireRoot();
        ProbeResult r = _f.Probe(Get("/health"), 8083);
        Assert.False(r.Passed);
        Assert.Contains("refused", r.Reason);
    }

    [SkippableFact]
    public void Every_url_must_pass_when_a_probe_checks_them_all()
    {
        HostFacts.RequireRoot();
        using NsServer web = Web(8084);
        var both = new HttpHealthCheck { Urls = new[] { new HttpUrl("/health"), new HttpUrl("/nope") } };
        Assert.True(_f.Probe(both, 8084, url: 0).Passed);
        ProbeResult all = _f.Probe(both, 8084, url: null);
        Assert.False(all.Passed);
        Assert.StartsWith("/nope:", all.Reason);
    }
}
