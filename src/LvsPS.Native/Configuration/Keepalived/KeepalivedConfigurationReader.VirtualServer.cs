using System.Globalization;
using System.Net;
using LvsPS.Native.Configuration.Director;
using LvsPS.Native.Ipvs;

namespace LvsPS.Native.Configuration.Keepalived;

public sealed partial class KeepalivedConfigurationReader
{
    /// <summary>Upper bound of persistence_timeout (31 days, keepalived's).</summary>
    private const long MaxPersistence = 31L * 24 * 3600;

    private VirtualServerDefinition? ReadVirtualServer(KeepalivedStatement block)
    {
        if (ReadHead(block) is not { } head)
            return null;
        var draft = new VirtualServerDraft { Head = head };
        foreach (KeepalivedStatement s in block.Block!)
        {
            if (!KeepalivedKeywords.VirtualServer.Contains(s.Keyword))
            {
                _values.Unknown(s, $"virtual_server {string.Join(' ', block.Arguments)}");
                continue;
            }
            if (s.Keyword != "real_server")
                _values.NoBlock(s);
            ReadVirtualServerKeyword(s, draft);
        }
        return FinishVirtualServer(draft);
    }

    private VirtualServerDefinition? ReadHead(KeepalivedStatement block)
    {
        IReadOnlyList<string> a = block.Arguments;
        var head = new VirtualServerDefinition { Location = block.Location };
        if (a.Count >= 2 && a[0] == "fwmark")
        {
            if (uint.TryParse(a[1], NumberStyles.None, CultureInfo.InvariantCulture, out uint mark) && mark > 0)
                return head with { Kind = VirtualServerHeadKind.FirewallMark, FirewallMark = mark };
        }
        else if (a.Count >= 2 && a[0] == "group")
            return head with { Kind = VirtualServerHeadKind.Group, GroupName = a[1] };
        else if (a.Count >= 1 && KeepalivedValues.TryAddress(a[0], out IPAddress? address))
        {
            ushort port = 0;
            if (a.Count >= 2 && !ushort.TryParse(a[1], NumberStyles.None, CultureInfo.InvariantCulture, out port))
            {
                _diagnostics.Warn(DiagnosticCodes.InvalidValue, block.Location, $"virtual_server {string.Join(' ', a)}: '{a[1]}' is not a port; the virtual server is skipped.");
                return null;
            }
            return head with { Address = address, Port = port, Family = VirtualServiceKey.FamilyOf(address!) };
        }
        _diagnostics.Warn(DiagnosticCodes.InvalidValue, block.Location,
            $"virtual_server {string.Join(' ', a)}: expected 'IP PORT', 'IP', 'fwmark N' or 'group NAME'; the virtual server is skipped.");
        return null;
    }

