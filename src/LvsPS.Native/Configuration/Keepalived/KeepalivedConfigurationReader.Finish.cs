using LvsPS.Native.Configuration.Director;
using LvsPS.Native.Ipvs;

namespace LvsPS.Native.Configuration.Keepalived;

/// <summary>keepalived's validation of a virtual server after its block is read: defaults, port and family rules, quorum.</summary>
public sealed partial class KeepalivedConfigurationReader
{
    private VirtualServerDefinition? FinishVirtualServer(VirtualServerDraft d)
    {
        VirtualServerDefinition vs = d.Head;
        if (d.RealServers.Count == 0)
        {
            _diagnostics.Warn(DiagnosticCodes.VirtualServerWithoutRealServers, vs.Location, $"virtual server {vs.DisplayName} has no real servers; it is ignored (keepalived does the same).");
            return null;
        }
        if (vs.Kind == VirtualServerHeadKind.FirewallMark)
        {
            if (d.ProtocolLine != null)
                _diagnostics.Warn(DiagnosticCodes.ProtocolIgnored, d.ProtocolLine.Location, $"virtual server {vs.DisplayName}: a protocol is given for a firewall-mark service; it is ignored.");
            vs = vs with { Protocol = IpvsProtocol.FirewallMark };
        }
        else if (d.Protocol is { } protocol)
            vs = vs with { Protocol = protocol };
        else
            _diagnostics.Warn(DiagnosticCodes.SettingAdjusted, vs.Location, $"virtual server {vs.DisplayName} sets no protocol: UDP, keepalived's default (write 'protocol TCP' for a TCP service).");
        // The name is final once the protocol is: the rest is gathered and set in one copy (a definition is large).
        if (d.Scheduler == null)
            _diagnostics.Warn(DiagnosticCodes.SettingAdjusted, vs.Location, $"virtual server {vs.DisplayName} sets no scheduler: wlc, keepalived's default.");
        string scheduler = d.Scheduler ?? VirtualService.DefaultScheduler;
        if (d.Forwarding == null && d.RealServers.Any(r => r.Forwarding == null))
            _diagnostics.Warn(DiagnosticCodes.SettingAdjusted, vs.Location, $"virtual server {vs.DisplayName} sets no forwarding method: NAT, keepalived's default.");
        ForwardingMethod forwarding = d.Forwarding ?? ForwardingMethod.Masquerade;
        if (vs.Kind == VirtualServerHeadKind.Address && vs.Port == 0 && d.PersistenceTimeout == null)
        {
            _diagnostics.Warn(DiagnosticCodes.SettingAdjusted, vs.Location, $"virtual server {vs.DisplayName}: port 0 (all ports) needs persistence; persistence_timeout 360 is set.");
            d.PersistenceTimeout = VirtualService.DefaultPersistenceTimeout;
        }
        bool onePacket = vs.OnePacket;
        if (d.OnePacketLine != null)
        {
            if (vs.Protocol == IpvsProtocol.Udp)
                onePacket = true;
            else
                _diagnostics.Warn(DiagnosticCodes.SettingAdjusted, d.OnePacketLine.Location, $"virtual server {vs.DisplayName}: one-packet scheduling (ops) is for UDP only; it is cleared.");
        }
        SchedulerFlags flags = vs.SchedulerFlags;
        foreach (string word in d.FlagWords)
        {
            if (Schedulers.TryParseFlag(word, scheduler, out SchedulerFlags flag, out string? error))
                flags |= flag;
            else
                _diagnostics.Warn(DiagnosticCodes.InvalidValue, vs.Location, $"virtual server {vs.DisplayName}: {error} Ignored.");
        }
        IpFamily family = vs.Kind switch
        {
            VirtualServerHeadKind.FirewallMark => d.Family ?? d.RealServers.Where(r => (r.Forwarding ?? forwarding) != ForwardingMethod.Tunnel).Select(r => VirtualServiceKey.FamilyOf(r.Address)).FirstOrDefault(IpFamily.IPv4),
            VirtualServerHeadKind.Group when d.Family is { } groupFamily => groupFamily,
            _ => vs.Family,
        };
        vs = vs with
        {
            Scheduler = scheduler,
            Forwarding = forwarding,
            Tunnel = d.Tunnel,
            PersistenceTimeout = d.PersistenceTimeout,
            OnePacket = onePacket,
            SchedulerFlags = flags,
            Family = family,
            DefaultWeight = d.Weight ?? 1,
            InhibitOnFailure = d.InhibitOnFailure,
            Alpha = d.Alpha,
            Virtualhost = d.Virtualhost,
            SmtpAlert = d.SmtpAlert ?? false,
            DelayLoopSeconds = d.Timing.DelayLoop ?? 60,
        };
        List<RealServerDefinition> realServers = FinishRealServers(d, vs);
        RealServerDefinition? sorryServer = d.SorryServer is { } sorry
            ? new RealServerDefinition
            {
                Address = sorry.Address,
                Port = sorry.Port ?? vs.Port,
                Forwarding = d.SorryForwarding ?? vs.Forwarding,
                Tunnel = vs.Tunnel,
                Weight = 1,
                Location = sorry.Line.Location,
            }
            : vs.SorryServer;
        return FinishQuorum(vs with { RealServers = realServers, SorryServer = sorryServer });
    }

