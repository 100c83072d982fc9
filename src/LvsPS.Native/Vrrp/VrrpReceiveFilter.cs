using System.Net;

namespace LvsPS.Native.Vrrp;

/// <summary>
/// The receive checks of one instance (RFC 3768 7.1, RFC 5798 7.1, and keepalived's extras):
/// hop limit 255, a well-formed message with a good checksum, this instance's VRID, version,
/// authentication, v2 interval, address list and addressing mode. Pure; never throws.
/// </summary>
public sealed class VrrpReceiveFilter
{
    private readonly VrrpInstanceOptions _options;
    private readonly HashSet<IPAddress> _addresses;
    private readonly byte[] _password;

    public VrrpReceiveFilter(VrrpInstanceOptions options)
    {
        _options = options;
        _addresses = new HashSet<IPAddress>(options.VirtualAddresses.Select(v => v.Address));
        _password = VrrpInstanceOptions.PasswordBytes(options.AuthenticationPassword);
    }

    /// <summary>The addresses this host sends from; adverts from them are our own, looped back.</summary>
    public IPAddress? LocalAddress { get; set; }

    public VrrpDropReason Check(in VrrpIpPacket packet, out VrrpAdvertisement? advert)
    {
        advert = null;
        if (packet.HopLimit != 255)
            return VrrpDropReason.BadTtl;
        VrrpDropReason reason = VrrpCodec.TryDecode(packet.Payload, packet.Source, packet.Destination, out VrrpAdvertisement? decoded);
        if (reason != VrrpDropReason.None)
            return reason;
        if (decoded!.VirtualRouterId != _options.VirtualRouterId)
            return VrrpDropReason.OtherVirtualRouterId;
        if (LocalAddress != null && packet.Source.Equals(LocalAddress))
            return VrrpDropReason.OwnAdvertisement;
        if (decoded.Version != _options.Version)
            return VrrpDropReason.BadVersion;
        bool multicast = packet.Destination.Equals(VrrpInstanceOptions.MulticastGroup(_options.AddressFamily));
        if (multicast == _options.IsUnicast)
            return VrrpDropReason.UnexpectedDestination;
        if (decoded.Version == 2)
        {
            VrrpAuthenticationType expectedType = _password.Length > 0 ? VrrpAuthenticationType.Password : VrrpAuthenticationType.None;
            if (decoded.AuthenticationType != expectedType)
                return VrrpDropReason.BadAuthenticationType;
            if (expectedType == VrrpAuthenticationType.Password && !decoded.AuthenticationData.Span.SequenceEqual(_password))
                return VrrpDropReason.BadPassword;
            if (decoded.IntervalCentiseconds != _options.AdvertisementIntervalCentiseconds)
                return VrrpDropReason.IntervalMismatch;
        }
        if (decoded.Addresses.Count != _addresses.Count || !decoded.Addresses.All(_addresses.Contains))
            return VrrpDropReason.AddressListMismatch;
        advert = decoded;
        return VrrpDropReason.None;
    }
}
