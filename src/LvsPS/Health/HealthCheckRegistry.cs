using System.Collections.Concurrent;
using LvsPS.Native.Health;
using LvsPS.Native.Health.Engine;

namespace LvsPS.Health;

/// <summary>
/// The health-check engines running in this pwsh process, by name. A pwsh that exits stops them
/// (IPVS left as it is; omega actions run), as keepalived -I does.
/// </summary>
internal static class HealthCheckRegistry
{
    private static readonly ConcurrentDictionary<string, HealthEngine> s_engines = new(StringComparer.OrdinalIgnoreCase);
    private static int s_counter;

    static HealthCheckRegistry()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            Task[] stopping = s_engines.Values.Select(e => e.StopAsync(HealthStopMode.Leave)).ToArray();
            Task.WaitAll(stopping, TimeSpan.FromSeconds(5));
        };
    }

    public static IEnumerable<HealthEngine> All => s_engines.Values.OrderBy(e => e.Name, StringComparer.OrdinalIgnoreCase);

    public static HealthEngine? Find(string name) => s_engines.TryGetValue(name, out HealthEngine? e) ? e : null;

    /// <summary>health1, health2, ... the first free one.</summary>
    public static string NextName()
    {
        while (true)
        {
            string name = $"health{Interlocked.Increment(ref s_counter)}";
            if (!s_engines.ContainsKey(name))
                return name;
        }
    }

    /// <summary>The running engine that already checks this real server of this service in this namespace, if any.</summary>
    public static HealthEngine? Checking(string? networkNamespace, string service, string realServer)
        => s_engines.Values.FirstOrDefault(e => e.State is HealthEngineState.Starting or HealthEngineState.Running
            && e.NetworkNamespace == networkNamespace
            && e.Services.Any(s => s.Service.ToString() == service && s.RealServers.Any(r => r.Endpoint == realServer)));

    /// <summary>Adds the engine; false when a running one has the name already (a stopped one is replaced).</summary>
    public static bool TryAdd(HealthEngine engine)
    {
        if (s_engines.TryGetValue(engine.Name, out HealthEngine? existing) && existing.State is HealthEngineState.Starting or HealthEngineState.Running)
            return false;
        s_engines[engine.Name] = engine;
        return true;
    }

    public static void Remove(HealthEngine engine) => s_engines.TryRemove(new KeyValuePair<string, HealthEngine>(engine.Name, engine));
}
