using System.Diagnostics;
using System.Net.Sockets;
using LvsPS.Host.Tests.Infrastructure;

namespace LvsPS.Host.Tests.Health;

/// <summary>A real server process (python3 http.server, openssl s_server, dnsmasq, aiosmtpd, ...) in a namespace, killed on Dispose.</summary>
public sealed class NsServer : IDisposable
{
    private readonly Process _process;
    private readonly string _log = Path.GetTempFileName();

    public NsServer(string? networkNamespace, string workingDirectory, params string[] command)
    {
        var info = new ProcessStartInfo("sh") { UseShellExecute = false, WorkingDirectory = workingDirectory };
        string line = string.Join(' ', command.Select(Quote));
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(networkNamespace is null ? $"exec {line} > {_log} 2>&1" : $"exec ip netns exec {networkNamespace} {line} > {_log} 2>&1");
        _process = Process.Start(info)!;
    }

    /// <summary>
    /// python3 -u -c code, args ADDRESS PORT: accepts each connection and reads from it, printing "ready" once
    /// listening, then "EOF" when the peer closed with FIN or "RST" when it reset the connection.
    /// </summary>
    public const string CloseReporter = "import socket,sys\ns=socket.socket()\ns.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\ns.bind((sys.argv[1],int(sys.argv[2])))\ns.listen(100)\nprint('ready',flush=True)\nwhile True:\n c,a=s.accept()\n try:\n  print('EOF' if c.recv(1)==b'' else 'DATA',flush=True)\n except ConnectionResetError:\n  print('RST',flush=True)\n c.close()";

    public string Log => File.Exists(_log) ? File.ReadAllText(_log) : "";
    public bool HasExited => _process.HasExited;

    /// <summary>Waits until a TCP (or, for UDP servers, the given check) port answers from the namespace.</summary>
    public NsServer WaitTcp(string? networkNamespace, string address, int port)
    {
        bool up = Sh.Eventually(() => Sh.Try("sh", "-c",
            $"{(networkNamespace is null ? "" : $"ip netns exec {networkNamespace} ")}/usr/bin/python3 -c \"import socket; socket.create_connection(('{address}', {port}), 0.5)\"").Code == 0,
            TimeSpan.FromSeconds(20), 100);
        if (!up)
            throw new InvalidOperationException($"the server on {address}:{port} did not come up: {Log}");
        return this;
    }

    public NsServer WaitLog(string text)
    {
        if (!Sh.Eventually(() => Log.Contains(text), TimeSpan.FromSeconds(20), 100))
            throw new InvalidOperationException($"the server did not log '{text}': {Log}");
        return this;
    }

    public void Stop()
    {
        if (!_process.HasExited)
        {
            try { _process.Kill(true); } catch (InvalidOperationException) { }
            _process.WaitForExit(5000);
        }
    }

    public void Dispose()
    {
        Stop();
        _process.Dispose();
        File.Delete(_log);
    }

    private static string Quote(string a) => a.All(c => char.IsLetterOrDigit(c) || "-_./:=,@%+".Contains(c)) ? a : $"'{a.Replace("'", "'\\''")}'";
}
