using System.Net;
using LvsPS.Native.Ipvs;
using LvsPS.Native.RouteNetlink;
using static LvsPS.Native.HostSettings.DiagnosticChecks;

namespace LvsPS.Native.HostSettings;

/// <summary>
/// The LVS set-up checks, pure: the director's IPVS table and host snapshot, and the
/// snapshots of whichever real servers could be inspected, in; one finding per problem out.
/// </summary>
public static class LvsDiagnostics
{
    public static IReadOnlyList<LvsFinding> Run(IReadOnlyList<VirtualService> services, HostSnapshot director, IReadOnlyList<HostSnapshot> realServerHosts)
    {
        var findings = new List<LvsFinding>();
        foreach (VirtualService service in services)
        {
            CheckVip(service, director, findings);
            foreach (RealServer rs in service.RealServers)
            {
                HostSnapshot? host = realServerHosts.FirstOrDefault(h => h.HasAddress(rs.Address));
                CheckRealServer(service, rs, director, host, findings);
            }
        }
        CheckForwarding(services, director, findings);
        CheckTunables(services, director, findings);
        return findings;
    }

    private static void CheckVip(VirtualService service, HostSnapshot director, List<LvsFinding> findings)
    {
        if (service.Key.IsFirewallMark || service.Key.Address is not { } vip || director.HasAddress(vip))
            return;
        findings.Add(Finding(FindingSeverity.Error, VipNotOnDirector, service.Key.ToString(), director,
            $"The VIP {vip} is not an address of the director: IPVS only sees packets addressed to the director itself, so nothing reaches {service.Key}.",
            new() { Vip = vip }));
    }

    private static void CheckRealServer(VirtualService service, RealServer rs, HostSnapshot director, HostSnapshot? host, List<LvsFinding> findings)
    {
        string target = rs.ToString();
        bool dr = rs.Forwarding == ForwardingMethod.Route, tun = rs.Forwarding == ForwardingMethod.Tunnel;
        if ((dr || tun) && !service.Key.IsFirewallMark && rs.Port != 0 && rs.Port != service.Key.Port)
            findings.Add(Finding(FindingSeverity.Error, PortRemapNotPossible, target, director,
                $"{(dr ? "Direct routing" : "Tunnelling")} delivers the packet unchanged, so it reaches port {service.Key.Port} on {rs.Address}, not {rs.Port}.",
                new() { RealServerAddress = rs.Address, ServicePort = service.Key.Port, Tunnel = tun }));

        if (rs.Forwarding == ForwardingMethod.Local || director.HasAddress(rs.Address))
        {
            findings.Add(Finding(FindingSeverity.Warning, RealServerIsDirector, target, director,
                $"{rs.Address} is an address of the director itself: IPVS hands these connections to local sockets (localnode) whatever the forwarding method, and a director that also serves gets no failover.",
                new() { RealServerAddress = rs.Address }));
            return;
        }

        if (dr && !OnDirectorSegment(director, rs.Address))
            findings.Add(Finding(FindingSeverity.Error, RealServerNotOnDirectorSegment, target, director,
                $"Direct routing rewrites only the destination MAC address, so {rs.Address} must be on an Ethernet segment of the director; no interface of the director has a connected network containing it.",
                new() { RealServerAddress = rs.Address }));

        if (rs.Forwarding == ForwardingMethod.Masquerade)
            CheckNatReturnPath(rs, target, director, host, findings);
        else if ((dr || tun) && host is not null && service.Key.Address is { } vip)
            CheckRealServerHost(rs, vip, target, host, tun, findings);
    }

    private static bool OnDirectorSegment(HostSnapshot director, IPAddress address)
        => director.Addresses.Any(a => !a.IsHostPrefix && a.Contains(address)
            && director.Links.FirstOrDefault(l => l.Index == a.InterfaceIndex) is { IsLoopback: false, IsUp: true });

