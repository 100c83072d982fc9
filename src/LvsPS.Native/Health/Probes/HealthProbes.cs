namespace LvsPS.Native.Health.Probes;

/// <summary>Runs one check once, outside any engine (Test-LvsHealthCheck, genhash-like digests, tests).</summary>
public static class HealthProbes
{
    /// <summary>
    /// Probes <paramref name="check"/> of <paramref name="realServer"/> once from the network namespace
    /// given (null: this process's), for the url at <paramref name="urlIndex"/> (null: every url).
    /// A script's exit code is judged by keepalived's rules; a file's number is in <see cref="ProbeResult.FileValue"/>.
    /// </summary>
    public static async Task<ProbeResult> RunOnceAsync(HealthCheckedService service, HealthCheckedRealServer realServer, HealthCheck check,
        int? urlIndex = null, string? networkNamespace = null, CancellationToken cancellationToken = default)
    {
        ResolvedHealthCheck resolved = HealthCheckResolver.Resolve(service, realServer, check);
        var request = new ProbeRequest(0, resolved, urlIndex, TimeSpan.Zero);
        using var ping = new PingProbe();
        IProbeStarter starter = check.Type switch
        {
            HealthCheckType.Tcp => new TcpProbe(),
            HealthCheckType.Http or HealthCheckType.Https => new HttpProbe(),
            HealthCheckType.Dns => new DnsProbe(),
            HealthCheckType.Smtp => new SmtpProbe(),
            HealthCheckType.Udp => new UdpProbe(),
            HealthCheckType.Ping => ping,
            HealthCheckType.Script => new ScriptProbe(),
            _ => new FileProbe(),
        };
        // The start opens the sockets (or spawns the script): do it inside the namespace.
        Task<ProbeResult> running = Namespaces.NetworkNamespace.Run(networkNamespace, () => starter.Start(request, cancellationToken));
        ProbeResult result = await running.ConfigureAwait(false);
        if (check is ScriptHealthCheck script)
            result = result with { Passed = HealthRules.ScriptPasses(result.ExitCode, script.Dynamic) };
        return result;
    }
}
