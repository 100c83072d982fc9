using LvsPS.Native.Health.Engine;
using LvsPS.Native.Runtime;
using LvsPS.Runtime;

namespace LvsPS.Health;

/// <summary>
/// The health-check engines of this pwsh, kept by the runtime's supervisor: it stops them in order
/// when the module is removed or pwsh exits (after VRRP has handed over; IPVS left as it is, omega
/// actions run).
/// </summary>
internal static class HealthCheckRegistry
{
    private static int s_counter;

    public static IEnumerable<HealthEngine> All => Supervisor.Shared.WorkersOf<HealthEngine>().OrderBy(e => e.Name, StringComparer.OrdinalIgnoreCase);

    public static HealthEngine? Find(string name) => Supervisor.Shared.Find<HealthEngine>(name, HealthEngine.WorkerKind);

    /// <summary>health1, health2, ... the first free one.</summary>
    public static string NextName()
    {
        while (true)
        {
            string name = $"health{Interlocked.Increment(ref s_counter)}";
            if (Find(name) is null)
                return name;
        }
    }

    /// <summary>The running engine that already checks this real server of this service in this namespace, if any.</summary>
    public static HealthEngine? Checking(string? networkNamespace, string service, string realServer)
        => All.FirstOrDefault(e => e.IsRunning && e.NetworkNamespace == networkNamespace
            && e.Services.Any(s => s.Service.ToString() == service && s.RealServers.Any(r => r.Endpoint == realServer)));

    /// <summary>Adds the engine for this session; false when a running one has the name already (an ended one is replaced).</summary>
    public static bool TryAdd(HealthEngine engine) => Supervisor.Shared.TryAdd(engine, ModuleLifecycle.CurrentOwner);

    public static void Remove(HealthEngine engine) => Supervisor.Shared.Remove(engine);
}
