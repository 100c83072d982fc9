using System.Diagnostics;

namespace LvsPS.Testing;

/// <summary>
/// keepalived 2.2.x, VRRP only (-P), in a namespace, with its files in a temp directory, in a session of its own
/// (on SIGHUP it signals its process group, which must not be the test host's).
/// </summary>
public sealed class Keepalived : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lvsps-ka-").FullName;
    private readonly string _instanceBody, _globalDefs;
    private Process? _process;

    /// <param name="otherBlocks">Top-level blocks after the instance (static_ipaddress, ...).</param>
    public Keepalived(string networkNamespace, string instanceBody, string globalDefs = "", string otherBlocks = "")
    {
        Namespace = networkNamespace;
        (_instanceBody, _globalDefs) = (instanceBody, globalDefs);
        Write(otherBlocks);
    }

    private void Write(string otherBlocks)
    {
        string instanceBody = _instanceBody, globalDefs = _globalDefs, networkNamespace = Namespace;
        Config = $$"""
            global_defs {
              router_id {{networkNamespace}}
              vrrp_garp_master_delay 1
              {{globalDefs}}
            }
            vrrp_instance VI_1 {
              interface eth0
            {{instanceBody}}
            }
            {{otherBlocks}}
            """;
        File.WriteAllText(Path.Combine(_dir, "keepalived.conf"), Config);
    }

    public string Namespace { get; }
    public string Config { get; private set; } = "";

    /// <summary>Rewrites the file with <paramref name="otherBlocks"/> instead, then SIGHUP: keepalived reloads it.</summary>
    public void Reload(string otherBlocks)
    {
        Write(otherBlocks);
        Sh.Run("kill", "-HUP", _process!.Id.ToString());
    }
    public string Log => File.Exists(Path.Combine(_dir, "log")) ? File.ReadAllText(Path.Combine(_dir, "log")) : "";

    public static bool Available => Sh.Has("keepalived");

    public Keepalived Start()
    {
        var info = new ProcessStartInfo("sh")
        {
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add($"exec setsid ip netns exec {Namespace} keepalived -P -n -l -D -f {_dir}/keepalived.conf -p {_dir}/ka.pid -r {_dir}/vrrp.pid -c {_dir}/chk.pid > {_dir}/log 2>&1");
        _process = Process.Start(info)!;
        return this;
    }

    private int? ChildPid => File.Exists(Path.Combine(_dir, "vrrp.pid")) && int.TryParse(File.ReadAllText(Path.Combine(_dir, "vrrp.pid")).Trim(), out int p) ? p : null;

    /// <summary>A crash: SIGSTOP the parent, SIGKILL the VRRP child, then the parent (killing the parent alone is a clean stop).</summary>
    public void Crash()
    {
        if (_process is null || _process.HasExited)
            return;
        Sh.Try("kill", "-STOP", _process.Id.ToString());
        if (ChildPid is int child)
            Sh.Try("kill", "-KILL", child.ToString());
        Sh.Try("kill", "-KILL", _process.Id.ToString());
        _process.WaitForExit(5000);
    }

    /// <summary>A clean stop (SIGTERM): keepalived sends priority 0 and removes its VIPs.</summary>
    public void Stop()
    {
        if (_process is null || _process.HasExited)
            return;
        Sh.Try("kill", "-TERM", _process.Id.ToString());
        if (!_process.WaitForExit(10_000))
            Crash();
    }

    public void Dispose()
    {
        Crash();
        if (ChildPid is int child)
            Sh.Try("kill", "-KILL", child.ToString());
        _process?.Dispose();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}
