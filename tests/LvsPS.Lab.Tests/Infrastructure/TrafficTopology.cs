using System.Diagnostics;
using LvsPS.Testing;

namespace LvsPS.Lab.Tests.Infrastructure;

/// <summary>
/// The plumbing of the traffic tests, built once per test class: four namespaces joined by two
/// bridges in the VM's own namespace, a tiny HTTP server (busybox httpd) in each real server
/// answering its own name. Only NICs, their addresses and the real servers' default route are
/// set here (with ip); everything LVS is left to the tests. Traffic, Proc and Operations lab tests
/// share it: as a class fixture, or one per test where a test needs the director's counters to itself.
///
///   client eth0 10.40.0.2/24  ─┐ LAN bridge ┌─ director eth0 10.40.0.1/24 (DR/TUN VIPs here)
///                              ├────────────┼─ rs1 eth0 10.40.0.11/24 (default via 10.40.0.1)
///                              │            └─ rs2 eth0 10.40.0.12/24 (default via 10.40.0.1)
///   client eth1 192.168.60.2/24 ── WAN bridge ── director eth1 192.168.60.1/24 (NAT VIP here)
/// </summary>
public sealed class TrafficTopology : IDisposable
{
    public const string DrVip = "10.40.0.100", TunVip = "10.40.0.101", NatVip = "192.168.60.100";
    public const string Rs1Address = "10.40.0.11", Rs2Address = "10.40.0.12";
    public const string ClientWan = "192.168.60.2", ClientWan2 = "192.168.60.3";

    private static int _instances;
    private readonly List<Process> _servers = new();
    // Unique per instance: test classes run in parallel, each with its own topology.
    private readonly string _suffix = $"{Environment.ProcessId % 10000}{Interlocked.Increment(ref _instances)}";
    private PowerShellSession? _ps;

    public TrafficTopology()
    {
        LabEnvironment.RequireLab();
        Client = $"lvcl{_suffix}"; Director = $"lvdi{_suffix}"; Rs1 = $"lvr1x{_suffix}"; Rs2 = $"lvr2x{_suffix}";
        Lan = $"lvlan{_suffix}"; Wan = $"lvwan{_suffix}";
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

    public string Client { get; }
    public string Director { get; }
    public string Rs1 { get; }
    public string Rs2 { get; }
    private string Lan { get; }
    private string Wan { get; }

    /// <summary>The real server's name as its HTTP server answers it.</summary>
    public string NameOf(string address) => address == Rs1Address ? "rs1" : "rs2";

    private void Build()
    {
        foreach (string bridge in new[] { Lan, Wan })
        {
            Shell.Run("ip", "link", "add", bridge, "type", "bridge");
            Shell.Run("ip", "link", "set", bridge, "up");
        }
        foreach (string ns in new[] { Client, Director, Rs1, Rs2 })
        {
            Shell.Run("ip", "netns", "add", ns);
            Exec(ns, "ip", "link", "set", "lo", "up");
        }
        Plug(Client, "eth0", Lan, "10.40.0.2/24");
        Plug(Client, "eth1", Wan, $"{ClientWan}/24");
        Exec(Client, "ip", "addr", "add", $"{ClientWan2}/24", "dev", "eth1");
        Plug(Director, "eth0", Lan, "10.40.0.1/24");
        Plug(Director, "eth1", Wan, "192.168.60.1/24");
        int n = 0;
        foreach ((string ns, string address) in new[] { (Rs1, Rs1Address), (Rs2, Rs2Address) })
        {
            n++;
            Plug(ns, "eth0", Lan, $"{address}/24");
            Exec(ns, "ip", "route", "add", "default", "via", "10.40.0.1");
            string root = Path.Combine(Path.GetTempPath(), $"lvsps-www-{_suffix}-rs{n}");
            Directory.CreateDirectory(root);
            File.WriteAllText(Path.Combine(root, "index.html"), $"rs{n}\n");
            var psi = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string a in new[] { "netns", "exec", ns, "busybox", "httpd", "-f", "-p", "80", "-h", root })
                psi.ArgumentList.Add(a);
            _servers.Add(Process.Start(psi)!);
        }
        foreach (string ns in new[] { Rs1, Rs2 })
            WaitForHttp(ns);
    }

