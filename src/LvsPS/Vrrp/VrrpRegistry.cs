using System.Collections;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Management.Automation.Language;
using LvsPS.Native.Vrrp;

namespace LvsPS.Vrrp;

/// <summary>
/// The VRRP instances of this pwsh process, by name (case-insensitive). They outlive the
/// command that started them and run until Stop-LvsVrrpInstance or the process exits.
/// </summary>
public static class VrrpRegistry
{
    private static readonly ConcurrentDictionary<string, VrrpInstance> s_instances = new(StringComparer.OrdinalIgnoreCase);
    private static readonly ConcurrentDictionary<string, VrrpSyncGroup> s_groups = new(StringComparer.OrdinalIgnoreCase);

    static VrrpRegistry()
    {
        // A pwsh that exits still says goodbye: priority 0 and the VIPs removed.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (VrrpInstance instance in s_instances.Values)
                instance.Stop(TimeSpan.FromSeconds(2));
        };
    }

    public static IEnumerable<VrrpInstance> All => s_instances.Values.OrderBy(i => i.Name, StringComparer.OrdinalIgnoreCase);

    public static VrrpInstance? Find(string name) => s_instances.TryGetValue(name, out VrrpInstance? i) ? i : null;

    /// <summary>Registers a new instance; false when a running one has the name already (a stopped one is replaced).</summary>
    public static bool TryReserve(string name)
    {
        if (s_instances.TryGetValue(name, out VrrpInstance? existing) && existing.IsRunning)
            return false;
        return true;
    }

    public static void Add(VrrpInstance instance) => s_instances[instance.Name] = instance;

    /// <summary>The sync group of that name, created on first use; a group lives as long as the process.</summary>
    public static VrrpSyncGroup SyncGroup(string name) => s_groups.GetOrAdd(name.Trim(), n => new VrrpSyncGroup(n));

    /// <summary>The sync groups that have a running member, by name.</summary>
    public static IEnumerable<VrrpSyncGroup> SyncGroups
        => s_groups.Values.Where(g => g.MemberNames.Count > 0).OrderBy(g => g.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The running instance that drives the IPVS sync daemon of that namespace, if any (there is one master and one backup daemon per namespace).</summary>
    public static VrrpInstance? SyncDaemonDriver(string? networkNamespace)
        => s_instances.Values.FirstOrDefault(i => i.IsRunning && i.LvsSyncDaemon != null && i.NetworkNamespace == networkNamespace);

    public static void Remove(VrrpInstance instance) => ((ICollection<KeyValuePair<string, VrrpInstance>>)s_instances).Remove(new(instance.Name, instance));

    public static ErrorRecord NotFound(string name)
        => new(new ItemNotFoundException($"There is no VRRP instance named '{name}' in this PowerShell process; list them with Get-LvsVrrpInstance."),
            ErrorMapper.VrrpInstanceNotFound, ErrorCategory.ObjectNotFound, name);
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
