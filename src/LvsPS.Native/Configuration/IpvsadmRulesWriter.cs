using System.Globalization;
using System.Text;
using LvsPS.Native.Ipvs;

namespace LvsPS.Native.Configuration;

/// <summary>
/// Writes a table in the format of <c>ipvsadm-save -n</c> (ipvsadm 1.31), which <c>ipvsadm-restore</c>
/// reads: per service an <c>-A</c> line, then an <c>-a</c> line per real server. The options and
/// their order are ipvsadm's (print_service_entry / print_tunnel_rule):
/// <code>
/// -A -t 10.0.0.4:80 -s sh -p 60 -M 255.255.255.0 --pe sip -o -b sh-fallback,sh-port
/// -a -t 10.0.0.3:80 -r 10.0.0.12:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum
/// </code>
/// Like ipvsadm (unless given --nosort), services and real servers are written sorted
/// (<see cref="IpvsadmOrder"/>); <c>sort: false</c> keeps the order given.
/// ipvsadm-save leaves out the real servers' connection thresholds. With
/// <c>includeThresholds</c> (the default) non-zero thresholds are kept as <c>-x</c>/<c>-y</c> right
/// after the weight, which ipvsadm-restore accepts; without it the output is byte for byte what
/// ipvsadm-save prints for the same table.
/// </summary>
public static class IpvsadmRulesWriter
{
    public static string Write(IEnumerable<VirtualService> services, bool includeThresholds = true, bool sort = true)
    {
        var sb = new StringBuilder();
        using var w = new StringWriter(sb, CultureInfo.InvariantCulture) { NewLine = "\n" };
        Write(w, services, includeThresholds, sort);
        return sb.ToString();
    }

    /// <summary>Writes each service and its real servers, one rule per line ("\n").</summary>
    public static void Write(TextWriter writer, IEnumerable<VirtualService> services, bool includeThresholds = true, bool sort = true)
    {
        foreach (VirtualService s in sort ? IpvsadmOrder.Sort(services) : services)
        {
            writer.Write(FormatService(s));
            writer.Write('\n');
            foreach (RealServer d in s.RealServers)
            {
                writer.Write(FormatRealServer(d, s.Key, includeThresholds));
                writer.Write('\n');
            }
        }
    }

    /// <summary>The <c>-A</c> line of a service.</summary>
    public static string FormatService(VirtualService s)
    {
        var sb = new StringBuilder("-A ").Append(FormatServiceKey(s.Key)).Append(" -s ").Append(s.Scheduler);
        if (s.Persistent)
        {
            sb.Append(" -p ").Append(s.PersistenceTimeout.ToString(CultureInfo.InvariantCulture));
            int hostPrefix = s.Key.Family == IpFamily.IPv6 ? 128 : 32;
            if (s.EffectivePrefixLength != hostPrefix)
                sb.Append(" -M ").Append(IpvsValidation.FormatPersistenceNetmask(s.EffectivePrefixLength, s.Key.Family));
        }
        if (s.PersistenceEngine is { Length: > 0 } pe)
            sb.Append(" --pe ").Append(pe);
        if (s.OnePacket)
            sb.Append(" -o");
        if (s.SchedulerFlags != SchedulerFlags.None)
            sb.Append(" -b ").Append(string.Join(",", Schedulers.FormatFlags(s.Scheduler, s.SchedulerFlags)));
        return sb.ToString();
    }

    /// <summary>The <c>-a</c> line of a real server of <paramref name="service"/>.</summary>
    public static string FormatRealServer(RealServer d, VirtualServiceKey service, bool includeThresholds = true)
    {
        var sb = new StringBuilder("-a ").Append(FormatServiceKey(service))
            .Append(" -r ").Append(VirtualServiceKey.FormatEndpoint(d.Address, d.Port))
            .Append(' ').Append(ForwardingSwitch(d.Forwarding))
            .Append(" -w ").Append(d.Weight.ToString(CultureInfo.InvariantCulture));
        if (includeThresholds && d.UpperThreshold != 0)
            sb.Append(" -x ").Append(d.UpperThreshold.ToString(CultureInfo.InvariantCulture));
        if (includeThresholds && d.LowerThreshold != 0)
            sb.Append(" -y ").Append(d.LowerThreshold.ToString(CultureInfo.InvariantCulture));
        if (d.Forwarding == ForwardingMethod.Tunnel)
        {
            sb.Append(" --tun-type ").Append(TunnelTypeName(d.TunnelType));
            if (d.TunnelType == TunnelType.Gue)
                sb.Append(" --tun-port ").Append(d.TunnelPort.ToString(CultureInfo.InvariantCulture));
            if (d.TunnelType != TunnelType.Ipip)
                sb.Append(' ').Append(ChecksumOption(d.TunnelChecksum));
        }
        return sb.ToString();
    }

    /// <summary><c>-t 10.0.0.3:80</c>, <c>-u [2001:db8::1]:53</c>, <c>--sctp-service …</c>, <c>-f 42</c>, <c>-f 42 -6</c>.</summary>
    public static string FormatServiceKey(VirtualServiceKey key)
    {
        if (key.IsFirewallMark)
            return key.Family == IpFamily.IPv6
                ? $"-f {key.FirewallMark.ToString(CultureInfo.InvariantCulture)} -6"
                : $"-f {key.FirewallMark.ToString(CultureInfo.InvariantCulture)}";
        string option = key.Protocol switch
        {
            IpvsProtocol.Tcp => "-t",
            IpvsProtocol.Udp => "-u",
            _ => "--sctp-service",
        };
        return $"{option} {VirtualServiceKey.FormatEndpoint(key.Address!, key.Port)}";
    }

    /// <summary>ipvsadm's fwd_switch: the kernel's "local" method prints as -g.</summary>
    public static string ForwardingSwitch(ForwardingMethod method) => method switch
    {
        ForwardingMethod.Masquerade => "-m",
        ForwardingMethod.Tunnel => "-i",
        _ => "-g",
    };

    public static string TunnelTypeName(TunnelType type) => type switch
    {
        TunnelType.Gue => "gue",
        TunnelType.Gre => "gre",
        _ => "ipip",
    };

    public static string ChecksumOption(TunnelChecksum checksum) => checksum switch
    {
        TunnelChecksum.Checksum => "--tun-csum",
        TunnelChecksum.RemoteChecksum => "--tun-remcsum",
        _ => "--tun-nocsum",
    };
}