    private static void CheckNatReturnPath(RealServer rs, string target, HostSnapshot director, HostSnapshot? host, List<LvsFinding> findings)
    {
        var facts = new LvsFindingFacts { RealServerAddress = rs.Address, Gateway = director.Addresses.FirstOrDefault(a => !a.IsHostPrefix && a.Contains(rs.Address))?.Address };
        if (host is null)
        {
            findings.Add(Finding(FindingSeverity.Info, NatReturnPathUnverified, target, director,
                $"With masquerading, the replies of {rs.Address} must go back through the director to be un-NATed; the director cannot see the real server's routes.",
                facts));
            return;
        }
        RouteEntry? route = host.Routes.Where(r => r.IsDefault && r.Family == RouteNetlinkCodec.FamilyOf(rs.Address)).FirstOrDefault();
        if (route?.Gateway is { } gw && director.HasAddress(gw))
            return;
        findings.Add(Finding(FindingSeverity.Error, NatReturnPathNotViaDirector, target, host,
            route is null
                ? $"{rs.Address} has no default route: replies to clients outside its network never return through the director, and clients see no answer."
                : $"The default route of {rs.Address} goes via {route.Gateway?.ToString() ?? host.InterfaceName(route.OutputInterfaceIndex)}, not the director: replies bypass the director, keep the real server's address as source, and clients drop them.",
            facts));
    }

    private static void CheckRealServerHost(RealServer rs, IPAddress vip, string target, HostSnapshot host, bool tunnel, List<LvsFinding> findings)
    {
        List<InterfaceAddress> bound = host.Addresses.Where(a => a.Address.Equals(vip)).ToList();
        var facts = new LvsFindingFacts { Vip = vip, RealServerAddress = rs.Address, Tunnel = tunnel, ExpectedInterface = tunnel ? "tunl0" : "lo" };
        if (bound.Count == 0)
        {
            findings.Add(Finding(FindingSeverity.Error, VipNotOnRealServer, target, host,
                $"The real server {rs.Address} does not have the VIP {vip}: it drops the packets the director {(tunnel ? "tunnels" : "forwards")} to it.",
                facts));
        }
        foreach (InterfaceAddress a in bound)
        {
            NetworkLink? link = host.Links.FirstOrDefault(l => l.Index == a.InterfaceIndex);
            string iface = link?.Name ?? host.InterfaceName(a.InterfaceIndex);
            if (link is { UsesArp: true })
                findings.Add(Finding(FindingSeverity.Error, VipOnArpInterface, target, host,
                    $"The VIP {vip} is bound to {iface}, an interface that answers ARP for its own addresses whatever arp_ignore says: the real server competes with the director for the VIP.",
                    facts with { Interface = iface }));
            else if (!a.IsHostPrefix)
                findings.Add(Finding(FindingSeverity.Warning, VipNotHostPrefix, target, host,
                    $"The VIP is bound as {a} on {iface}: {(link?.IsLoopback == true ? "on lo a whole network becomes local, so the real server can no longer reach other hosts of it" : "the prefix adds routes the real server does not need")}.",
                    facts with { Interface = iface, ExpectedInterface = iface }));
        }
        foreach (NetworkLink nic in host.Links.Where(l => l.UsesArp && l.IsUp && host.Addresses.Any(a => a.InterfaceIndex == l.Index && a.Address.Equals(rs.Address))))
        {
            ArpSuppressionStatus arp = host.ArpSuppression(nic.Name);
            if (!arp.IsSuppressed)
                findings.Add(Finding(tunnel ? FindingSeverity.Warning : FindingSeverity.Error, ArpNotSuppressed, target, host,
                    $"{nic.Name} of {rs.Address} answers ARP for the VIP {vip}: clients and routers on that segment may send VIP traffic straight to this real server, bypassing the director. {arp.Reason}",
                    facts with { Interface = nic.Name }));
        }
        if (!tunnel)
            return;
        List<NetworkLink> tunnels = host.Links.Where(l => l.IsIpipTunnel).ToList();
        if (!tunnels.Any(l => l.IsUp))
        {
            findings.Add(Finding(FindingSeverity.Error, TunnelInterfaceMissing, target, host,
                $"{rs.Address} has no ipip tunnel interface that is up: the IP-in-IP packets of the director are not decapsulated.",
                facts));
            return;
        }
        foreach (NetworkLink t in tunnels.Where(l => l.IsUp))
        {
            int rp = host.EffectiveConf(t.Name, "rp_filter");
            if (rp == 1)
                findings.Add(Finding(FindingSeverity.Error, RpFilterBlocksTunnel, target, host,
                    $"Strict reverse-path filtering is in effect on {t.Name} (rp_filter 1, the maximum of conf/all and conf/{t.Name}): decapsulated packets from clients arrive on {t.Name}, but the route back to the clients leaves by another interface, so the kernel drops them.",
                    facts with { Interface = t.Name }));
        }
    }

