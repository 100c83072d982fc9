namespace LvsPS.Native.Health;

/// <summary>
/// The timing and start-up settings that keepalived accepts on a virtual_server, on a real_server
/// and on each checker. A null setting is inherited: check from real server, real server from
/// service, service from keepalived's default for the check type (<see cref="HealthCheckDefaults"/>).
/// </summary>
public sealed record HealthCheckTiming
{
    public static readonly HealthCheckTiming Inherit = new();

    /// <summary>delay_loop: time between checks while nothing fails.</summary>
    public TimeSpan? Interval { get; init; }
    /// <summary>retry: failed attempts retried before a passing check goes down (down after Retry + 1 failures in a row).</summary>
    public int? Retry { get; init; }
    /// <summary>delay_before_retry: time between those retries.</summary>
    public TimeSpan? DelayBeforeRetry { get; init; }
    /// <summary>warmup: the first check runs 1 s + a random part of this after the start (0: exactly 1 s).</summary>
    public TimeSpan? Warmup { get; init; }
    /// <summary>connect_timeout: the limit on the connect, on each write and on each read, each on its own.</summary>
    public TimeSpan? ConnectTimeout { get; init; }
    /// <summary>alpha: start down; the real server joins only after its first pass.</summary>
    public bool? Alpha { get; init; }
    /// <summary>Not in keepalived (HAProxy's rise): passes in a row that bring a down check up. Default 1.</summary>
    public int? Rise { get; init; }
    /// <summary>
    /// Not in keepalived (HAProxy's fall): failures in a row that take a passing check down, from the
    /// start too (no "one failure is enough" at start-up). When set it replaces <see cref="Retry"/>.
    /// </summary>
    public int? Fall { get; init; }

    /// <summary>These settings where set, the <paramref name="outer"/> level's elsewhere.</summary>
    public HealthCheckTiming Over(HealthCheckTiming? outer) => outer is null ? this : new()
    {
        Interval = Interval ?? outer.Interval,
        Retry = Retry ?? outer.Retry,
        DelayBeforeRetry = DelayBeforeRetry ?? outer.DelayBeforeRetry,
        Warmup = Warmup ?? outer.Warmup,
        ConnectTimeout = ConnectTimeout ?? outer.ConnectTimeout,
        Alpha = Alpha ?? outer.Alpha,
        Rise = Rise ?? outer.Rise,
        Fall = Fall ?? outer.Fall,
    };
}
