using System.Diagnostics;
using LvsPS.Lab.Tests.Infrastructure;

namespace LvsPS.Lab.Tests.Health;

/// <summary>
/// One of two identical NAT directors for the health witness tests: a client, a director and real
/// servers in namespaces of their own on two bridges, with the same addresses in both twins (the
/// namespaces keep them apart), so both IPVS tables read the same in ipvsadm -Sn. LvsPS drives one
/// twin, keepalived -C the other; every fault is made in both.
///
///   client eth1 192.168.70.2 ── WAN ── director eth1 192.168.70.1 (VIP .100)
///                                      director eth0 10.50.0.1 ── LAN ── rsN eth0 10.50.0.1N, sorry 10.50.0.99
/// </summary>
public sealed class HealthTwin : IDisposable
{
    public const string Vip = "192.168.70.100";
    public const string VirtualService = "tcp/192.168.70.100:80";
    private static int s_count;
    private readonly string _p;
    private readonly List<string> _namespaces = new();
    private readonly List<string> _links = new();
    private readonly Dictionary<string, Dictionary<string, Process>> _processes = new();

    /// <summary>Real server name (rs1.., sorry) → its address.</summary>
    public static string AddressOf(string rs) => rs == "sorry" ? "10.50.0.99" : $"10.50.0.{10 + int.Parse(rs[2..])}";

    public HealthTwin(char twin, params string[] realServers)
    {
        _p = $"h{twin}{Environment.ProcessId % 1000}{Interlocked.Increment(ref s_count)}";
        Dir = Directory.CreateTempSubdirectory($"lvsps-twin-{twin}-").FullName;
        RealServers = realServers;
        try
        {
            Build();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Dir { get; }
    public string Director => $"{_p}d";
    public string Client => $"{_p}c";
    public IReadOnlyList<string> RealServers { get; }
    public string Ns(string rs) => $"{_p}{rs}";
    public string Notifications => File.Exists(Path.Combine(Dir, "notify.log")) ? File.ReadAllText(Path.Combine(Dir, "notify.log")) : "";
    public string NotifyScript => Path.Combine(Dir, "notify.sh");

    private void Build()
    {
        Shell.Run("modprobe", "sch_netem");
        foreach (string bridge in new[] { $"{_p}L", $"{_p}W" })
        {
            Shell.Run("ip", "link", "add", bridge, "type", "bridge");
            Shell.Run("ip", "link", "set", bridge, "up");
            _links.Add(bridge);
        }
        AddNamespace(Director);
        AddNamespace(Client);
        Plug(Director, "eth0", $"{_p}L", "10.50.0.1/24");
        Plug(Director, "eth1", $"{_p}W", "192.168.70.1/24");
        Exec(Director, "ip", "addr", "add", $"{Vip}/32", "dev", "eth1");
        Exec(Director, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        Plug(Client, "eth1", $"{_p}W", "192.168.70.2/24");
        File.WriteAllText(NotifyScript, $"#!/bin/sh\necho \"$*\" >> {Dir}/notify.log\n");
        File.SetUnixFileMode(NotifyScript, (UnixFileMode)0b111_101_101);
        File.WriteAllText(Path.Combine(Dir, "web.py"), WebServer);
        foreach (string rs in RealServers.Append("sorry"))
        {
            AddNamespace(Ns(rs));
            Plug(Ns(rs), "eth0", $"{_p}L", $"{AddressOf(rs)}/24");
            Exec(Ns(rs), "ip", "route", "add", "default", "via", "10.50.0.1");
            string root = Root(rs);
            Directory.CreateDirectory(root);
            File.WriteAllText(Path.Combine(root, "body"), "healthy\n");
            File.WriteAllText(Path.Combine(root, "health"), "healthy\n");
            StartWeb(rs);
        }
    }

    public string Root(string rs) => Path.Combine(Dir, rs);

    /// <summary>An HTTP server of our own: / answers the real server's name, /health the body file with the status of the mode file (200 or 500).</summary>
    private const string WebServer = """
        import http.server, os, sys
        name, root, address = sys.argv[1], sys.argv[2], sys.argv[3]
        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == '/health':
                    try: code = int(open(os.path.join(root, 'mode')).read().strip() or 200)
                    except OSError: code = 200
                    body = open(os.path.join(root, 'body'), 'rb').read()
                else:
                    code, body = 200, (name + '\n').encode()
                self.send_response(code)
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *a): pass
        http.server.ThreadingHTTPServer.allow_reuse_address = True
        http.server.ThreadingHTTPServer((address, 80), H).serve_forever()
        """;

    public void StartWeb(string rs) => Start(rs, "web", "/usr/bin/python3", Path.Combine(Dir, "web.py"), rs, Root(rs), AddressOf(rs));

    public void StopWeb(string rs) => Kill(rs, "web");

    /// <summary>Starts a server process in a real server's namespace under a role name, and waits for <paramref name="readyPort"/> (TCP) when given.</summary>
    public void Start(string rs, string role, params string[] argv)
    {
        var psi = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Root(rs) };
        foreach (string a in new[] { "netns", "exec", Ns(rs) }.Concat(argv))
            psi.ArgumentList.Add(a);
        Process p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        if (!_processes.TryGetValue(rs, out var roles))
            _processes[rs] = roles = new();
        roles[role] = p;
    }

    public void Kill(string rs, string role)
    {
        if (_processes.TryGetValue(rs, out var roles) && roles.Remove(role, out Process? p))
        {
            try { p.Kill(true); } catch (InvalidOperationException) { }
            p.WaitForExit(10_000);
            p.Dispose();
        }
    }

    /// <summary>Waits until a TCP port of a real server accepts connections (from the real server itself).</summary>
    public void WaitTcp(string rs, int port)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(90))
        {
            Shell.RunWithStatus(["ip", "netns", "exec", Ns(rs), "/usr/bin/python3", "-c", $"import socket; socket.create_connection(('{AddressOf(rs)}', {port}), 1)"], out int rc);
            if (rc == 0)
                return;
            Thread.Sleep(300);
        }
        throw new TimeoutException($"{rs} port {port} did not come up");
    }

