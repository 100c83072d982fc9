using LvsPS.Native.Configuration.Director;

namespace LvsPS.Native.Configuration.Keepalived;

public static partial class KeepalivedConfigurationWriter
{
    private static string Keyword(CheckerKind kind) => kind switch
    {
        CheckerKind.Tcp => "TCP_CHECK",
        CheckerKind.Http => "HTTP_GET",
        CheckerKind.Ssl => "SSL_GET",
        CheckerKind.Dns => "DNS_CHECK",
        CheckerKind.Smtp => "SMTP_CHECK",
        CheckerKind.Udp => "UDP_CHECK",
        CheckerKind.Ping => "PING_CHECK",
        CheckerKind.Misc => "MISC_CHECK",
        CheckerKind.File => "FILE_CHECK",
        _ => "BFD_CHECK",
    };

    /// <summary>A checker with every timing written out (the values are the effective ones: written back, they mean the same).</summary>
    private static void WriteChecker(ConfWriter w, RealServerDefinition rs, CheckerDefinition c)
    {
        w.Open(Keyword(c.Kind));
        if (c.Kind is CheckerKind.File)
        {
            w.Optional("track_file", c.TrackFile);
            w.Line($"weight {c.FileWeight}{(c.FileWeightReverse ? " reverse" : "")}");
            w.Close();
            return;
        }
        if (c.Kind is CheckerKind.Bfd)
        {
            w.Optional("name", c.BfdName);
            w.Close();
            return;
        }
        if (c.Kind != CheckerKind.Misc)
        {
            if (c.ConnectIp != null)
                w.Line($"connect_ip {c.ConnectIp}");
            if (c.ConnectPort != rs.Port)
                w.Line($"connect_port {c.ConnectPort}");
            if (c.BindTo != null)
                w.Line($"bindto {c.BindTo}");
            if (c.BindPort is { } bindPort)
                w.Line($"bind_port {bindPort}");
            w.Optional("bind_if", c.BindInterface);
            if (c.FirewallMark is { } mark)
                w.Line($"fwmark {mark}");
            w.Line($"connect_timeout {Seconds(c.ConnectTimeoutSeconds)}");
        }
        w.Line($"retry {c.Retry}");
        w.Line($"delay_before_retry {Seconds(c.DelayBeforeRetrySeconds)}");
        w.Line($"delay_loop {Seconds(c.DelayLoopSeconds)}");
        if (c.WarmupSeconds is { } warmup)
            w.Line($"warmup {Seconds(warmup)}");
        w.Flag("alpha", c.Alpha);
        w.Flag("log_all_failures", c.LogAllFailures);
        switch (c.Kind)
        {
            case CheckerKind.Http or CheckerKind.Ssl:
                foreach (HttpUrlDefinition url in c.Urls)
                    WriteUrl(w, url);
                w.Optional("virtualhost", c.Virtualhost);
                if (c.HttpProtocol != "1.0")
                    w.Line($"http_protocol {c.HttpProtocol}");
                w.Flag("fast_recovery", c.FastRecovery);
                w.Flag("enable_sni", c.EnableSni);
                break;
            case CheckerKind.Dns:
                w.Line($"name {Word(c.DnsName)}");
                w.Line($"type {c.DnsType}");
                break;
            case CheckerKind.Smtp:
                w.Line($"helo_name {Word(c.HeloName)}");
                break;
            case CheckerKind.Udp:
                w.Optional("payload", c.Payload);
                if (c.RequireReply)
                    w.Line("require_reply" + (c.ReplyPattern != null ? " " + c.ReplyPattern : ""));
                if (c.MinReplyLength != 0)
                    w.Line($"min_reply_length {c.MinReplyLength}");
                if (c.MaxReplyLength != 255)
                    w.Line($"max_reply_length {c.MaxReplyLength}");
                break;
            case CheckerKind.Misc:
                w.Script("misc_path", c.MiscPath);
                if (c.MiscTimeoutSeconds is { } timeout)
                    w.Line($"misc_timeout {Seconds(timeout)}");
                w.Flag("misc_dynamic", c.MiscDynamic);
                if (c.User != null)
                    w.Line($"user {Word(c.User)}{(c.Group != null ? " " + Word(c.Group) : "")}");
                break;
        }
        w.Close();
    }

    private static void WriteUrl(ConfWriter w, HttpUrlDefinition url)
    {
        w.Open("url");
        w.Line($"path {Word(url.Path)}");
        w.Optional("digest", url.Digest);
        if (url.StatusCodes.Count > 0)
            w.Line("status_code " + string.Join(' ', url.StatusCodes.Select(r => r.From == r.To ? $"{r.From}" : $"{r.From}-{r.To}")));
        w.Optional("virtualhost", url.Virtualhost);
        w.Optional("regex", url.Regex);
        w.Flag("regex_no_match", url.RegexNoMatch);
        w.Close();
    }
}
