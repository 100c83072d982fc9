using System.Net;
using System.Net.Sockets;
using System.Management.Automation;
using LvsPS.Testing;
using Xunit;

namespace LvsPS.Cmdlet.Tests;

/// <summary>
/// The health-check cmdlets against the in-memory IPVS, with real TCP listeners on 127.0.0.1 as real
/// servers: parameters refused before anything starts, then start, wait, read, stop, and what IPVS holds.
/// </summary>
[Collection(HealthWorkersCollection.Name)]
public sealed class HealthCheckCmdletTests(SessionFixture fixture) : IClassFixture<SessionFixture>, IDisposable
{
    private readonly PowerShellSession _ps = fixture.Session;
    private readonly InMemoryIpvsSwitch _ipvs = new(fixture.Session);
    private readonly TcpListener _listener = Listen();

    private static TcpListener Listen()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start(100);
        _ = Task.Run(async () =>
        {
            try
            {
                while (true)
                    (await l.AcceptSocketAsync()).Dispose();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
        });
        return l;
    }

    private int Open => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>A port nothing listens on.</summary>
    private static int Closed()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static string[] Ids(PowerShellSession.Result r) => r.AllErrors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]).ToArray();

    public void Dispose()
    {
        _ps.Invoke("Get-LvsHealthCheck | Stop-LvsHealthCheck -Confirm:$false");
        _ipvs.Dispose();
        _listener.Stop();
    }

    private int _closed;

    private void Service()
    {
        _closed = Closed();
        _ps.Run($"New-LvsVirtualService tcp/10.0.0.3:80 -Scheduler wrr; Add-LvsRealServer tcp/10.0.0.3:80 127.0.0.1:{Open} -Forwarding Masquerade -Weight 3; Add-LvsRealServer tcp/10.0.0.3:80 127.0.0.1:{_closed} -Forwarding Masquerade -Weight 5");
    }

    [Theory]
    [InlineData("-Type Tcp -Url /health", "HealthCheckOptionConflict")]
    [InlineData("-Type Tcp -EnableSni", "HealthCheckOptionConflict")]
    [InlineData("-Url /health -EnableSni -Type Http", "HealthCheckOptionConflict")]
    [InlineData("-Command /bin/true -ConnectPort 80", "HealthCheckOptionConflict")]
    [InlineData("-Url /health -StatusCode 99", "InvalidHealthCheck")]
    [InlineData("-Url /health -StatusCode 2xx", "InvalidHealthCheck")]
    [InlineData("-Url /health -Digest abc", "InvalidHealthCheck")]
    [InlineData("-Command /nonexistent/check", "InvalidHealthCheck")]
    [InlineData("-Command /proc/version", "InvalidHealthCheck")]
    [InlineData("-Type Udp -ReplyPattern zz", "InvalidHealthCheck")]
    [InlineData("-Type Udp -Payload xyz", "InvalidHealthCheck")]
    [InlineData("-Interval -1", "ParameterArgumentValidationError")]
    [InlineData("-ConnectPort 70000", "ParameterArgumentValidationError")]
    [InlineData("-Retry -2", "ParameterArgumentValidationError")]
    [InlineData("-ConnectAddress 10.1", "ParameterArgumentTransformationError")]
    [InlineData("-Check (New-LvsHealthCheck) -Url /x", "HealthCheckOptionConflict")]
    public void Bad_parameters_are_refused_and_nothing_starts(string options, string id)
    {
        Service();
        PowerShellSession.Result r = _ps.Invoke(Expect.CatchTerminating($"Start-LvsHealthCheck tcp/10.0.0.3:80 {options} -Name bad"));
        string error = r.Output.Count > 0 && r.Output[0].BaseObject is ErrorRecord e ? e.FullyQualifiedErrorId : string.Join(",", Ids(r));
        Assert.StartsWith(id, error);
        Assert.Empty(_ps.Run("Get-LvsHealthCheck bad -ErrorAction SilentlyContinue"));
    }

    [Fact]
    public void A_service_without_real_servers_or_a_missing_one_starts_nothing()
    {
        _ps.Run("New-LvsVirtualService tcp/10.0.4.91:80");
        PowerShellSession.Result empty = _ps.Invoke(Expect.CatchTerminating("Start-LvsHealthCheck tcp/10.0.4.91:80"));
        Assert.Contains("NoRealServerToCheck", ((ErrorRecord)empty.Output[0].BaseObject).FullyQualifiedErrorId);
        PowerShellSession.Result missing = _ps.Invoke(Expect.CatchTerminating("Start-LvsHealthCheck tcp/10.9.4.91:80"));
        Assert.Contains("VirtualServiceNotFound", Ids(missing));
        Assert.DoesNotContain(_ps.Run("Get-LvsHealthCheck"), o => o.ToString()!.Contains("10.0.4.91") || o.ToString()!.Contains("10.9.4.91"));
    }

    [Fact]
    public void WhatIf_says_what_would_start_and_starts_nothing()
    {
        Service();
        PowerShellSession.Result r = _ps.Invoke("Start-LvsHealthCheck tcp/10.0.0.3:80 -Url /health -Name w -WhatIf");
        Assert.Empty(r.AllErrors);
        Assert.Contains("What if: Performing the operation \"Start health checks 'w': HTTP 1.0 /health\" on target \"tcp/10.0.0.3:80 (2 real servers)\".", r.HostText);
        Assert.Empty(_ps.Run("Get-LvsHealthCheck w -ErrorAction SilentlyContinue"));
    }

    [Fact]
    public void A_dead_real_server_leaves_IPVS_and_Stop_Restore_puts_it_back()
    {
        Service();
        object[] started = _ps.Run("Start-LvsHealthCheck tcp/10.0.0.3:80 -Interval 0.2 -Retry 0 -Warmup 0 -ConnectTimeout 1 -Name web").Select(o => o.BaseObject).ToArray();
        Assert.Equal(2, started.Length);
        PowerShellSession.Result down = _ps.Invoke($"Wait-LvsHealthCheck web -Address 127.0.0.1:{_closed} -State Down -Timeout 15");
        Assert.Empty(down.AllErrors);
        Assert.Equal(new[] { "-A -t 10.0.0.3:80 -s wrr", $"-a -t 10.0.0.3:80 -r 127.0.0.1:{Open} -m -w 3" }, _ipvs.Rules());
        Assert.Empty(_ps.Invoke($"Wait-LvsHealthCheck web -Address 127.0.0.1:{Open} -Timeout 15").AllErrors);
        string[] rows = _ps.Run("Get-LvsHealthCheck web | ForEach-Object { \"$($_.RealServer) $($_.Type) $($_.State) $($_.Weight) $($_.LastPassed)\" }").Select(o => o.ToString()).ToArray();
        Assert.Equal(new[] { $"127.0.0.1:{Open} Tcp Up 3 True", $"127.0.0.1:{_closed} Tcp Down  False" }.OrderBy(s => s, StringComparer.Ordinal), rows.OrderBy(s => s, StringComparer.Ordinal));
        Assert.Contains("refused", _ps.Run($"(Get-LvsHealthCheck -State Down).Reason").Single().ToString());
        _ps.Run("Stop-LvsHealthCheck web -Restore -Confirm:$false");
        Assert.Equal(new[] { "-A -t 10.0.0.3:80 -s wrr", $"-a -t 10.0.0.3:80 -r 127.0.0.1:{Open} -m -w 3", $"-a -t 10.0.0.3:80 -r 127.0.0.1:{_closed} -m -w 5" }.Order(StringComparer.Ordinal),
            _ipvs.Rules().Order(StringComparer.Ordinal));
        Assert.Empty(_ps.Run("Get-LvsHealthCheck web -ErrorAction SilentlyContinue"));
    }

    [Fact]
    public void Inhibit_keeps_the_dead_real_server_at_weight_0_and_piped_real_servers_are_checked()
    {
        Service();
        _ps.Run($"Get-LvsRealServer tcp/10.0.0.3:80 | Start-LvsHealthCheck -Interval 0.2 -Retry 0 -Warmup 0 -InhibitOnFailure -Name inh");
        Assert.Empty(_ps.Invoke($"Wait-LvsHealthCheck inh -Address 127.0.0.1:{_closed} -State Down -Timeout 15").AllErrors);
        Assert.Contains($"-a -t 10.0.0.3:80 -r 127.0.0.1:{_closed} -m -w 0", _ipvs.Rules());
        Assert.Contains($"-a -t 10.0.0.3:80 -r 127.0.0.1:{Open} -m -w 3", _ipvs.Rules());
    }

    [Fact]
    public void A_real_server_checked_already_is_refused_and_a_name_in_use_too()
    {
        Service();
        _ps.Run("Start-LvsHealthCheck tcp/10.0.0.3:80 -Interval 5 -Name first");
        PowerShellSession.Result again = _ps.Invoke(Expect.CatchTerminating("Start-LvsHealthCheck tcp/10.0.0.3:80 -Interval 5 -Name second"));
        ErrorRecord e = (ErrorRecord)again.Output[0].BaseObject;
        Assert.StartsWith("HealthCheckExists", e.FullyQualifiedErrorId);
        Assert.Contains("Stop-LvsHealthCheck first", e.Exception.Message);
        Assert.Empty(_ps.Run("Get-LvsHealthCheck second -ErrorAction SilentlyContinue"));
        Assert.Equal(2, _ps.Run("Get-LvsHealthCheck first").Count);
    }

    [Fact]
    public void Wait_times_out_with_its_own_error_and_an_unknown_name_is_not_found()
    {
        Service();
        _ps.Run($"Start-LvsHealthCheck tcp/10.0.0.3:80 -Address 127.0.0.1:{_closed} -Interval 0.2 -Retry 0 -Warmup 0 -Name never");
        Expect.SingleError(_ps.Invoke("Wait-LvsHealthCheck never -State Up -Timeout 1.5"), "HealthCheckWaitTimeout", ErrorCategory.OperationTimeout);
        Expect.SingleError(_ps.Invoke("Get-LvsHealthCheck nosuch"), "HealthCheckNotFound", ErrorCategory.ObjectNotFound);
        Assert.Single(_ps.Run("Get-LvsHealthCheck never"));
    }

    [Fact]
    public void New_builds_checks_that_Start_runs_together()
    {
        Service();
        object[] checks = _ps.Run("New-LvsHealthCheck -Interval 0.2 -Warmup 0; New-LvsHealthCheck -Type Ping -Interval 0.3 -Warmup 0").Select(o => o.BaseObject).ToArray();
        Assert.Equal(new[] { "TcpHealthCheck", "PingHealthCheck" }, checks.Select(c => c.GetType().Name));
        _ps.Run($"Start-LvsHealthCheck tcp/10.0.0.3:80 -Address 127.0.0.1:{Open} -Check (New-LvsHealthCheck -Interval 0.2 -Warmup 0), (New-LvsHealthCheck -Type Ping -Interval 0.3 -Warmup 0) -Name two");
        Assert.Equal(new[] { "Ping", "Tcp" }, _ps.Run("Get-LvsHealthCheck two | ForEach-Object { \"$($_.Type)\" }").Select(o => o.ToString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void RealServerCheck_gives_each_real_server_its_own_checks()
    {
        Service();
        // The closed port passes a ping (the address answers) but fails a TCP check: each real server gets the check named for it.
        _ps.Run($"Start-LvsHealthCheck tcp/10.0.0.3:80 -RealServerCheck @{{ '127.0.0.1:{_closed}' = New-LvsHealthCheck -Type Ping -Interval 0.2 -Warmup 0; '127.0.0.1:{Open}' = (New-LvsHealthCheck -Interval 0.2 -Warmup 0), (New-LvsHealthCheck -Type Ping -Interval 0.3 -Warmup 0) }} -Name per");
        Assert.Empty(_ps.Invoke($"Wait-LvsHealthCheck per -State Up -Timeout 15").AllErrors);
        Assert.Equal(new[] { $"127.0.0.1:{Open} Ping", $"127.0.0.1:{Open} Tcp", $"127.0.0.1:{_closed} Ping" }.Order(StringComparer.Ordinal),
            _ps.Run("Get-LvsHealthCheck per | ForEach-Object { \"$($_.RealServer) $($_.Type)\" }").Select(o => o.ToString()).Order(StringComparer.Ordinal));
        Assert.Equal(3, _ipvs.Rules().Count);
    }

    [Theory]
    [InlineData("@{ '10.7.7.7' = New-LvsHealthCheck }", "names 10.7.7.7")]
    [InlineData("@{ '127.0.0.1' = 'tcp' }", "give checks from New-LvsHealthCheck")]
    [InlineData("@{ '127.0.0.1' = (New-LvsHealthCheck), 3 }", "Int32 is not a check")]
    [InlineData("@{ '127.0.0.1:99999' = New-LvsHealthCheck }", "99999")]
    public void RealServerCheck_refuses_keys_and_values_it_cannot_use(string table, string message)
    {
        Service();
        PowerShellSession.Result r = _ps.Invoke(Expect.CatchTerminating($"Start-LvsHealthCheck tcp/10.0.0.3:80 -RealServerCheck {table} -Name badper"));
        ErrorRecord e = (ErrorRecord)r.Output[0].BaseObject;
        Assert.Contains(message, e.Exception.Message);
        Assert.Empty(_ps.Run("Get-LvsHealthCheck badper -ErrorAction SilentlyContinue"));
    }

    [Fact]
    public void The_type_follows_from_the_options()
    {
        Assert.Equal("Http", _ps.Run("(New-LvsHealthCheck -Url /x).Type").Single().ToString());
        Assert.Equal("Https", _ps.Run("(New-LvsHealthCheck -Url /x -EnableSni).Type").Single().ToString());
        Assert.Equal("Script", _ps.Run("(New-LvsHealthCheck -Command /bin/true).Type").Single().ToString());
        Assert.Equal("Dns", _ps.Run("(New-LvsHealthCheck -DnsName example.org).Type").Single().ToString());
        Assert.Equal("Tcp", _ps.Run("(New-LvsHealthCheck).Type").Single().ToString());
    }

    [Fact]
    public void Test_probes_once_and_says_why_it_failed()
    {
        string[] results = _ps.Run($"Test-LvsHealthCheck 127.0.0.1:{Open}, 127.0.0.1:{Closed()} -ConnectTimeout 1 | ForEach-Object {{ \"$($_.Passed) $($_.Reason)\" }}").Select(o => o.ToString()).ToArray();
        Assert.Equal("True ", results[0]);
        Assert.StartsWith("False connection refused", results[1]);
    }

    [Fact]
    public void The_default_view_fits_80_columns_and_groups_by_service()
    {
        Service();
        _ps.Run($"Start-LvsHealthCheck tcp/10.0.0.3:80 -Interval 0.2 -Retry 0 -Warmup 0 -Name view");
        _ps.Invoke($"Wait-LvsHealthCheck view -Address 127.0.0.1:{_closed} -State Down -Timeout 15");
        PowerShellSession.Result shown = _ps.Invoke("Get-LvsHealthCheck view | Out-Default");
        Assert.Empty(shown.AllErrors);
        string[] lines = shown.HostText.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToArray();
        Assert.Contains(lines, l => l.Contains("VirtualService: tcp/10.0.0.3:80"));
        Assert.Contains(lines, l => l.StartsWith("RealServer") && l.Contains("State") && l.Contains("Weight") && l.Contains("Reason"));
        Assert.Contains(lines, l => l.StartsWith($"127.0.0.1:{_closed}") && l.Contains("Down") && l.Contains("connection refused"));
        Assert.All(lines, l => Assert.True(l.Length <= 80, l));
    }
}
