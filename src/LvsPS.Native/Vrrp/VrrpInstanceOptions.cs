using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LvsPS.Native.Vrrp;

/// <summary>A virtual address with its prefix length, as keepalived's virtual_ipaddress "10.0.0.3/24".</summary>
public sealed record VrrpVirtualAddress(IPAddress Address, int PrefixLength)
{
    /// <summary>"10.0.0.3/24", "2001:db8::3/64" or an address alone (/32, /128), by the strict parser.</summary>
    /// <exception cref="Text.NetTextException">The text is not an address with an optional prefix length.</exception>
    public static VrrpVirtualAddress Parse(string text)
    {
        Text.NetPrefix prefix = Text.NetText.ParsePrefix(text);
        return new VrrpVirtualAddress(prefix.Address, prefix.PrefixLength);
    }

    public override string ToString() => $"{Address}/{PrefixLength}";
}

/// <summary>A tracked interface: down means a priority change by <see cref="Weight"/>, or FAULT when the weight is 0 (keepalived's track_interface).</summary>
public sealed record VrrpTrackedInterface(string Name, int Weight = 0);

/// <summary>
/// A tracked script (keepalived's vrrp_script in track_script): run every <see cref="Interval"/>
/// by the runtime, each run stopped after <see cref="Timeout"/> (the interval when null, as
/// keepalived) and then counted as a failure. It counts as up until its first result, which
/// decides; then <see cref="Fall"/> failures in a row take it down and <see cref="Rise"/> successes
/// bring it up (a <see cref="Runtime.RiseFallCounter"/>). Down adds <see cref="Weight"/> (usually
/// negative) to the priority, or means FAULT when the weight is 0.
/// </summary>
public sealed record VrrpTrackedScript(string Name, Runtime.IScript Script, TimeSpan Interval, int Weight = 0, int Rise = 1, int Fall = 1)
{
    public TimeSpan? Timeout { get; init; }
}

/// <summary>What a notify script gets on each state change.</summary>
public enum VrrpNotifyArguments
{
    /// <summary>keepalived's notify words: INSTANCE name MASTER|BACKUP|FAULT|INIT priority.</summary>
    Keepalived,
    /// <summary>The <see cref="VrrpStateChange"/> and the <see cref="VrrpInstance"/> (for script blocks).</summary>
    Objects,
}

/// <summary>
/// A script run on every state change (keepalived's notify), in the order of the changes, off the
/// protocol thread; each run stops after <see cref="Timeout"/> (30 s when null).
/// </summary>
public sealed record VrrpNotifyScript(Runtime.IScript Script, VrrpNotifyArguments Arguments = VrrpNotifyArguments.Keepalived)
{
    public TimeSpan? Timeout { get; init; }
}

/// <summary>Everything one VRRP instance is configured with (keepalived's vrrp_instance block).</summary>
public sealed class VrrpInstanceOptions
{
    public static readonly IPAddress MulticastGroupV4 = IPAddress.Parse("224.0.0.18");
    public static readonly IPAddress MulticastGroupV6 = IPAddress.Parse("ff02::12");

