using System.Globalization;
using LvsPS.Native.Configuration.Director;

namespace LvsPS.Native.Configuration.Keepalived;

public sealed partial class KeepalivedConfigurationReader
{
    private static CheckerKind KindOf(string keyword) => keyword switch
    {
        "TCP_CHECK" => CheckerKind.Tcp,
        "HTTP_GET" => CheckerKind.Http,
        "SSL_GET" => CheckerKind.Ssl,
        "DNS_CHECK" => CheckerKind.Dns,
        "SMTP_CHECK" => CheckerKind.Smtp,
        "UDP_CHECK" => CheckerKind.Udp,
        "PING_CHECK" => CheckerKind.Ping,
        "MISC_CHECK" => CheckerKind.Misc,
        "FILE_CHECK" => CheckerKind.File,
        _ => CheckerKind.Bfd,
    };

    private CheckerDraft? ReadChecker(KeepalivedStatement block)
    {
        HashSet<string> known = KeepalivedKeywords.Checker[block.Keyword];
        var draft = new CheckerDraft { Definition = new CheckerDefinition { Kind = KindOf(block.Keyword), Location = block.Location } };
        foreach (KeepalivedStatement s in block.Block ?? [])
        {
            if (!known.Contains(s.Keyword))
            {
                _values.Unknown(s, block.Keyword);
                continue;
            }
            if (s.Keyword is not ("url" or "host"))
                _values.NoBlock(s);
            ReadCheckerKeyword(s, draft);
        }
        return draft;
    }

    private void ReadCheckerKeyword(KeepalivedStatement s, CheckerDraft d)
    {
        CheckerDefinition c = d.Definition;
        switch (s.Keyword)
        {
            case "connect_ip": if (_values.Word(s) is { } ip) c = c with { ConnectIp = _values.Address(s, ip, "connect_ip") }; break;
            case "connect_port": if (_values.Word(s) is { } port) d.ConnectPort = _values.Port(s, port); break;
            case "bindto": if (_values.Word(s) is { } bind) c = c with { BindTo = _values.Address(s, bind, "bindto") }; break;
            case "bind_port": if (_values.Word(s) is { } bindPort) c = c with { BindPort = _values.Port(s, bindPort) }; break;
            case "bind_if": c = c with { BindInterface = _values.Word(s) }; break;
            case "fwmark": c = c with { FirewallMark = (uint?)_values.Integer(s, 1, uint.MaxValue) }; break;
            case "connect_timeout" or "retry" or "delay_before_retry" or "delay_loop" or "warmup":
                ReadTiming(s, d.Timing, minimumRetry: 0);
                break;
            case "nb_get_retry":
                _diagnostics.Warn(DiagnosticCodes.Deprecated, s.Location, "nb_get_retry is deprecated: use 'retry' (it is taken as retry here).");
                d.Timing.Retry = (int?)_values.Integer(s, 0, int.MaxValue) ?? d.Timing.Retry;
                break;
            case "alpha": d.Alpha = _values.Bool(s); break;
            case "log_all_failures": c = c with { LogAllFailures = _values.Bool(s) }; break;
            case "url":
                if (ReadUrl(s) is { } url)
                    c = c with { Urls = [.. c.Urls, url] };
                else
                    d.UrlWithoutPath = true;
                break;
            case "virtualhost": c = c with { Virtualhost = _values.Word(s) }; break;
            case "http_protocol":
                string? version = _values.Word(s);
                if (version is "1.0" or "1.1" or "1.0C" or "1.0c")
                    c = c with { HttpProtocol = version == "1.0c" ? "1.0C" : version };
                else if (version != null)
                    _diagnostics.Warn(DiagnosticCodes.InvalidValue, s.Location, $"http_protocol '{version}' is not 1.0, 1.0C or 1.1; ignored.");
                break;
            case "fast_recovery": c = c with { FastRecovery = _values.Bool(s) }; break;
            case "enable_sni": c = c with { EnableSni = _values.Bool(s) }; break;
            case "name" when c.Kind == CheckerKind.Bfd: c = c with { BfdName = _values.Word(s) }; break;
            case "name": c = c with { DnsName = _values.Word(s) ?? c.DnsName }; break;
            case "type":
                string? type = _values.Word(s)?.ToUpperInvariant();
                if (type is "A" or "NS" or "CNAME" or "SOA" or "MX" or "TXT" or "AAAA" or "RRSIG" or "DNSKEY")
                    c = c with { DnsType = type };
                else if (type != null)
                    _diagnostics.Warn(DiagnosticCodes.InvalidValue, s.Location, $"DNS type '{s.Arguments[0]}' is not A, NS, CNAME, SOA, MX, TXT, AAAA, RRSIG or DNSKEY; ignored.");
                break;
            case "helo_name": c = c with { HeloName = _values.Word(s) ?? c.HeloName }; break;
            case "payload": c = c with { Payload = _values.Word(s) }; break;
            case "require_reply": c = c with { RequireReply = true, ReplyPattern = s.Arguments.Count > 0 ? s.Arguments[0] : null }; break;
            case "min_reply_length": c = c with { MinReplyLength = (int?)_values.Integer(s, 0, 65535) ?? c.MinReplyLength }; break;
            case "max_reply_length": c = c with { MaxReplyLength = (int?)_values.Integer(s, 0, 65535) ?? c.MaxReplyLength }; break;
            case "misc_path": c = c with { MiscPath = KeepalivedValues.Script(s) }; break;
            case "misc_timeout": c = c with { MiscTimeoutSeconds = _values.Integer(s, 0, int.MaxValue) }; break;
            case "misc_dynamic": c = c with { MiscDynamic = true }; break;
            case "user": c = c with { User = _values.Word(s), Group = s.Arguments.Count > 1 ? s.Arguments[1] : null }; break;
            case "track_file": c = c with { TrackFile = _values.Word(s) }; break;
            case "weight":
                c = c with { FileWeight = (int?)_values.Integer(s, -254, 254) ?? c.FileWeight, FileWeightReverse = s.Arguments.Count > 1 && s.Arguments[1] == "reverse" };
                break;
            case "host":
                foreach (KeepalivedStatement h in s.Block ?? [])
                    ReadCheckerKeyword(h, d);
                c = d.Definition;
                break;
        }
        d.Definition = c;
    }

