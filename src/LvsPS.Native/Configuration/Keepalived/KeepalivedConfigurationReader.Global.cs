using System.Net;
using LvsPS.Native.Configuration.Director;

namespace LvsPS.Native.Configuration.Keepalived;

public sealed partial class KeepalivedConfigurationReader
{
    private GlobalSettings ReadGlobal(KeepalivedStatement block, GlobalSettings global)
    {
        var other = new List<KeywordSetting>(global.Other);
        foreach (KeepalivedStatement s in block.Block!)
        {
            if (!KeepalivedKeywords.Global.Contains(s.Keyword))
            {
                _values.Unknown(s, "global_defs");
                continue;
            }
            if (s.Keyword != "notification_email")
                _values.NoBlock(s);
            switch (s.Keyword)
            {
                case "router_id":
                    global = global with { RouterId = _values.Word(s) ?? global.RouterId };
                    break;
                case "notification_email":
                    global = global with { NotificationEmails = [.. global.NotificationEmails, .. s.Arguments, .. (s.Block ?? []).SelectMany(e => e.Arguments.Prepend(e.Keyword))] };
                    break;
                case "notification_email_from":
                    global = global with { NotificationEmailFrom = _values.Word(s) ?? global.NotificationEmailFrom };
                    break;
                case "smtp_server":
                    if (_values.Word(s) is { } smtp && _values.Address(s, smtp, "smtp_server") != null)
                        global = global with { SmtpServer = s.Arguments.Count > 1 && ushort.TryParse(s.Arguments[1], out _) ? $"{smtp} {s.Arguments[1]}" : smtp };
                    break;
                case "smtp_connect_timeout":
                    if (_values.Integer(s, 1, int.MaxValue) is { } timeout)
                        global = global with { SmtpConnectTimeout = (int)timeout };
                    break;
                case "script_user":
                    global = global with { ScriptUser = _values.Word(s), ScriptGroup = s.Arguments.Count > 1 ? s.Arguments[1] : null };
                    break;
                case "enable_script_security":
                    global = global with { EnableScriptSecurity = _values.Bool(s) };
                    break;
                case "lvs_flush":
                    global = global with { LvsFlush = _values.Bool(s) };
                    break;
                case "lvs_flush_on_stop":
                    global = global with { LvsFlushOnStop = _values.Bool(s) };
                    break;
                case "lvs_timeouts":
                    global = global with { LvsTimeouts = ReadLvsTimeouts(s, global.LvsTimeouts) };
                    break;
                case "lvs_sync_daemon":
                    global = global with { LvsSyncDaemon = ReadLvsSyncDaemon(s) ?? global.LvsSyncDaemon };
                    break;
                case "vrrp_version":
                    if (_values.Integer(s, 2, 3) is { } version)
                        global = global with { VrrpVersion = (int)version };
                    break;
                case "vrrp_strict":
                    global = global with { VrrpStrict = true };
                    break;
                case "vrrp_garp_interval" or "vrrp_gna_interval":
                    if (_values.Timer(s, 0.000001, 4294.967295) != null)
                        other.Add(KeywordSetting.From(s));
                    break;
                default:
                    other.Add(KeywordSetting.From(s));
                    break;
            }
        }
        return global with { Other = other };
    }

    private LvsTimeoutSettings? ReadLvsTimeouts(KeepalivedStatement s, LvsTimeoutSettings? current)
    {
        uint? tcp = current?.TcpSeconds, tcpFin = current?.TcpFinSeconds, udp = current?.UdpSeconds;
        for (int i = 0; i + 1 < s.Arguments.Count; i += 2)
        {
            long? value = _values.Integer(s, 0, 86400 * 31, i + 1);
            if (value == null)
                continue;
            switch (s.Arguments[i])
            {
                case "tcp": tcp = (uint)value; break;
                case "tcpfin": tcpFin = (uint)value; break;
                case "udp": udp = (uint)value; break;
                default:
                    _diagnostics.Warn(DiagnosticCodes.InvalidValue, s.Location, $"lvs_timeouts: '{s.Arguments[i]}' is not tcp, tcpfin or udp; ignored.");
                    break;
            }
        }
        return new LvsTimeoutSettings(tcp, tcpFin, udp);
    }

    private LvsSyncDaemonDefinition? ReadLvsSyncDaemon(KeepalivedStatement s)
    {
        if (s.Arguments.Count < 2)
        {
            _diagnostics.Warn(DiagnosticCodes.MissingValue, s.Location, "lvs_sync_daemon needs an interface and a VRRP instance name; the line is ignored.");
            return null;
        }
        var daemon = new LvsSyncDaemonDefinition { Interface = s.Arguments[0], VrrpInstance = s.Arguments[1] };
        for (int i = 2; i < s.Arguments.Count; i++)
        {
            string option = s.Arguments[i];
            if (i + 1 >= s.Arguments.Count)
            {
                _diagnostics.Warn(DiagnosticCodes.MissingValue, s.Location, $"lvs_sync_daemon: '{option}' needs a value; ignored.");
                break;
            }
            long? n = option == "group" ? null : _values.Integer(s, 0, 65535, i + 1);
            switch (option)
            {
                case "id" when n is >= 0 and <= 255: daemon = daemon with { SyncId = (byte)n }; break;
                case "maxlen" when n is >= 1: daemon = daemon with { MaxLength = (ushort)n }; break;
                case "port" when n is >= 1: daemon = daemon with { Port = (ushort)n }; break;
                case "ttl" when n is >= 1 and <= 255: daemon = daemon with { Ttl = (byte)n }; break;
                case "group":
                    if (_values.Address(s, s.Arguments[i + 1], "lvs_sync_daemon group") is { } group)
                        daemon = daemon with { MulticastGroup = group };
                    break;
                default:
                    _diagnostics.Warn(DiagnosticCodes.InvalidValue, s.Location, $"lvs_sync_daemon: '{option} {s.Arguments[i + 1]}' is not valid (id 0-255, maxlen, port, ttl 1-255, group ADDRESS); ignored.");
                    break;
            }
            i++;
        }
        return daemon;
    }
}
