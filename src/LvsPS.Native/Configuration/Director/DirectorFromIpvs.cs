using LvsPS.Native.Ipvs;

namespace LvsPS.Native.Configuration.Director;

/// <summary>
/// A director configuration from an IPVS table (Get-LvsVirtualService's records): one
/// virtual_server per service, its real servers without checks. What keepalived cannot express is
/// left out and said: a service without real servers (keepalived drops it) and the "local"
/// forwarding the kernel reports for its own addresses.
/// </summary>
public static class DirectorFromIpvs
{
    public static DirectorConfiguration Build(IEnumerable<VirtualService> services, ICollection<string> notes)
    {
        var servers = new List<VirtualServerDefinition>();
        foreach (VirtualService s in services)
        {
            if (s.RealServers.Count == 0)
            {
                notes.Add($"{s.Key} has no real servers: keepalived drops such a virtual_server, so it is not written.");
                continue;
            }
            ForwardingMethod forwarding = s.RealServers.GroupBy(r => r.Forwarding).OrderByDescending(g => g.Count()).First().Key;
            if (forwarding == ForwardingMethod.Local)
                forwarding = ForwardingMethod.Route;
            var vs = new VirtualServerDefinition
            {
                Kind = s.Key.IsFirewallMark ? VirtualServerHeadKind.FirewallMark : VirtualServerHeadKind.Address,
                Address = s.Key.Address,
                Port = s.Key.Port,
                FirewallMark = s.Key.FirewallMark,
                Protocol = s.Key.Protocol,
                Family = s.Key.Family,
                Scheduler = s.Scheduler,
                SchedulerFlags = s.SchedulerFlags,
                OnePacket = s.OnePacket,
                Forwarding = forwarding,
                PersistenceTimeout = s.Persistent ? s.PersistenceTimeout : null,
                PersistencePrefixLength = s.PersistencePrefixLength,
                PersistenceEngine = s.PersistenceEngine,
            };
            var realServers = new List<RealServerDefinition>();
            foreach (RealServer r in s.RealServers)
            {
                ForwardingMethod rf = r.Forwarding == ForwardingMethod.Local ? ForwardingMethod.Route : r.Forwarding;
                if (r.Forwarding == ForwardingMethod.Local)
                    notes.Add($"{s.Key} -> {r.Endpoint}: the kernel reports local forwarding (the director's own address); written as DR.");
                realServers.Add(new RealServerDefinition
                {
                    Address = r.Address,
                    Port = rf is ForwardingMethod.Route or ForwardingMethod.Tunnel && !s.Key.IsFirewallMark ? s.Key.Port : r.Port,
                    Forwarding = rf,
                    Tunnel = rf == ForwardingMethod.Tunnel ? new TunnelSettings(r.TunnelType, r.TunnelPort, r.TunnelChecksum) : null,
                    Weight = r.Weight,
                    UpperThreshold = r.UpperThreshold,
                    LowerThreshold = r.LowerThreshold,
                });
            }
            servers.Add(vs with { RealServers = realServers, Quorum = Math.Min(1u, (uint)realServers.Sum(r => (long)r.Weight)) });
        }
        return new DirectorConfiguration { VirtualServers = servers };
    }
}