    /// <summary>connect_timeout, retry, delay_before_retry, delay_loop, warmup: the same rules at every level (retry may be 0 only in a checker).</summary>
    private void ReadTiming(KeepalivedStatement s, CheckTimingDraft t, int minimumRetry)
    {
        switch (s.Keyword)
        {
            case "connect_timeout": t.ConnectTimeout = _values.Timer(s, 0.000001) ?? t.ConnectTimeout; break;
            case "retry": t.Retry = (int?)_values.Integer(s, minimumRetry, int.MaxValue) ?? t.Retry; break;
            case "delay_before_retry": t.DelayBeforeRetry = _values.Timer(s) ?? t.DelayBeforeRetry; break;
            case "delay_loop": t.DelayLoop = _values.Timer(s, 0.000001) ?? t.DelayLoop; break;
            case "warmup": t.Warmup = _values.Timer(s) ?? t.Warmup; break;
        }
    }

    private HttpUrlDefinition? ReadUrl(KeepalivedStatement block)
    {
        string? path = null, digest = null, virtualhost = null, regex = null;
        bool noMatch = false;
        var codes = new List<StatusCodeRange>();
        foreach (KeepalivedStatement s in block.Block ?? [])
        {
            if (!KeepalivedKeywords.Url.Contains(s.Keyword))
            {
                _values.Unknown(s, "url");
                continue;
            }
            switch (s.Keyword)
            {
                case "path": path = _values.Word(s); break;
                case "digest":
                    string? hex = _values.Word(s);
                    if (hex is { Length: 32 } && hex.All(char.IsAsciiHexDigit))
                        digest = hex.ToLowerInvariant();
                    else if (hex != null)
                        _diagnostics.Warn(DiagnosticCodes.InvalidValue, s.Location, $"digest '{hex}' is not 32 hexadecimal digits (an MD5); ignored.");
                    break;
                case "status_code": codes.AddRange(ReadStatusCodes(s)); break;
                case "virtualhost": virtualhost = _values.Word(s); break;
                case "regex": regex = _values.Word(s); break;
                case "regex_no_match": noMatch = true; break;
            }
        }
        return path == null ? null : new HttpUrlDefinition { Path = path, Digest = digest, StatusCodes = codes, Virtualhost = virtualhost, Regex = regex, RegexNoMatch = noMatch };
    }

    private IEnumerable<StatusCodeRange> ReadStatusCodes(KeepalivedStatement s)
    {
        foreach (string word in s.Arguments)
        {
            string[] range = word.Split('-');
            if (range.Length is 1 or 2
                && int.TryParse(range[0], NumberStyles.None, CultureInfo.InvariantCulture, out int from)
                && int.TryParse(range[^1], NumberStyles.None, CultureInfo.InvariantCulture, out int to)
                && from is >= 100 and <= 599 && to is >= 100 and <= 599 && from <= to)
                yield return new StatusCodeRange(from, to);
            else
                _diagnostics.Warn(DiagnosticCodes.InvalidValue, s.Location, $"status_code '{word}' is not N or N-M within 100-599; ignored.");
        }
    }
}
