using System.Net;
using LvsPS.Native.Configuration.Director;
using LvsPS.Native.Ipvs;

namespace LvsPS.Native.Configuration.Keepalived;

public static partial class KeepalivedConfigurationWriter
{
    private static void WriteVirtualServer(ConfWriter w, VirtualServerDefinition vs)
    {
        w.Open(vs.Kind switch
        {
            VirtualServerHeadKind.FirewallMark => $"virtual_server fwmark {vs.FirewallMark}",
            VirtualServerHeadKind.Group => $"virtual_server group {Word(vs.GroupName!)}",
            _ => vs.Port == 0 ? $"virtual_server {vs.Address}" : $"virtual_server {vs.Address} {vs.Port}",
        });
        if (vs.Kind == VirtualServerHeadKind.FirewallMark)
            w.Line($"ip_family {(vs.Family == IpFamily.IPv6 ? "inet6" : "inet")}");
        else
            w.Line($"protocol {VirtualServiceKey.ProtocolName(vs.Protocol).ToUpperInvariant()}");
        w.Line($"lb_algo {vs.Scheduler}");
        foreach (string flag in Schedulers.FormatFlags(vs.Scheduler, vs.SchedulerFlags))
            w.Line(flag);
        w.Line("lb_kind " + Forwarding(vs.Forwarding, vs.Tunnel));
        if (vs.PersistenceTimeout is { } persistence)
            w.Line($"persistence_timeout {persistence}");
        if (vs.PersistencePrefixLength is { } prefix)
            w.Line($"persistence_granularity {Granularity(prefix, vs.Family)}");
        w.Optional("persistence_engine", vs.PersistenceEngine);
        w.Flag("ops", vs.OnePacket);
        w.Line($"delay_loop {Seconds(vs.DelayLoopSeconds)}");
        w.Flag("ha_suspend", vs.HaSuspend);
        w.Optional("virtualhost", vs.Virtualhost);
        w.Flag("alpha", vs.Alpha);
        w.Flag("omega", vs.Omega);
        if (vs.Quorum != 1 && vs.Quorum > 0)
            w.Line($"quorum {vs.Quorum}");
        if (vs.Hysteresis != 0 && vs.Hysteresis < vs.Quorum)
            w.Line($"hysteresis {vs.Hysteresis}");
        w.Script("quorum_up", vs.QuorumUp);
        w.Script("quorum_down", vs.QuorumDown);
        if (vs.SorryServer is { } sorry)
        {
            w.Line($"sorry_server {sorry.Address} {sorry.Port}");
            w.Flag("sorry_server_inhibit", vs.SorryServerInhibit);
            if (sorry.Forwarding != vs.Forwarding)
                w.Line("sorry_server_lvs_method " + Forwarding(sorry.Forwarding, sorry.Tunnel));
        }
        w.Flag("inhibit_on_failure", vs.InhibitOnFailure);
        if (vs.DefaultWeight != 1)
            w.Line($"weight {vs.DefaultWeight}");
        w.Flag("smtp_alert", vs.SmtpAlert);
        w.Optional("snmp_name", vs.SnmpName);
        foreach (RealServerDefinition rs in vs.RealServers)
            WriteRealServer(w, vs, rs);
        w.Close();
    }

    private static void WriteRealServer(ConfWriter w, VirtualServerDefinition vs, RealServerDefinition rs)
    {
        w.Open($"real_server {rs.Address} {rs.Port}");
        w.Line($"weight {rs.Weight}");
        if (rs.Forwarding != vs.Forwarding || rs.Tunnel != vs.Tunnel)
            w.Line("lvs_method " + Forwarding(rs.Forwarding, rs.Tunnel));
        if (rs.UpperThreshold != 0)
            w.Line($"uthreshold {rs.UpperThreshold}");
        if (rs.LowerThreshold != 0)
            w.Line($"lthreshold {rs.LowerThreshold}");
        if (rs.InhibitOnFailure != vs.InhibitOnFailure)
            w.Line($"inhibit_on_failure {(rs.InhibitOnFailure ? "on" : "off")}");
        if (rs.Alpha != vs.Alpha)
            w.Line($"alpha {(rs.Alpha ? "on" : "off")}");
        w.Script("notify_up", rs.NotifyUp);
        w.Script("notify_down", rs.NotifyDown);
        w.Optional("virtualhost", rs.Virtualhost);
        foreach (CheckerDefinition c in rs.Checkers)
            WriteChecker(w, rs, c);
        w.Close();
    }

    private static string Forwarding(ForwardingMethod method, TunnelSettings? tunnel) => method switch
    {
        ForwardingMethod.Route or ForwardingMethod.Local => "DR",
        ForwardingMethod.Tunnel => "TUN" + Tunnel(tunnel),
        _ => "NAT",
    };

    private static string Tunnel(TunnelSettings? t)
    {
        if (t == null || t.Type == TunnelType.Ipip && t.Checksum == TunnelChecksum.NoChecksum)
            return "";
        string type = t.Type switch { TunnelType.Gue => $" type gue port {t.Port}", TunnelType.Gre => " type gre", _ => " type ipip" };
        string checksum = t.Checksum switch { TunnelChecksum.Checksum => " csum", TunnelChecksum.RemoteChecksum => " remcsum", _ => "" };
        return type + checksum;
    }

    private static string Granularity(int prefix, IpFamily family)
    {
        if (family == IpFamily.IPv6)
            return prefix.ToString();
        uint mask = prefix == 0 ? 0 : uint.MaxValue << (32 - prefix);
        return new IPAddress([(byte)(mask >> 24), (byte)(mask >> 16), (byte)(mask >> 8), (byte)mask]).ToString();
    }
}