    private void ReadVirtualServerKeyword(KeepalivedStatement s, VirtualServerDraft d)
    {
        switch (s.Keyword)
        {
            case "lb_algo" or "lvs_sched":
                string? scheduler = _values.Word(s);
                if (scheduler != null && Schedulers.IsKnown(scheduler))
                    d.Scheduler = scheduler;
                else if (scheduler != null)
                    _diagnostics.Warn(DiagnosticCodes.InvalidValue, s.Location, $"'{scheduler}' is not a scheduler ({string.Join(' ', Schedulers.Names)}); ignored.");
                break;
            case "lb_kind" or "lvs_method":
                if (ReadForwarding(s) is { } forwarding)
                    (d.Forwarding, d.Tunnel) = forwarding;
                break;
            case "protocol":
                d.ProtocolLine = s;
                switch (_values.Word(s)?.ToUpperInvariant())
                {
                    case "TCP": d.Protocol = IpvsProtocol.Tcp; break;
                    case "UDP": d.Protocol = IpvsProtocol.Udp; break;
                    case "SCTP": d.Protocol = IpvsProtocol.Sctp; break;
                    case null: break;
                    default: _diagnostics.Warn(DiagnosticCodes.InvalidValue, s.Location, $"unknown protocol '{s.Arguments[0]}' (TCP, UDP or SCTP); ignored."); break;
                }
                break;
            case "persistence_timeout":
                d.PersistenceWritten = true;
                d.PersistenceTimeout = s.Arguments.Count == 0 ? VirtualService.DefaultPersistenceTimeout : (uint?)_values.Integer(s, 1, MaxPersistence) ?? d.PersistenceTimeout;
                break;
            case "persistence_granularity":
                if (ReadGranularity(s) is { } prefix)
                {
                    d.Head = d.Head with { PersistencePrefixLength = prefix };
                    d.PersistenceTimeout ??= VirtualService.DefaultPersistenceTimeout;
                    d.PersistenceWritten = true;
                }
                break;
            case "persistence_engine": d.Head = d.Head with { PersistenceEngine = _values.Word(s) }; break;
            case "ops": d.OnePacketLine = s; break;
            case "sh-port" or "sh-fallback" or "mh-port" or "mh-fallback" or "flag-1" or "flag-2" or "flag-3": d.FlagWords.Add(s.Keyword); break;
            case "ha_suspend": d.Head = d.Head with { HaSuspend = true }; break;
            case "virtualhost": d.Virtualhost = _values.Word(s); break;
            case "alpha": d.Alpha = true; break;
            case "omega": d.Head = d.Head with { Omega = true }; break;
            case "quorum": d.Head = d.Head with { Quorum = (uint?)_values.Integer(s, 1, uint.MaxValue) ?? d.Head.Quorum }; break;
            case "hysteresis": d.Head = d.Head with { Hysteresis = (uint?)_values.Integer(s, 0, uint.MaxValue) ?? d.Head.Hysteresis }; break;
            case "quorum_up": d.Head = d.Head with { QuorumUp = KeepalivedValues.Script(s) }; break;
            case "quorum_down": d.Head = d.Head with { QuorumDown = KeepalivedValues.Script(s) }; break;
            case "sorry_server":
                if (_values.Word(s) is { } sorry && _values.Address(s, sorry, "sorry_server") is { } sorryAddress)
                    d.SorryServer = (s, sorryAddress, s.Arguments.Count > 1 ? _values.Port(s, s.Arguments[1]) : null);
                break;
            case "sorry_server_inhibit":
                if (d.SorryServer == null)
                    _diagnostics.Warn(DiagnosticCodes.InvalidValue, s.Location, "sorry_server_inhibit must follow sorry_server; ignored.");
                else
                    d.Head = d.Head with { SorryServerInhibit = _values.Bool(s) };
                break;
            case "sorry_server_lvs_method":
                if (ReadForwarding(s) is { } sorryForwarding)
                    d.SorryForwarding = sorryForwarding.Method;
                break;
            case "ip_family":
                switch (_values.Word(s))
                {
                    case "inet": d.Family = IpFamily.IPv4; break;
                    case "inet6": d.Family = IpFamily.IPv6; break;
                    case { } bad: _diagnostics.Warn(DiagnosticCodes.InvalidValue, s.Location, $"ip_family '{bad}' is not inet or inet6; ignored."); break;
                }
                break;
            case "inhibit_on_failure": d.InhibitOnFailure = _values.Bool(s); break;
            case "weight": d.Weight = (uint?)_values.Integer(s, 1, int.MaxValue) ?? d.Weight; break;
            case "delay_loop" or "retry" or "delay_before_retry" or "warmup" or "connect_timeout": ReadTiming(s, d.Timing, minimumRetry: 1); break;
            case "smtp_alert": d.SmtpAlert = _values.Bool(s); break;
            case "snmp_name": d.Head = d.Head with { SnmpName = _values.Word(s) }; break;
            case "real_server":
                if (ReadRealServer(s) is { } rs)
                    d.RealServers.Add(rs);
                break;
        }
    }

