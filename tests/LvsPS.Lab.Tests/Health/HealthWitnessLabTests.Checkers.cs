using LvsPS.Lab.Tests.Infrastructure;
using LvsPS.Testing;
using Xunit;

namespace LvsPS.Lab.Tests.Health;

/// <summary>The other checker types (TCP, SMTP, DNS, UDP, PING, MISC with dynamic weight, SSL, FILE) against keepalived, fault by fault.</summary>
public sealed partial class HealthWitnessLabTests
{
    [Fact]
    public void Every_other_checker_type_matches_keepalived_on_fault_and_recovery()
    {
        string[] rs = { "rs1", "rs2", "rs3", "rs4", "rs5", "rs6", "rs7", "rs8" };
        using var a = new HealthTwin('A', rs);
        using var b = new HealthTwin('B', rs);
        foreach (HealthTwin t in new[] { a, b })
        {
            StartServices(t);
            File.WriteAllText(Path.Combine(t.Root("rs6"), "exit"), "0");
            File.WriteAllText(Path.Combine(t.Root("rs6"), "check.sh"), $"#!/bin/sh\nexit $(cat {t.Root("rs6")}/exit)\n");
            File.SetUnixFileMode(Path.Combine(t.Root("rs6"), "check.sh"), (UnixFileMode)0b111_101_101);
            File.WriteAllText(Path.Combine(t.Root("rs8"), "value"), "0\n");
        }
        string Common = "connect_timeout 2\n            retry 1\n            delay_before_retry 1";
        string Rs(string r, string checker) => $$"""
                real_server {{HealthTwin.AddressOf(r)}} 80 {
                    weight 1
                    {{checker}}
                }

            """;
        string config = $$"""
            global_defs {
                router_id twinB
            }
            track_file tf8 {
                file {{b.Root("rs8")}}/value
                weight 2
            }
            virtual_server {{HealthTwin.Vip}} 80 {
                delay_loop 1
                lb_algo wrr
                lb_kind NAT
                protocol TCP
            {{Rs("rs1", $"TCP_CHECK {{\n            {Common}\n        }}")}}
            {{Rs("rs2", $"SMTP_CHECK {{\n            connect_port 2525\n            {Common}\n        }}")}}
            {{Rs("rs3", $"DNS_CHECK {{\n            connect_port 53\n            type A\n            name www.example.org\n            {Common}\n        }}")}}
            {{Rs("rs4", $"UDP_CHECK {{\n            connect_port 5000\n            payload 0102\n            require_reply 0102\n            {Common}\n        }}")}}
            {{Rs("rs5", $"PING_CHECK {{\n            {Common}\n        }}")}}
            {{Rs("rs6", $"MISC_CHECK {{\n            misc_path \"{b.Root("rs6")}/check.sh\"\n            misc_timeout 20\n            misc_dynamic\n            retry 1\n            delay_before_retry 1\n        }}")}}
            {{Rs("rs7", $"SSL_GET {{\n            url {{\n                path /health\n                digest {HealthyDigest}\n            }}\n            connect_port 443\n            {Common}\n        }}")}}
            {{Rs("rs8", "FILE_CHECK {\n            track_file tf8\n        }")}}
            }
            """;
        using var keepalived = new KeepalivedChecker(b.Director, b.Dir, config).Start();
        using var ps = new PowerShellSession(a.Director);
        ps.Run("""
            param($dir, $digest)
            New-LvsVirtualService tcp/192.168.70.100:80 -Scheduler wrr
            foreach ($n in 11..18) { Add-LvsRealServer tcp/192.168.70.100:80 "10.50.0.${n}:80" -Forwarding Masquerade -Weight 1 }
            $t = @{ ConnectTimeout = 2; Retry = 1; DelayBeforeRetry = 1; Interval = 1 }
            Start-LvsHealthCheck tcp/192.168.70.100:80 -Name types -RealServerCheck @{
                '10.50.0.11' = New-LvsHealthCheck @t
                '10.50.0.12' = New-LvsHealthCheck -Type Smtp -ConnectPort 2525 @t
                '10.50.0.13' = New-LvsHealthCheck -Type Dns -ConnectPort 53 -DnsType A -DnsName www.example.org @t
                '10.50.0.14' = New-LvsHealthCheck -Type Udp -ConnectPort 5000 -Payload 0102 -ReplyPattern 0102 @t
                '10.50.0.15' = New-LvsHealthCheck -Type Ping @t
                '10.50.0.16' = New-LvsHealthCheck -Command "$dir/rs6/check.sh" -ScriptTimeout 20 -DynamicWeight -Retry 1 -DelayBeforeRetry 1 -Interval 1
                '10.50.0.17' = New-LvsHealthCheck -Type Https -Url @{ Path = '/health'; Digest = $digest } -ConnectPort 443 @t
                '10.50.0.18' = New-LvsHealthCheck -Path "$dir/rs8/value" -FileWeight 2 -Interval 1
            } | Out-Null
            """, a.Dir, HealthyDigest);
        List<string> T(params (string, int)[] changed)
        {
            var weights = rs.ToDictionary(r => r, _ => 1);
            foreach ((string r, int w) in changed)
                weights[r] = w;
            return Table(weights.Where(kv => kv.Value >= 0).Select(kv => (kv.Key, kv.Value)).ToArray());
        }
        void Both(Action<HealthTwin> fault) { fault(a); fault(b); }
        try
        {
            Converge("start", a, b, T(), () => keepalived.Log);
            Both(t => t.StopWeb("rs1"));
            Converge("TCP: rs1's server stopped", a, b, T(("rs1", -1)));
            Both(t => t.Kill("rs2", "smtp"));
            Converge("SMTP: rs2's server stopped", a, b, T(("rs1", -1), ("rs2", -1)));
            Both(t => t.Kill("rs3", "dns"));
            Converge("DNS: rs3's server stopped", a, b, T(("rs1", -1), ("rs2", -1), ("rs3", -1)));
            Both(t => t.Kill("rs4", "udp"));
            Converge("UDP: rs4's echo stopped", a, b, T(("rs1", -1), ("rs2", -1), ("rs3", -1), ("rs4", -1)));
            Both(t => t.Drop("rs5", true));
            Converge("PING: rs5 drops everything", a, b, T(("rs1", -1), ("rs2", -1), ("rs3", -1), ("rs4", -1), ("rs5", -1)));
            Both(t => File.WriteAllText(Path.Combine(t.Root("rs6"), "exit"), "5"));
            Converge("MISC: rs6 exits 5 (weight 3)", a, b, T(("rs1", -1), ("rs2", -1), ("rs3", -1), ("rs4", -1), ("rs5", -1), ("rs6", 3)));
            Both(t => File.WriteAllText(Path.Combine(t.Root("rs6"), "exit"), "1"));
            Converge("MISC: rs6 exits 1", a, b, T(("rs1", -1), ("rs2", -1), ("rs3", -1), ("rs4", -1), ("rs5", -1), ("rs6", -1)));
            Both(t => t.Kill("rs7", "tls"));
            Converge("SSL: rs7's server stopped", a, b, T(("rs1", -1), ("rs2", -1), ("rs3", -1), ("rs4", -1), ("rs5", -1), ("rs6", -1), ("rs7", -1)));
            Both(t => File.WriteAllText(Path.Combine(t.Root("rs8"), "value"), "3\n"));
            Converge("FILE: rs8 reads 3 (weight 1 + 3 x 2)", a, b, T(("rs1", -1), ("rs2", -1), ("rs3", -1), ("rs4", -1), ("rs5", -1), ("rs6", -1), ("rs7", -1), ("rs8", 7)));
            Both(t =>
            {
                t.StartWeb("rs1");
                StartServices(t);
                t.Drop("rs5", false);
                File.WriteAllText(Path.Combine(t.Root("rs6"), "exit"), "0");
                File.WriteAllText(Path.Combine(t.Root("rs8"), "value"), "0\n");
            });
            Converge("every server back", a, b, T());
        }
        finally
        {
            ps.Invoke("Stop-LvsHealthCheck types -Confirm:$false");
            output.WriteLine("keepalived log:\n" + keepalived.Log);
        }
    }

