using LvsPS.Native.Runtime;

namespace LvsPS.Native.Vrrp;

/// <summary>
/// Tracking as keepalived does it: the instance's own interface and every tracked interface
/// or script with weight 0 put it in FAULT when down; a negative weight is subtracted while
/// down, a positive one added while up. The address owner (255) keeps its priority. Links are
/// polled on the protocol thread; scripts run on the runtime and post their changes to it.
/// </summary>
public sealed partial class VrrpInstance
{
    private bool _ownLinkUp = true;

    private void PollLinks(bool force)
    {
        TimeSpan now = Now;
        if (!force && now < _nextLinkPoll)
            return;
        _nextLinkPoll = now + LinkPollInterval;
        IReadOnlyList<RouteNetlink.NetworkLink> links;
        try
        {
            links = _binder.GetLinks();
        }
        catch (Netlink.NetlinkException e)
        {
            LastError = $"read the links: {e.Message}";
            return;
        }
        _ownLinkUp = links.FirstOrDefault(l => l.Index == _link.Index)?.HasCarrier ?? false;
        foreach (VrrpTrackedInterface tracked in _options.TrackInterfaces)
            _trackUp[$"if:{tracked.Name}"] = links.FirstOrDefault(l => l.Name == tracked.Name)?.HasCarrier ?? false;
        lock (_trackSnapshot)
            foreach (VrrpTrackedInterface tracked in _options.TrackInterfaces)
                _trackSnapshot[$"if:{tracked.Name}"] = _trackUp[$"if:{tracked.Name}"];
        Recompute();
    }

    private void Recompute()
    {
        bool faulted = !_ownLinkUp;
        foreach (VrrpTrackedInterface t in _options.TrackInterfaces)
            faulted |= t.Weight == 0 && !_trackUp.GetValueOrDefault($"if:{t.Name}");
        foreach (VrrpTrackedScript c in _options.TrackScripts)
            faulted |= c.Weight == 0 && !_trackUp.GetValueOrDefault($"check:{c.Name}", true);
        Execute(_machine.SetFault(Now, WithGroupFault(faulted)));
        Execute(_machine.SetPriority(Now, EffectivePriority()));
    }

    private byte EffectivePriority()
    {
        if (ConfiguredPriority == 255)
            return 255;
        int p = ConfiguredPriority;
        foreach (VrrpTrackedInterface t in _options.TrackInterfaces)
            p += Adjustment(t.Weight, _trackUp.GetValueOrDefault($"if:{t.Name}"));
        foreach (VrrpTrackedScript c in _options.TrackScripts)
            p += Adjustment(c.Weight, _trackUp.GetValueOrDefault($"check:{c.Name}", true));
        return (byte)Math.Clamp(p, 1, 254);
    }

    private static int Adjustment(int weight, bool up) => weight > 0 && up ? weight : weight < 0 && !up ? weight : 0;

    /// <summary>The state of the tracked interfaces and scripts: "if:NAME" or "check:NAME" → up.</summary>
    public IReadOnlyDictionary<string, bool> Tracking
    {
        get
        {
            var copy = new SortedDictionary<string, bool>(StringComparer.Ordinal);
            foreach (VrrpTrackedInterface t in _options.TrackInterfaces)
                copy[$"if:{t.Name}"] = false;
            lock (_trackSnapshot)
                foreach (var (k, v) in _trackSnapshot)
                    copy[k] = v;
            foreach (PeriodicScript script in _trackScripts)
                copy[$"check:{script.Name}"] = script.IsUp;
            return copy;
        }
    }

    private readonly Dictionary<string, bool> _trackSnapshot = new(StringComparer.Ordinal);
}
