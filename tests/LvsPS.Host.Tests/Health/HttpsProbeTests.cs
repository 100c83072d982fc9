using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using LvsPS.Host.Tests.Infrastructure;
using LvsPS.Native.Health;

namespace LvsPS.Host.Tests.Health;

/// <summary>SSL_GET against openssl s_server -WWW in a namespace: no verification by default, SNI, CA verification, client certificates.</summary>
public sealed class HttpsProbeTests : IClassFixture<ProbeFixture>
{
    private readonly ProbeFixture _f;
    private readonly string _dir;

    public HttpsProbeTests(ProbeFixture f)
    {
        _f = f;
        _dir = Path.Combine(f.WebRoot, "tls");
        if (Directory.Exists(_dir))
            return;
        Directory.CreateDirectory(_dir);
        using RSA caKey = RSA.Create(2048), otherCaKey = RSA.Create(2048);
        X509Certificate2 ca = Authority("LvsPS test CA", caKey), otherCa = Authority("Untrusted CA", otherCaKey);
        Write("ca", ca, null);
        Write("default", Leaf("other.example", otherCa, out RSA k1), k1);
        Write("sni", Leaf("good.example", ca, out RSA k2), k2);
        Write("client", Leaf("client.example", ca, out RSA k3), k3);
    }

    private static X509Certificate2 Authority(string name, RSA key)
    {
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.Now.AddDays(-1), DateTimeOffset.Now.AddDays(30));
    }

    private static X509Certificate2 Leaf(string name, X509Certificate2 issuer, out RSA key)
    {
        key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(name);
        request.CertificateExtensions.Add(san.Build());
        return request.Create(issuer, DateTimeOffset.Now.AddDays(-1), DateTimeOffset.Now.AddDays(29), RandomNumberGenerator.GetBytes(8));
    }

    private void Write(string name, X509Certificate2 certificate, RSA? key)
    {
        File.WriteAllText(Path.Combine(_dir, name + ".pem"), certificate.ExportCertificatePem());
        if (key is not null)
            File.WriteAllText(Path.Combine(_dir, name + ".key"), key.ExportPkcs8PrivateKeyPem());
    }

    private string F(string file) => Path.Combine(_dir, file);

    private NsServer SServer(int port, bool requireClient = false)
    {
        var args = new List<string>
        {
            "openssl", "s_server", "-accept", $"{_f.ServerAddress}:{port}", "-WWW", "-quiet",
            "-cert", F("default.pem"), "-key", F("default.key"),
            "-servername", "good.example", "-cert2", F("sni.pem"), "-key2", F("sni.key"),
        };
        if (requireClient)
            args.AddRange(new[] { "-Verify", "1", "-CAfile", F("ca.pem") });
        return new NsServer(_f.ServerNs, _f.WebRoot, args.ToArray()).WaitTcp(_f.Director, _f.ServerAddress, port);
    }

    private static HttpHealthCheck Get(HttpTlsOptions tls, string? vhost = null)
        => new() { Urls = new[] { new HttpUrl("/health") }, Tls = tls, VirtualHost = vhost, Timing = new() { ConnectTimeout = TimeSpan.FromSeconds(3) } };

    [SkippableFact]
    public void Without_a_CA_the_server_certificate_is_not_verified_as_keepalived()
    {
        HostFacts.RequireRoot();
        Skip.IfNot(Sh.Has("openssl"), "openssl is not installed");
        using NsServer tls = SServer(8443);
        ProbeResult r = _f.Probe(Get(new HttpTlsOptions()), 8443);
        Assert.True(r.Passed, r.Reason);
        Assert.Equal(HealthCheckType.Https, Get(new HttpTlsOptions()).Type);
    }

    [SkippableFact]
    public void With_a_CA_the_chain_is_verified_and_SNI_picks_the_certificate()
    {
        HostFacts.RequireRoot();
        Skip.IfNot(Sh.Has("openssl"), "openssl is not installed");
        using NsServer tls = SServer(8444);
        // SNI good.example: s_server answers with the certificate our CA signed.
        ProbeResult withSni = _f.Probe(Get(new HttpTlsOptions { EnableSni = true, CertificateAuthorityPath = F("ca.pem") }, "good.example"), 8444);
        Assert.True(withSni.Passed, withSni.Reason);
        // No SNI (keepalived's default even with a virtualhost): the default certificate, from another CA, fails verification.
        ProbeResult noSni = _f.Probe(Get(new HttpTlsOptions { CertificateAuthorityPath = F("ca.pem") }, "good.example"), 8444);
        Assert.False(noSni.Passed);
    }

    [SkippableFact]
    public void A_server_that_requires_a_client_certificate_accepts_ours_and_refuses_none()
    {
        HostFacts.RequireRoot();
        Skip.IfNot(Sh.Has("openssl"), "openssl is not installed");
        using NsServer tls = SServer(8445, requireClient: true);
        ProbeResult with = _f.Probe(Get(new HttpTlsOptions { ClientCertificatePath = F("client.pem"), ClientKeyPath = F("client.key") }), 8445);
        Assert.True(with.Passed, with.Reason);
        Assert.False(_f.Probe(Get(new HttpTlsOptions()), 8445).Passed);
    }
}
