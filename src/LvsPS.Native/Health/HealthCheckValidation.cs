using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Runtime;

namespace LvsPS.Native.Health;

/// <summary>
/// Refuses a definition that cannot run, before anything starts: each rule throws a
/// <see cref="HealthCheckDefinitionException"/> naming the setting as keepalived does.
/// </summary>
public static class HealthCheckValidation
{
    /// <summary>IFNAMSIZ - 1.</summary>
    private const int MaxInterfaceName = 15;

    public static void Validate(HealthCheckedService service)
    {
        var where = new Where(service, null, null);
        ValidateTiming(where, service.Timing);
        if (service.RealServers.Count == 0)
            throw new HealthCheckDefinitionException(where, "real_server", null, "the service has no real server to check");
        if (service.Quorum < 1)
            throw new HealthCheckDefinitionException(where, "quorum", service.Quorum, "must be 1 or more");
        if (service.HaSuspend && service.Service.IsFirewallMark)
            throw new HealthCheckDefinitionException(where, "ha_suspend", null, "a firewall-mark service has no address to watch; use a VRRP instance instead");
        if (service.SuspendUnlessVrrpMaster is { } instance && string.IsNullOrWhiteSpace(instance))
            throw new HealthCheckDefinitionException(where, "vrrp instance", instance, "name the VRRP instance");
        ValidateDuration(where, "slow start", service.SlowStart, allowZero: true);
        ValidateCommand(where, "quorum_up", service.QuorumUp);
        ValidateCommand(where, "quorum_down", service.QuorumDown);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (HealthCheckedRealServer rs in service.RealServers)
        {
            if (rs.RealServer.VirtualService != service.Service)
                throw new HealthCheckDefinitionException($"{where} -> {rs.Endpoint}", "real_server", rs.RealServer.VirtualService, "belongs to another service");
            if (!seen.Add(rs.Endpoint))
                throw new HealthCheckDefinitionException(where, "real_server", rs.Endpoint, "is given twice");
            Validate(service, rs);
        }
        if (service.SorryServer is { } sorry)
        {
            if (seen.Contains(sorry.Endpoint))
                throw new HealthCheckDefinitionException(where, "sorry_server", sorry.Endpoint, "is also a real server of the service; use another address or port");
            if (sorry.VirtualService != service.Service)
                throw new HealthCheckDefinitionException(where, "sorry_server", sorry.Endpoint, "belongs to another service");
        }
    }

    private static void Validate(HealthCheckedService service, HealthCheckedRealServer rs)
    {
        var where = new Where(service, rs, null);
        if (rs.RealServer.Weight > int.MaxValue)
            throw new HealthCheckDefinitionException(where, "weight", rs.RealServer.Weight, $"must be 0 to {int.MaxValue}");
        ValidateTiming(where, rs.Timing);
        ValidateDuration(where, "slow start", rs.SlowStart, allowZero: true);
        ValidateCommand(where, "notify_up", rs.NotifyUp);
        ValidateCommand(where, "notify_down", rs.NotifyDown);
        foreach (HealthCheck check in rs.Checks)
        {
            var checkWhere = new Where(service, rs, check);
            ValidateTiming(checkWhere, check.Timing, checkLevel: true);
            ValidateCheck(checkWhere, check);
            if (check is NetworkHealthCheck n)
            {
                ResolvedHealthCheck resolved = HealthCheckResolver.Resolve(service, rs, check);
                ValidateConnection(checkWhere, n, resolved.Target!);
            }
        }
    }

    private static void ValidateTiming(Where where, HealthCheckTiming t, bool checkLevel = false)
    {
        ValidateDuration(where, "delay_loop", t.Interval, allowZero: false);
        ValidateDuration(where, "delay_before_retry", t.DelayBeforeRetry, allowZero: true);
        ValidateDuration(where, "warmup", t.Warmup, allowZero: true);
        ValidateDuration(where, "connect_timeout", t.ConnectTimeout, allowZero: false);
        // keepalived: retry 0 is accepted on a checker only; a service or real server needs 1 or more.
        if (t.Retry is { } r && (r < 0 || (r == 0 && !checkLevel)))
            throw new HealthCheckDefinitionException(where, "retry", r, checkLevel ? "must be 0 or more" : "must be 1 or more here (0 only on a check)");
        if (t.Rise is { } rise && rise < 1)
            throw new HealthCheckDefinitionException(where, "rise", rise, "must be 1 or more");
        if (t.Fall is { } fall && fall < 1)
            throw new HealthCheckDefinitionException(where, "fall", fall, "must be 1 or more");
    }

