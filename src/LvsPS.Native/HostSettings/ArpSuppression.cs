namespace LvsPS.Native.HostSettings;

/// <summary>
/// The effective ARP behaviour of one interface. The kernel applies the maximum of
/// conf/all and conf/IFACE for arp_ignore and arp_announce (IN_DEV_MAXCONF in
/// include/linux/inetdevice.h), so a value set only on lo changes nothing: ARP arrives on the NIC.
/// </summary>
public sealed record ArpSuppressionStatus
{
    public required string Interface { get; init; }
    public int AllArpIgnore { get; init; }
    public int AllArpAnnounce { get; init; }
    public int InterfaceArpIgnore { get; init; }
    public int InterfaceArpAnnounce { get; init; }
    public string? NetworkNamespace { get; init; }

    public int EffectiveArpIgnore => Math.Max(AllArpIgnore, InterfaceArpIgnore);
    public int EffectiveArpAnnounce => Math.Max(AllArpAnnounce, InterfaceArpAnnounce);

    /// <summary>The interface neither answers ARP for a VIP bound elsewhere (lo) nor announces it as a source.</summary>
    public bool IsSuppressed => ArpSuppression.IgnoreSuppresses(EffectiveArpIgnore) && EffectiveArpAnnounce >= ArpSuppression.RecommendedArpAnnounce;

    /// <summary>Why the effective values are what they are, in words.</summary>
    public string Reason => ArpSuppression.Explain(this);
}

public static class ArpSuppression
{
    /// <summary>Reply only when the target address is on the receiving interface (Documentation/networking/ip-sysctl.rst).</summary>
    public const int RecommendedArpIgnore = 1;
    /// <summary>Always use the best local address of the outgoing interface as the ARP source, never the VIP.</summary>
    public const int RecommendedArpAnnounce = 2;

    public const string ArpIgnore = "arp_ignore", ArpAnnounce = "arp_announce";

    /// <summary>arp_ignore 1 and 2 answer only for addresses of the receiving interface (2: and its subnet), 8 never; 0 and 3 answer for a VIP on lo.</summary>
    public static bool IgnoreSuppresses(int value) => value is 1 or 2 or 8;

    public static ArpSuppressionStatus Evaluate(string interfaceName, IReadOnlyDictionary<string, string?> values, string? networkNamespace)
        => new()
        {
            Interface = interfaceName,
            AllArpIgnore = Int(values, SysctlNames.Conf("all", ArpIgnore)),
            AllArpAnnounce = Int(values, SysctlNames.Conf("all", ArpAnnounce)),
            InterfaceArpIgnore = Int(values, SysctlNames.Conf(interfaceName, ArpIgnore)),
            InterfaceArpAnnounce = Int(values, SysctlNames.Conf(interfaceName, ArpAnnounce)),
            NetworkNamespace = networkNamespace,
        };

    /// <summary>The names to read to evaluate these interfaces.</summary>
    public static IEnumerable<string> NamesFor(IEnumerable<string> interfaces)
        => interfaces.Prepend("all").SelectMany(i => new[] { SysctlNames.Conf(i, ArpIgnore), SysctlNames.Conf(i, ArpAnnounce) });

    /// <summary>The writes that enable (1/2) or restore (0/0) ARP suppression on these conf entries ("all" or interface names).</summary>
    public static IEnumerable<KeyValuePair<string, string>> Writes(IEnumerable<string> confEntries, bool enable)
        => confEntries.SelectMany(i => new[]
        {
            KeyValuePair.Create(SysctlNames.Conf(i, ArpIgnore), enable ? $"{RecommendedArpIgnore}" : "0"),
            KeyValuePair.Create(SysctlNames.Conf(i, ArpAnnounce), enable ? $"{RecommendedArpAnnounce}" : "0"),
        });

    /// <summary>The sysctl.d drop-in that makes the same settings survive a reboot.</summary>
    public static string DropIn(IEnumerable<string> confEntries)
        => "# Written by LvsPS: ARP suppression for LVS-DR/TUN real servers.\n"
           + "# The kernel uses the maximum of conf.all and conf.<interface>.\n"
           + string.Concat(Writes(confEntries, enable: true).Select(w => $"{w.Key} = {w.Value}\n"));

    internal static string Explain(ArpSuppressionStatus s)
    {
        string Source(int all, int iface) => all >= iface ? (all == iface && all != 0 ? "conf/all and the interface" : "conf/all") : $"conf/{s.Interface}";
        string ignore = $"arp_ignore {s.EffectiveArpIgnore} (max of all {s.AllArpIgnore}, {s.Interface} {s.InterfaceArpIgnore}; from {Source(s.AllArpIgnore, s.InterfaceArpIgnore)})";
        string announce = $"arp_announce {s.EffectiveArpAnnounce} (max of all {s.AllArpAnnounce}, {s.Interface} {s.InterfaceArpAnnounce}; from {Source(s.AllArpAnnounce, s.InterfaceArpAnnounce)})";
        if (s.IsSuppressed)
            return $"Suppressed: {ignore}, {announce}.";
        var missing = new List<string>();
        if (!IgnoreSuppresses(s.EffectiveArpIgnore))
            missing.Add($"arp_ignore is {s.EffectiveArpIgnore}: {s.Interface} answers ARP for every local address, a VIP on lo included (needs 1)");
        if (s.EffectiveArpAnnounce < RecommendedArpAnnounce)
            missing.Add($"arp_announce is {s.EffectiveArpAnnounce}: ARP requests may carry the VIP as their source (needs 2)");
        return $"Not suppressed: {string.Join("; ", missing)}. Effective {ignore}, {announce}.";
    }

    private static int Int(IReadOnlyDictionary<string, string?> values, string name)
        => values.TryGetValue(name, out string? v) && int.TryParse(v, out int n) ? n : 0;
}
