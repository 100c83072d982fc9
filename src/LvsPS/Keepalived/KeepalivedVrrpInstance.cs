using System.Security;
using LvsPS.Native.Configuration.Director;

namespace LvsPS.Keepalived;

/// <summary>
/// A vrrp_instance of a keepalived.conf shaped as Start-LvsVrrpInstance's parameters, so that
/// <c>Get-LvsKeepalivedConfiguration -Path f -As VrrpInstance | Start-LvsVrrpInstance</c> starts it.
/// </summary>
public sealed class KeepalivedVrrpInstance
{
    internal KeepalivedVrrpInstance(VrrpInstanceDefinition i, DirectorConfiguration c)
    {
        Name = i.Name;
        Interface = i.Interface ?? "";
        VirtualRouterId = i.VirtualRouterId;
        Priority = i.Priority;
        AdvertisementInterval = i.AdvertIntervalSeconds;
        Version = i.Version;
        VirtualAddress = i.VirtualAddresses.Select(a => a.PrefixLength is null ? a.ToString() : $"{a.Address}/{a.PrefixLength}").ToArray();
        InitialState = i.InitialState == "MASTER" ? "Master" : "Backup";
        NoPreempt = i.NoPreempt;
        PreemptDelay = i.PreemptDelaySeconds ?? 0;
        UnicastSource = i.UnicastSourceAddress?.ToString();
        UnicastPeer = i.UnicastPeers.Count == 0 ? null : i.UnicastPeers.Select(p => p.ToString()).ToArray();
        TrackInterface = i.TrackInterfaces.Count == 0 ? null : i.TrackInterfaces.Select(t => t.Weight is { } w ? $"{t.Name} weight {w}" : t.Name).ToArray();
        SyncGroup = c.VrrpSyncGroups.FirstOrDefault(g => g.Instances.Contains(i.Name))?.Name;
        NotifyCommand = i.Notify.AnyState;
        if (i.AuthType == "PASS" && i.AuthPassword is { } password)
        {
            var secure = new SecureString();
            foreach (char ch in password)
                secure.AppendChar(ch);
            secure.MakeReadOnly();
            AuthenticationPassword = secure;
        }
        TrackScriptNames = i.TrackScripts.Select(t => t.Name).ToArray();
    }

    public string Name { get; }
    public string Interface { get; }
    public int VirtualRouterId { get; }
    public int Priority { get; }
    public double AdvertisementInterval { get; }
    public int Version { get; }
    public string[] VirtualAddress { get; }
    public string InitialState { get; }
    public bool NoPreempt { get; }
    public double PreemptDelay { get; }
    public string? UnicastSource { get; }
    public string[]? UnicastPeer { get; }
    public string[]? TrackInterface { get; }
    public string? SyncGroup { get; }
    public string? NotifyCommand { get; }
    /// <summary>The PASS password (keepalived's auth_pass); null without authentication.</summary>
    public SecureString? AuthenticationPassword { get; }
    /// <summary>The vrrp_scripts it tracks (give them to Start-LvsVrrpInstance -TrackScript).</summary>
    public string[] TrackScriptNames { get; }

    public override string ToString() => Name;
}
