using System.Net.Sockets;

namespace LvsPS.Native.Health.Probes;

/// <summary>DNS_CHECK: one UDP query; the reply with the same id and QR set must carry RCODE 0. One deadline for send and replies.</summary>
internal sealed class DnsProbe : HealthProbe
{
    protected override async Task<string?> RunAsync(ProbeRequest request, CancellationToken stopping)
    {
        var dns = (DnsHealthCheck)request.Check.Check;
        using Socket socket = ProbeSockets.Open(request.Check, SocketType.Dgram, ProtocolType.Udp);
        using var timer = new ProbeTimer(request.Check.Timing.ConnectTimeout, stopping);
        ushort id = (ushort)Random.Shared.Next(0, 65536);
        byte[] query = DnsMessage.Query(id, dns.Name, dns.RecordType);
        CancellationToken deadline = timer.Arm("reply");
        try
        {
            await socket.ConnectAsync(request.Check.Target!, deadline).ConfigureAwait(false);
            await socket.SendAsync(query, SocketFlags.None, deadline).ConfigureAwait(false);
            var buffer = new byte[4096];
            while (true)
            {
                int n = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline).ConfigureAwait(false);
                switch (DnsMessage.Judge(buffer.AsSpan(0, n), id, out int rcode))
                {
                    case DnsMessage.Reply.Pass:
                        return null;
                    case DnsMessage.Reply.Error:
                        return $"the server answered RCODE {rcode}";
                }
            }
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            throw new ProbeTimeoutException($"no reply within {timer.Limit.TotalSeconds:0.###} s");
        }
    }
}
