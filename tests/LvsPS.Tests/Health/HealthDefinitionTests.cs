using System.Net;
using LvsPS.Native.Health;
using LvsPS.Native.Ipvs;
using static LvsPS.Tests.Health.HealthSim;

namespace LvsPS.Tests.Health;

/// <summary>keepalived-check.md §5: defaults per checker type, inheritance, and the definitions refused before anything starts.</summary>
public sealed class HealthDefinitionTests
{
    private static ResolvedHealthCheck Resolve(HealthCheck check, HealthCheckTiming? service = null, HealthCheckTiming? realServer = null, HealthCheckedRealServer? rs = null)
    {
        HealthCheckedRealServer r = (rs ?? Checked("10.0.0.7")) with { Timing = realServer ?? HealthCheckTiming.Inherit };
        var s = new HealthCheckedService(Vs) { Timing = service ?? HealthCheckTiming.Inherit, RealServers = new[] { r } };
        return HealthCheckResolver.Resolve(s, r, check);
    }

    [Theory]
    [InlineData(HealthCheckType.Tcp, 1, 1.0)]
    [InlineData(HealthCheckType.Http, 1, 3.0)]
    [InlineData(HealthCheckType.Https, 1, 3.0)]
    [InlineData(HealthCheckType.Smtp, 1, 1.0)]
    [InlineData(HealthCheckType.Udp, 1, 1.0)]
    [InlineData(HealthCheckType.Ping, 1, 1.0)]
    [InlineData(HealthCheckType.Dns, 3, 60.0)]
    [InlineData(HealthCheckType.Script, 0, 1.0)]
    public void Keepalived_defaults_differ_per_type(HealthCheckType type, int retry, double delayBeforeRetry)
    {
        HealthCheck check = type switch
        {
            HealthCheckType.Tcp => new TcpHealthCheck(),
            HealthCheckType.Http => new HttpHealthCheck { Urls = new[] { new HttpUrl("/") } },
            HealthCheckType.Https => new HttpHealthCheck { Urls = new[] { new HttpUrl("/") }, Tls = new() },
            HealthCheckType.Smtp => new SmtpHealthCheck(),
            HealthCheckType.Udp => new UdpHealthCheck(),
            HealthCheckType.Ping => new PingHealthCheck(),
            HealthCheckType.Dns => new DnsHealthCheck(),
            _ => new ScriptHealthCheck(new ExecutableHealthCommand(new[] { "/bin/true" })),
        };
        EffectiveTiming t = Resolve(check).Timing;
        Assert.Equal(type, check.Type);
        Assert.Equal((S(60), retry, S(delayBeforeRetry), S(60), S(5), false), (t.Interval, t.Retry, t.DelayBeforeRetry, t.Warmup, t.ConnectTimeout, t.Alpha));
    }

    [Fact]
    public void Dns_delay_before_retry_follows_the_effective_interval()
        => Assert.Equal(S(7), Resolve(new DnsHealthCheck(), service: new() { Interval = S(7) }).Timing.DelayBeforeRetry);

    [Fact]
    public void Each_setting_comes_from_the_check_then_the_real_server_then_the_service()
    {
        var service = new HealthCheckTiming { Interval = S(10), Retry = 4, DelayBeforeRetry = S(2), ConnectTimeout = S(3), Alpha = true };
        var realServer = new HealthCheckTiming { Interval = S(20), Retry = 5 };
        var check = new TcpHealthCheck { Timing = new() { Interval = S(30) } };
        EffectiveTiming t = Resolve(check, service, realServer).Timing;
        Assert.Equal((S(30), 5, S(2), S(30), S(3), true), (t.Interval, t.Retry, t.DelayBeforeRetry, t.Warmup, t.ConnectTimeout, t.Alpha));
    }

    [Fact]
    public void A_script_times_out_after_the_service_interval_by_default()
    {
        var script = new ScriptHealthCheck(new ExecutableHealthCommand(new[] { "/bin/true" }));
        Assert.Equal(S(15), Resolve(script, service: new() { Interval = S(15) }, realServer: new() { Interval = S(5) }).ScriptTimeout);
        Assert.Equal(S(60), Resolve(script).ScriptTimeout);
        Assert.Equal(S(2), Resolve(script with { Timeout = S(2) }).ScriptTimeout);
    }

