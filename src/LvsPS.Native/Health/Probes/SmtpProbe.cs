using System.Net.Sockets;
using System.Text;

namespace LvsPS.Native.Health.Probes;

/// <summary>SMTP_CHECK: a 220 greeting line, HELO answered by 250, QUIT answered by any line.</summary>
internal sealed class SmtpProbe : HealthProbe
{
    protected override async Task<string?> RunAsync(ProbeRequest request, CancellationToken stopping)
    {
        var smtp = (SmtpHealthCheck)request.Check.Check;
        using Socket socket = ProbeSockets.Open(request.Check, SocketType.Stream, ProtocolType.Tcp);
        using var timer = new ProbeTimer(request.Check.Timing.ConnectTimeout, stopping);
        await Timed(timer, "connect", t => socket.ConnectAsync(request.Check.Target!, t)).ConfigureAwait(false);
        var buffer = new byte[1024];
        string greeting = await ReadLine(socket, timer, buffer).ConfigureAwait(false);
        if (Status(greeting) != 220)
            return $"greeting '{Printable(greeting)}' is not 220";
        await Send(socket, timer, $"HELO {smtp.HeloName}\r\n").ConfigureAwait(false);
        string helo = await ReadLine(socket, timer, buffer).ConfigureAwait(false);
        if (Status(helo) != 250)
            return $"HELO answer '{Printable(helo)}' is not 250";
        await Send(socket, timer, "QUIT\r\n").ConfigureAwait(false);
        await ReadLine(socket, timer, buffer).ConfigureAwait(false);
        return null;
    }

    /// <summary>keepalived: exactly three digits followed by a space or the end of the line; -1 otherwise (so a "220-" continuation fails).</summary>
    public static int Status(string line)
        => line.Length >= 3 && char.IsAsciiDigit(line[0]) && char.IsAsciiDigit(line[1]) && char.IsAsciiDigit(line[2])
           && (line.Length == 3 || line[3] == ' ' || line[3] == '\r')
            ? int.Parse(line.AsSpan(0, 3)) : -1;

    private static async Task<string> ReadLine(Socket socket, ProbeTimer timer, byte[] buffer)
    {
        int length = 0;
        while (true)
        {
            if (length == buffer.Length)
                length = 0; // keepalived wraps a full buffer
            int n = await Timed(timer, "read", t => socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, t)).ConfigureAwait(false);
            if (n == 0)
                throw new IOException("the server closed the connection");
            int newline = Array.IndexOf(buffer, (byte)'\n', length, n);
            length += n;
            if (newline >= 0)
                return Encoding.ASCII.GetString(buffer, 0, newline).TrimEnd('\r');
        }
    }

    private static Task Send(Socket socket, ProbeTimer timer, string line)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(line);
        return Timed(timer, "write", async t => { await socket.SendAsync(bytes, SocketFlags.None, t).ConfigureAwait(false); });
    }

    private static string Printable(string s) => Text.MessageText.Printable(s.Length > 60 ? s[..60] + "..." : s);
}
