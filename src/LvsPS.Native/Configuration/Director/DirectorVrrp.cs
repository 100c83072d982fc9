using LvsPS.Native.Ipvs;
using LvsPS.Native.Runtime;
using LvsPS.Native.Text;
using LvsPS.Native.Vrrp;

namespace LvsPS.Native.Configuration.Director;

/// <summary>A vrrp_instance as the VRRP speaker's options, with the sync group it belongs to (null: none).</summary>
public sealed record DirectorVrrpInstance(VrrpInstanceOptions Options, string? SyncGroup);

/// <summary>
/// The vrrp_instances of a director as <see cref="VrrpInstanceOptions"/>: track scripts resolved
/// from vrrp_script blocks, notify scripts (notify_master/backup/fault run only on their state, without
/// arguments; notify with keepalived's INSTANCE NAME STATE PRIORITY), lvs_sync_daemon given to the
/// instance it names. What the speaker cannot do is left out with a note.
/// </summary>
public static class DirectorVrrp
{
    public static IReadOnlyList<DirectorVrrpInstance> Instances(DirectorConfiguration configuration, string? networkNamespace, ICollection<string>? notes = null)
    {
        var result = new List<DirectorVrrpInstance>();
        foreach (VrrpInstanceDefinition i in configuration.VrrpInstances)
        {
            string? group = configuration.VrrpSyncGroups.FirstOrDefault(g => g.Instances.Contains(i.Name))?.Name;
            result.Add(new DirectorVrrpInstance(Options(i, configuration, networkNamespace, group is not null, notes), group));
        }
        return result;
    }

    public static VrrpInstanceOptions Options(VrrpInstanceDefinition i, DirectorConfiguration configuration, string? networkNamespace, bool inSyncGroup, ICollection<string>? notes = null)
    {
        string where = $"{i.Location}: vrrp_instance {i.Name}";
        if (i.AuthType is "AH")
            notes?.Add($"{where}: auth_type AH is not spoken by LvsPS; the instance runs without authentication.");
        foreach (VrrpAddressDefinition a in i.VirtualAddresses.Concat(i.ExcludedAddresses).Where(a => a.Device is not null && a.Device != i.Interface))
            notes?.Add($"{where}: {a} dev {a.Device}: LvsPS adds every virtual address on the instance's interface {i.Interface}.");
        LvsSyncDaemonDefinition? sync = configuration.Global.LvsSyncDaemon;
        return new VrrpInstanceOptions
        {
            Name = i.Name,
            Interface = i.Interface ?? "",
            VirtualRouterId = i.VirtualRouterId,
            Priority = i.Priority,
            Version = i.Version,
            AdvertisementInterval = TimeSpan.FromSeconds(i.AdvertIntervalSeconds),
            VirtualAddresses = i.VirtualAddresses.Select(Address).ToArray(),
            ExcludedAddresses = i.ExcludedAddresses.Select(Address).ToArray(),
            InitialState = string.Equals(i.InitialState, "MASTER", StringComparison.OrdinalIgnoreCase) ? VrrpState.Master : VrrpState.Backup,
            Preempt = !i.NoPreempt,
            PreemptDelay = TimeSpan.FromSeconds(i.PreemptDelaySeconds ?? 0),
            UnicastSource = i.UnicastSourceAddress,
            UnicastPeers = i.UnicastPeers,
            AuthenticationPassword = i.AuthType == "PASS" ? i.AuthPassword : null,
            NetworkNamespace = networkNamespace,
            TrackInterfaces = i.TrackInterfaces.Select(t => new VrrpTrackedInterface(t.Name, inSyncGroup ? 0 : t.Weight ?? 0)).ToArray(),
            TrackScripts = TrackScripts(i, configuration, networkNamespace, inSyncGroup, notes),
            NotifyScripts = NotifyScripts(i.Notify, networkNamespace),
            LvsSyncDaemon = sync is not null && sync.VrrpInstance == i.Name ? new SyncDaemon
            {
                State = SyncDaemonState.Backup,
                Interface = sync.Interface,
                SyncId = sync.SyncId,
                MaxLength = sync.MaxLength,
                MulticastGroup = sync.MulticastGroup,
                Port = sync.Port,
                Ttl = sync.Ttl,
            } : null,
        };
    }

    private static VrrpVirtualAddress Address(VrrpAddressDefinition a) => new(a.Address, a.PrefixLength ?? NetText.HostPrefixLength(a.Address));

    private static VrrpTrackedScript[] TrackScripts(VrrpInstanceDefinition i, DirectorConfiguration configuration, string? networkNamespace, bool inSyncGroup, ICollection<string>? notes)
    {
        var scripts = new List<VrrpTrackedScript>();
        foreach (TrackDefinition t in i.TrackScripts)
        {
            VrrpScriptDefinition? s = configuration.VrrpScripts.FirstOrDefault(v => v.Name == t.Name);
            if (s?.Script is null)
            {
                notes?.Add($"{i.Location}: vrrp_instance {i.Name}: track_script {t.Name} has no runnable vrrp_script; not tracked.");
                continue;
            }
            int weight = t.Weight ?? s.Weight;
            if (t.Weight is null ? s.WeightReverse : t.Reverse)
                notes?.Add($"{i.Location}: vrrp_instance {i.Name}: track_script {t.Name}: 'reverse' is not supported by LvsPS; the weight applies as written.");
            scripts.Add(new VrrpTrackedScript(s.Name, Executable(s.Script, networkNamespace), TimeSpan.FromSeconds(s.IntervalSeconds),
                inSyncGroup ? 0 : weight, s.Rise, s.Fall)
            {
                Timeout = s.TimeoutSeconds > 0 ? TimeSpan.FromSeconds(s.TimeoutSeconds) : null,
            });
        }
        return scripts.ToArray();
    }

    private static VrrpNotifyScript[] NotifyScripts(VrrpNotifyScripts notify, string? networkNamespace)
    {
        var scripts = new List<VrrpNotifyScript>();
        void OnState(string? command, VrrpState state)
        {
            if (command is not null)
                scripts.Add(new VrrpNotifyScript(new OnStateScript(Executable(command, networkNamespace), state)));
        }
        OnState(notify.Master, VrrpState.Master);
        OnState(notify.Backup, VrrpState.Backup);
        OnState(notify.Fault, VrrpState.Fault);
        OnState(notify.Stop, VrrpState.Init);
        if (notify.AnyState is not null)
            scripts.Add(new VrrpNotifyScript(Executable(notify.AnyState, networkNamespace)));
        return scripts.ToArray();
    }

    internal static ExecutableScript Executable(string commandLine, string? networkNamespace)
        => new(ScriptCommand.Parse(commandLine) with { NetworkNamespace = networkNamespace });

    /// <summary>notify_master and the like: runs only when the instance enters its state, without arguments.</summary>
    private sealed class OnStateScript(IScript script, VrrpState state) : IScript
    {
        private readonly string _state = state.ToString().ToUpperInvariant();

        public string Description => script.Description;

        public Task<ScriptResult> RunAsync(IReadOnlyList<object?> arguments, ScriptRunOptions options, CancellationToken cancellationToken)
            => arguments.Count > 2 && string.Equals(arguments[2]?.ToString(), _state, StringComparison.Ordinal)
                ? script.RunAsync([], options, cancellationToken)
                : Task.FromResult(new ScriptResult { Outcome = ScriptOutcome.Exited, ExitCode = 0 });
    }
}