    /// <summary>SMTP (aiosmtpd), DNS (dnsmasq), a UDP echo and TLS (openssl s_server -WWW) on the real servers that need them.</summary>
    private static void StartServices(HealthTwin t)
    {
        // aiosmtpd names itself with getfqdn() unless told: without DNS in the namespace that lookup outlasts the check's timeout.
        t.Start("rs2", "smtp", "/usr/bin/python3", "-c",
            "import time\nfrom aiosmtpd.controller import Controller\nfrom aiosmtpd.handlers import Sink\n" +
            "Controller(Sink(), hostname='10.50.0.12', port=2525, server_hostname='rs2.example', ready_timeout=60).start()\nwhile True: time.sleep(3600)");
        t.Start("rs3", "dns", "dnsmasq", "-k", "--conf-file=/dev/null", "--user=root", "--pid-file=", "--listen-address=10.50.0.13", "--bind-interfaces",
            "--port=53", "--no-resolv", "--no-hosts", "--address=/www.example.org/10.9.9.9", "--log-facility=-");
        t.Start("rs4", "udp", "/usr/bin/python3", "-c",
            "import socket\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.bind(('10.50.0.14',5000))\nwhile True:\n d,a=s.recvfrom(2048)\n s.sendto(d,a)");
        string tls = t.Root("rs7");
        if (!File.Exists(Path.Combine(tls, "key.pem")))
            Shell.Run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=rs7", "-days", "2", "-keyout", Path.Combine(tls, "key.pem"), "-out", Path.Combine(tls, "cert.pem"));
        t.Start("rs7", "tls", "openssl", "s_server", "-accept", "10.50.0.17:443", "-WWW", "-quiet", "-cert", Path.Combine(tls, "cert.pem"), "-key", Path.Combine(tls, "key.pem"));
        t.WaitTcp("rs2", 2525);
        t.WaitTcp("rs7", 443);
    }
}
