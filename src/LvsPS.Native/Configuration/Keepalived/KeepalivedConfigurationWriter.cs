using System.Globalization;
using System.Net;
using System.Text;
using LvsPS.Native.Configuration.Director;
using LvsPS.Native.Ipvs;

namespace LvsPS.Native.Configuration.Keepalived;

/// <summary>
/// Writes a <see cref="DirectorConfiguration"/> as a keepalived.conf that keepalived 2.2.7 reads
/// without a warning: every default keepalived would otherwise announce (protocol, scheduler,
/// forwarding) is written out, real-server ports are those keepalived would force, and settings
/// LvsPS keeps as written go back as they came.
/// </summary>
public static partial class KeepalivedConfigurationWriter
{
    public static string Write(DirectorConfiguration c)
    {
        var w = new ConfWriter();
        w.Line("! keepalived.conf written by LvsPS");
        WriteGlobal(w, c.Global);
        if (c.StaticAddresses.Count > 0)
        {
            w.Open("static_ipaddress");
            foreach (VrrpAddressDefinition a in c.StaticAddresses)
                w.Line(Address(a));
            w.Close();
        }
        foreach (VrrpScriptDefinition s in c.VrrpScripts)
            WriteScript(w, s);
        foreach (VrrpSyncGroupDefinition g in c.VrrpSyncGroups)
            WriteSyncGroup(w, g);
        foreach (VrrpInstanceDefinition i in c.VrrpInstances)
            WriteInstance(w, i);
        foreach (VirtualServerGroupDefinition g in c.VirtualServerGroups)
            WriteServerGroup(w, g);
        foreach (VirtualServerDefinition vs in c.VirtualServers)
            WriteVirtualServer(w, vs);
        foreach (KeywordSetting other in c.OtherBlocks)
            w.Setting(other);
        return w.ToString();
    }

    private static void WriteGlobal(ConfWriter w, GlobalSettings g)
    {
        w.Open("global_defs");
        w.Optional("router_id", g.RouterId);
        if (g.NotificationEmails.Count > 0)
        {
            w.Open("notification_email");
            foreach (string address in g.NotificationEmails)
                w.Line(Word(address));
            w.Close();
        }
        w.Optional("notification_email_from", g.NotificationEmailFrom);
        w.Optional("smtp_server", g.SmtpServer);
        if (g.SmtpConnectTimeout is { } timeout)
            w.Line($"smtp_connect_timeout {timeout}");
        if (g.ScriptUser != null)
            w.Line($"script_user {Word(g.ScriptUser)}{(g.ScriptGroup != null ? " " + Word(g.ScriptGroup) : "")}");
        w.Flag("enable_script_security", g.EnableScriptSecurity);
        w.Flag("lvs_flush", g.LvsFlush);
        w.Flag("lvs_flush_on_stop", g.LvsFlushOnStop);
        if (g.LvsTimeouts is { } t)
            w.Line("lvs_timeouts" + (t.TcpSeconds is { } tcp ? $" tcp {tcp}" : "") + (t.TcpFinSeconds is { } fin ? $" tcpfin {fin}" : "") + (t.UdpSeconds is { } udp ? $" udp {udp}" : ""));
        if (g.LvsSyncDaemon is { } d)
            w.Line($"lvs_sync_daemon {Word(d.Interface)} {Word(d.VrrpInstance)} id {d.SyncId}"
                + (d.MaxLength is { } maxlen ? $" maxlen {maxlen}" : "") + (d.Port is { } port ? $" port {port}" : "")
                + (d.Ttl is { } ttl ? $" ttl {ttl}" : "") + (d.MulticastGroup is { } group ? $" group {group}" : ""));
        if (g.VrrpVersion != 2)
            w.Line($"vrrp_version {g.VrrpVersion}");
        w.Flag("vrrp_strict", g.VrrpStrict);
        foreach (KeywordSetting other in g.Other)
            w.Setting(other);
        w.Close();
    }

    private static void WriteScript(ConfWriter w, VrrpScriptDefinition s)
    {
        w.Open($"vrrp_script {Word(s.Name)}");
        w.Line($"script {Quoted(s.Script!)}");
        w.Line($"interval {Seconds(s.IntervalSeconds)}");
        if (s.TimeoutSeconds > 0)
            w.Line($"timeout {Seconds(s.TimeoutSeconds)}");
        if (s.Weight != 0 || s.WeightReverse)
            w.Line($"weight {s.Weight}{(s.WeightReverse ? " reverse" : "")}");
        w.Line($"rise {s.Rise}");
        w.Line($"fall {s.Fall}");
        if (s.User != null)
            w.Line($"user {Word(s.User)}{(s.Group != null ? " " + Word(s.Group) : "")}");
        w.Flag("init_fail", s.InitFail);
        w.Close();
    }