    [Fact]
    public void Network_checks_connect_to_the_real_server_unless_told_otherwise()
    {
        Assert.Equal(IPEndPoint.Parse("10.0.0.7:80"), Resolve(new SmtpHealthCheck()).Target);
        Assert.Equal(IPEndPoint.Parse("10.0.0.7:53"), Resolve(new DnsHealthCheck { Connection = new() { ConnectPort = 53 } }).Target);
        Assert.Equal(IPEndPoint.Parse("10.9.9.9:80"), Resolve(new TcpHealthCheck { Connection = new() { ConnectAddress = IPAddress.Parse("10.9.9.9") } }).Target);
    }

    [Fact]
    public void The_http_host_comes_from_the_url_then_check_then_real_server_then_service_else_the_target()
    {
        var urls = new[] { new HttpUrl("/a") { VirtualHost = "url.example" }, new HttpUrl("/b") };
        var rs = Checked("10.0.0.7") with { VirtualHost = "rs.example" };
        var http = new HttpHealthCheck { Urls = urls, Tls = new() { EnableSni = true } };
        ResolvedHealthCheck r = Resolve(http, rs: rs);
        Assert.Equal(new[] { "url.example", "rs.example" }, r.UrlHosts);
        // keepalived's SNI skips the real server's virtualhost.
        Assert.Equal(new[] { "url.example", null }, r.UrlServerNames);
        Assert.Equal(new[] { "url.example", "check.example" }, Resolve(http with { VirtualHost = "check.example" }, rs: rs).UrlHosts);
        Assert.Equal(new[] { "url.example", "10.0.0.7:80" }, Resolve(http).UrlHosts);
        var v6 = new HealthCheckedRealServer(new RealServer { VirtualService = VirtualServiceKey.Parse("tcp/[2001:db8::3]:80"), Address = IPAddress.Parse("2001:db8::7"), Port = 8080 });
        Assert.Equal("[2001:db8::7]:8080", Resolve(http, rs: v6).UrlHosts[1]);
    }

    public static TheoryData<string, HealthCheckedService> Refused()
    {
        HealthCheckedService One(HealthCheckedRealServer rs) => new(Vs) { RealServers = new[] { rs } };
        HealthCheckedService With(HealthCheck check) => One(Checked("10.0.0.7", 1, check));
        var fwmark = VirtualServiceKey.ForFirewallMark(3);
        return new()
        {
            { "status_code '99'", With(new HttpHealthCheck { Urls = new[] { new HttpUrl("/") { StatusCodes = new[] { new HttpStatusRange(99, 99) } } } }) },
            { "status_code '300-200'", With(new HttpHealthCheck { Urls = new[] { new HttpUrl("/") { StatusCodes = new[] { new HttpStatusRange(300, 200) } } } }) },
            { "digest 'abc'", With(new HttpHealthCheck { Urls = new[] { new HttpUrl("/") { Digest = "abc" } } }) },
            { "url: an HTTP check needs at least one url", With(new HttpHealthCheck()) },
            { "path '/a b'", With(new HttpHealthCheck { Urls = new[] { new HttpUrl("/a b") } }) },
            { "delay_loop '-1'", With(new TcpHealthCheck { Timing = new() { Interval = S(-1) } }) },
            { "delay_loop '0'", With(new TcpHealthCheck { Timing = new() { Interval = TimeSpan.Zero } }) },
            { "connect_timeout '0'", With(new TcpHealthCheck { Timing = new() { ConnectTimeout = TimeSpan.Zero } }) },
            { "retry '0': must be 1 or more here", new HealthCheckedService(Vs) { RealServers = new[] { Checked("10.0.0.7") }, Timing = new() { Retry = 0 } } },
            { "retry '-1'", With(new TcpHealthCheck { Timing = new() { Retry = -1 } }) },
            { "rise '0'", With(new TcpHealthCheck { Timing = new() { Rise = 0 } }) },
            { "misc_path '/nonexistent/check': no such program", With(new ScriptHealthCheck(new ExecutableHealthCommand(new[] { "/nonexistent/check" }))) },
            { "misc_path '/proc/version': is not executable", With(new ScriptHealthCheck(new ExecutableHealthCommand(new[] { "/proc/version" }))) },
            { "notify_down '/nonexistent/x'", One(Checked("10.0.0.7") with { NotifyDown = new ExecutableHealthCommand(new[] { "/nonexistent/x" }) }) },
            { "connect_port '0'", new HealthCheckedService(fwmark) { RealServers = new[] { new HealthCheckedRealServer(new RealServer { VirtualService = fwmark, Address = IPAddress.Parse("10.0.0.7") }) { Checks = new[] { new TcpHealthCheck() } } } } },
            { "ha_suspend", new HealthCheckedService(fwmark) { HaSuspend = true, RealServers = new[] { new HealthCheckedRealServer(new RealServer { VirtualService = fwmark, Address = IPAddress.Parse("10.0.0.7") }) } } },
            { "bind_if: the link-local address fe80::1", With(new TcpHealthCheck { Connection = new() { ConnectAddress = IPAddress.Parse("fe80::1") } }) },
            { "bindto '2001:db8::1'", With(new TcpHealthCheck { Connection = new() { BindAddress = IPAddress.Parse("2001:db8::1") } }) },
            { "bind_if 'averyveryverylongname'", With(new TcpHealthCheck { Connection = new() { BindInterface = "averyveryverylongname" } }) },
            { "name 'a..b'", With(new DnsHealthCheck { Name = "a..b" }) },
            { "require_reply 'zz'", With(new UdpHealthCheck { RequireReply = true, ReplyPattern = "zz" }) },
            { "require_reply 'ab': a reply pattern needs a required reply", With(new UdpHealthCheck { ReplyPattern = "ab" }) },
            { "real_server '10.0.0.7:80': is given twice", new HealthCheckedService(Vs) { RealServers = new[] { Checked("10.0.0.7"), Checked("10.0.0.7") } } },
            { "sorry_server '10.0.0.7:80'", new HealthCheckedService(Vs) { RealServers = new[] { Checked("10.0.0.7") }, SorryServer = Rs("10.0.0.7") } },
            { "real_server: the service has no real server", new HealthCheckedService(Vs) },
            { "ca '/nonexistent/ca.pem'", With(new HttpHealthCheck { Urls = new[] { new HttpUrl("/") }, Tls = new() { CertificateAuthorityPath = "/nonexistent/ca.pem" } }) },
        };
    }

