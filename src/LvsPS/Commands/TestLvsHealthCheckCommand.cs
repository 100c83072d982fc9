using System.Management.Automation;
using LvsPS.Native.Health;
using LvsPS.Native.Health.Probes;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Text;

namespace LvsPS.Commands;

/// <summary>The result of one probe run by Test-LvsHealthCheck.</summary>
public sealed class LvsHealthCheckResult
{
    public required string Target { get; init; }
    public HealthCheckType Type { get; init; }
    /// <summary>The url tested (Http/Https), else null.</summary>
    public string? Url { get; init; }
    public bool Passed { get; init; }
    public string? Reason { get; init; }
    public TimeSpan Latency { get; init; }
    /// <summary>Script: the exit code (null after a timeout or a signal).</summary>
    public int? ExitCode { get; init; }
    /// <summary>File: the number read.</summary>
    public long? FileValue { get; init; }

    public override string ToString() => $"{Target}{Url} {Type} {(Passed ? "passed" : "failed")}{(Reason is null ? "" : ": " + Reason)}";
}

/// <summary>Runs a health check once against an address, without touching IPVS: what a check would see.</summary>
/// <remarks>
/// <para>Test-LvsHealthCheck probes -Address once with the check the options describe (or -Check objects from
/// New-LvsHealthCheck), from the network namespace given, and returns the result: Passed, Reason, Latency,
/// and for Http/Https one result per url. Use it before Start-LvsHealthCheck to see that a check passes on a
/// healthy server, or to find why one fails (like keepalived's genhash). IPVS is not read or changed: ipvsadm -Ln stays as it is.</para>
/// </remarks>
/// <example title="Does the HTTP check pass on this server?">
/// <code>Test-LvsHealthCheck 10.0.0.7:80 -Url /health -StatusCode 200</code>
/// <para>GETs /health once as the running check would (keepalived's request) and shows Passed, the latency, and
/// the reason when it fails, such as "status 503 is not one of 200".</para>
/// </example>
/// <example title="A DNS check from the director's namespace">
/// <code>Test-LvsHealthCheck 10.0.0.53:53 -Type Dns -DnsName www.example.org -DnsType A -NetworkNamespace lb1</code>
/// <para>Asks 10.0.0.53 for the A record of www.example.org from inside the namespace lb1; it passes when the
/// answer carries the query's id and RCODE 0 (NOERROR).</para>
/// </example>
/// <output type="LvsPS.Commands.LvsHealthCheckResult">One result per check (per url for Http/Https).</output>
/// <seealso cref="StartLvsHealthCheckCommand"/>
/// <seealso cref="NewLvsHealthCheckCommand"/>
[Cmdlet(VerbsDiagnostic.Test, "LvsHealthCheck")]
[OutputType(typeof(LvsHealthCheckResult))]
public sealed class TestLvsHealthCheckCommand : HealthCheckDefinitionCmdletBase
{
    private static readonly VirtualServiceKey Probe = VirtualServiceKey.ForFirewallMark(1);

    /// <summary>The server to probe: address[:port] (the port is needed by every check but Ping, Script and File).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, HelpMessage = "The server to probe, as 10.0.0.7:80.")]
    [EndpointTransformation]
    [ValidateNotNullOrEmpty]
    public string[] Address { get; set; } = null!;

    /// <summary>Checks built with New-LvsHealthCheck to run instead of the options of this command.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public HealthCheck[]? Check { get; set; }

    protected override void ProcessRecord()
    {
        HealthCheck[] checks;
        try
        {
            checks = Check ?? new[] { BuildCheck() };
        }
        catch (Exception e) when (ErrorMapper.IsMapped(e))
        {
            WriteFailure(e, null);
            return;
        }
        foreach (string text in Address)
        {
            NetEndpoint endpoint = NetText.ParseEndpoint(text);
            var rs = new HealthCheckedRealServer(new RealServer { VirtualService = Probe, Address = endpoint.Address, Port = endpoint.Port ?? 0 });
            foreach (HealthCheck check in checks)
            {
                var service = new HealthCheckedService(Probe) { RealServers = new[] { rs with { Checks = new[] { check } } } };
                if (!TryRun(text, () => HealthCheckValidation.Validate(service)))
                    continue;
                int[] urls = check is HttpHealthCheck h ? Enumerable.Range(0, h.Urls.Count).ToArray() : new[] { -1 };
                foreach (int url in urls)
                {
                    ProbeResult r;
                    try
                    {
                        r = HealthProbes.RunOnceAsync(service, rs, check, url < 0 ? null : url, NetworkNamespace, CancellationToken).GetAwaiter().GetResult();
                    }
                    catch (Exception e) when (ErrorMapper.IsMapped(e))
                    {
                        WriteFailure(e, text);
                        return;
                    }
                    WriteObject(new LvsHealthCheckResult
                    {
                        Target = text,
                        Type = check.Type,
                        Url = url < 0 ? null : ((HttpHealthCheck)check).Urls[url].Path,
                        Passed = r.Passed,
                        Reason = r.Reason,
                        Latency = r.Duration,
                        ExitCode = r.ExitCode,
                        FileValue = r.FileValue,
                    });
                }
            }
        }
    }
}
