using System.Management.Automation;
using LvsPS.Native.HostSettings;

namespace LvsPS.Commands;

/// <summary>Shows whether each interface answers ARP for a VIP: the effective arp_ignore and arp_announce, and why.</summary>
/// <remarks>
/// <para>A real server of an LVS-DR (or LVS-TUN) director holds the VIP too, usually on lo. It must not answer
/// ARP requests for it, or clients and routers send VIP traffic straight to it and bypass the director.
/// ipvsadm only configures the director; this reads the real server's side.</para>
/// <para>The kernel applies the maximum of net.ipv4.conf.all and net.ipv4.conf.IFACE for arp_ignore and
/// arp_announce. ARP requests arrive on the NIC, not on lo, so values set only on lo do nothing. For each
/// interface that is up and speaks ARP (or those named with -Interface), Get-LvsArpSuppression writes one
/// ArpSuppressionStatus: the all and interface values, the effective ones, IsSuppressed (arp_ignore 1, 2 or 8
/// and arp_announce 2) and Reason, which says where each effective value comes from.</para>
/// <para>The values are read from /proc/sys inside the network namespace (-NetworkNamespace); no sysctl
/// process runs. An interface that does not exist is InterfaceNotFound (ObjectNotFound).</para>
/// </remarks>
/// <example title="Check a DR real server">
/// <code>
/// Get-LvsArpSuppression
/// </code>
/// <para>One row per NIC: eth0 with arp_ignore 1 and arp_announce 2 (from conf/all) is suppressed; a NIC
/// with arp_ignore 0 answers ARP for the VIP on lo.</para>
/// </example>
/// <example title="Why is it not suppressed?">
/// <code>
/// Get-LvsArpSuppression -Interface eth0 -NetworkNamespace rs1 | Select-Object -ExpandProperty Reason
/// </code>
/// <para>Prints, for instance, "Not suppressed: arp_ignore is 0: eth0 answers ARP for every local address,
/// a VIP on lo included (needs 1)...".</para>
/// </example>
/// <input type="None">This cmdlet takes no pipeline input.</input>
/// <output type="LvsPS.Native.HostSettings.ArpSuppressionStatus">One status per interface.</output>
/// <seealso cref="SetLvsArpSuppressionCommand"/>
/// <seealso cref="InitializeLvsRealServerHostCommand"/>
[Cmdlet(VerbsCommon.Get, "LvsArpSuppression")]
[OutputType(typeof(ArpSuppressionStatus))]
public sealed class GetLvsArpSuppressionCommand : HostCmdletBase
{
    /// <summary>The interfaces to show (eth0, ens3). Every interface that is up and speaks ARP (not lo, not NOARP tunnels) when omitted.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ArpInterfaceCompleter))]
    public string[]? Interface { get; set; }

    protected override void ProcessRecord()
    {
        string? ns = ResolveNamespace(null);
        TryRun(ns, () => WriteObject(Network(ns).GetArpSuppression(Interface), enumerateCollection: true));
    }
}

/// <summary>Sets arp_ignore 1 and arp_announce 2 so a DR/TUN real server never answers ARP for its VIP; -Disable restores 0.</summary>
/// <remarks>
/// <para>The recipe of the LVS-DR real server: net.ipv4.conf.all.arp_ignore = 1 (answer only for addresses of
/// the receiving interface, so not for the VIP on lo) and net.ipv4.conf.all.arp_announce = 2 (never use the
/// VIP as the source of an ARP request). ipvsadm leaves this to the administrator; the kernel uses the maximum
/// of conf/all and conf/IFACE, so setting only lo, a classic mistake, does nothing.</para>
/// <para>-Interface names the conf entries to write: 'all' by default, which covers every interface; name
/// NICs (-Interface all, eth0) to set them too. -Disable writes 0 to both (the kernel defaults); without
/// -Interface it resets 'all' and every interface whose values are not 0, so the host answers ARP again.</para>
/// <para>-Persist also writes the settings to a sysctl.d drop-in (90-lvsps-arp.conf in -SysctlDirectory,
/// /etc/sysctl.d by default) so they survive a reboot; with -Disable it deletes the drop-in. The drop-in is
/// applied at boot to the host's own namespace. -PassThru writes the effective state afterwards.</para>
/// </remarks>
/// <example title="Prepare a DR real server's ARP">
/// <code>
/// Set-LvsArpSuppression -Persist -PassThru
/// </code>
/// <para>The same as sysctl -w net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 plus a drop-in
/// in /etc/sysctl.d; prints the effective state of each NIC.</para>
/// </example>
/// <example title="Undo it in a namespace">
/// <code>
/// Set-LvsArpSuppression -Disable -NetworkNamespace rs1 -WhatIf
/// </code>
/// <para>Shows which entries would be reset to 0 without writing anything.</para>
/// </example>
/// <input type="None">This cmdlet takes no pipeline input.</input>
/// <parameter name="Interface" default="all"/>
/// <parameter name="SysctlDirectory" default="/etc/sysctl.d"/>
/// <output type="LvsPS.Native.HostSettings.ArpSuppressionStatus">With -PassThru, the effective state of each interface that is up and speaks ARP. Nothing otherwise.</output>
/// <seealso cref="GetLvsArpSuppressionCommand"/>
/// <seealso cref="InitializeLvsRealServerHostCommand"/>
[Cmdlet(VerbsCommon.Set, "LvsArpSuppression", SupportsShouldProcess = true)]
[OutputType(typeof(ArpSuppressionStatus))]
public sealed class SetLvsArpSuppressionCommand : HostCmdletBase
{
    public const string DropInName = "90-lvsps-arp.conf";

