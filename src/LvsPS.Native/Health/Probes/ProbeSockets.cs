using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LvsPS.Native.Health.Probes;

/// <summary>
/// Opens a probe's socket with keepalived's connection options (bindto, bind_port, bind_if,
/// fwmark). Called on the engine's loop thread, which lives in the director's network namespace, so
/// every socket belongs there.
/// </summary>
internal static class ProbeSockets
{
    private const int SOL_SOCKET = 1, SO_BINDTODEVICE = 25, SO_MARK = 36;

    public static Socket Open(ResolvedHealthCheck check, SocketType type, ProtocolType protocol)
    {
        IPEndPoint target = check.Target!;
        var socket = new Socket(target.AddressFamily, type, protocol);
        try
        {
            if (check.Check is NetworkHealthCheck { Connection: var c })
                Apply(socket, c, target.AddressFamily);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static void Apply(Socket socket, HealthConnection c, AddressFamily family)
    {
        if (c.BindInterface is { } dev)
            socket.SetRawSocketOption(SOL_SOCKET, SO_BINDTODEVICE, Encoding.ASCII.GetBytes(dev + "\0"));
        if (c.FirewallMark is { } mark)
            socket.SetRawSocketOption(SOL_SOCKET, SO_MARK, BitConverter.GetBytes(mark));
        if (c.BindAddress is not null || c.BindPort is not null)
        {
            IPAddress any = family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
            socket.Bind(new IPEndPoint(c.BindAddress ?? any, c.BindPort ?? 0));
        }
    }
}

/// <summary>
/// keepalived's connect_timeout applied to each connect, write and read on its own: each
/// operation arms the timer again. Cancelled by the engine's stop as well.
/// </summary>
internal sealed class ProbeTimer : IDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly CancellationTokenRegistration _stop;

    public ProbeTimer(TimeSpan limit, CancellationToken stop)
    {
        Limit = limit;
        _cts = new CancellationTokenSource();
        _stop = stop.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), _cts);
        Stopping = stop;
    }

    public TimeSpan Limit { get; }
    public CancellationToken Stopping { get; }
    /// <summary>The step that ran out of time: "connect", "write", "read".</summary>
    public string Step { get; private set; } = "connect";

    /// <summary>A token that fires <see cref="Limit"/> from now, for one operation.</summary>
    public CancellationToken Arm(string step)
    {
        Step = step;
        if (!_cts.TryReset())
            throw new OperationCanceledException(Stopping);
        _cts.CancelAfter(Limit);
        return _cts.Token;
    }

    public void Dispose()
    {
        _stop.Dispose();
        _cts.Dispose();
    }
}
