using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace LvsPS.Native.Health.Probes;

/// <summary>
/// HTTP_GET and SSL_GET: connect, send keepalived's request, read until the server closes, judge
/// status, digest and regex. Each connect, write and read waits connect_timeout at most. One url per
/// probe (<see cref="ProbeRequest.UrlIndex"/>), or all in turn when the index is null.
/// </summary>
internal sealed class HttpProbe : HealthProbe
{
    private const int ReadBuffer = 16 * 1024;

    protected override async Task<string?> RunAsync(ProbeRequest request, CancellationToken stopping)
    {
        var http = (HttpHealthCheck)request.Check.Check;
        if (request.UrlIndex is { } index)
            return await Fetch(request, http, index, stopping).ConfigureAwait(false);
        for (int i = 0; i < http.Urls.Count; i++)
            if (await Fetch(request, http, i, stopping).ConfigureAwait(false) is { } failure)
                return http.Urls.Count == 1 ? failure : $"{http.Urls[i].Path}: {failure}";
        return null;
    }

    private static async Task<string?> Fetch(ProbeRequest request, HttpHealthCheck http, int index, CancellationToken stopping)
    {
        ResolvedHealthCheck check = request.Check;
        HttpUrl url = http.Urls[index];
        Socket socket = ProbeSockets.Open(check, SocketType.Stream, ProtocolType.Tcp);
        using var timer = new ProbeTimer(check.Timing.ConnectTimeout, stopping);
        Stream? stream = null;
        try
        {
            await Timed(timer, "connect", t => socket.ConnectAsync(check.Target!, t)).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: true);
            if (http.Tls is { } tls)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                SslClientAuthenticationOptions options = TlsOptions(tls, check.UrlServerNames[index], check);
                await Timed(timer, "TLS handshake", async t => { await ssl.AuthenticateAsClientAsync(options, t).ConfigureAwait(false); return true; }).ConfigureAwait(false);
            }
            byte[] requestBytes = HttpExchange.Request(url.Path, check.UrlHosts[index], http.Protocol);
            await Timed(timer, "write", t => stream.WriteAsync(requestBytes, t)).ConfigureAwait(false);
            using var reader = new HttpResponseReader(url);
            byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(ReadBuffer);
            try
            {
                while (true)
                {
                    int n = await Timed(timer, "read", t => stream.ReadAsync(buffer, t)).ConfigureAwait(false);
                    if (n == 0)
                        break;
                    if (!reader.Feed(buffer.AsSpan(0, n)))
                        return "the response header is too long";
                }
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }
            return reader.Finish();
        }
        finally
        {
            if (stream is not null)
                await stream.DisposeAsync().ConfigureAwait(false);
            else
                socket.Dispose();
        }
    }

    private static SslClientAuthenticationOptions TlsOptions(HttpTlsOptions tls, string? serverName, ResolvedHealthCheck check)
    {
        var options = new SslClientAuthenticationOptions
        {
            // keepalived sends SNI only with enable_sni; .NET sends TargetHost when it is a name.
            TargetHost = serverName ?? "",
            EnabledSslProtocols = SslProtocols.None,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };
        if (tls.ClientCertificatePath is { } certificate)
            options.ClientCertificates = new X509CertificateCollection { TlsFiles.ClientCertificate(certificate, tls.ClientKeyPath) };
        if (tls.CertificateAuthorityPath is { } ca)
        {
            X509Certificate2Collection roots = TlsFiles.Authorities(ca);
            options.RemoteCertificateValidationCallback = (_, cert, _, errors) => TlsFiles.Verify(cert, roots, serverName, errors);
        }
        else
            options.RemoteCertificateValidationCallback = static (_, _, _, _) => true; // keepalived never verifies
        return options;
    }
}

/// <summary>Certificates and keys from PEM files, cached by path and time of last write.</summary>
internal static class TlsFiles
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (DateTime, object)> Cache = new();

    public static X509Certificate2 ClientCertificate(string certificate, string? key)
        => Cached($"cert:{certificate}:{key}", certificate, () =>
        {
            X509Certificate2 pem = key is null ? X509Certificate2.CreateFromPemFile(certificate) : X509Certificate2.CreateFromPemFile(certificate, key);
            // SslStream on Linux needs the key in a PKCS#12 form to present it.
            return new X509Certificate2(pem.Export(X509ContentType.Pkcs12));
        });

    public static X509Certificate2Collection Authorities(string path)
        => Cached($"ca:{path}", path, () =>
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(path);
            return roots;
        });

    public static bool Verify(X509Certificate? presented, X509Certificate2Collection roots, string? serverName, SslPolicyErrors errors)
    {
        if (presented is null)
            return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        var certificate = presented as X509Certificate2 ?? new X509Certificate2(presented);
        if (!chain.Build(certificate))
            return false;
        // The name is checked only when one was sent; without SNI the chain alone decides.
        return serverName is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0;
    }

    private static T Cached<T>(string key, string path, Func<T> load) where T : class
    {
        DateTime stamp = File.GetLastWriteTimeUtc(path);
        if (Cache.TryGetValue(key, out var hit) && hit.Item1 == stamp)
            return (T)hit.Item2;
        T value = load();
        Cache[key] = (stamp, value);
        return value;
    }
}