    /// <summary>The conf entries to write: 'all' (the default, which covers every interface), 'default' (future interfaces) or interface names such as eth0.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ArpInterfaceCompleter))]
    public string[] Interface { get; set; } = { "all" };

    /// <summary>Restores the kernel defaults (arp_ignore 0, arp_announce 0) instead: the host answers ARP for every local address again.</summary>
    [Parameter]
    public SwitchParameter Disable { get; set; }

    /// <summary>Also writes the settings to the sysctl.d drop-in 90-lvsps-arp.conf so they survive a reboot (with -Disable: deletes it).</summary>
    [Parameter]
    public SwitchParameter Persist { get; set; }

    /// <summary>Where -Persist writes its drop-in; /etc/sysctl.d by default.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string SysctlDirectory { get; set; } = "/etc/sysctl.d";

    /// <summary>Writes the effective state of each interface afterwards.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        string? ns = ResolveNamespace(null);
        string[] entries = Interface;
        if (Disable && !IsBound(nameof(Interface)))
        {
            // Reset what is set, not just 'all': an interface left at 1/2 would keep suppressing.
            IReadOnlyList<ArpSuppressionStatus>? current = null;
            if (!TryRun(ns, () => current = Network(ns).GetArpSuppression()))
                return;
            entries = current!.Where(s => s.InterfaceArpIgnore != 0 || s.InterfaceArpAnnounce != 0).Select(s => s.Interface).Prepend("all").ToArray();
        }
        string action = Disable ? "Restore ARP defaults (arp_ignore 0, arp_announce 0)" : $"Suppress ARP for VIPs (arp_ignore {ArpSuppression.RecommendedArpIgnore}, arp_announce {ArpSuppression.RecommendedArpAnnounce})";
        string target = $"net.ipv4.conf.{{{string.Join(",", entries)}}}{InNamespace(ns)}";
        if (ShouldProcess(target, action))
        {
            WriteVerbose($"Writing {string.Join(", ", ArpSuppression.Writes(entries, !Disable).Select(w => $"{w.Key}={w.Value}"))}.");
            if (!TryRun(target, () => Network(ns).SetArpSuppression(entries, !Disable)))
                return;
        }
        if (Persist)
            WriteDropIn(entries);
        if (PassThru)
            TryRun(ns, () => WriteObject(Network(ns).GetArpSuppression(), enumerateCollection: true));
    }

    private void WriteDropIn(string[] entries)
    {
        string path = Path.Combine(SessionState.Path.GetUnresolvedProviderPathFromPSPath(SysctlDirectory), DropInName);
        if (!ShouldProcess(path, Disable ? "Delete the sysctl.d drop-in" : "Write the sysctl.d drop-in"))
            return;
        TryRun(path, () =>
        {
            try
            {
                if (Disable)
                    File.Delete(path);
                else
                    Native.Files.AtomicFile.WriteAllText(path, ArpSuppression.DropIn(entries.Where(e => e != "default")), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new HostSettingException(path, $"Cannot {(Disable ? "delete" : "write")} {path}: {e.Message}", e, permission: e is UnauthorizedAccessException);
            }
        });
    }
}

/// <summary>Turns on what an LVS-NAT director needs: ip_forward 1 and send_redirects 0 on all interfaces.</summary>
/// <remarks>
/// <para>A masquerading (NAT, ipvsadm -m) director routes the real servers' replies back to the clients, so
/// net.ipv4.ip_forward must be 1; and it must not send ICMP redirects telling real servers to bypass it, so
/// send_redirects must be 0. The kernel sends redirects when conf/all OR conf/IFACE says so, so this writes 0 to
/// all, default and every existing interface. ipvsadm does neither.</para>
/// <para>The real servers must also use the director as their default gateway; Test-LvsConfiguration
/// -RealServerNamespace checks that when the real servers are namespaces on this host.</para>
/// </remarks>
/// <example title="Prepare a NAT director">
/// <code>
/// Enable-LvsDirectorForwarding -Verbose
/// </code>
/// <para>The same as sysctl -w net.ipv4.ip_forward=1 net.ipv4.conf.all.send_redirects=0 ... for every interface.</para>
/// </example>
/// <example title="In a namespace, showing what would change">
/// <code>
/// Enable-LvsDirectorForwarding -NetworkNamespace lb1 -WhatIf
/// </code>
/// <para>Lists the kernel parameters that would be written.</para>
/// </example>
/// <input type="None">This cmdlet takes no pipeline input.</input>
/// <output type="None">This cmdlet writes no output.</output>
/// <seealso cref="TestLvsConfigurationCommand"/>
[Cmdlet(VerbsLifecycle.Enable, "LvsDirectorForwarding", SupportsShouldProcess = true)]
[OutputType(typeof(void))]
public sealed class EnableLvsDirectorForwardingCommand : HostCmdletBase
{
    protected override void ProcessRecord()
    {
        string? ns = ResolveNamespace(null);
        List<KeyValuePair<string, string>> writes = new() { KeyValuePair.Create(SysctlNames.IpForward, "1") };
        if (!TryRun(ns, () => writes.AddRange(Network(ns).GetLinks().Select(l => l.Name).Prepend("default").Prepend("all")
                .Select(i => KeyValuePair.Create(SysctlNames.Conf(i, "send_redirects"), "0")))))
            return;
        string text = string.Join(", ", writes.Select(w => $"{w.Key}={w.Value}"));
        if (!ShouldProcess($"IP forwarding{InNamespace(ns)}", $"Set {text}"))
            return;
        WriteVerbose($"Writing {text}.");
        TryRun(ns, () => Network(ns).Sysctl.Write(writes));
    }
}
