using LvsPS.Host.Tests.Infrastructure;
using LvsPS.Native.Health;
using LvsPS.Native.Runtime;

namespace LvsPS.Host.Tests.Health;

/// <summary>TCP, ping, UDP, DNS (dnsmasq), SMTP (aiosmtpd), scripts and files against real servers in a namespace, with faults.</summary>
public sealed class ProbeKindsTests : IClassFixture<ProbeFixture>
{
    private static readonly HealthCheckTiming OneSecond = new() { ConnectTimeout = TimeSpan.FromSeconds(1) };
    private readonly ProbeFixture _f;

    public ProbeKindsTests(ProbeFixture f) => _f = f;

    private NsServer Python(string code, params string[] args)
        => new(_f.ServerNs, _f.WebRoot, new[] { "/usr/bin/python3", "-u", "-c", code }.Concat(args).ToArray());

    private const string UdpEcho = "import socket,sys\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.bind((sys.argv[1],int(sys.argv[2])))\nprint('ready',flush=True)\nwhile True:\n d,a=s.recvfrom(2048)\n s.sendto(d,a)";
    private const string UdpSilent = "import socket,sys,time\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.bind((sys.argv[1],int(sys.argv[2])))\nprint('ready',flush=True)\ntime.sleep(3600)";

    [SkippableFact]
    public void Tcp_passes_on_a_listening_port_is_refused_on_a_closed_one_and_times_out_when_packets_are_dropped()
    {
        HostFacts.RequireRoot();
        using NsServer web = new NsServer(_f.ServerNs, _f.WebRoot, "/usr/bin/python3", "-m", "http.server", "9001", "--bind", _f.ServerAddress).WaitTcp(_f.Director, _f.ServerAddress, 9001);
        var tcp = new TcpHealthCheck { Timing = OneSecond };
        Assert.True(_f.Probe(tcp, 9001).Passed);
        Assert.Contains("refused", _f.Probe(tcp, 9002).Reason);
        _f.Segment.Isolate(2, true);
        try
        {
            ProbeResult dropped = _f.Probe(tcp, 9001);
            Assert.False(dropped.Passed);
            Assert.Contains("connect timed out after 1 s", dropped.Reason);
            Assert.InRange(dropped.Duration, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(2));
        }
        finally
        {
            _f.Segment.Isolate(2, false);
        }
    }

    [SkippableFact]
    public void A_one_shot_tcp_probe_closes_with_FIN_as_keepalived_does()
    {
        // keepalived 2.2.7 closes its checker sockets with FIN (SO_LINGER {1, 5}; lab/guest/keepalived-close.sh).
        HostFacts.RequireRoot();
        using NsServer listener = Python(NsServer.CloseReporter, _f.ServerAddress, "9003").WaitLog("ready");
        Assert.True(_f.Probe(new TcpHealthCheck { Timing = OneSecond }, 9003).Passed);
        Assert.True(Sh.Eventually(() => listener.Log.Contains("EOF") || listener.Log.Contains("RST"), TimeSpan.FromSeconds(5)), listener.Log);
        Assert.DoesNotContain("RST", listener.Log);
    }

    [SkippableFact]
    public void Ping_passes_for_an_address_that_answers_and_fails_for_one_that_does_not()
    {
        HostFacts.RequireRoot();
        var ping = new PingHealthCheck { Timing = OneSecond };
        ProbeResult ok = _f.Probe(ping, 0);
        Assert.True(ok.Passed, ok.Reason);
        ProbeResult silent = _f.Probe(ping, 0, address: _f.Segment.Subnet + ".77");
        Assert.False(silent.Passed);
        Assert.Contains("no echo reply", silent.Reason);
    }

    [SkippableFact]
    public void Ping6_passes_over_ICMPv6()
    {
        HostFacts.RequireRoot();
        string prefix = $"2001:db8:{_f.Segment.Subnet.Split('.')[1]}::";
        Sh.Try("ip", "-n", _f.Director, "addr", "add", prefix + "1/64", "dev", "eth0", "nodad");
        Sh.Try("ip", "-n", _f.ServerNs, "addr", "add", prefix + "2/64", "dev", "eth0", "nodad");
        var ping = new PingHealthCheck { Timing = OneSecond };
        // A fresh address: give neighbour discovery a few tries on a loaded machine.
        ProbeResult ok = default;
        Assert.True(Sh.Eventually(() => (ok = _f.Probe(ping, 0, address: prefix + "2")).Passed, TimeSpan.FromSeconds(5)), ok.Reason);
        Assert.False(_f.Probe(ping, 0, address: prefix + "99").Passed);
    }