    private List<RealServerDefinition> FinishRealServers(VirtualServerDraft d, VirtualServerDefinition vs)
    {
        var result = new List<RealServerDefinition>();
        foreach (RealServerDraft r in d.RealServers)
        {
            ForwardingMethod forwarding = r.Forwarding ?? vs.Forwarding;
            string Endpoint() => $"[{r.Address}]:{r.Port?.ToString() ?? "0"}";
            if (vs.Kind != VirtualServerHeadKind.Group && VirtualServiceKey.FamilyOf(r.Address) != vs.Family && forwarding != ForwardingMethod.Tunnel)
            {
                _diagnostics.Warn(DiagnosticCodes.FamilyMismatch, r.Line.Location,
                    $"real server {r.Address} is not of the virtual server's address family (only tunnelled real servers may differ); the real server is skipped.");
                continue;
            }
            ushort port = r.Port ?? vs.Port;
            if (vs.Kind == VirtualServerHeadKind.FirewallMark && forwarding != ForwardingMethod.Masquerade && port != 0)
            {
                _diagnostics.Warn(DiagnosticCodes.PortReset, r.Line.Location, $"firewall-mark virtual server {vs.DisplayName}: real server {Endpoint()} has a port, meaningless without NAT; it is cleared.");
                port = 0;
            }
            else if (vs.Kind == VirtualServerHeadKind.Address && forwarding is ForwardingMethod.Route or ForwardingMethod.Tunnel && port != vs.Port)
            {
                _diagnostics.Warn(DiagnosticCodes.PortReset, r.Line.Location,
                    $"virtual server {vs.DisplayName} and real server {Endpoint()}: the ports differ, which {(forwarding == ForwardingMethod.Route ? "DR" : "TUN")} cannot do; the real server's port is set to {vs.Port}.");
                port = vs.Port;
            }
            if (result.Any(x => x.Address.Equals(r.Address) && x.Port == port))
            {
                _diagnostics.Warn(DiagnosticCodes.DuplicateRealServer, r.Line.Location, $"virtual server {vs.DisplayName}: real server [{r.Address}]:{port} is listed twice; this second one is removed.");
                continue;
            }
            var rs = new RealServerDefinition
            {
                Address = r.Address,
                Port = port,
                Forwarding = forwarding,
                Tunnel = forwarding == ForwardingMethod.Tunnel ? r.Tunnel ?? vs.Tunnel ?? new TunnelSettings(TunnelType.Ipip, 0, TunnelChecksum.NoChecksum) : null,
                Weight = r.Weight ?? vs.DefaultWeight,
                UpperThreshold = r.UpperThreshold,
                LowerThreshold = r.LowerThreshold,
                InhibitOnFailure = r.InhibitOnFailure ?? vs.InhibitOnFailure,
                NotifyUp = r.NotifyUp,
                NotifyDown = r.NotifyDown,
                Alpha = r.Alpha ?? vs.Alpha,
                SmtpAlert = r.SmtpAlert ?? vs.SmtpAlert,
                Virtualhost = r.Virtualhost,
                Location = r.Line.Location,
            };
            // Checkers are finished against the real server they belong to: set in place, no second copy.
            if (r.Checkers.Count > 0)
                rs = rs with { Checkers = FinishCheckers(r, rs, d, vs) };
            result.Add(rs);
        }
        return result;
    }

