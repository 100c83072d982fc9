using System.Net.Sockets;
using System.Text;

namespace LvsPS.Native.Runtime;

/// <summary>
/// Reads one output stream of a child to its end, asynchronously, keeping the first
/// <see cref="Cap"/> bytes and dropping the rest (still reading it, so the child never blocks
/// on a full buffer). Closing the socket ends the read with what was kept.
/// </summary>
internal sealed class CappedOutput
{
    private readonly Socket? _socket;
    private readonly byte[] _kept;
    private int _length;

    public CappedOutput(Socket? socket, int cap)
    {
        _socket = socket;
        Cap = cap;
        _kept = socket is null ? Array.Empty<byte>() : new byte[cap];
        Completion = socket is null ? Task.CompletedTask : ReadAsync(socket);
    }

    public int Cap { get; }
    public Task Completion { get; }
    public bool Truncated { get; private set; }
    public string Text => Encoding.UTF8.GetString(_kept, 0, _length);

    private async Task ReadAsync(Socket socket)
    {
        var scratch = new byte[4096];
        try
        {
            while (true)
            {
                Memory<byte> target = _length < Cap ? _kept.AsMemory(_length) : scratch;
                int n = await socket.ReceiveAsync(target, SocketFlags.None).ConfigureAwait(false);
                if (n == 0)
                    return;
                if (_length < Cap)
                    _length += n;
                else
                    Truncated = true;
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Closed by the runner after the grace period: keep what arrived.
        }
    }

    /// <summary>Bytes the child wrote that are not read yet (0 once closed): while there are some, the reader is only slow.</summary>
    public int Pending
    {
        get
        {
            try
            {
                return _socket is null || Completion.IsCompleted ? 0 : _socket.Available;
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return 0;
            }
        }
    }

    public void Close() => _socket?.Dispose();
}
