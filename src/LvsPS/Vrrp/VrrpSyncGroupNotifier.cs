using System.Collections.Concurrent;
using LvsPS.Native.Vrrp;

namespace LvsPS.Vrrp;

/// <summary>
/// keepalived's sync group notify: runs an executable with GROUP name MASTER|BACKUP|FAULT on every
/// state change of the group, in order, on a thread of its own (the group reports its changes on
/// a member's protocol thread, which must not wait for a script).
/// </summary>
internal sealed class VrrpSyncGroupNotifier
{
    private static readonly ConcurrentDictionary<VrrpSyncGroup, VrrpSyncGroupNotifier> s_notifiers = new();
    private readonly BlockingCollection<VrrpSyncGroupChange> _changes = new();

    private VrrpSyncGroupNotifier(VrrpSyncGroup group, string command)
    {
        Command = command;
        group.StateChanged += (_, change) => _changes.Add(change);
        new Thread(Run) { IsBackground = true, Name = $"vrrp-group-notify:{group.Name}" }.Start();
    }

    public string Command { get; }

    /// <summary>The group's notify command: set by its first member that gives one; another command later is refused.</summary>
    public static void Register(VrrpSyncGroup group, string command)
    {
        VrrpSyncGroupNotifier notifier = s_notifiers.GetOrAdd(group, g => new VrrpSyncGroupNotifier(g, command));
        if (notifier.Command != command)
            throw new VrrpValidationException(VrrpValidationException.InvalidSyncGroup,
                $"The sync group '{group.Name}' runs '{notifier.Command}' on its changes already; give the same -SyncGroupNotifyCommand or none.");
    }

    /// <summary>keepalived's group notify arguments: GROUP name state.</summary>
    public static string[] Arguments(VrrpSyncGroupChange change) => new[] { "GROUP", change.GroupName, change.To.ToString().ToUpperInvariant() };

    private void Run()
    {
        foreach (VrrpSyncGroupChange change in _changes.GetConsumingEnumerable())
        {
            try
            {
                VrrpScriptHost.RunProcess(Command, Arguments(change), TimeSpan.FromSeconds(30));
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // A missing or failing script must not stop the next notification.
            }
        }
    }
}