    private List<CheckerDefinition> FinishCheckers(RealServerDraft r, RealServerDefinition rs, VirtualServerDraft d, VirtualServerDefinition vs)
    {
        var checkers = new List<CheckerDefinition>();
        foreach ((KeepalivedStatement block, CheckerDraft c) in r.Checkers)
        {
            CheckerDefinition def = c.Definition;
            if (def.Kind is CheckerKind.Http or CheckerKind.Ssl && def.Urls.Count == 0)
            {
                _diagnostics.Warn(DiagnosticCodes.CheckerDropped, block.Location, $"{block.Keyword} has no url with a path; the checker is ignored.");
                continue;
            }
            if (def.Kind == CheckerKind.Misc && def.MiscPath == null)
            {
                _diagnostics.Warn(DiagnosticCodes.CheckerDropped, block.Location, "MISC_CHECK has no misc_path; the checker is ignored.");
                continue;
            }
            if (def.Kind == CheckerKind.Misc && _options.ScriptRunnable is { } runnable && !runnable(Program(def.MiscPath!)))
            {
                _diagnostics.Notice(DiagnosticCodes.CheckerDropped, block.Location, $"MISC_CHECK script {Program(def.MiscPath!)} is not found or not executable; the checker is removed (the real server has no check).");
                continue;
            }
            CheckTimingDraft[] levels = [c.Timing, r.Timing, d.Timing];
            double delayLoop = levels.Select(t => t.DelayLoop).FirstOrDefault(v => v != null) ?? 60;
            checkers.Add(def with
            {
                ConnectPort = c.ConnectPort ?? rs.Port,
                ConnectTimeoutSeconds = levels.Select(t => t.ConnectTimeout).FirstOrDefault(v => v != null) ?? 5,
                Retry = levels.Select(t => t.Retry).FirstOrDefault(v => v != null) ?? def.Kind switch { CheckerKind.Dns => 3, CheckerKind.Misc => 0, _ => 1 },
                DelayLoopSeconds = delayLoop,
                DelayBeforeRetrySeconds = levels.Select(t => t.DelayBeforeRetry).FirstOrDefault(v => v != null)
                    ?? def.Kind switch { CheckerKind.Http or CheckerKind.Ssl => 3, CheckerKind.Dns => delayLoop, _ => 1 },
                WarmupSeconds = levels.Select(t => t.Warmup).FirstOrDefault(v => v != null),
                Alpha = c.Alpha ?? rs.Alpha,
            });
        }
        return checkers;
    }

    private VirtualServerDefinition FinishQuorum(VirtualServerDefinition vs)
    {
        ulong total = (ulong)vs.RealServers.Sum(r => (long)r.Weight);
        if (vs.Quorum > total)
        {
            _diagnostics.Warn(DiagnosticCodes.SettingAdjusted, vs.Location, $"virtual server {vs.DisplayName}: quorum {vs.Quorum} exceeds the total weight of its real servers ({total}); quorum is lowered to {total}.");
            vs = vs with { Quorum = (uint)total };
        }
        if (vs.Hysteresis >= vs.Quorum && vs.Hysteresis != 0 || vs.Quorum == 0)
        {
            uint hysteresis = unchecked(vs.Quorum - 1);
            _diagnostics.Warn(DiagnosticCodes.SettingAdjusted, vs.Location, $"virtual server {vs.DisplayName}: hysteresis {vs.Hysteresis} is not below quorum {vs.Quorum}; hysteresis is set to {hysteresis}.");
            vs = vs with { Hysteresis = hysteresis };
        }
        return vs;
    }

    private static string Program(string command) => KeepalivedSourceReader.FirstWord(command.Trim().Trim('"'), out _);
}
