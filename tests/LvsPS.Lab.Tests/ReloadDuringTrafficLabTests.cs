using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LvsPS.Lab.Tests.Infrastructure;
using LvsPS.Native.Configuration.Director;
using LvsPS.Native.Configuration.Keepalived;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Namespaces;
using LvsPS.Testing;
using Xunit;
using Xunit.Abstractions;

namespace LvsPS.Lab.Tests;

/// <summary>
/// Reload during traffic, in twin NAT directors (client, director and real servers in namespaces
/// of their own): a long-lived TCP connection through the VIP to the real server that an edit
/// removes. keepalived 2.2.7's reload (SIGHUP) deletes that real server at once and the kernel
/// drops the connection's packets from then on; LvsPS's reload drains it (weight 0): the
/// connection goes on, and the real server is removed once its connection has ended, well before
/// the drain timeout.
/// </summary>
public sealed class ReloadDuringTrafficLabTests(ITestOutputHelper output) : IDisposable
{
    private const string Vip = "192.168.70.100";
    private const int Port = 9000;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(110);
    private readonly Twin _keepalived = new('k');
    private readonly Twin _lvsps = new('l');
    private readonly string _dir = Directory.CreateTempSubdirectory("lvsps-reload-lab-").FullName;

    public void Dispose()
    {
        _keepalived.Dispose();
        _lvsps.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>rs1 takes every new connection (rs2 has weight 0); the edit removes rs1 and gives rs2 weight 1.</summary>
    private static string Conf(bool edited) => $$"""
        virtual_server {{Vip}} {{Port}} {
          protocol TCP
          lb_algo wrr
          lb_kind NAT
        {{(edited ? "" : $"  real_server 10.50.0.11 {Port} {{\n    weight 1\n  }}\n")}}  real_server 10.50.0.12 {{Port}} {
            weight {{(edited ? 1 : 0)}}
          }
        }
        """;

    [Fact]
    public async Task A_removed_real_servers_connection_is_drained_by_LvsPS_and_cut_by_keepalived()
    {
        Assert.True(Keepalived.Available, "keepalived must be installed on the host (the VM shares its root)");
        string conf = Path.Combine(_dir, "keepalived.conf");
        File.WriteAllText(conf, Conf(edited: false));
        RunningDirector director = RunningDirector.Start(KeepalivedFile.Read(conf), new DirectorRunOptions
        {
            Name = "reload",
            NetworkNamespace = _lvsps.Director,
            OpenIpvs = ns => IpvsClient.Open(ns),
            DrainTimeout = DrainTimeout,
        });
        using KeepalivedDaemon keepalived = new KeepalivedDaemon(_keepalived.Director, conf, _dir, checkerOnly: true).Start();
        try
        {
            string rs1 = $"-a -t {Vip}:{Port} -r 10.50.0.11:{Port} -m -w";
            string rs2 = $"-a -t {Vip}:{Port} -r 10.50.0.12:{Port} -m -w";
            string service = $"-A -t {Vip}:{Port} -s wrr";
            Reach("start", _keepalived, [service, $"{rs1} 1", $"{rs2} 0"], keepalived);
            Reach("start", _lvsps, [service, $"{rs1} 1", $"{rs2} 0"], keepalived);
            using Socket theirs = _keepalived.Connect(), ours = _lvsps.Connect();
            Assert.Equal("rs1 hello", Exchange(theirs, "hello"));
            Assert.Equal("rs1 hello", Exchange(ours, "hello"));

            File.WriteAllText(conf, Conf(edited: true));
            DirectorReloadResult result = director.Reload(KeepalivedFile.Read(conf));
            Assert.Empty(result.Errors);
            keepalived.Reload();
            var reloaded = Stopwatch.StartNew();
            Reach("keepalived's reload", _keepalived, [service, $"{rs2} 1"], keepalived);
            Reach("LvsPS's reload (rs1 drained)", _lvsps, [service, $"{rs1} 0", $"{rs2} 1"], keepalived);

            Assert.Equal("rs1 still there?", Exchange(ours, "still there?"));
            Assert.Null(ExchangeOrNothing(theirs, "still there?", TimeSpan.FromSeconds(5)));
            Assert.Contains($"{rs1} 0", _lvsps.Rules());
            using (Socket fresh = _lvsps.Connect())
                Assert.Equal("rs2 new", Exchange(fresh, "new"));

            // The connection ends (RST: IPVS keeps a closed entry 10 s): then LvsPS removes rs1, long before the drain timeout.
            ours.LingerState = new LingerOption(true, 0);
            ours.Close();
            var closed = Stopwatch.StartNew();
            Reach("the drained connection ended", _lvsps, [service, $"{rs2} 1"], keepalived);
            output.WriteLine($"LvsPS removed the drained real server {closed.Elapsed.TotalSeconds:0.0} s after its connection ended "
                + $"({reloaded.Elapsed.TotalSeconds:0.0} s after the reload; drain timeout {DrainTimeout.TotalSeconds} s)");
            Assert.True(reloaded.Elapsed < DrainTimeout, "rs1 went only at the drain timeout, not when its connection ended");
            Assert.Empty(director.PendingDrains);
        }
        finally
        {
            await director.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    private void Reach(string stage, Twin twin, string[] expected, KeepalivedDaemon keepalived)
    {
        string[] sorted = [.. expected.Order(StringComparer.Ordinal)];
        var watch = Stopwatch.StartNew();
        bool reached = Sh.Eventually(() => twin.Rules().SequenceEqual(sorted), Settle, 100);
        output.WriteLine($"{stage}, {twin.Name}: {(reached ? "reached" : "NOT reached")} in {watch.Elapsed.TotalSeconds:0.0} s");
        Assert.True(reached, $"{stage}: {twin.Name}'s table after {watch.Elapsed.TotalSeconds:0.#} s:\n{string.Join('\n', twin.Rules())}\n"
            + $"expected:\n{string.Join('\n', sorted)}\nkeepalived's log:\n{keepalived.Log}");
    }

    /// <summary>Sends a line and reads the answer line (30 s at most).</summary>
    private static string Exchange(Socket socket, string line)
        => ExchangeOrNothing(socket, line, TimeSpan.FromSeconds(30)) ?? throw new TimeoutException($"no answer to '{line}' within 30 s");

    /// <summary>Sends a line; the answer line, or null when nothing comes within <paramref name="wait"/> or the connection is reset.</summary>
    private static string? ExchangeOrNothing(Socket socket, string line, TimeSpan wait)
    {
        socket.Send(Encoding.ASCII.GetBytes(line + "\n"));
        socket.ReceiveTimeout = (int)wait.TotalMilliseconds;
        var answer = new StringBuilder();
        var buffer = new byte[256];
        try
        {
            while (!answer.ToString().EndsWith('\n'))
            {
                int n = socket.Receive(buffer);
                if (n == 0)
                    return null;
                answer.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock or SocketError.ConnectionReset)
        {
            return null;
        }
        return answer.ToString().TrimEnd('\n');
    }

    /// <summary>
    /// One NAT director with its client and real servers: client eth0 192.168.70.2 ── director eth1
    /// 192.168.70.1 (VIP .100); director eth0 10.50.0.1 ── real servers eth0 10.50.0.11 (rs1) and
    /// .12 (rs2), one namespace, each address a line-echo server that prefixes its name.
    /// </summary>
    private sealed class Twin : IDisposable
    {
        private static int s_count;
        private readonly string _p;
        private readonly List<TcpListener> _listeners = new();
        private readonly CancellationTokenSource _stop = new();

        public Twin(char name)
        {
            Name = name == 'k' ? "keepalived" : "LvsPS";
            _p = $"rl{name}{Environment.ProcessId % 1000}{Interlocked.Increment(ref s_count)}";
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

        public string Name { get; }
        public string Director => $"{_p}d";
        private string Client => $"{_p}c";
        private string RealServers => $"{_p}r";

        private void Build()
        {
            foreach (string ns in new[] { Director, Client, RealServers })
            {
                Sh.Run("ip", "netns", "add", ns);
                Sh.Run("ip", "-n", ns, "link", "set", "lo", "up");
            }
            Link(Client, "eth0", "192.168.70.2/24", Director, "eth1", "192.168.70.1/24");
            Link(RealServers, "eth0", "10.50.0.11/24", Director, "eth0", "10.50.0.1/24");
            Sh.Run("ip", "-n", RealServers, "addr", "add", "10.50.0.12/24", "dev", "eth0");
            Sh.Run("ip", "-n", RealServers, "route", "add", "default", "via", "10.50.0.1");
            Sh.Run("ip", "-n", Director, "addr", "add", $"{Vip}/32", "dev", "eth1");
            Sh.Run("ip", "netns", "exec", Director, "sysctl", "-qw", "net.ipv4.ip_forward=1");
            Echo("rs1", "10.50.0.11");
            Echo("rs2", "10.50.0.12");
        }

        private static void Link(string a, string aName, string aAddress, string b, string bName, string bAddress)
        {
            Sh.Run("ip", "-n", a, "link", "add", aName, "type", "veth", "peer", "name", bName, "netns", b);
            Sh.Run("ip", "-n", a, "addr", "add", aAddress, "dev", aName);
            Sh.Run("ip", "-n", b, "addr", "add", bAddress, "dev", bName);
            Sh.Run("ip", "-n", a, "link", "set", aName, "up");
            Sh.Run("ip", "-n", b, "link", "set", bName, "up");
        }

        private void Echo(string name, string address)
        {
            TcpListener listener = NetworkNamespace.Run(RealServers, () =>
            {
                var l = new TcpListener(IPAddress.Parse(address), Port);
                l.Start();
                return l;
            });
            _listeners.Add(listener);
            _ = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    Socket s = await listener.AcceptSocketAsync(_stop.Token);
                    _ = Task.Run(() => Serve(s, name));
                }
            });
        }

        private async Task Serve(Socket socket, string name)
        {
            using (socket)
            using (var stream = new NetworkStream(socket))
            using (var reader = new StreamReader(stream, Encoding.ASCII))
            {
                try
                {
                    while (await reader.ReadLineAsync(_stop.Token) is { } line)
                        await stream.WriteAsync(Encoding.ASCII.GetBytes($"{name} {line}\n"), _stop.Token);
                }
                catch (Exception e) when (e is IOException or OperationCanceledException or SocketException) { }
            }
        }

        /// <summary>A TCP connection from the client to the VIP.</summary>
        public Socket Connect() => NetworkNamespace.Run(Client, () =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            s.Connect(IPAddress.Parse(Vip), Port);
            return s;
        });

        public IReadOnlyList<string> Rules() => LabNamespace.Attach(Director).SavedRules();

        public void Dispose()
        {
            _stop.Cancel();
            foreach (TcpListener l in _listeners)
                l.Stop();
            foreach (string ns in new[] { Client, RealServers, Director })
                Sh.Try("ip", "netns", "del", ns);
        }
    }
}
