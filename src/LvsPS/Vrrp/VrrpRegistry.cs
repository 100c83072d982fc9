using System.Collections;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Management.Automation.Language;
using LvsPS.Native.Runtime;
using LvsPS.Native.Vrrp;
using LvsPS.Runtime;

namespace LvsPS.Vrrp;

/// <summary>
/// The VRRP instances of this pwsh process, by name (case-insensitive), as the runtime's
/// <see cref="Supervisor"/> keeps them, and the sync groups. Instances outlive the command that
/// started them and run until Stop-LvsVrrpInstance, the removal of the module from the session
/// that started them, or the end of the process (each stops in order: a master hands over).
/// </summary>
public static class VrrpRegistry
{
    private static readonly ConcurrentDictionary<string, VrrpSyncGroup> s_groups = new(StringComparer.OrdinalIgnoreCase);

    public static IEnumerable<VrrpInstance> All => Supervisor.Shared.WorkersOf<VrrpInstance>();

    public static VrrpInstance? Find(string name) => Supervisor.Shared.Find<VrrpInstance>(name);

    /// <summary>False when a running instance has the name already (a stopped one is replaced).</summary>
    public static bool TryReserve(string name) => !Supervisor.Shared.IsNameTaken(VrrpInstance.WorkerKind, name);

    /// <summary>Registers a started instance under the session that started it; false when another took the name meanwhile.</summary>
    public static bool TryAdd(VrrpInstance instance) => Supervisor.Shared.TryAdd(instance, ModuleLifecycle.CurrentOwner);

    /// <summary>
    /// Stops an instance in its orderly way and removes it; waits until it stopped, the token fired
    /// (the caller was stopped: the instance goes on stopping by itself), or the timeout passed.
    /// </summary>
    public static void Stop(VrrpInstance instance, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        Task stopping = Supervisor.Shared.StopAsync(instance);
        try
        {
            stopping.Wait(timeout ?? Timeout.InfiniteTimeSpan, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C, or a notify script block stopping its own instance: do not wait for ourselves.
        }
    }

    /// <summary>The sync group of that name, created on first use; a group lives as long as the process.</summary>
    public static VrrpSyncGroup SyncGroup(string name) => s_groups.GetOrAdd(name.Trim(), n => new VrrpSyncGroup(n));

    /// <summary>The sync groups that have a running member, by name.</summary>
    public static IEnumerable<VrrpSyncGroup> SyncGroups
        => s_groups.Values.Where(g => g.MemberNames.Count > 0).OrderBy(g => g.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The running instance that drives the IPVS sync daemon of that namespace, if any (there is one master and one backup daemon per namespace).</summary>
    public static VrrpInstance? SyncDaemonDriver(string? networkNamespace)
        => All.FirstOrDefault(i => i.IsRunning && i.LvsSyncDaemon != null && i.NetworkNamespace == networkNamespace);

    public static ErrorRecord NotFound(string name)
        => ErrorMapper.Record(ErrorMapper.VrrpInstanceNotFound, new ItemNotFoundException($"There is no VRRP instance named '{name}' in this PowerShell process."), name);
}

/// <summary>Completes -SyncGroup and Get-LvsVrrpSyncGroup -Name with the sync groups of this process.</summary>
public sealed class VrrpSyncGroupCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        => Completion.From(VrrpRegistry.SyncGroups.Select(g => g.Name), wordToComplete);
}

/// <summary>Completes -Name with the instances of this process.</summary>
public sealed class VrrpInstanceCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        => Completion.From(VrrpRegistry.All.Select(i => i.Name), wordToComplete);
}