    [SkippableFact]
    public void Udp_without_a_required_reply_fails_only_on_an_ICMP_error()
    {
        HostFacts.RequireRoot();
        var udp = new UdpHealthCheck { Timing = OneSecond };
        ProbeResult closed = _f.Probe(udp, 9101);
        Assert.False(closed.Passed);
        Assert.Contains("refused", closed.Reason);
        using NsServer silent = Python(UdpSilent, _f.ServerAddress, "9102").WaitLog("ready");
        Assert.True(_f.Probe(udp, 9102).Passed);
        using NsServer echo = Python(UdpEcho, _f.ServerAddress, "9103").WaitLog("ready");
        Assert.True(_f.Probe(udp, 9103).Passed);
    }

    [SkippableFact]
    public void Udp_with_a_required_reply_matches_it_with_wildcard_nibbles()
    {
        HostFacts.RequireRoot();
        using NsServer echo = Python(UdpEcho, _f.ServerAddress, "9104").WaitLog("ready");
        byte[] payload = { 0x01, 0x02, 0xAA, 0xBB };
        Assert.True(_f.Probe(new UdpHealthCheck { Payload = payload, RequireReply = true, ReplyPattern = "0102XXbB", Timing = OneSecond }, 9104).Passed);
        Assert.True(_f.Probe(new UdpHealthCheck { Payload = payload, RequireReply = true, ReplyPattern = "0X02", Timing = OneSecond }, 9104).Passed);
        ProbeResult wrong = _f.Probe(new UdpHealthCheck { Payload = payload, RequireReply = true, ReplyPattern = "0103", Timing = OneSecond }, 9104);
        Assert.False(wrong.Passed);
        Assert.Contains("byte 1", wrong.Reason);
        Assert.False(_f.Probe(new UdpHealthCheck { Payload = payload, RequireReply = true, MaxReplyLength = 3, Timing = OneSecond }, 9104).Passed);
        using NsServer silent = Python(UdpSilent, _f.ServerAddress, "9105").WaitLog("ready");
        Assert.Contains("no reply", _f.Probe(new UdpHealthCheck { RequireReply = true, Timing = OneSecond }, 9105).Reason);
    }

    [SkippableFact]
    public void Dns_passes_on_NOERROR_and_fails_on_another_rcode_or_no_server()
    {
        HostFacts.RequireRoot();
        Skip.IfNot(Sh.Has("dnsmasq"), "dnsmasq is not installed: run scripts/install-deps.sh");
        using NsServer dns = new NsServer(_f.ServerNs, _f.WebRoot, "dnsmasq", "-k", "--conf-file=/dev/null", "--user=root", "--pid-file=",
            $"--listen-address={_f.ServerAddress}", "--bind-interfaces", "--port=5353", "--no-resolv", "--no-hosts",
            "--local=/example.org/", "--address=/www.example.org/10.9.9.9", "--log-facility=-").WaitLog("started");
        Assert.True(Sh.Eventually(() => _f.Probe(new DnsHealthCheck { Name = "www.example.org", RecordType = DnsRecordType.A, Timing = OneSecond }, 5353).Passed, TimeSpan.FromSeconds(5)));
        ProbeResult nx = _f.Probe(new DnsHealthCheck { Name = "nx.example.org", RecordType = DnsRecordType.A, Timing = OneSecond }, 5353);
        Assert.False(nx.Passed);
        Assert.Contains("RCODE 3", nx.Reason);
        dns.Stop();
        Assert.False(_f.Probe(new DnsHealthCheck { Name = "www.example.org", Timing = OneSecond }, 5353).Passed);
    }

    [SkippableFact]
    public void Smtp_passes_the_220_HELO_250_QUIT_dialogue_and_fails_on_a_bad_greeting()
    {
        HostFacts.RequireRoot();
        Skip.IfNot(Sh.Try("/usr/bin/python3", "-c", "import aiosmtpd").Code == 0, "python3-aiosmtpd is not installed: run scripts/install-deps.sh");
        using NsServer smtp = new NsServer(_f.ServerNs, _f.WebRoot, "/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", $"{_f.ServerAddress}:2525")
            .WaitTcp(_f.Director, _f.ServerAddress, 2525);
        ProbeResult ok = _f.Probe(new SmtpHealthCheck { Timing = OneSecond }, 2525);
        Assert.True(ok.Passed, ok.Reason);
        const string Busy = "import socket,sys\ns=socket.socket()\ns.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\ns.bind((sys.argv[1],2526))\ns.listen()\nprint('ready',flush=True)\nwhile True:\n c,a=s.accept()\n c.sendall(b'421 busy\\r\\n')\n c.close()";
        using NsServer busy = Python(Busy, _f.ServerAddress).WaitLog("ready");
        ProbeResult refused = _f.Probe(new SmtpHealthCheck { Timing = OneSecond }, 2526);
        Assert.False(refused.Passed);
        Assert.Contains("421 busy", refused.Reason);
    }

