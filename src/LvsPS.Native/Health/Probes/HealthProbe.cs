using System.Diagnostics;
using System.Net.Sockets;

namespace LvsPS.Native.Health.Probes;

/// <summary>
/// One kind of probe. <see cref="Start"/> is called on the engine's loop thread (inside the director's
/// network namespace): it opens its sockets there before its first await and returns the rest as a
/// task that never throws; completions run on the thread pool. No thread waits on a probe.
/// </summary>
internal abstract class HealthProbe : IProbeStarter
{
    public async Task<ProbeResult> Start(ProbeRequest request, CancellationToken stopping)
    {
        long started = Stopwatch.GetTimestamp();
        try
        {
            string? failure = await RunAsync(request, stopping).ConfigureAwait(false);
            TimeSpan took = Stopwatch.GetElapsedTime(started);
            return failure is null ? ProbeResult.Pass(request.CheckId, took) : ProbeResult.Fail(request.CheckId, took, failure);
        }
        catch (ProbeTimeoutException e)
        {
            return ProbeResult.Fail(request.CheckId, Stopwatch.GetElapsedTime(started), e.Message);
        }
        catch (SocketException e)
        {
            return ProbeResult.Fail(request.CheckId, Stopwatch.GetElapsedTime(started), Describe(e));
        }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException or InvalidOperationException or UnauthorizedAccessException)
        {
            string message = e.InnerException is SocketException s ? Describe(s) : e.Message;
            return ProbeResult.Fail(request.CheckId, Stopwatch.GetElapsedTime(started), message);
        }
        catch (OperationCanceledException)
        {
            return ProbeResult.Fail(request.CheckId, Stopwatch.GetElapsedTime(started), "stopped");
        }
    }

    /// <summary>Null for a pass, else the reason it failed. A timeout throws <see cref="ProbeTimeoutException"/>.</summary>
    protected abstract Task<string?> RunAsync(ProbeRequest request, CancellationToken stopping);

    /// <summary>Runs one step under the probe's timer; its cancellation by the timer becomes a timeout naming the step.</summary>
    protected static async Task<T> Timed<T>(ProbeTimer timer, string step, Func<CancellationToken, ValueTask<T>> operation)
    {
        CancellationToken token = timer.Arm(step);
        try
        {
            return await operation(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!timer.Stopping.IsCancellationRequested)
        {
            throw new ProbeTimeoutException($"{step} timed out after {timer.Limit.TotalSeconds:0.###} s");
        }
    }

    protected static Task Timed(ProbeTimer timer, string step, Func<CancellationToken, ValueTask> operation)
        => Timed<bool>(timer, step, async t => { await operation(t).ConfigureAwait(false); return true; });

    /// <summary>The words for a failed connect, by the socket error the task-based probes see and by the errno of the loop's own connects.</summary>
    private static readonly (SocketError Code, int Errno, string Words)[] s_connectErrors =
    [
        // asm-generic/errno.h
        (SocketError.ConnectionRefused, 111, "connection refused"),     // ECONNREFUSED
        (SocketError.ConnectionReset, 104, "connection reset"),         // ECONNRESET
        (SocketError.HostUnreachable, 113, "host unreachable"),         // EHOSTUNREACH
        (SocketError.NetworkUnreachable, 101, "network unreachable"),   // ENETUNREACH
        (SocketError.TimedOut, 110, "timed out"),                       // ETIMEDOUT
        (SocketError.AddressNotAvailable, 99, "bind address not available"), // EADDRNOTAVAIL
    ];

    /// <summary>The words of <see cref="Describe(SocketException)"/> for an errno of the loop's own connects (<see cref="Engine.HealthLoop.Connect"/>).</summary>
    internal static string Describe(int errno)
        => Array.Find(s_connectErrors, k => k.Errno == errno).Words ?? Netlink.Errno.Describe(errno);

    protected static string Describe(SocketException e)
        => Array.Find(s_connectErrors, k => k.Code == e.SocketErrorCode).Words ?? e.Message;
}

internal sealed class ProbeTimeoutException(string message) : Exception(message);
