using System.Diagnostics;
using System.Globalization;
using Xunit;

namespace LvsPS.Lab.Tests.Infrastructure;

/// <summary>
/// keepalived 2.2.7 run on a file in a namespace, in the foreground, in a session of its own (on
/// SIGHUP it signals its process group: the lab VM's test host died of it), its pid files and log
/// in a directory. <c>checkerOnly</c> runs only the checker process (-C); otherwise VRRP as well.
/// Every start appends to the same log.
/// </summary>
public sealed class KeepalivedDaemon : IDisposable
{
    private readonly string _networkNamespace, _conf, _dir, _processes;
    private Process? _process;

    public KeepalivedDaemon(string networkNamespace, string conf, string dir, bool checkerOnly)
    {
        _networkNamespace = networkNamespace;
        _conf = conf;
        _dir = dir;
        _processes = checkerOnly ? "-C " : "";
    }

    public string LogPath => Path.Combine(_dir, "keepalived.log");
    public string Log => File.Exists(LogPath) ? File.ReadAllText(LogPath) : "";
    public bool HasExited => _process is null || _process.HasExited;

    public KeepalivedDaemon Start()
    {
        Assert.True(HasExited, "keepalived is running already");
        _process?.Dispose();
        var info = new ProcessStartInfo("sh") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add($"exec setsid ip netns exec {_networkNamespace} keepalived {_processes}-n -l -D -f {_conf} "
            + $"-p {_dir}/k.pid -c {_dir}/c.pid -r {_dir}/v.pid >> {LogPath} 2>&1");
        _process = Process.Start(info)!;
        return this;
    }

    /// <summary>SIGHUP: keepalived reloads its file.</summary>
    public void Reload() => Signal("HUP");

    /// <summary>SIGTERM, and the exit within a minute (VRRP masters send priority 0, the checker removes its services).</summary>
    public void Stop()
    {
        Signal("TERM");
        Assert.True(_process!.WaitForExit(60_000), "keepalived did not stop within 60 s of SIGTERM");
    }

    private void Signal(string signal)
        => Shell.Run("kill", $"-{signal}", _process!.Id.ToString(CultureInfo.InvariantCulture));

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            Shell.RunWithStatus(["kill", "-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)], out _);
            if (!_process.WaitForExit(15_000))
                _process.Kill(entireProcessTree: true);
        }
        _process?.Dispose();
    }
}
