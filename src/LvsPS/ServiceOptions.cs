using System.Management.Automation;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Operations;

namespace LvsPS;

/// <summary>
/// The bound service options (-Scheduler, -Persistent, ...) as the core's <see cref="ServicePatch"/>: only what
/// was bound is in it, so Set-LvsVirtualService keeps every other setting of the record it read back.
/// </summary>
internal static class ServiceOptions
{
    public const string Scheduler = nameof(Scheduler);
    public const string SchedulerFlag = nameof(SchedulerFlag);
    public const string Persistent = nameof(Persistent);
    public const string PersistenceTimeout = nameof(PersistenceTimeout);
    public const string PersistenceNetmask = nameof(PersistenceNetmask);
    public const string OnePacket = nameof(OnePacket);
    public const string PersistenceEngine = nameof(PersistenceEngine);

    /// <summary>The largest persistence timeout: the kernel keeps it as seconds × HZ (up to 1000) in 32 bits.</summary>
    public const uint MaxPersistenceTimeout = 4_294_967;

    public static ServicePatch Patch(IDictionary<string, object> bound) => new()
    {
        Scheduler = bound.TryGetValue(Scheduler, out object? scheduler) ? (string)scheduler : null,
        SchedulerFlags = bound.TryGetValue(SchedulerFlag, out object? flags) ? (string[]?)flags ?? Array.Empty<string>() : null,
        Persistent = bound.TryGetValue(Persistent, out object? p) ? ((SwitchParameter)p).IsPresent : null,
        PersistenceTimeout = bound.TryGetValue(PersistenceTimeout, out object? timeout) ? (uint)timeout : null,
        PersistenceNetmask = bound.TryGetValue(PersistenceNetmask, out object? mask) ? (string)mask : null,
        OnePacket = bound.TryGetValue(OnePacket, out object? ops) ? ((SwitchParameter)ops).IsPresent : null,
        PersistenceEngine = bound.TryGetValue(PersistenceEngine, out object? pe) ? (string?)pe ?? "" : null,
    };
}
