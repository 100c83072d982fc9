using LvsPS.Native.Runtime;

namespace LvsPS.Native.Vrrp;

/// <summary>
/// The instance's scripts on the runtime: track scripts as <see cref="PeriodicScript"/>s whose
/// up/down changes are posted to the protocol thread, notify scripts on a <see cref="ScriptQueue"/>
/// in the order of the changes. After the protocol thread ended, <see cref="FinishAsync"/> stops
/// the track scripts, lets the notifications of the last changes run, and marks the instance ended.
/// </summary>
public sealed partial class VrrpInstance
{
    private static readonly TimeSpan DefaultNotifyTimeout = TimeSpan.FromSeconds(30);
    /// <summary>How long the notify scripts of the last changes may still run once the instance stopped.</summary>
    private static readonly TimeSpan NotifyGrace = TimeSpan.FromSeconds(5);

    private readonly PeriodicScript[] _trackScripts;
    private readonly ScriptQueue _notifyQueue = new();
    private readonly TaskCompletionSource _notified = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The track scripts with their counters and last results.</summary>
    public IReadOnlyList<PeriodicScript> TrackScripts => _trackScripts;

    private PeriodicScript TrackScript(VrrpTrackedScript tracked)
    {
        // Up until the first result, which decides; then rise/fall (keepalived's vrrp_script).
        var counter = new RiseFallCounter(tracked.Rise, tracked.Fall, RiseFallStart.Up);
        var script = new PeriodicScript(tracked.Name, tracked.Script, tracked.Interval, counter,
            new ScriptRunOptions { Timeout = tracked.Timeout ?? tracked.Interval });
        string key = $"check:{tracked.Name}";
        script.Changed += (s, up) => _inbox.Post(() =>
        {
            _trackUp[key] = up;
            Recompute();
        });
        script.Changed += (s, _) =>
        {
            if (s.LastResult is { Outcome: ScriptOutcome.FailedToStart } r)
                LastError = $"track script '{s.Name}': {r.Message}";
        };
        return script;
    }

    private void ObserveNotifyScripts()
        => _notifyQueue.Completed += (script, result) =>
        {
            if (!result.Succeeded)
                LastError = $"notify script {script.Description}: {result}";
        };

    private void QueueNotifyScripts(VrrpStateChange change)
    {
        foreach (VrrpNotifyScript notify in _options.NotifyScripts)
        {
            object?[] arguments = notify.Arguments == VrrpNotifyArguments.Objects
                ? new object?[] { change, this }
                : new object?[] { "INSTANCE", change.InstanceName, change.To.ToString().ToUpperInvariant(), change.Priority.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            _notifyQueue.Enqueue(notify.Script, arguments, new ScriptRunOptions { Timeout = notify.Timeout ?? DefaultNotifyTimeout });
        }
    }

    /// <summary>After the protocol thread: track scripts stopped, the last state changes handled and notified, then ended.</summary>
    private async Task FinishAsync()
    {
        try
        {
            await Task.WhenAll(_trackScripts.Select(s => s.StopAsync())).ConfigureAwait(false);
            await _notified.Task.ConfigureAwait(false);
            await _notifyQueue.CloseAsync(NotifyGrace).ConfigureAwait(false);
        }
        finally
        {
            _ended.TrySetResult();
        }
    }
}
