using System.Collections.Concurrent;
using LvsPS.Native.Runtime;
using LvsPS.Native.Vrrp;

namespace LvsPS.Vrrp;

/// <summary>
/// keepalived's sync group notify: runs an executable with GROUP name MASTER|BACKUP|FAULT on every
/// state change of the group, in order, on the runtime's <see cref="ScriptQueue"/> (the group
/// reports its changes on a member's protocol thread, which must not wait for a script; no
/// thread is held between changes).
/// </summary>
internal sealed class VrrpSyncGroupNotifier
{
    private static readonly ConcurrentDictionary<VrrpSyncGroup, VrrpSyncGroupNotifier> s_notifiers = new();
    private static readonly ScriptRunOptions Options = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly ScriptQueue _queue = new();

    private VrrpSyncGroupNotifier(VrrpSyncGroup group, ExecutableScript script)
    {
        Script = script;
        group.StateChanged += (_, change) => _queue.Enqueue(Script, Arguments(change), Options);
    }

    public ExecutableScript Script { get; }

    /// <summary>The group's notify command: set by its first member that gives one; another command later is refused.</summary>
    /// <exception cref="ScriptNotUsableException">The command cannot be run.</exception>
    public static void Register(VrrpSyncGroup group, string command)
    {
        ExecutableScript script = Commands.StartLvsVrrpInstanceCommand.Executable(command, networkNamespace: null);
        VrrpSyncGroupNotifier notifier = s_notifiers.GetOrAdd(group, g => new VrrpSyncGroupNotifier(g, script));
        if (notifier.Script.Description != script.Description)
            throw new VrrpValidationException(VrrpRule.InvalidSyncGroup,
                $"The sync group '{group.Name}' runs '{notifier.Script.Description}' on its changes already; give the same -SyncGroupNotifyCommand or none.");
    }

    /// <summary>keepalived's group notify arguments: GROUP name state.</summary>
    public static object?[] Arguments(VrrpSyncGroupChange change) => new object?[] { "GROUP", change.GroupName, change.To.ToString().ToUpperInvariant() };
}