    /// <summary>One PowerShell session for the class, opened on first use; LvsPS cmdlets target the director unless told otherwise.</summary>
    public PowerShellSession Ps => _ps ??= new PowerShellSession(Director);

    /// <summary>
    /// Makes the director a NAT director for <see cref="NatVip"/>: the VIP on its WAN side and IPv4
    /// forwarding on (with ip and sysctl, for tests whose subject is not the host-setup cmdlets).
    /// </summary>
    public void PrepareNatDirector()
    {
        Exec(Director, "ip", "addr", "add", $"{NatVip}/32", "dev", "eth1");
        Exec(Director, "sysctl", "-qw", "net.ipv4.ip_forward=1");
    }

    /// <summary>A veth from <paramref name="bridge"/> into <paramref name="ns"/>, named <paramref name="name"/> there, up, with <paramref name="address"/> (also used by the health twins).</summary>
    public static void Plug(string ns, string name, string bridge, string address)
    {
        string host = $"{ns}{name}";
        if (host.Length > 15)
            host = host[^15..];
        Shell.Run("ip", "link", "add", host, "type", "veth", "peer", "name", name, "netns", ns);
        Shell.Run("ip", "link", "set", host, "master", bridge, "up");
        Shell.Run("ip", "netns", "exec", ns, "ip", "link", "set", name, "up");
        Shell.Run("ip", "netns", "exec", ns, "ip", "addr", "add", address, "dev", name);
    }

    private void WaitForHttp(string ns)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            Shell.RunWithStatus(new[] { "ip", "netns", "exec", ns, "curl", "-s", "-o", "/dev/null", "--max-time", "2", "http://127.0.0.1/" }, out int rc);
            if (rc == 0)
                return;
            if (DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"busybox httpd did not come up in {ns}");
            Thread.Sleep(300);
        }
    }

    public string Exec(string ns, params string[] argv) => Shell.Run(["ip", "netns", "exec", ns, .. argv]);

    /// <summary>Makes <paramref name="count"/> HTTP requests from the client (one curl process each, in one shell) and returns who answered, in order.</summary>
    public List<string> Get(string vip, int count, string? source = null)
    {
        string iface = source is null ? "" : $"--interface {source} ";
        string script = $"for i in $(seq {count}); do curl -s --max-time 10 {iface}http://{vip}/ || echo FAILED; echo; done";
        return Exec(Client, "sh", "-c", script).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
    }

    /// <summary>Starts a request that connects now and sends its GET only after <paramref name="delaySeconds"/>; its output is who answered.</summary>
    public Process StartSlowRequest(string vip, int delaySeconds)
    {
        const string script = "import socket,sys,time\n" +
            "s=socket.create_connection((sys.argv[1],80),timeout=60)\n" +
            "time.sleep(float(sys.argv[2]))\n" +
            "s.sendall(b'GET / HTTP/1.0\\r\\n\\r\\n')\n" +
            "d=b''\n" +
            "while True:\n" +
            "    c=s.recv(4096)\n" +
            "    if not c: break\n" +
            "    d+=c\n" +
            "print(d.split(b'\\r\\n\\r\\n',1)[-1].decode().strip())\n";
        var psi = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "netns", "exec", Client, "/usr/bin/python3", "-c", script, vip, $"{delaySeconds}" })
            psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }

    /// <summary>The MAC address of a namespace's interface, lower case.</summary>
    public string MacOf(string ns, string dev)
    {
        string text = Exec(ns, "ip", "-o", "link", "show", dev);
        int at = text.IndexOf("link/ether ", StringComparison.Ordinal);
        return text.Substring(at + 11, 17).ToLowerInvariant();
    }

    public void Dispose()
    {
        _ps?.Dispose();
        foreach (Process p in _servers)
        {
            try { p.Kill(entireProcessTree: true); p.WaitForExit(5000); } catch (InvalidOperationException) { }
            p.Dispose();
        }
        foreach (string ns in new[] { Client, Director, Rs1, Rs2 })
            Shell.RunWithStatus(new[] { "ip", "netns", "del", ns }, out _);
        foreach (string bridge in new[] { Lan, Wan })
            Shell.RunWithStatus(new[] { "ip", "link", "del", bridge }, out _);
    }
}