    private static void ValidateDuration(Where where, string setting, TimeSpan? value, bool allowZero)
    {
        if (value is not { } v)
            return;
        if (v < TimeSpan.Zero || (!allowZero && v == TimeSpan.Zero))
            throw new HealthCheckDefinitionException(where, setting, v.TotalSeconds, allowZero ? "must be 0 or more seconds" : "must be more than 0 seconds");
        if (v > TimeSpan.FromDays(31))
            throw new HealthCheckDefinitionException(where, setting, v.TotalSeconds, "must be 31 days or less");
    }

    private static void ValidateCheck(Where where, HealthCheck check)
    {
        switch (check)
        {
            case HttpHealthCheck http:
                if (http.Urls.Count == 0)
                    throw new HealthCheckDefinitionException(where, "url", null, "an HTTP check needs at least one url (keepalived drops one without)");
                ValidateHost(where, "virtualhost", http.VirtualHost);
                foreach (HttpUrl url in http.Urls)
                    ValidateUrl(where, url);
                if (http.Tls is { } tls)
                {
                    ValidateFile(where, "certificate", tls.ClientCertificatePath);
                    ValidateFile(where, "key", tls.ClientKeyPath);
                    ValidateFile(where, "ca", tls.CertificateAuthorityPath);
                    if (tls.ClientKeyPath is not null && tls.ClientCertificatePath is null)
                        throw new HealthCheckDefinitionException(where, "key", tls.ClientKeyPath, "a key needs its certificate");
                }
                break;
            case DnsHealthCheck dns:
                if (!DnsNames.IsValid(dns.Name))
                    throw new HealthCheckDefinitionException(where, "name", dns.Name, "is not a DNS name (labels of 1-63 characters, 255 in all)");
                if (!Enum.IsDefined(dns.RecordType))
                    throw new HealthCheckDefinitionException(where, "type", dns.RecordType, "must be A, NS, CNAME, SOA, MX, TXT, AAAA, RRSIG or DNSKEY");
                break;
            case SmtpHealthCheck smtp:
                if (string.IsNullOrWhiteSpace(smtp.HeloName) || smtp.HeloName.Any(c => char.IsControl(c) || c == ' '))
                    throw new HealthCheckDefinitionException(where, "helo_name", smtp.HeloName, "must be one word without control characters");
                break;
            case UdpHealthCheck udp:
                if (udp.Payload is { Length: > 65507 })
                    throw new HealthCheckDefinitionException(where, "payload", udp.Payload.Length, "is more than a UDP datagram holds (65507 bytes)");
                if (!udp.RequireReply && udp.ReplyPattern is not null)
                    throw new HealthCheckDefinitionException(where, "require_reply", udp.ReplyPattern, "a reply pattern needs a required reply");
                if (udp.ReplyPattern is { } pattern && (pattern.Length == 0 || pattern.Any(c => !Uri.IsHexDigit(c) && c is not ('X' or 'x'))))
                    throw new HealthCheckDefinitionException(where, "require_reply", pattern, "must be hex digits, X for any nibble");
                if (udp.MinReplyLength < 0 || udp.MaxReplyLength > 65507 || udp.MinReplyLength > udp.MaxReplyLength)
                    throw new HealthCheckDefinitionException(where, "min_reply_length/max_reply_length", $"{udp.MinReplyLength}-{udp.MaxReplyLength}", "must be 0 <= min <= max <= 65507");
                if (udp.ReplyPattern is { } p && (p.Length + 1) / 2 > udp.MaxReplyLength)
                    throw new HealthCheckDefinitionException(where, "require_reply", p, $"is longer than max_reply_length {udp.MaxReplyLength}");
                break;
            case ScriptHealthCheck script:
                ValidateCommand(where, "misc_path", script.Command);
                ValidateDuration(where, "misc_timeout", script.Timeout, allowZero: false);
                break;
            case FileHealthCheck file:
                if (string.IsNullOrWhiteSpace(file.Path))
                    throw new HealthCheckDefinitionException(where, "file", file.Path, "name the file");
                if (Directory.Exists(file.Path))
                    throw new HealthCheckDefinitionException(where, "file", file.Path, "is a directory; name a file holding a number");
                break;
        }
    }

