using System.Net.Sockets;

namespace LvsPS.Native.Health.Probes;

/// <summary>
/// UDP_CHECK: send the payload (32 random bytes without one). Without require_reply it passes
/// unless an ICMP error (the connected socket's ECONNREFUSED, unreachable) comes before the timeout;
/// with it, a matching reply must come.
/// </summary>
internal sealed class UdpProbe : HealthProbe
{
    private const int RandomPayload = 32;

    protected override async Task<string?> RunAsync(ProbeRequest request, CancellationToken stopping)
    {
        var udp = (UdpHealthCheck)request.Check.Check;
        using Socket socket = ProbeSockets.Open(request.Check, SocketType.Dgram, ProtocolType.Udp);
        using var timer = new ProbeTimer(request.Check.Timing.ConnectTimeout, stopping);
        byte[] payload = udp.Payload ?? RandomBytes();
        CancellationToken deadline = timer.Arm("reply");
        try
        {
            await socket.ConnectAsync(request.Check.Target!, deadline).ConfigureAwait(false);
            await socket.SendAsync(payload, SocketFlags.None, deadline).ConfigureAwait(false);
            var buffer = new byte[Math.Max(udp.MaxReplyLength + 1, 1)];
            int n = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline).ConfigureAwait(false);
            return udp.RequireReply ? UdpReply.Judge(buffer.AsSpan(0, Math.Min(n, buffer.Length)), udp) : null;
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            if (udp.RequireReply)
                throw new ProbeTimeoutException($"no reply within {timer.Limit.TotalSeconds:0.###} s");
            return null; // silence is a pass
        }
    }

    private static byte[] RandomBytes()
    {
        var bytes = new byte[RandomPayload];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }
}
