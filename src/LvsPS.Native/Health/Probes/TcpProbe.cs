using System.Net.Sockets;

namespace LvsPS.Native.Health.Probes;

/// <summary>TCP_CHECK: the connection completes within connect_timeout; it is closed at once, nothing sent.</summary>
internal sealed class TcpProbe : HealthProbe
{
    protected override async Task<string?> RunAsync(ProbeRequest request, CancellationToken stopping)
    {
        using Socket socket = ProbeSockets.Open(request.Check, SocketType.Stream, ProtocolType.Tcp);
        using var timer = new ProbeTimer(request.Check.Timing.ConnectTimeout, stopping);
        await Timed(timer, "connect", t => socket.ConnectAsync(request.Check.Target!, t)).ConfigureAwait(false);
        return null;
    }
}