    public required string Name { get; init; }
    public required string Interface { get; init; }
    public required int VirtualRouterId { get; init; }
    public int Priority { get; init; } = 100;
    /// <summary>2 (RFC 3768) or 3 (RFC 5798).</summary>
    public int Version { get; init; } = 2;
    public TimeSpan AdvertisementInterval { get; init; } = TimeSpan.FromSeconds(1);
    public required IReadOnlyList<VrrpVirtualAddress> VirtualAddresses { get; init; }
    /// <summary>
    /// keepalived's virtual_ipaddress_excluded: held with the virtual addresses (added on becoming master, announced,
    /// removed on leaving it) but not carried in adverts, so neither the 255-address limit nor the family applies.
    /// </summary>
    public IReadOnlyList<VrrpVirtualAddress> ExcludedAddresses { get; init; } = Array.Empty<VrrpVirtualAddress>();
    /// <summary>Master starts as master at once (keepalived's state MASTER); Backup waits Master_Down_Interval.</summary>
    public VrrpState InitialState { get; init; } = VrrpState.Backup;
    public bool Preempt { get; init; } = true;
    public TimeSpan PreemptDelay { get; init; } = TimeSpan.Zero;
    public IPAddress? UnicastSource { get; init; }
    public IReadOnlyList<IPAddress> UnicastPeers { get; init; } = Array.Empty<IPAddress>();
    /// <summary>v2 simple password (keepalived's auth_type PASS), at most 8 bytes.</summary>
    public string? AuthenticationPassword { get; init; }
    public string? NetworkNamespace { get; init; }
    /// <summary>Gratuitous ARPs / neighbour advertisements per burst (keepalived's vrrp_garp_master_repeat, 5).</summary>
    public int GratuitousArpRepeat { get; init; } = 5;
    /// <summary>Delay before the second burst after becoming master (vrrp_garp_master_delay, 5 s; zero: no second burst).</summary>
    public TimeSpan GratuitousArpDelay { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Periodic refresh while master (vrrp_garp_master_refresh; zero: none).</summary>
    public TimeSpan GratuitousArpRefresh { get; init; } = TimeSpan.Zero;
    public IReadOnlyList<VrrpTrackedInterface> TrackInterfaces { get; init; } = Array.Empty<VrrpTrackedInterface>();
    public IReadOnlyList<VrrpTrackedScript> TrackScripts { get; init; } = Array.Empty<VrrpTrackedScript>();
    /// <summary>Scripts run on every state change, in order (keepalived's notify).</summary>
    public IReadOnlyList<VrrpNotifyScript> NotifyScripts { get; init; } = Array.Empty<VrrpNotifyScript>();
    /// <summary>The IPVS sync daemon that follows this instance (keepalived's lvs_sync_daemon); its State is ignored. Null: none.</summary>
    public Ipvs.SyncDaemon? LvsSyncDaemon { get; init; }

    /// <summary>Every address the master holds: the advertised ones, then the excluded ones.</summary>
    internal IEnumerable<VrrpVirtualAddress> HeldAddresses => VirtualAddresses.Concat(ExcludedAddresses);

    public AddressFamily AddressFamily => VirtualAddresses.Count > 0 ? VirtualAddresses[0].Address.AddressFamily : AddressFamily.InterNetwork;
    public bool IsUnicast => UnicastPeers.Count > 0;
    public int AdvertisementIntervalCentiseconds => (int)Math.Round(AdvertisementInterval.TotalMilliseconds / 10);

    public static IPAddress MulticastGroup(AddressFamily family) => family == AddressFamily.InterNetworkV6 ? MulticastGroupV6 : MulticastGroupV4;

    /// <summary>The 8 bytes of a PASS password (zero padded); empty when there is none.</summary>
    public static byte[] PasswordBytes(string? password)
    {
        if (string.IsNullOrEmpty(password))
            return Array.Empty<byte>();
        var bytes = new byte[VrrpAdvertisement.AuthenticationDataLength];
        byte[] text = Encoding.UTF8.GetBytes(password);
        text.AsSpan(0, Math.Min(text.Length, bytes.Length)).CopyTo(bytes);
        return bytes;
    }

    /// <summary>Throws <see cref="VrrpValidationException"/> for the first rule broken; checks nothing on the host.</summary>
    public void Validate()
    {
        static VrrpValidationException Bad(VrrpRule rule, string message) => new(rule, message);
        if (string.IsNullOrWhiteSpace(Name))
            throw Bad(VrrpRule.InvalidName, "The instance needs a name (keepalived's vrrp_instance NAME).");
        if (string.IsNullOrWhiteSpace(Interface))
            throw Bad(VrrpRule.InterfaceNotFound, "The instance needs an interface (keepalived's interface).");
        if (VirtualRouterId is < 1 or > 255)
            throw Bad(VrrpRule.InvalidVirtualRouterId, $"The virtual router id {VirtualRouterId} is out of range: VRRP uses 1 to 255.");
        if (Priority is < 1 or > 255)
            throw Bad(VrrpRule.InvalidPriority, $"The priority {Priority} is out of range: 1 to 254, or 255 for the address owner (0 is reserved for a stopping master).");
        if (Version is not (2 or 3))
            throw Bad(VrrpRule.InvalidVersion, $"The VRRP version must be 2 (RFC 3768) or 3 (RFC 5798), not {Version}.");
        if (VirtualAddresses.Count == 0)
            throw Bad(VrrpRule.InvalidVirtualAddress, "The instance needs at least one virtual address (keepalived's virtual_ipaddress).");
        if (VirtualAddresses.Count > 255)
            throw Bad(VrrpRule.InvalidVirtualAddress, "A VRRP advert carries at most 255 addresses.");
        if (VirtualAddresses.Any(v => v.Address.AddressFamily != AddressFamily))
            throw Bad(VrrpRule.MixedAddressFamilies, "The virtual addresses of one instance must all be IPv4 or all IPv6: make one instance per family.");
        if (Version == 2 && AddressFamily == AddressFamily.InterNetworkV6)
            throw Bad(VrrpRule.VersionAddressFamilyConflict, "VRRPv2 is IPv4 only: IPv6 virtual addresses need VRRPv3.");
        if (Version == 2)
        {
            if (AdvertisementInterval.Ticks % TimeSpan.TicksPerSecond != 0 || AdvertisementInterval < TimeSpan.FromSeconds(1) || AdvertisementInterval > TimeSpan.FromSeconds(255))
                throw Bad(VrrpRule.InvalidAdvertisementInterval, $"VRRPv2 advertises in whole seconds, 1 to 255 (not {AdvertisementInterval.TotalSeconds} s); sub-second intervals need VRRPv3.");
        }
        else if (AdvertisementInterval.Ticks % (TimeSpan.TicksPerMillisecond * 10) != 0 || AdvertisementInterval < TimeSpan.FromMilliseconds(10) || AdvertisementIntervalCentiseconds > 4095)
        {
            throw Bad(VrrpRule.InvalidAdvertisementInterval, $"VRRPv3 advertises in centiseconds, 0.01 to 40.95 s (not {AdvertisementInterval.TotalSeconds} s).");
        }
        if (!string.IsNullOrEmpty(AuthenticationPassword))
        {
            if (Version != 2)
                throw Bad(VrrpRule.AuthenticationNotSupported, "VRRPv3 has no authentication (RFC 5798 removed it); a password needs VRRPv2.");
            if (Encoding.UTF8.GetByteCount(AuthenticationPassword) > VrrpAdvertisement.AuthenticationDataLength)
                throw Bad(VrrpRule.PasswordTooLong, "The VRRP password is at most 8 bytes (keepalived truncates longer ones silently, so the peers would disagree).");
        }
        if (PreemptDelay < TimeSpan.Zero || PreemptDelay > TimeSpan.FromSeconds(1000))
            throw Bad(VrrpRule.InvalidPreemptDelay, "The preempt delay is 0 to 1000 s.");
        foreach (IPAddress peer in UnicastPeers.Append(UnicastSource).OfType<IPAddress>())
            if (peer.AddressFamily != AddressFamily)
                throw Bad(VrrpRule.MixedAddressFamilies, $"The unicast address {peer} is not of the virtual addresses' family.");
        if (UnicastSource != null && UnicastPeers.Count == 0)
            throw Bad(VrrpRule.InvalidUnicast, "A unicast source address needs at least one unicast peer to send to.");
        foreach (VrrpTrackedScript t in TrackScripts)
            if (t.Interval <= TimeSpan.Zero || t.Rise < 1 || t.Fall < 1 || t.Weight is < -253 or > 253 || t.Timeout <= TimeSpan.Zero)
                throw Bad(VrrpRule.InvalidTrack, $"Track script '{t.Name}': the interval and timeout must be positive, rise and fall at least 1, the weight -253 to 253.");
        if (GratuitousArpRepeat is < 0 or > 100)
            throw Bad(VrrpRule.InvalidGratuitousArp, "The gratuitous ARP repeat count is 0 to 100.");
        if (LvsSyncDaemon is { } daemon)
        {
            try
            {
                Ipvs.SyncDaemonValidation.Validate(daemon with { State = Ipvs.SyncDaemonState.Backup });
            }
            catch (Ipvs.IpvsValidationException e)
            {
                throw Bad(VrrpRule.InvalidLvsSyncDaemon, $"The IPVS sync daemon settings are not valid: {e.Message}");
            }
        }
    }
}

/// <summary>A VRRP configuration rule broken, or a host that cannot run the instance; <see cref="Rule"/> says which.</summary>
public sealed class VrrpValidationException : Exception
{
    public VrrpValidationException(VrrpRule rule, string message) : base(message) => Rule = rule;

    public VrrpRule Rule { get; }
}

/// <summary>What a VRRP instance or sync group is checked against before it runs.</summary>
public enum VrrpRule
{
    InvalidName,
    InterfaceNotFound,
    InvalidVirtualRouterId,
    InvalidPriority,
    InvalidVersion,
    InvalidVirtualAddress,
    MixedAddressFamilies,
    VersionAddressFamilyConflict,
    InvalidAdvertisementInterval,
    AuthenticationNotSupported,
    PasswordTooLong,
    InvalidPreemptDelay,
    InvalidUnicast,
    InvalidGratuitousArp,
    NoInterfaceAddress,
    InvalidSyncGroup,
    InvalidLvsSyncDaemon,
    InvalidTrack,
}