    [Fact]
    public void A_refusal_names_the_service_real_server_or_check_it_is_about()
    {
        string Target(HealthCheckedService service) => Assert.Throws<HealthCheckDefinitionException>(() => HealthCheckValidation.Validate(service)).Target;
        Assert.Equal("tcp/10.0.0.3:80", Target(new HealthCheckedService(Vs) { RealServers = new[] { Checked("10.0.0.7") }, Timing = new() { Retry = 0 } }));
        Assert.Equal("tcp/10.0.0.3:80 -> 10.0.0.7:80", Target(new HealthCheckedService(Vs) { RealServers = new[] { Checked("10.0.0.7") with { Timing = new() { Retry = 0 } } } }));
        Assert.Equal("tcp/10.0.0.3:80 -> 10.0.0.7:80 TCP check", Target(new HealthCheckedService(Vs) { RealServers = new[] { Checked("10.0.0.7", 1, new TcpHealthCheck { Timing = new() { Retry = -1 } }) } }));
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void Bad_definitions_are_refused_with_the_setting_named(string expected, HealthCheckedService service)
    {
        var e = Assert.Throws<HealthCheckDefinitionException>(() => new HealthMonitor(new[] { service }));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_good_definition_of_every_type_is_accepted()
    {
        HealthCheck[] checks =
        {
            new TcpHealthCheck(), new PingHealthCheck(), new SmtpHealthCheck(), new DnsHealthCheck { Name = "example.org", RecordType = DnsRecordType.A },
            new UdpHealthCheck { Payload = new byte[] { 1, 2 }, RequireReply = true, ReplyPattern = "01XX" },
            new HttpHealthCheck { Urls = new[] { new HttpUrl("/health") { Digest = new string('a', 32), StatusCodes = new[] { new HttpStatusRange(200, 204), new HttpStatusRange(301, 301) } } } },
            new ScriptHealthCheck(new ExecutableHealthCommand(new[] { "true" })) { Dynamic = true },
            new FileHealthCheck("/run/lvsps-weight"),
        };
        var monitor = new HealthMonitor(new[] { new HealthCheckedService(Vs) { RealServers = new[] { Checked("10.0.0.7", 1, checks) } } });
        Assert.Equal(checks.Length, monitor.CheckCount);
    }

    [Fact]
    public void Two_services_with_the_same_key_are_refused()
        => Assert.Throws<HealthCheckDefinitionException>(() => new HealthMonitor(new[]
        {
            new HealthCheckedService(Vs) { RealServers = new[] { Checked("10.0.0.7") } },
            new HealthCheckedService(Vs) { RealServers = new[] { Checked("10.0.0.8") } },
        }));
}