    /// <summary>NAT | DR | TUN [type ipip|gue|gre] [port N] [nocsum|csum|remcsum].</summary>
    private (ForwardingMethod Method, TunnelSettings? Tunnel)? ReadForwarding(KeepalivedStatement s)
    {
        switch (_values.Word(s))
        {
            case "NAT": return (ForwardingMethod.Masquerade, null);
            case "DR": return (ForwardingMethod.Route, null);
            case "TUN": return (ForwardingMethod.Tunnel, ReadTunnel(s));
            case null: return null;
            case { } other:
                _diagnostics.Warn(DiagnosticCodes.InvalidValue, s.Location, $"unknown forwarding method '{other}' (NAT, DR or TUN); ignored.");
                return null;
        }
    }

    private TunnelSettings ReadTunnel(KeepalivedStatement s)
    {
        var tunnel = new TunnelSettings(TunnelType.Ipip, 0, TunnelChecksum.NoChecksum);
        for (int i = 1; i < s.Arguments.Count; i++)
        {
            switch (s.Arguments[i])
            {
                case "type" when i + 1 < s.Arguments.Count:
                    string type = s.Arguments[++i];
                    tunnel = type switch
                    {
                        "ipip" => tunnel with { Type = TunnelType.Ipip },
                        "gue" => tunnel with { Type = TunnelType.Gue },
                        "gre" => tunnel with { Type = TunnelType.Gre },
                        _ => Bad(tunnel, $"tunnel type '{type}' is not ipip, gue or gre"),
                    };
                    break;
                case "port" when i + 1 < s.Arguments.Count:
                    if (_values.Port(s, s.Arguments[++i]) is { } port)
                        tunnel = tunnel with { Port = port };
                    break;
                case "nocsum": tunnel = tunnel with { Checksum = TunnelChecksum.NoChecksum }; break;
                case "csum": tunnel = tunnel with { Checksum = TunnelChecksum.Checksum }; break;
                case "remcsum": tunnel = tunnel with { Checksum = TunnelChecksum.RemoteChecksum }; break;
                default: tunnel = Bad(tunnel, $"'{s.Arguments[i]}' is not a tunnel option (type, port, nocsum, csum, remcsum)"); break;
            }
        }
        if (tunnel.Type == TunnelType.Gue && tunnel.Port == 0)
            _diagnostics.Warn(DiagnosticCodes.InvalidValue, s.Location, "a GUE tunnel needs 'port N'; the kernel refuses it without one.");
        return tunnel;

        TunnelSettings Bad(TunnelSettings t, string why)
        {
            _diagnostics.Warn(DiagnosticCodes.InvalidValue, s.Location, why + "; ignored.");
            return t;
        }
    }

    /// <summary>A dotted netmask (IPv4) or a prefix length.</summary>
    private int? ReadGranularity(KeepalivedStatement s)
    {
        if (_values.Word(s) is not { } word)
            return null;
        if (int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out int length) && length is >= 1 and <= 128)
            return length;
        if (KeepalivedValues.TryAddress(word, out IPAddress? mask) && mask!.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        {
            uint bits = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(mask.GetAddressBytes());
            int ones = System.Numerics.BitOperations.PopCount(bits);
            if (bits == (ones == 0 ? 0 : uint.MaxValue << (32 - ones)) && ones > 0)
                return ones;
        }
        _diagnostics.Warn(DiagnosticCodes.InvalidValue, s.Location, $"persistence_granularity '{word}' is not a netmask or prefix length; ignored.");
        return null;
    }

    private VirtualServerGroupDefinition? ReadServerGroup(KeepalivedStatement block)
    {
        if (Name(block) is not { } name)
            return null;
        var entries = new List<VirtualServerGroupEntry>();
        foreach (KeepalivedStatement line in block.Block!)
        {
            _values.NoBlock(line);
            if (ReadGroupEntry(line) is { } entry)
                entries.Add(entry);
        }
        return new VirtualServerGroupDefinition { Name = name, Entries = entries, Location = block.Location };
    }
}
