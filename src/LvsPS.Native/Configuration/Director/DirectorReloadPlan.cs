using System.Text.Json;
using LvsPS.Native.DesiredState;
using LvsPS.Native.Ipvs;

namespace LvsPS.Native.Configuration.Director;

/// <summary>What a reload does, computed from the old configuration, the new one and the kernel's table.</summary>
public sealed record DirectorReloadPlan
{
    /// <summary>The IPVS part, applied by <see cref="PlanApplier"/>: additions and updates first, drained real servers set to weight 0 after them; nothing removed.</summary>
    public IpvsPlan Ipvs { get; init; } = new();

    /// <summary>The changes of <see cref="Ipvs"/>, in the order they are sent.</summary>
    public IReadOnlyList<IpvsChange> Changes => Ipvs.Steps.OfType<ChangeStep>().Select(s => s.Change).ToArray();
    /// <summary>Real servers (RealServer set) and whole services (RealServer null) removed once their connections end or the drain times out.</summary>
    public IReadOnlyList<DirectorDrain> Drains { get; init; } = [];
    /// <summary>Virtual servers (by id) whose checks stop; their checks restart from the new file when they are in it.</summary>
    public IReadOnlyList<string> RestartedChecks { get; init; } = [];
    public IReadOnlyList<string> StoppedChecks { get; init; } = [];
    public IReadOnlyList<string> StartedChecks { get; init; } = [];
    public IReadOnlyList<string> StoppedInstances { get; init; } = [];
    public IReadOnlyList<string> StartedInstances { get; init; } = [];
    /// <summary>Instances changed only in priority or preemption: set in place, their VRRP state kept.</summary>
    public IReadOnlyList<VrrpInstanceTuning> TunedInstances { get; init; } = [];
    public IpvsTimeouts? Timeouts { get; init; }
    /// <summary>static_ipaddress: the director's addresses the new file drops, and the new file's the interfaces lack (one removed by hand is added back).</summary>
    public StaticAddressPlan StaticAddresses { get; init; } = StaticAddressPlan.Empty;
    /// <summary>What differed from the last configuration in the kernel (hand edits) and is put back.</summary>
    public IReadOnlyList<string> Repairs { get; init; } = [];
    /// <summary>Virtual servers and VRRP instances left exactly as they run (their check and VRRP states and timers kept).</summary>
    public int Unchanged { get; init; }

    public bool IsEmpty => Changes.Count == 0 && Drains.Count == 0 && RestartedChecks.Count == 0 && StoppedChecks.Count == 0
        && StartedChecks.Count == 0 && StoppedInstances.Count == 0 && StartedInstances.Count == 0 && TunedInstances.Count == 0 && Timeouts is null && StaticAddresses.IsEmpty;

    /// <summary>One line per action, as -WhatIf prints them.</summary>
    public IEnumerable<string> Describe()
    {
        foreach (string r in Repairs)
            yield return $"repair: {r}";
        foreach (IpvsChange c in Changes)
            yield return c.Kind switch
            {
                IpvsChangeKind.UpdateRealServer when Drains.Any(d => d.RealServer is { } rs && Same(rs, c.RealServer!)) => $"drain {c.Target} (weight 0)",
                IpvsChangeKind.UpdateRealServer when c.RealServer!.Weight == 0 && Drains.Any(d => d.RealServer is null && d.Service == c.RealServer.VirtualService) => $"drain {c.Target} (weight 0)",
                _ => $"{c.Operation} {c.Target}",
            };
        foreach (DirectorDrain d in Drains)
            yield return d.RealServer is { } rs ? $"remove {rs} when its connections end" : $"remove service {d.Service} when its connections end";
        foreach (string id in StoppedChecks)
            yield return $"stop the checks of {id}";
        foreach (string id in RestartedChecks)
            yield return $"restart the checks of {id}";
        foreach (string id in StartedChecks)
            yield return $"start the checks of {id}";
        foreach (string name in StoppedInstances)
            yield return $"stop VRRP instance {name}";
        foreach (string name in StartedInstances)
            yield return $"start VRRP instance {name}";
        foreach (VrrpInstanceTuning tuning in TunedInstances)
            yield return $"set VRRP instance {tuning} (its state kept)";
        foreach (StaticAddress a in StaticAddresses.Remove)
            yield return $"remove static address {a}";
        foreach (StaticAddress a in StaticAddresses.Add)
            yield return $"add static address {a}";
        if (Timeouts is { } t)
            yield return $"set IPVS timeouts tcp {t.TcpSeconds} tcpfin {t.TcpFinSeconds} udp {t.UdpSeconds}";
        yield return $"keep {Unchanged} virtual server(s) and VRRP instance(s) as they run";
    }

    internal static bool Same(RealServer a, RealServer b) => a.VirtualService == b.VirtualService && a.Address.Equals(b.Address) && a.Port == b.Port;

    /// <summary>The same definition (source lines aside): nothing to do on reload. What its JSON would say, without writing it (<see cref="DefinitionEquality"/>).</summary>
    internal static bool SameDefinition<T>(T a, T b) => Equality.Same(a, b, typeof(T));

    private static readonly DefinitionEquality Equality = new(DirectorJson.Options);
}

/// <summary>A real server (or a whole service, RealServer null) at weight 0, removed when its connections end or at <see cref="Deadline"/>.</summary>
public sealed record DirectorDrain(VirtualServiceKey Service, RealServer? RealServer, DateTimeOffset Deadline);
