using LvsPS.Native.Ipvs;

namespace LvsPS.Native.DesiredState;

/// <summary>How many real servers a service has, and how many of them take new connections (weight above 0).</summary>
public readonly record struct RealServerCounts(int All, int Serving)
{
    public static RealServerCounts Of(IEnumerable<RealServer> realServers)
    {
        int all = 0, serving = 0;
        foreach (RealServer d in realServers)
        {
            all++;
            if (d.Weight > 0)
                serving++;
        }
        return new RealServerCounts(all, serving);
    }
}

/// <summary>A service in both the current and the desired table: its real servers now and as desired.</summary>
public readonly record struct KeptService(RealServerCounts Current, RealServerCounts Desired);

/// <summary>
/// The ordered steps that turn a current IPVS table into a desired one (<see cref="DesiredStatePlanner"/>),
/// what of the desired state already matched, and what the applier needs to keep every kept service served.
/// </summary>
public sealed record IpvsPlan
{
    public IReadOnlyList<PlanStep> Steps { get; init; } = Array.Empty<PlanStep>();

    /// <summary>Objects of the desired state (services, real servers, sync daemons, the timeouts) that already match and are left alone.</summary>
    public int Unchanged { get; init; }

    /// <summary>The services kept from the current table to the desired one.</summary>
    public IReadOnlyDictionary<VirtualServiceKey, KeptService> KeptServices { get; init; } = new Dictionary<VirtualServiceKey, KeptService>();

    public bool IsEmpty => Steps.Count == 0;

    /// <summary>Objects the plan removes: services with their real servers, real servers, sync daemons stopped for good.</summary>
    public int Removals => Steps.Sum(s => s switch
    {
        ChangeStep { Change.Kind: IpvsChangeKind.RemoveService } c => 1 + c.RealServersRemovedWithIt,
        ChangeStep { Change.Kind: IpvsChangeKind.RemoveRealServer } => 1,
        StopSyncDaemonStep { Restart: false } => 1,
        _ => 0,
    });
}