    [SkippableFact]
    public void Http_timeouts_apply_to_each_read_not_to_the_whole_answer()
    {
        HostFacts.RequireRoot();
        const string Slow = "import socket,sys,time\ns=socket.socket()\ns.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\ns.bind((sys.argv[1],int(sys.argv[2])))\ns.listen()\nprint('ready',flush=True)\nd=float(sys.argv[3])\nwhile True:\n c,a=s.accept()\n c.recv(4096)\n time.sleep(d)\n c.sendall(b'HTTP/1.0 200 OK\\r\\n')\n time.sleep(d)\n c.sendall(b'\\r\\nok')\n c.close()";
        // Timeout 2 s; the server pauses 1.2 s twice (2.4 s in all), then 3.5 s.
        using NsServer slow = Python(Slow, _f.ServerAddress, "9201", "1.2").WaitLog("ready");
        var get = new HttpHealthCheck { Urls = new[] { new HttpUrl("/") }, Timing = new() { ConnectTimeout = TimeSpan.FromSeconds(2) } };
        ProbeResult patient = _f.Probe(get, 9201);
        Assert.True(patient.Passed, patient.Reason);
        Assert.True(patient.Duration > TimeSpan.FromSeconds(2.2), $"took {patient.Duration}");
        using NsServer slower = Python(Slow, _f.ServerAddress, "9202", "3.5").WaitLog("ready");
        ProbeResult late = _f.Probe(get, 9202);
        Assert.False(late.Passed);
        Assert.Contains("read timed out after 2 s", late.Reason);
    }

    [SkippableFact]
    public void Scripts_report_their_exit_code_and_a_timeout_kills_the_group_and_fails()
    {
        HostFacts.RequireRoot();
        string dir = _f.WebRoot;
        string Script(string name, string body)
        {
            string path = Path.Combine(dir, name);
            File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
            File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
            return path;
        }
        ProbeResult Run(string path, bool dynamic = false, double timeout = 5)
            => _f.Probe(new ScriptHealthCheck(new ExecutableHealthCommand(new ScriptCommand(path))) { Dynamic = dynamic, Timeout = TimeSpan.FromSeconds(timeout) }, 80);
        Assert.Equal((true, (int?)0), (Run(Script("ok.sh", "exit 0")).Passed, Run(Script("ok.sh", "exit 0")).ExitCode));
        Assert.False(Run(Script("fail.sh", "exit 1"), dynamic: true).Passed);
        ProbeResult weight = Run(Script("w.sh", "exit 7"), dynamic: true);
        Assert.Equal((true, (int?)7), (weight.Passed, weight.ExitCode));
        Assert.False(Run(Script("w.sh", "exit 7")).Passed);
        // The script runs inside the director's namespace.
        ProbeResult where = Run(Script("ns.sh", $"ip -o addr show dev eth0 | grep -q ' {_f.Segment.Address(1)}/'"));
        Assert.True(where.Passed, where.Reason);
        string marker = Path.Combine(dir, "child-alive");
        ProbeResult slow = Run(Script("slow.sh", $"trap '' TERM; (sleep 30; touch {marker}) & sleep 30"), timeout: 1);
        Assert.False(slow.Passed);
        Assert.Null(slow.ExitCode);
        Assert.InRange(slow.Duration, TimeSpan.FromSeconds(2.8), TimeSpan.FromSeconds(6));
    }

    [SkippableFact]
    public void A_file_reads_as_its_number_and_as_0_when_missing()
    {
        HostFacts.RequireRoot();
        string path = Path.Combine(_f.WebRoot, "weight");
        File.WriteAllText(path, "0x10\n");
        Assert.Equal(16L, _f.Probe(new FileHealthCheck(path), 80).FileValue);
        File.Delete(path);
        Assert.Equal(0L, _f.Probe(new FileHealthCheck(path), 80).FileValue);
    }
}
