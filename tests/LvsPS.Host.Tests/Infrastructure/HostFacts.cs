using LvsPS.Native.Vrrp;

namespace LvsPS.Host.Tests.Infrastructure;

/// <summary>Preconditions and helpers shared by the VRRP host tests.</summary>
public static class HostFacts
{
    public static void RequireRootAndKeepalived()
    {
        Skip.IfNot(Sh.IsRoot, "needs root (network namespaces, raw sockets)");
        Skip.IfNot(Keepalived.Available, "keepalived is not installed: run scripts/install-deps.sh");
    }

    public static void RequireRoot() => Skip.IfNot(Sh.IsRoot, "needs root (network namespaces, raw sockets)");

    public static VrrpInstanceOptions Options(Segment s, int node, int priority, int version = 2, double interval = 1,
        string? password = null, bool preempt = true, IEnumerable<string>? unicastPeers = null, string name = "VI_1", VrrpState initialState = VrrpState.Backup)
        => new()
        {
            Name = name,
            Interface = "eth0",
            VirtualRouterId = 51,
            Priority = priority,
            Version = version,
            AdvertisementInterval = TimeSpan.FromSeconds(interval),
            VirtualAddresses = new[] { VrrpVirtualAddress.Parse($"{s.Vip}/24") },
            AuthenticationPassword = password,
            Preempt = preempt,
            NetworkNamespace = s.Node(node),
            UnicastPeers = (unicastPeers ?? Array.Empty<string>()).Select(System.Net.IPAddress.Parse).ToArray(),
            GratuitousArpDelay = TimeSpan.FromSeconds(1),
            InitialState = initialState,
        };

    /// <summary>The body of keepalived's vrrp_instance for the same virtual router.</summary>
    public static string KeepalivedInstance(Segment s, int priority, int version = 2, double interval = 1, string? password = null,
        bool nopreempt = false, IEnumerable<string>? unicastPeers = null, string state = "BACKUP")
    {
        var lines = new List<string>
        {
            $"  state {state}",
            "  virtual_router_id 51",
            $"  priority {priority}",
            $"  advert_int {interval.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            $"  version {version}",
            $"  virtual_ipaddress {{ {s.Vip}/24 dev eth0 }}",
        };
        if (password != null)
            lines.Add($"  authentication {{ auth_type PASS\n    auth_pass {password} }}");
        if (nopreempt)
            lines.Add("  nopreempt");
        if (unicastPeers != null)
            lines.Add($"  unicast_peer {{ {string.Join(' ', unicastPeers)} }}");
        return string.Join('\n', lines);
    }
}
