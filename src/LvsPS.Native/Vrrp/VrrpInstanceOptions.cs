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
        static VrrpValidationException Bad(string id, string message) => new(id, message);
        if (string.IsNullOrWhiteSpace(Name))
            throw Bad(VrrpValidationException.InvalidName, "The instance needs a name (keepalived's vrrp_instance NAME).");
        if (string.IsNullOrWhiteSpace(Interface))
            throw Bad(VrrpValidationException.InterfaceNotFound, "The instance needs an interface (-Interface eth0).");
        if (VirtualRouterId is < 1 or > 255)
            throw Bad(VrrpValidationException.InvalidVirtualRouterId, $"The virtual router id {VirtualRouterId} is out of range: VRRP uses 1 to 255.");
        if (Priority is < 1 or > 255)
            throw Bad(VrrpValidationException.InvalidPriority, $"The priority {Priority} is out of range: 1 to 254, or 255 for the address owner (0 is reserved for a stopping master).");
        if (Version is not (2 or 3))
            throw Bad(VrrpValidationException.InvalidVersion, $"The VRRP version must be 2 (RFC 3768) or 3 (RFC 5798), not {Version}.");
        if (VirtualAddresses.Count == 0)
            throw Bad(VrrpValidationException.InvalidVirtualAddress, "Give at least one virtual address (-VirtualAddress 10.0.0.3/24).");
        if (VirtualAddresses.Count > 255)
            throw Bad(VrrpValidationException.InvalidVirtualAddress, "A VRRP advert carries at most 255 addresses.");
        if (VirtualAddresses.Any(v => v.Address.AddressFamily != AddressFamily))
            throw Bad(VrrpValidationException.MixedAddressFamilies, "The virtual addresses of one instance must all be IPv4 or all IPv6: make one instance per family.");
        if (Version == 2 && AddressFamily == AddressFamily.InterNetworkV6)
            throw Bad(VrrpValidationException.VersionAddressFamilyConflict, "VRRPv2 is IPv4 only: use -Version 3 for IPv6 virtual addresses.");
        if (Version == 2)
        {
            if (AdvertisementInterval.Ticks % TimeSpan.TicksPerSecond != 0 || AdvertisementInterval < TimeSpan.FromSeconds(1) || AdvertisementInterval > TimeSpan.FromSeconds(255))
                throw Bad(VrrpValidationException.InvalidAdvertisementInterval, $"VRRPv2 advertises in whole seconds, 1 to 255 (not {AdvertisementInterval.TotalSeconds} s): use -Version 3 for sub-second intervals.");
        }
        else if (AdvertisementInterval.Ticks % (TimeSpan.TicksPerMillisecond * 10) != 0 || AdvertisementInterval < TimeSpan.FromMilliseconds(10) || AdvertisementIntervalCentiseconds > 4095)
        {
            throw Bad(VrrpValidationException.InvalidAdvertisementInterval, $"VRRPv3 advertises in centiseconds, 0.01 to 40.95 s (not {AdvertisementInterval.TotalSeconds} s).");
        }
        if (!string.IsNullOrEmpty(AuthenticationPassword))
        {
            if (Version != 2)
                throw Bad(VrrpValidationException.AuthenticationNotSupported, "VRRPv3 has no authentication (RFC 5798 removed it): drop -AuthenticationPassword or use -Version 2.");
            if (Encoding.UTF8.GetByteCount(AuthenticationPassword) > VrrpAdvertisement.AuthenticationDataLength)
                throw Bad(VrrpValidationException.PasswordTooLong, "The VRRP password is at most 8 bytes (keepalived truncates longer ones silently, so the peers would disagree).");
        }
        if (PreemptDelay < TimeSpan.Zero || PreemptDelay > TimeSpan.FromSeconds(1000))
            throw Bad(VrrpValidationException.InvalidPreemptDelay, "The preempt delay is 0 to 1000 s.");
        foreach (IPAddress peer in UnicastPeers.Append(UnicastSource).OfType<IPAddress>())
            if (peer.AddressFamily != AddressFamily)
                throw Bad(VrrpValidationException.MixedAddressFamilies, $"The unicast address {peer} is not of the virtual addresses' family.");
        if (UnicastSource != null && UnicastPeers.Count == 0)
            throw Bad(VrrpValidationException.InvalidUnicast, "-UnicastSource needs at least one -UnicastPeer.");
        foreach (VrrpTrackedScript t in TrackScripts)
            if (t.Interval <= TimeSpan.Zero || t.Rise < 1 || t.Fall < 1 || t.Weight is < -253 or > 253 || t.Timeout <= TimeSpan.Zero)
                throw Bad(VrrpValidationException.InvalidTrack, $"Track script '{t.Name}': the interval and timeout must be positive, rise and fall at least 1, the weight -253 to 253.");
        if (GratuitousArpRepeat is < 0 or > 100)
            throw Bad(VrrpValidationException.InvalidGratuitousArp, "The gratuitous ARP repeat count is 0 to 100.");
        if (LvsSyncDaemon is { } daemon)
        {
            try
            {
                Ipvs.SyncDaemonValidation.Validate(daemon with { State = Ipvs.SyncDaemonState.Backup });
            }
            catch (Ipvs.IpvsValidationException e)
            {
                throw Bad(VrrpValidationException.InvalidLvsSyncDaemon, $"The IPVS sync daemon settings are not valid: {e.Message}");
            }
        }
    }
}

/// <summary>A configuration rule broken; <see cref="ErrorId"/> is stable for scripts.</summary>
public sealed class VrrpValidationException : Exception
{
    public const string InvalidName = nameof(InvalidName);
    public const string InterfaceNotFound = nameof(InterfaceNotFound);
    public const string InvalidVirtualRouterId = nameof(InvalidVirtualRouterId);
    public const string InvalidPriority = nameof(InvalidPriority);
    public const string InvalidVersion = nameof(InvalidVersion);
    public const string InvalidVirtualAddress = nameof(InvalidVirtualAddress);
    public const string MixedAddressFamilies = nameof(MixedAddressFamilies);
    public const string VersionAddressFamilyConflict = nameof(VersionAddressFamilyConflict);
    public const string InvalidAdvertisementInterval = nameof(InvalidAdvertisementInterval);
    public const string AuthenticationNotSupported = nameof(AuthenticationNotSupported);
    public const string PasswordTooLong = nameof(PasswordTooLong);
    public const string InvalidPreemptDelay = nameof(InvalidPreemptDelay);
    public const string InvalidUnicast = nameof(InvalidUnicast);
    public const string InvalidGratuitousArp = nameof(InvalidGratuitousArp);
    public const string NoInterfaceAddress = nameof(NoInterfaceAddress);
    public const string InvalidSyncGroup = nameof(InvalidSyncGroup);
    public const string InvalidLvsSyncDaemon = nameof(InvalidLvsSyncDaemon);
    public const string InvalidTrack = nameof(InvalidTrack);

    public VrrpValidationException(string errorId, string message) : base(message) => ErrorId = errorId;

    public string ErrorId { get; }
}
