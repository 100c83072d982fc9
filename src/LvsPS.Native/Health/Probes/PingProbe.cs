using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace LvsPS.Native.Health.Probes;

/// <summary>
/// PING_CHECK: an ICMP or ICMPv6 echo answered within connect_timeout. All pings of an engine
/// share one raw socket per family (opened on the engine's loop thread, so in its namespace) and one
/// receive loop that matches replies by identifier and sequence; a ping with bind options gets a
/// socket of its own.
/// </summary>
internal sealed class PingProbe : IProbeStarter, IDisposable
{
    private readonly ushort _id = (ushort)Random.Shared.Next(1, 65536);
    private readonly ConcurrentDictionary<(ushort Id, ushort Sequence), Pending> _pending = new();
    private readonly CancellationTokenSource _closing = new();
    private Socket? _v4, _v6;
    private int _sequence;

    private sealed record Pending(TaskCompletionSource<bool> Reply, IPAddress Target);

    public async Task<ProbeResult> Start(ProbeRequest request, CancellationToken stopping)
    {
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        ResolvedHealthCheck check = request.Check;
        IPEndPoint target = check.Target!;
        bool v6 = target.AddressFamily == AddressFamily.InterNetworkV6;
        bool own = check.Check is NetworkHealthCheck { Connection: var c } && (c.BindAddress is not null || c.BindInterface is not null || c.FirewallMark is not null);
        Socket? dedicated = null;
        Socket socket;
        ushort id = _id;
        try
        {
            if (own)
            {
                dedicated = ProbeSockets.Open(check, SocketType.Raw, v6 ? ProtocolType.IcmpV6 : ProtocolType.Icmp);
                id = (ushort)Random.Shared.Next(1, 65536);
                socket = dedicated;
                _ = ReceiveLoop(dedicated, v6);
            }
            else
                socket = Shared(v6);
        }
        catch (SocketException e)
        {
            dedicated?.Dispose();
            return ProbeResult.Fail(request.CheckId, System.Diagnostics.Stopwatch.GetElapsedTime(started), $"cannot open a raw ICMP socket: {e.Message}");
        }
        ushort sequence = (ushort)Interlocked.Increment(ref _sequence);
        var pending = new Pending(new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously), target.Address);
        _pending[(id, sequence)] = pending;
        try
        {
            byte[] packet = IcmpEcho.Request(v6, id, sequence);
            await socket.SendToAsync(packet, SocketFlags.None, new IPEndPoint(target.Address, 0), stopping).ConfigureAwait(false);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            timeout.CancelAfter(check.Timing.ConnectTimeout);
            await pending.Reply.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
            return ProbeResult.Pass(request.CheckId, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }
        catch (OperationCanceledException)
        {
            string why = stopping.IsCancellationRequested ? "stopped" : $"no echo reply within {check.Timing.ConnectTimeout.TotalSeconds:0.###} s";
            return ProbeResult.Fail(request.CheckId, System.Diagnostics.Stopwatch.GetElapsedTime(started), why);
        }
        catch (SocketException e)
        {
            return ProbeResult.Fail(request.CheckId, System.Diagnostics.Stopwatch.GetElapsedTime(started), e.Message);
        }
        finally
        {
            _pending.TryRemove((id, sequence), out _);
            dedicated?.Dispose();
        }
    }

    private Socket Shared(bool v6)
    {
        ref Socket? slot = ref v6 ? ref _v6 : ref _v4;
        if (slot is null)
        {
            slot = new Socket(v6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork, SocketType.Raw, v6 ? ProtocolType.IcmpV6 : ProtocolType.Icmp);
            _ = ReceiveLoop(slot, v6);
        }
        return slot;
    }

    private async Task ReceiveLoop(Socket socket, bool v6)
    {
        var buffer = new byte[2048];
        EndPoint any = new IPEndPoint(v6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        try
        {
            // .NET refuses ReceiveFrom on a socket that is not bound.
            if (!socket.IsBound)
                socket.Bind(any);
            while (!_closing.IsCancellationRequested)
            {
                SocketReceiveFromResult r = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _closing.Token).ConfigureAwait(false);
                if (IcmpEcho.ParseReply(buffer.AsSpan(0, r.ReceivedBytes), v6) is { } reply
                    && _pending.TryGetValue(reply, out Pending? pending)
                    && r.RemoteEndPoint is IPEndPoint from && from.Address.Equals(pending.Target))
                    pending.Reply.TrySetResult(true);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException or InvalidOperationException)
        {
            // closed
        }
    }

    public void Dispose()
    {
        _closing.Cancel();
        _v4?.Dispose();
        _v6?.Dispose();
        _closing.Dispose();
    }
}