    private static void CheckForwarding(IReadOnlyList<VirtualService> services, HostSnapshot director, List<LvsFinding> findings)
    {
        if (!services.SelectMany(s => s.RealServers).Any(r => r.Forwarding == ForwardingMethod.Masquerade))
            return;
        if (director.SysctlInt(SysctlNames.IpForward) != 1)
            findings.Add(Finding(FindingSeverity.Error, IpForwardOff, SysctlNames.IpForward, director,
                "IP forwarding is off on the director: the replies of masqueraded (NAT) real servers are not forwarded back to the clients.",
                new() { Sysctl = SysctlNames.IpForward, SysctlValue = "1" }));
        List<string> redirecting = director.Links.Where(l => l.UsesArp)
            // The kernel sends redirects when conf/all OR conf/IFACE says so (IN_DEV_ORCONF).
            .Where(l => (director.SysctlInt(SysctlNames.Conf("all", "send_redirects")) ?? 0) != 0 || (director.SysctlInt(SysctlNames.Conf(l.Name, "send_redirects")) ?? 0) != 0)
            .Select(l => l.Name).ToList();
        if (redirecting.Count > 0)
            findings.Add(Finding(FindingSeverity.Warning, SendRedirectsOn, SysctlNames.Conf("all", "send_redirects"), director,
                $"The director sends ICMP redirects ({string.Join(", ", redirecting)}): real servers that share a network with clients learn to bypass the director, and their un-NATed replies are dropped.",
                new() { Sysctl = SysctlNames.Conf("all", "send_redirects"), SysctlValue = "0" }));
    }

    private static void CheckTunables(IReadOnlyList<VirtualService> services, HostSnapshot director, List<LvsFinding> findings)
    {
        if (services.Count == 0)
            return;
        List<VirtualService> persistent = services.Where(s => s.Persistent).ToList();
        if (persistent.Count > 0 && director.SysctlInt(SysctlNames.ExpireQuiescentTemplate) == 0)
        {
            bool quiesced = persistent.SelectMany(s => s.RealServers).Any(r => r.Weight == 0);
            findings.Add(Finding(quiesced ? FindingSeverity.Warning : FindingSeverity.Info, ExpireQuiescentTemplateOff, SysctlNames.ExpireQuiescentTemplate, director,
                $"expire_quiescent_template is 0: persistent clients keep going to a real server set to weight 0 until their persistence template times out{(quiesced ? " (a persistent service has a weight-0 real server now)" : "")}.",
                new() { Sysctl = SysctlNames.ExpireQuiescentTemplate, SysctlValue = "1" }));
        }
        if (director.SysctlInt(SysctlNames.ExpireNodestConn) == 0)
            findings.Add(Finding(FindingSeverity.Info, ExpireNodestConnOff, SysctlNames.ExpireNodestConn, director,
                "expire_nodest_conn is 0: connections to a removed real server stay in the table and their packets are dropped silently until they time out (900 s for established TCP).",
                new() { Sysctl = SysctlNames.ExpireNodestConn, SysctlValue = "1" }));
        int? reuse = director.SysctlInt(SysctlNames.ConnReuseMode);
        if (reuse == 0)
            findings.Add(Finding(FindingSeverity.Info, DiagnosticChecks.ConnReuseMode, SysctlNames.ConnReuseMode, director,
                "conn_reuse_mode is 0: a client that reuses a source port of an old connection goes to the old real server, even one of weight 0 or removed; draining is slow under high connection rates.",
                new() { Sysctl = SysctlNames.ConnReuseMode, SysctlValue = "1" }));
        else if (reuse is 1 && director.SysctlInt(SysctlNames.Conntrack) == 1)
            findings.Add(Finding(FindingSeverity.Info, DiagnosticChecks.ConnReuseMode, SysctlNames.ConnReuseMode, director,
                "conn_reuse_mode is 1 with net.ipv4.vs.conntrack 1: on kernels before 5.9 a reused client port waits about one second (the old connection is expired and the SYN dropped) before being rescheduled.",
                new() { Sysctl = SysctlNames.Conntrack, SysctlValue = "0" }));
    }

    private static LvsFinding Finding(FindingSeverity severity, string check, string target, HostSnapshot where, string message, LvsFindingFacts facts)
        => new() { Severity = severity, Check = check, Target = target, Message = message, Facts = facts, NetworkNamespace = where.NetworkNamespace };
}
