using System.Globalization;
using LvsPS.Native.Ipvs;

namespace LvsPS;

/// <summary>
/// Text as ipvsadm prints it, for LvsPS.format.ps1xml and for -WhatIf/-Confirm lines. Public
/// because the format file's script blocks call it.
/// </summary>
public static partial class LvsFormat
{
    /// <summary>ipvsadm's "Forward" column: Masq, Local, Tunnel, Route.</summary>
    public static string Forward(ForwardingMethod method) => method switch
    {
        ForwardingMethod.Masquerade => "Masq",
        ForwardingMethod.Local => "Local",
        ForwardingMethod.Tunnel => "Tunnel",
        ForwardingMethod.Route => "Route",
        _ => method.ToString(),
    };

    /// <summary>TCP, UDP, SCTP or FWM.</summary>
    public static string Protocol(VirtualServiceKey key)
        => key.IsFirewallMark ? "FWM" : VirtualServiceKey.ProtocolName(key.Protocol).ToUpperInvariant();

    /// <summary>address:port, or the mark (with "IPv6" for an IPv6 mark service, as ipvsadm does).</summary>
    public static string LocalAddress(VirtualServiceKey key)
        => key.IsFirewallMark
            ? key.FirewallMark.ToString(CultureInfo.InvariantCulture) + (key.Family == IpFamily.IPv6 ? " IPv6" : "")
            : VirtualServiceKey.FormatEndpoint(key.Address!, key.Port);

    /// <summary>The tail of ipvsadm's service line: scheduler flags, persistence, netmask, one-packet, engine.</summary>
    public static string Flags(LvsVirtualService s) => Flags(s.Record);

