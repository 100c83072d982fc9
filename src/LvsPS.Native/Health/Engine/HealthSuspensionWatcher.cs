using System.Net;
using LvsPS.Native.RouteNetlink;

namespace LvsPS.Native.Health.Engine;

/// <summary>
/// Decides which suspension keys hold: "vip:ADDRESS" while the address is on no local interface
/// (keepalived's ha_suspend), "vrrp:NAME" while that local VRRP instance is not master. Polled on
/// the engine's loop thread, so the address dump runs in the director's namespace.
/// </summary>
internal sealed class HealthSuspensionWatcher : IDisposable
{
    private readonly string[] _keys;
    private readonly HealthEngineOptions _options;
    private readonly Dictionary<string, bool> _current = new(StringComparer.Ordinal);
    private RouteNetlinkClient? _routes;

    public HealthSuspensionWatcher(IReadOnlyCollection<string> keys, HealthEngineOptions options)
    {
        _keys = keys.ToArray();
        _options = options;
    }

    public void Poll(HealthMonitor monitor)
    {
        if (_keys.Length == 0)
            return;
        HashSet<IPAddress>? local = null;
        foreach (string key in _keys)
        {
            bool suspended;
            if (key.StartsWith("vip:", StringComparison.Ordinal))
            {
                local ??= LocalAddresses();
                suspended = !local.Contains(IPAddress.Parse(key[4..]));
            }
            else
                suspended = _options.IsVrrpMaster?.Invoke(key[5..]) != true;
            if (!_current.TryGetValue(key, out bool was) || was != suspended)
            {
                _current[key] = suspended;
                monitor.SetSuspended(key, suspended);
            }
        }
    }

    private HashSet<IPAddress> LocalAddresses()
    {
        try
        {
            _routes ??= RouteNetlinkClient.Open();
            return _routes.GetAddresses().Select(a => a.Address).ToHashSet();
        }
        catch (Netlink.NetlinkException)
        {
            _routes?.Dispose();
            _routes = null;
            return new HashSet<IPAddress>();
        }
    }

    public void Dispose() => _routes?.Dispose();
}