    /// <summary>Drops everything the real server sends (netem loss 100%): probes time out.</summary>
    public void Drop(string rs, bool drop)
        => Shell.RunWithStatus(["ip", "netns", "exec", Ns(rs), "tc", "qdisc", drop ? "replace" : "del", "dev", "eth0", "root", .. (drop ? new[] { "netem", "loss", "100%" } : Array.Empty<string>())], out _);

    public void SetMode(string rs, int status) => File.WriteAllText(Path.Combine(Root(rs), "mode"), status.ToString());
    public void SetBody(string rs, string body) => File.WriteAllText(Path.Combine(Root(rs), "body"), body);

    /// <summary>ipvsadm -Sn of the director, sorted.</summary>
    public IReadOnlyList<string> Rules()
        => Exec(Director, "ipvsadm", "-Sn").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal).ToList();

    /// <summary>Requests through the VIP from the client (one curl, a new connection each: the servers speak HTTP/1.0); who answered, or FAILED.</summary>
    public List<string> Get(int count)
    {
        (string output, _) = Shell.RunWithStatus(["ip", "netns", "exec", Client, "curl", "-s", "--max-time", "5", "-w", "%{http_code}\n", .. Enumerable.Repeat($"http://{Vip}/", count)], out _);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line != "200").Select(line => line == "000" ? "FAILED" : line).ToList();
    }

    public string Exec(string ns, params string[] argv) => Shell.Run(["ip", "netns", "exec", ns, .. argv]);

    private void AddNamespace(string ns)
    {
        Shell.Run("ip", "netns", "add", ns);
        _namespaces.Add(ns);
        Exec(ns, "ip", "link", "set", "lo", "up");
    }

    private static void Plug(string ns, string name, string bridge, string address) => TrafficTopology.Plug(ns, name, bridge, address);

    public void Dispose()
    {
        foreach (var roles in _processes.Values)
            foreach (Process p in roles.Values)
            {
                try { p.Kill(true); } catch (InvalidOperationException) { }
                p.Dispose();
            }
        foreach (string ns in Enumerable.Reverse(_namespaces))
            Shell.RunWithStatus(["ip", "netns", "del", ns], out _);
        foreach (string link in _links)
            Shell.RunWithStatus(["ip", "link", "del", link], out _);
        try { Directory.Delete(Dir, true); } catch (IOException) { }
    }
}

/// <summary>keepalived 2.2.7's checker process (-C) in a namespace, with its files in a directory.</summary>
public sealed class KeepalivedChecker : IDisposable
{
    private readonly string _dir;
    private Process? _process;

    public KeepalivedChecker(string networkNamespace, string dir, string config)
    {
        Namespace = networkNamespace;
        _dir = dir;
        File.WriteAllText(Path.Combine(dir, "keepalived.conf"), config);
    }

    public string Namespace { get; }
    public string Log => File.Exists(Path.Combine(_dir, "keepalived.log")) ? File.ReadAllText(Path.Combine(_dir, "keepalived.log")) : "";

    public KeepalivedChecker Start()
    {
        var psi = new ProcessStartInfo("sh") { UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add($"exec ip netns exec {Namespace} keepalived -C -n -l -D -f {_dir}/keepalived.conf -p {_dir}/ka.pid -c {_dir}/chk.pid -r {_dir}/vrrp.pid > {_dir}/keepalived.log 2>&1");
        _process = Process.Start(psi)!;
        return this;
    }

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            Shell.RunWithStatus(["kill", "-TERM", _process.Id.ToString()], out _);
            if (!_process.WaitForExit(15_000))
                _process.Kill(true);
        }
        _process?.Dispose();
    }
}
