namespace LvsPS.Native.Vrrp;

/// <summary>
/// Why a received packet was not acted on. Every reason is counted per instance; the checks
/// and their order follow keepalived's vrrp_check_packet (vrrp.c), so a packet LvsPS drops is
/// one keepalived drops too.
/// </summary>
public enum VrrpDropReason
{
    /// <summary>Accepted.</summary>
    None = 0,
    /// <summary>Shorter than an IP header plus the 8-byte VRRP header, or lengths that do not add up.</summary>
    Truncated,
    /// <summary>Not IPv4/IPv6, not protocol 112, or a header length that does not fit.</summary>
    BadIpHeader,
    /// <summary>TTL (IPv4) or hop limit (IPv6) other than 255: the packet crossed a router.</summary>
    BadTtl,
    /// <summary>Version other than the instance's (or v2 over IPv6).</summary>
    BadVersion,
    /// <summary>Type other than 1 (ADVERTISEMENT).</summary>
    BadType,
    /// <summary>The address count disagrees with the packet length.</summary>
    AddressCountMismatch,
    BadChecksum,
    /// <summary>For another virtual router on the same link (keepalived ignores these silently).</summary>
    OtherVirtualRouterId,
    /// <summary>v2: authentication type other than the instance's.</summary>
    BadAuthenticationType,
    /// <summary>v2: PASS authentication with another password.</summary>
    BadPassword,
    /// <summary>v2: advertisement interval other than the instance's.</summary>
    IntervalMismatch,
    /// <summary>The virtual addresses differ from the instance's.</summary>
    AddressListMismatch,
    /// <summary>Unicast advert to a multicast instance or multicast advert to a unicast one.</summary>
    UnexpectedDestination,
    /// <summary>Sent by this instance (looped back).</summary>
    OwnAdvertisement,
}
