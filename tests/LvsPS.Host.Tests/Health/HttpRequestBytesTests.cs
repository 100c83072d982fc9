using System.Net;
using System.Net.Sockets;
using LvsPS.Host.Tests.Infrastructure;
using LvsPS.Native.Health;
using LvsPS.Native.Health.Probes;
using LvsPS.Native.Ipvs;

namespace LvsPS.Host.Tests.Health;

/// <summary>The request bytes: ours against keepalived's genhash (the same request code as HTTP_GET) on a capturing server.</summary>
public sealed class HttpRequestBytesTests
{
    /// <summary>What the client sent, with the capturing server's port (different per capture) written as PORT.</summary>
    private static async Task<string> Capture(Func<int, Task> client)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Task<byte[]> server = Task.Run(async () =>
        {
            using Socket s = await listener.AcceptSocketAsync();
            var got = new List<byte>();
            var buffer = new byte[4096];
            while (!got.ToArray().AsSpan().EndsWith("\r\n\r\n"u8))
            {
                int n = await s.ReceiveAsync(buffer, SocketFlags.None);
                if (n == 0)
                    break;
                got.AddRange(buffer.AsSpan(0, n).ToArray());
            }
            await s.SendAsync("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"u8.ToArray(), SocketFlags.None);
            s.Shutdown(SocketShutdown.Both);
            return got.ToArray();
        });
        await client(port);
        byte[] request = await server.WaitAsync(TimeSpan.FromSeconds(10));
        listener.Stop();
        return System.Text.Encoding.ASCII.GetString(request).Replace($":{port}\r\n", ":PORT\r\n");
    }

    [SkippableTheory]
    [InlineData(HttpProtocolVersion.Http10, "1.0", null)]
    [InlineData(HttpProtocolVersion.Http10Close, "1.0c", null)]
    [InlineData(HttpProtocolVersion.Http11, "1.1", null)]
    [InlineData(HttpProtocolVersion.Http10, "1.0", "www.example.org")]
    public async Task The_request_is_byte_for_byte_what_keepalived_sends(HttpProtocolVersion protocol, string genhashProtocol, string? vhost)
    {
        Skip.IfNot(Sh.Has("genhash"), "genhash (keepalived's request code) is not installed");
        string ours = await Capture(async port =>
        {
            var check = new HttpHealthCheck { Urls = new[] { new HttpUrl("/status?x=1") }, Protocol = protocol, VirtualHost = vhost };
            var rs = new HealthCheckedRealServer(new RealServer { VirtualService = VirtualServiceKey.Parse("tcp/10.250.0.1:80"), Address = IPAddress.Loopback, Port = (ushort)port }) { Checks = new[] { check } };
            var service = new HealthCheckedService(rs.RealServer.VirtualService) { RealServers = new[] { rs } };
            Assert.True((await HealthProbes.RunOnceAsync(service, rs, check, 0)).Passed);
        });
        string theirs = await Capture(port => Task.Run(() =>
        {
            var args = new List<string> { "-s", "127.0.0.1", "-p", port.ToString(), "-u", "/status?x=1", "-P", genhashProtocol };
            if (vhost is not null)
                args.AddRange(new[] { "-V", vhost });
            Sh.Try("genhash", args.ToArray());
        }));
        Assert.Equal(theirs, ours);
        Assert.StartsWith("GET /status?x=1 HTTP/1.", ours);
    }
}
