using LvsPS.Native.Configuration.Director;

namespace LvsPS.Native.Configuration.Keepalived;

/// <summary>Checks across blocks: scripts that cannot run, names that refer to nothing.</summary>
public sealed partial class KeepalivedConfigurationReader
{
    private DirectorConfiguration Validate(DirectorConfiguration c)
    {
        var scripts = new List<VrrpScriptDefinition>();
        foreach (VrrpScriptDefinition script in c.VrrpScripts)
        {
            if (_options.ScriptRunnable is { } runnable && !runnable(Program(script.Script!)))
            {
                _diagnostics.Warn(DiagnosticCodes.ScriptDisabled, script.Location,
                    $"track script {script.Name} is disabled: {Program(script.Script!)} is not found or not executable (keepalived disables it too).");
                continue;
            }
            scripts.Add(script);
        }
        HashSet<string> disabled = c.VrrpScripts.Except(scripts).Select(s => s.Name).ToHashSet();
        var instances = new List<VrrpInstanceDefinition>();
        foreach (VrrpInstanceDefinition read in c.VrrpInstances)
        {
            VrrpInstanceDefinition instance = read;
            if (instance.VirtualRouterId == 0)
            {
                _diagnostics.Warn(DiagnosticCodes.VrrpInstanceInvalid, instance.Location, $"({instance.Name}) has no virtual_router_id (1-255); the instance is removed.");
                continue;
            }
            if (instance.InitialState == "MASTER" && instance.AuthType == "AH")
            {
                _diagnostics.Warn(DiagnosticCodes.SettingAdjusted, instance.Location, $"({instance.Name}) an initial state MASTER does not go with AH authentication; the instance starts as BACKUP.");
                instance = instance with { InitialState = null };
            }
            var tracks = new List<TrackDefinition>();
            foreach (TrackDefinition track in instance.TrackScripts)
            {
                if (disabled.Contains(track.Name))
                    continue;
                if (scripts.Any(s => s.Name == track.Name))
                    tracks.Add(track);
                else
                    _diagnostics.Warn(DiagnosticCodes.UnknownReference, instance.Location, $"({instance.Name}) track script {track.Name} is not defined; not tracked.");
            }
            instances.Add(instance with { TrackScripts = tracks });
        }
        foreach (VrrpSyncGroupDefinition group in c.VrrpSyncGroups)
            foreach (string member in group.Instances.Where(m => instances.All(i => i.Name != m)))
                _diagnostics.Warn(DiagnosticCodes.UnknownReference, group.Location, $"vrrp_sync_group {group.Name}: instance {member} is not defined.");
        var servers = new List<VirtualServerDefinition>();
        foreach (VirtualServerDefinition vs in c.VirtualServers)
        {
            if (vs.Kind == VirtualServerHeadKind.Group && c.VirtualServerGroups.All(g => g.Name != vs.GroupName))
            {
                _diagnostics.Warn(DiagnosticCodes.UnknownReference, vs.Location, $"virtual_server group {vs.GroupName}: no virtual_server_group of that name; the virtual server is ignored.");
                continue;
            }
            servers.Add(vs);
        }
        if (c.Global.LvsSyncDaemon is { } daemon && instances.All(i => i.Name != daemon.VrrpInstance))
            _diagnostics.Warn(DiagnosticCodes.UnknownReference, default, $"lvs_sync_daemon names VRRP instance {daemon.VrrpInstance}, which is not defined.");
        return c with { VrrpScripts = scripts, VrrpInstances = instances, VirtualServers = servers };
    }
}
