using LvsPS.Native.Ipvs;

namespace LvsPS.Native.Health;

/// <summary>A real server as the monitor tracks it (keepalived's real_server_t: alive, set, effective weight).</summary>
internal sealed class RealServerState
{
    public RealServerState(ServiceState service, HealthCheckedRealServer config, bool inhibit, TimeSpan? slowStart)
    {
        Service = service;
        Config = config;
        Destination = Clean(config.RealServer);
        ConfiguredWeight = config.RealServer.Weight;
        EffectiveWeight = ConfiguredWeight;
        Inhibit = inhibit;
        SlowStart = slowStart is { } s && s > TimeSpan.Zero ? s : null;
    }

    /// <summary>A sorry server: weight 1, no checks.</summary>
    public RealServerState(ServiceState service, RealServer sorry, bool inhibit)
        : this(service, new HealthCheckedRealServer(sorry with { Weight = 1 }), inhibit, null)
    {
        IsSorryServer = true;
    }

    public ServiceState Service { get; }
    /// <summary>Position among the monitor's real servers (-1 for a sorry server).</summary>
    public int Index { get; set; } = -1;
    public HealthCheckedRealServer Config { get; }
    /// <summary>The destination as configured (its weight is the configured weight).</summary>
    public RealServer Destination { get; }
    public long ConfiguredWeight { get; }
    /// <summary>keepalived's effective_weight: configured plus what scripts and files add.</summary>
    public long EffectiveWeight { get; set; }
    public bool Inhibit { get; }
    public bool IsSorryServer { get; }
    public TimeSpan? SlowStart { get; }
    public List<CheckerState> Checkers { get; } = new();

    /// <summary>keepalived's alive: in service (every check up, or the sorry server serving).</summary>
    public bool Alive { get; set; }
    /// <summary>keepalived's set: the destination exists in IPVS (with its weight, or 0 when inhibited).</summary>
    public bool InTable { get; set; }
    /// <summary>The weight last sent to IPVS (null: not in IPVS as far as the monitor knows).</summary>
    public uint? TableWeight { get; set; }
    public TimeSpan? SlowStartBegan { get; set; }
    public int SlowStartVersion { get; set; }
    public long Transitions { get; set; }
    public TimeSpan? LastChange { get; set; }
    public string? LastReason { get; set; }

    public int FailedCheckers => Checkers.Count(c => !c.IsUp);

    /// <summary>keepalived's real_weight: the effective weight within 0..int.MaxValue.</summary>
    public uint RealWeight => (uint)Math.Clamp(EffectiveWeight, 0, int.MaxValue);

    /// <summary>The weight to give IPVS now: the real weight, ramped during slow start.</summary>
    public uint WeightAt(TimeSpan now)
    {
        uint weight = RealWeight;
        if (SlowStart is not { } span || SlowStartBegan is not { } began || weight == 0)
            return weight;
        double fraction = (now - began) / span;
        if (fraction >= 1)
            return weight;
        return (uint)Math.Clamp(Math.Ceiling(weight * Math.Max(fraction, 0)), 1, weight);
    }

    public override string ToString() => Destination.ToString();

    /// <summary>The destination without the counters a read from the kernel carries.</summary>
    private static RealServer Clean(RealServer d)
        => d with { ActiveConnections = 0, InactiveConnections = 0, PersistentConnections = 0, Statistics = null };
}

/// <summary>A virtual service as the monitor tracks it: quorum state and sorry server.</summary>
internal sealed class ServiceState
{
    public ServiceState(HealthCheckedService config)
    {
        Config = config;
        (Quorum, Hysteresis, Notes) = HealthCheckResolver.EffectiveQuorum(config);
    }

    public HealthCheckedService Config { get; }
    public VirtualServiceKey Key => Config.Service;
    public uint Quorum { get; }
    public uint Hysteresis { get; }
    public IReadOnlyList<string> Notes { get; }
    public List<RealServerState> RealServers { get; } = new();
    public RealServerState? Sorry { get; set; }
    public bool QuorumUp { get; set; } = true;
    public bool Suspended { get; set; }

    /// <summary>keepalived's weigh_live_realservers.</summary>
    public long LiveWeight => RealServers.Where(r => r.Alive).Sum(r => (long)r.RealWeight);

    /// <summary>keepalived's threshold in its own unsigned arithmetic: quorum - hysteresis while up, quorum + hysteresis while down.</summary>
    public long Threshold => QuorumUp ? unchecked(Quorum - Hysteresis) : unchecked(Quorum + Hysteresis);

    /// <summary>Changes to real servers reach IPVS only while the quorum holds or no sorry server serves.</summary>
    public bool PushesRealServers => QuorumUp || Sorry is null || !Sorry.Alive;
}