    private static void ValidateUrl(Where where, HttpUrl url)
    {
        if (string.IsNullOrEmpty(url.Path) || url.Path.Any(c => char.IsControl(c) || c == ' '))
            throw new HealthCheckDefinitionException(where, "path", url.Path, "must be a request path without spaces or control characters, such as /health");
        foreach (HttpStatusRange r in url.StatusCodes)
            if (r.From < HealthCheckDefaults.HttpStatusMin || r.To > HealthCheckDefaults.HttpStatusMax || r.From > r.To)
                throw new HealthCheckDefinitionException(where, "status_code", r, $"must be codes or ranges within {HealthCheckDefaults.HttpStatusMin}-{HealthCheckDefaults.HttpStatusMax}");
        if (url.Digest is { } d && (d.Length != 32 || !d.All(Uri.IsHexDigit)))
            throw new HealthCheckDefinitionException(where, "digest", d, "must be an MD5 digest: 32 hex digits");
        ValidateHost(where, "virtualhost", url.VirtualHost);
        if (url.Regex is { } pattern)
        {
            try
            {
                _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException e)
            {
                throw new HealthCheckDefinitionException(where, "regex", pattern, e.Message);
            }
        }
    }

    private static void ValidateHost(Where where, string setting, string? host)
    {
        if (host is not null && (host.Length == 0 || host.Any(c => char.IsControl(c) || c == ' ')))
            throw new HealthCheckDefinitionException(where, setting, host, "must be a host name without spaces or control characters");
    }

    private static void ValidateFile(Where where, string setting, string? path)
    {
        if (path is not null && !File.Exists(path))
            throw new HealthCheckDefinitionException(where, setting, path, "no such file");
    }

    private static void ValidateConnection(Where where, NetworkHealthCheck check, IPEndPoint target)
    {
        HealthConnection c = check.Connection;
        if (check.Type != HealthCheckType.Ping && target.Port == 0)
            throw new HealthCheckDefinitionException(where, "connect_port", 0, "the real server has no port (a firewall-mark service?); give the port to check");
        if (c.BindAddress is { } bind && bind.AddressFamily != target.AddressFamily)
            throw new HealthCheckDefinitionException(where, "bindto", bind, $"is not of the family of {ResolvedHealthCheck.Format(target)}");
        if (c.BindInterface is { } dev && (dev.Length == 0 || dev.Length > MaxInterfaceName || dev.Any(c => c == '/' || char.IsWhiteSpace(c))))
            throw new HealthCheckDefinitionException(where, "bind_if", dev, $"is not an interface name (1-{MaxInterfaceName} characters, no '/' or spaces)");
        if (target.AddressFamily == AddressFamily.InterNetworkV6 && target.Address.IsIPv6LinkLocal && c.BindInterface is null)
            throw new HealthCheckDefinitionException(where, "bind_if", null, $"the link-local address {target.Address} needs the interface to use");
        if (target.Address.Equals(IPAddress.Any) || target.Address.Equals(IPAddress.IPv6Any))
            throw new HealthCheckDefinitionException(where, "connect_ip", target.Address, "is not an address to connect to");
    }

    private static void ValidateCommand(Where where, string setting, HealthCommand? command)
    {
        if (command is not ExecutableHealthCommand exe)
            return;
        try
        {
            exe.Command.Resolve();
        }
        catch (ScriptNotUsableException e)
        {
            throw new HealthCheckDefinitionException(where, setting, exe.Command.Path, e.Problem switch
            {
                ScriptProblem.NotFound => exe.Command.Path.Contains('/') ? "no such program" : "no such program on PATH (give a full path)",
                ScriptProblem.NotExecutable => "is not executable (chmod +x, or a file system mounted noexec)",
                ScriptProblem.IsDirectory => "is a directory, not a program",
                _ => "name a program to run",
            });
        }
    }

    /// <summary>Where a rule failed, as its message names it: written only when one fails (validating 10,000 services names none).</summary>
    private readonly record struct Where(HealthCheckedService Service, HealthCheckedRealServer? RealServer, HealthCheck? Check)
    {
        public override string ToString()
            => RealServer is null ? Service.Service.ToString()
            : Check is null ? $"{Service.Service} -> {RealServer.Endpoint}"
            : $"{Service.Service} -> {RealServer.Endpoint} {Check.Type.ToString().ToUpperInvariant()} check";

        public static implicit operator string(Where where) => where.ToString();
    }
}
