using System.Net;
using LvsPS.Native.Health;
using LvsPS.Native.Ipvs;

namespace LvsPS.Tests.Health;

/// <summary>
/// Drives a <see cref="HealthMonitor"/> with a virtual clock and answers its probes from a
/// function, keeping an IPVS table the way the kernel would from the changes it is given.
/// </summary>
internal sealed class HealthSim
{
    public static readonly VirtualServiceKey Vs = VirtualServiceKey.Parse("tcp/10.0.0.3:80");
    public static readonly VirtualServiceKey Vs2 = VirtualServiceKey.Parse("tcp/10.0.0.4:80");
    public static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    public HealthSim(HealthCheckedService service, double random = 0) : this(new[] { service }, random) { }

    public HealthSim(IReadOnlyList<HealthCheckedService> services, double random = 0)
        => Monitor = new HealthMonitor(services, () => random);

    public HealthMonitor Monitor { get; }
    public TimeSpan Now { get; private set; }
    /// <summary>service|endpoint → weight, as ipvsadm -Ln would show.</summary>
    public SortedDictionary<string, uint> Table { get; } = new(StringComparer.Ordinal);
    public List<(TimeSpan At, HealthIpvsChange Change)> Changes { get; } = new();
    public List<(TimeSpan At, HealthNotification Notification)> Notifications { get; } = new();
    public List<HealthTransition> Transitions { get; } = new();
    public List<(TimeSpan At, ProbeRequest Probe)> Probes { get; } = new();
    /// <summary>Answers a probe: true/false, or a full result. Default: everything passes.</summary>
    public Func<ProbeRequest, TimeSpan, ProbeResult>? Respond { get; set; }
    /// <summary>How long a probe takes.</summary>
    public TimeSpan Latency { get; set; }

    public static RealServer Rs(string address, uint weight = 1, VirtualServiceKey? vs = null, ushort port = 80)
        => new() { VirtualService = vs ?? Vs, Address = IPAddress.Parse(address), Port = port, Forwarding = ForwardingMethod.Route, Weight = weight };

    public static HealthCheckedRealServer Checked(string address, uint weight = 1, params HealthCheck[] checks)
        => new(Rs(address, weight)) { Checks = checks.Length == 0 ? new HealthCheck[] { new TcpHealthCheck() } : checks };

    public static HealthCheckTiming Timing(double interval = 1, int? retry = null, double? delayBeforeRetry = null, double warmup = 0, bool? alpha = null)
        => new() { Interval = S(interval), Retry = retry, DelayBeforeRetry = delayBeforeRetry is { } d ? S(d) : null, Warmup = S(warmup), Alpha = alpha };

    /// <summary>Starts the monitor; what start does to IPVS goes to the table and <see cref="StartChanges"/>, not <see cref="Changes"/>.</summary>
    public void Start(Func<FileHealthCheck, long?>? readFile = null)
    {
        Apply(Monitor.Start(Now, readFile));
        StartChanges.AddRange(Changes.Select(c => c.Change));
        Changes.Clear();
    }

    public List<HealthIpvsChange> StartChanges { get; } = new();

    /// <summary>Advances the clock to <paramref name="until"/>, running every probe that falls due.</summary>
    public void RunUntil(TimeSpan until)
    {
        var pending = new PriorityQueue<(ProbeRequest Probe, TimeSpan Start), TimeSpan>();
        while (true)
        {
            TimeSpan? next = Monitor.NextDeadline;
            bool havePending = pending.TryPeek(out _, out TimeSpan pendingAt);
            if ((next is null || next > until) && (!havePending || pendingAt > until))
                break;
            if (havePending && (next is null || pendingAt <= next))
            {
                (ProbeRequest probe, TimeSpan started) = pending.Dequeue();
                Now = pendingAt;
                ProbeResult result = Respond?.Invoke(probe, started) ?? ProbeResult.Pass(probe.CheckId, Latency);
                Apply(Monitor.Complete(Now, result with { CheckId = probe.CheckId }));
                continue;
            }
            Now = next!.Value;
            HealthStep step = Monitor.Advance(Now);
            foreach (ProbeRequest p in step.Probes)
            {
                Probes.Add((Now, p));
                pending.Enqueue((p, Now), Now + Latency);
            }
            Apply(step);
        }
        Now = until;
    }

    public void Apply(HealthStep step)
    {
        foreach (HealthIpvsChange c in step.Changes)
        {
            Changes.Add((Now, c));
            string key = Key(c.RealServer);
            if (c.Kind == HealthIpvsChangeKind.RemoveRealServer)
                Table.Remove(key);
            else
                Table[key] = c.RealServer.Weight;
        }
        foreach (HealthNotification n in step.Notifications)
            Notifications.Add((Now, n));
        Transitions.AddRange(step.Transitions);
    }

    public static string Key(RealServer rs) => $"{rs.VirtualService}|{rs.Endpoint}";

    /// <summary>The table as "endpoint=weight" for the first service, sorted: easy to assert.</summary>
    public string TableText(VirtualServiceKey? vs = null)
        => string.Join(' ', Table
            .Where(kv => kv.Key.StartsWith((vs ?? Vs) + "|", StringComparison.Ordinal))
            .Select(kv => (Endpoint: IPEndPoint.Parse(kv.Key[(kv.Key.IndexOf('|') + 1)..]), Weight: kv.Value))
            .OrderBy(e => e.Endpoint.Address.GetAddressBytes(), ByteOrder.Instance).ThenBy(e => e.Endpoint.Port)
            .Select(e => $"{e.Endpoint}={e.Weight}"));

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();
        public int Compare(byte[]? x, byte[]? y) => x!.AsSpan().SequenceCompareTo(y);
    }

    public static Func<ProbeRequest, TimeSpan, ProbeResult> By(Func<ProbeRequest, TimeSpan, bool> passes)
        => (p, t) => passes(p, t) ? ProbeResult.Pass(p.CheckId, TimeSpan.Zero) : ProbeResult.Fail(p.CheckId, TimeSpan.Zero, "refused");

    /// <summary>Targets that fail while <paramref name="down"/> says so, by address.</summary>
    public static Func<ProbeRequest, TimeSpan, ProbeResult> Down(Func<string, TimeSpan, bool> down)
        => By((p, t) => !down(p.Check.Target!.Address.ToString(), t));

    public TimeSpan[] ProbeTimes(string address) => Probes.Where(p => p.Probe.Check.Target?.Address.ToString() == address).Select(p => p.At).ToArray();
}