    private static void WriteSyncGroup(ConfWriter w, VrrpSyncGroupDefinition g)
    {
        w.Open($"vrrp_sync_group {Word(g.Name)}");
        if (g.Instances.Count > 0)
        {
            w.Open("group");
            foreach (string member in g.Instances)
                w.Line(Word(member));
            w.Close();
        }
        WriteNotify(w, g.Notify);
        w.Flag("smtp_alert", g.SmtpAlert);
        WriteTracks(w, "track_script", g.TrackScripts);
        WriteTracks(w, "track_interface", g.TrackInterfaces);
        foreach (KeywordSetting other in g.Other)
            w.Setting(other);
        w.Close();
    }

    private static void WriteInstance(ConfWriter w, VrrpInstanceDefinition i)
    {
        w.Open($"vrrp_instance {Word(i.Name)}");
        w.Optional("state", i.InitialState);
        w.Optional("interface", i.Interface);
        w.Line($"virtual_router_id {i.VirtualRouterId}");
        w.Line($"priority {i.Priority}");
        w.Line($"advert_int {Seconds(i.AdvertIntervalSeconds)}");
        w.Line($"version {i.Version}");
        if (i.AuthType != null)
        {
            w.Open("authentication");
            w.Line($"auth_type {i.AuthType}");
            w.Optional("auth_pass", i.AuthPassword);
            w.Close();
        }
        WriteAddresses(w, "virtual_ipaddress", i.VirtualAddresses);
        WriteAddresses(w, "virtual_ipaddress_excluded", i.ExcludedAddresses);
        WriteTracks(w, "track_script", i.TrackScripts);
        WriteTracks(w, "track_interface", i.TrackInterfaces);
        w.Flag("nopreempt", i.NoPreempt);
        if (i.PreemptDelaySeconds is { } delay)
            w.Line($"preempt_delay {Seconds(delay)}");
        if (i.UnicastSourceAddress is { } source)
            w.Line($"unicast_src_ip {source}");
        if (i.UnicastPeers.Count > 0)
        {
            w.Open("unicast_peer");
            foreach (IPAddress peer in i.UnicastPeers)
                w.Line(peer.ToString());
            w.Close();
        }
        WriteNotify(w, i.Notify);
        w.Flag("smtp_alert", i.SmtpAlert);
        foreach (KeywordSetting other in i.Other)
            w.Setting(other);
        w.Close();
    }

    private static void WriteNotify(ConfWriter w, VrrpNotifyScripts n)
    {
        w.Script("notify_master", n.Master);
        w.Script("notify_backup", n.Backup);
        w.Script("notify_fault", n.Fault);
        w.Script("notify_stop", n.Stop);
        w.Script("notify", n.AnyState);
    }

    private static void WriteAddresses(ConfWriter w, string keyword, IReadOnlyList<VrrpAddressDefinition> addresses)
    {
        if (addresses.Count == 0)
            return;
        w.Open(keyword);
        foreach (VrrpAddressDefinition a in addresses)
            w.Line(Address(a));
        w.Close();
    }

    private static void WriteTracks(ConfWriter w, string keyword, IReadOnlyList<TrackDefinition> tracks)
    {
        if (tracks.Count == 0)
            return;
        w.Open(keyword);
        foreach (TrackDefinition t in tracks)
            w.Line(Word(t.Name) + (t.Weight is { } weight ? $" weight {weight}" : "") + (t.Reverse ? " reverse" : ""));
        w.Close();
    }

    private static string Address(VrrpAddressDefinition a)
        => a + (a.Device != null ? $" dev {Word(a.Device)}" : "") + (a.Scope != null ? $" scope {Word(a.Scope)}" : "")
           + (a.Label != null ? $" label {Word(a.Label)}" : "") + string.Concat(a.Options.Select(o => " " + Word(o)));

    private static void WriteServerGroup(ConfWriter w, VirtualServerGroupDefinition g)
    {
        w.Open($"virtual_server_group {Word(g.Name)}");
        foreach (VirtualServerGroupEntry e in g.Entries)
        {
            if (e.IsFirewallMark)
                w.Line($"fwmark {e.FirewallMark}" + (e.Family is { } f ? f == IpFamily.IPv6 ? " inet6" : " inet" : ""));
            else
                w.Line((e.First!.Equals(e.Last) ? e.First.ToString() : $"{e.First}-{e.Last}") + (e.Port != 0 ? $" {e.Port}" : ""));
        }
        w.Close();
    }

    internal static string Seconds(double seconds) => seconds.ToString("0.######", CultureInfo.InvariantCulture);

    /// <summary>A word that reads back as one word: quoted when it holds spaces or comment/brace characters.</summary>
    internal static string Word(string text)
        => text.Length > 0 && text.IndexOfAny([' ', '\t', '#', '!', '{', '}', '"']) < 0 ? text : Quoted(text);

    internal static string Quoted(string text) => "\"" + text.Replace("\"", "'") + "\"";
}
