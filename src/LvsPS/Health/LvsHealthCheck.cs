using LvsPS.Native.Health;
using LvsPS.Native.Health.Engine;

namespace LvsPS.Health;

/// <summary>
/// One check of one real server as Get-LvsHealthCheck shows it: what is checked, its state, its
/// last result, and what IPVS holds for the real server.
/// </summary>
public sealed class LvsHealthCheck
{
    /// <summary>The name of the running health-check set (Start-LvsHealthCheck -Name).</summary>
    public required string Name { get; init; }
    public string? NetworkNamespace { get; init; }
    /// <summary>The virtual service, as tcp/10.0.0.3:80.</summary>
    public required string VirtualService { get; init; }
    /// <summary>The real server, as 10.0.0.7:80.</summary>
    public required string RealServer { get; init; }
    /// <summary>Tcp, Http, Https, Dns, Smtp, Udp, Ping, Script or File.</summary>
    public HealthCheckType Type { get; init; }
    /// <summary>What the check probes: an endpoint, a script or a file.</summary>
    public required string Target { get; init; }
    /// <summary>The check in words (urls, status codes, digest, options).</summary>
    public required string Description { get; init; }
    /// <summary>Up, Down, or Unknown before its first result.</summary>
    public HealthState State { get; init; }
    /// <summary>The real server is in service: every one of its checks passes (or the start assumed so).</summary>
    public bool Alive { get; init; }
    /// <summary>The real server's state: Down when a check is down, Unknown while one has no result yet.</summary>
    public HealthState RealServerState { get; init; }
    /// <summary>The weight IPVS has for the real server (0 while inhibited); null when it is out of IPVS.</summary>
    public uint? Weight { get; init; }
    /// <summary>The weight it has while alive.</summary>
    public uint ConfiguredWeight { get; init; }
    /// <summary>Whether the last probe passed.</summary>
    public bool? LastPassed { get; init; }
    /// <summary>Why the last probe failed, or what it found.</summary>
    public string? Reason { get; init; }
    /// <summary>How long the last probe took.</summary>
    public TimeSpan? Latency { get; init; }
    public DateTime? LastCheck { get; init; }
    public DateTime? NextCheck { get; init; }
    public int ConsecutiveFailures { get; init; }
    public long Probes { get; init; }
    public long Failures { get; init; }
    /// <summary>Times the check went up or down.</summary>
    public long Transitions { get; init; }
    /// <summary>When the check last went up or down.</summary>
    public DateTime? LastChange { get; init; }
    /// <summary>Paused: ha_suspend (the VIP is not local) or the VRRP instance named is not master.</summary>
    public bool Suspended { get; init; }
    /// <summary>The service's quorum holds (else the sorry server, if any, serves).</summary>
    public bool QuorumUp { get; init; }
    /// <summary>Seconds between checks (delay_loop).</summary>
    public double Interval { get; init; }
    public int Retry { get; init; }
    public double DelayBeforeRetry { get; init; }
    public double ConnectTimeout { get; init; }

    public override string ToString() => $"{VirtualService} -> {RealServer} {Type} {State}";

    /// <summary>The rows of an engine's status: one per real server and check (a real server without checks gets one row).</summary>
    internal static IEnumerable<LvsHealthCheck> From(HealthEngineStatus status)
    {
        DateTime Clock(TimeSpan? at) => DateTime.Now - (status.Now - at!.Value);
        foreach (ServiceHealthStatus service in status.Services)
            foreach (RealServerHealthStatus rs in service.RealServers)
            {
                if (rs.Checks.Count == 0)
                {
                    yield return Row(service, rs, null);
                    continue;
                }
                foreach (HealthCheckStatus check in rs.Checks)
                    yield return Row(service, rs, check);
            }

        LvsHealthCheck Row(ServiceHealthStatus service, RealServerHealthStatus rs, HealthCheckStatus? c) => new()
        {
            Name = status.Name,
            NetworkNamespace = status.NetworkNamespace,
            VirtualService = service.Service.ToString(),
            RealServer = rs.RealServer.Endpoint,
            Type = c?.Check.Type ?? HealthCheckType.Tcp,
            Target = c is null ? "" : c.Check.Target is { } t ? Native.Ipvs.VirtualServiceKey.FormatEndpoint(t.Address, (ushort)t.Port) : c.Check.Description,
            Description = c is null ? "no check: always alive" : c.Check.Check.Describe(),
            State = c?.State ?? (rs.Alive ? HealthState.Up : HealthState.Down),
            Alive = rs.Alive,
            RealServerState = rs.State,
            Weight = rs.InTable ? rs.TableWeight : null,
            ConfiguredWeight = rs.RealServer.Weight,
            LastPassed = c?.LastResult?.Passed,
            Reason = c?.LastResult?.Reason,
            Latency = c?.LastResult?.Duration,
            LastCheck = c?.LastResultAt is null ? null : Clock(c.LastResultAt),
            NextCheck = c?.NextDue is null ? null : Clock(c.NextDue),
            ConsecutiveFailures = c?.ConsecutiveFailures ?? 0,
            Probes = c?.Probes ?? 0,
            Failures = c?.Failures ?? 0,
            Transitions = c?.Transitions ?? 0,
            LastChange = c?.LastChange is null ? null : Clock(c.LastChange),
            Suspended = service.Suspended,
            QuorumUp = service.QuorumUp,
            Interval = c?.Check.Timing.Interval.TotalSeconds ?? 0,
            Retry = c?.Check.Timing.Retries ?? 0,
            DelayBeforeRetry = c?.Check.Timing.DelayBeforeRetry.TotalSeconds ?? 0,
            ConnectTimeout = c?.Check.Timing.ConnectTimeout.TotalSeconds ?? 0,
        };
    }
}