    private static string Flags(VirtualService s)
    {
        var parts = new List<string>();
        IReadOnlyList<string> flags = Schedulers.FormatFlags(s.Scheduler, s.SchedulerFlags);
        if (flags.Count > 0)
            parts.Add("(" + string.Join(",", flags) + ")");
        if (s.Persistent)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"persistent {s.PersistenceTimeout}"));
            if (s.PersistencePrefixLength is int prefix && prefix != (s.Key.Family == IpFamily.IPv6 ? 128 : 32))
                parts.Add("mask " + IpvsValidation.FormatPersistenceNetmask(prefix, s.Key.Family));
        }
        // ipvsadm 1.31 prints the engine before ops ("persistent 60 pe sip ops", checked in the lab).
        if (s.PersistenceEngine is { } pe)
            parts.Add("pe " + pe);
        if (s.OnePacket)
            parts.Add("ops");
        return string.Join(" ", parts);
    }

    /// <summary>The two header lines of ipvsadm -Ln (after its version line), led by the namespace when there is one.</summary>
    public static string ListingHeader(LvsVirtualService s)
        => (s.NetworkNamespace is { } ns ? $"Network namespace: {ns}\n" : "") + ServiceHeader + "\n" + RealServerHeader;

    /// <summary>One service as ipvsadm -Ln lists it: its line, then a line per real server.</summary>
    public static string Listing(LvsVirtualService s)
    {
        var text = new System.Text.StringBuilder(64 * (1 + s.RealServers.Count));
        VirtualService r = s.Record;
        text.Append(Protocol(r.Key).PadRight(4)).Append(' ').Append(LocalAddress(r.Key)).Append(' ').Append(r.Scheduler);
        string flags = Flags(r);
        if (flags.Length > 0)
            text.Append(' ').Append(flags);
        foreach (LvsRealServer d in s.RealServers)
            text.Append('\n').Append(RealServerLine(d.Record));
        return text.ToString();
    }

    /// <summary>The group header of Get-LvsRealServer's listing: the service, then ipvsadm's real-server header.</summary>
    public static string RealServerGroup(LvsRealServer d)
        => $"Virtual service: {d.VirtualService}" + (d.NetworkNamespace is { } ns ? $" (network namespace {ns})" : "") + "\n" + RealServerHeader;

    /// <summary>A real server as ipvsadm -Ln lists it (a long IPv6 endpoint widens its line rather than being cut).</summary>
    public static string RealServerLine(LvsRealServer d) => RealServerLine(d.Record);

    private static string RealServerLine(RealServer d)
        => string.Create(CultureInfo.InvariantCulture,
            $"  -> {d.Endpoint,-28} {Forward(d.Forwarding),-7} {d.Weight,-6} {d.ActiveConnections,-10} {d.InactiveConnections}");

    internal const string ServiceHeader = "Prot LocalAddress:Port Scheduler Flags";
    internal const string RealServerHeader = "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn";

    /// <summary>The settings in a -WhatIf line: "scheduler wrr, persistent 20 s".</summary>
    internal static string Describe(VirtualService s)
    {
        var parts = new List<string> { "scheduler " + s.Scheduler };
        IReadOnlyList<string> flags = Schedulers.FormatFlags(s.Scheduler, s.SchedulerFlags);
        if (flags.Count > 0)
            parts.Add("flags " + string.Join(",", flags));
        if (s.Persistent)
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"persistent {s.PersistenceTimeout} s"));
        if (s.PersistencePrefixLength is int prefix)
            parts.Add("netmask " + IpvsValidation.FormatPersistenceNetmask(prefix, s.Key.Family));
        if (s.OnePacket)
            parts.Add("one-packet");
        if (s.PersistenceEngine is { } pe)
            parts.Add("engine " + pe);
        return string.Join(", ", parts);
    }

    /// <summary>The settings in a -WhatIf line: "route, weight 1".</summary>
    internal static string Describe(RealServer d)
    {
        var parts = new List<string> { Forward(d).ToLowerInvariant(), string.Create(CultureInfo.InvariantCulture, $"weight {d.Weight}") };
        if (d.UpperThreshold != 0)
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"upper threshold {d.UpperThreshold}"));
        if (d.LowerThreshold != 0)
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"lower threshold {d.LowerThreshold}"));
        if (d.Forwarding == ForwardingMethod.Tunnel)
            parts.Add(d.TunnelType switch
            {
                TunnelType.Gue => string.Create(CultureInfo.InvariantCulture, $"gue port {d.TunnelPort}"),
                TunnelType.Gre => "gre",
                _ => "ipip",
            } + (d.TunnelChecksum == TunnelChecksum.NoChecksum ? "" : ", " + d.TunnelChecksum.ToString().ToLowerInvariant()));
        return string.Join(", ", parts);
    }

    /// <summary>ipvsadm -Lnc's "expire" column: minutes:seconds ("01:55", "15:00").</summary>
    public static string Expire(TimeSpan expires)
    {
        long seconds = Math.Max(0, (long)expires.TotalSeconds);
        return string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:00}:{seconds % 60:00}");
    }

    /// <summary>A row of Get-LvsStatistic as ipvsadm --stats names it: "Total", "TCP  10.0.0.3:80", "  -> 10.0.0.7:80".</summary>
    public static string StatisticLabel(LvsStatistic row) => row switch
    {
        { Key: null } => "Total",
        { RealServer: null } => Protocol(row.Key).PadRight(4) + " " + LocalAddress(row.Key),
        _ => "  -> " + row.RealServer,
    };

    /// <summary>The -WhatIf/-Confirm action of one planned change, in the words of the cmdlet that makes it alone.</summary>
    internal static string Describe(IpvsChange change) => change.Kind switch
    {
        IpvsChangeKind.AddService => $"Create virtual service ({Describe(change.Service!)})",
        IpvsChangeKind.UpdateService => $"Update virtual service ({Describe(change.Service!)})",
        IpvsChangeKind.RemoveService => "Remove virtual service and its real servers",
        IpvsChangeKind.AddRealServer => $"Add real server ({Describe(change.RealServer!)})",
        IpvsChangeKind.UpdateRealServer => $"Update real server ({Describe(change.RealServer!)})",
        _ => "Remove real server",
    };

    /// <summary>The -WhatIf/-Confirm action of one step of a desired-state plan.</summary>
    internal static string Describe(Native.DesiredState.PlanStep step) => step switch
    {
        Native.DesiredState.ChangeStep c => Describe(c.Change),
        Native.DesiredState.SetTimeoutsStep t => "Set timeouts (" + string.Join(", ", new[] { ("tcp", t.Desired.TcpSeconds), ("tcpfin", t.Desired.TcpFinSeconds), ("udp", t.Desired.UdpSeconds) }
            .Where(x => x.Item2 != 0).Select(x => string.Create(CultureInfo.InvariantCulture, $"{x.Item1} {x.Item2} s"))) + ")",
        Native.DesiredState.StopSyncDaemonStep { Restart: true } => "Stop sync daemon (to restart it with new settings)",
        Native.DesiredState.StopSyncDaemonStep => "Stop sync daemon",
        Native.DesiredState.StartSyncDaemonStep start => $"Start sync daemon ({Commands.StartLvsSyncDaemonCommand.Settings(start.Daemon)})",
        _ => step.GetType().Name,
    };

    private static string Forward(RealServer d) => d.Forwarding == ForwardingMethod.Masquerade ? "masquerade" : Forward(d.Forwarding);
}
