using System.Net;
using System.Net.Sockets;

namespace LvsPS.Native.Vrrp;

/// <summary>VRRP authentication types of RFC 2338/3768 (v2 only; v3 has none).</summary>
public enum VrrpAuthenticationType : byte
{
    None = 0,
    /// <summary>Simple text password, 8 bytes padded with zeros (keepalived's auth_type PASS).</summary>
    Password = 1,
    /// <summary>IP Authentication Header: not supported, adverts carrying it are dropped.</summary>
    AuthenticationHeader = 2,
}

/// <summary>
/// One VRRP advertisement as carried on the wire (RFC 3768 section 5.3, RFC 5798 section 5.2).
/// The interval is kept in centiseconds for both versions (v2 carries whole seconds).
/// </summary>
public sealed class VrrpAdvertisement
{
    public const byte TypeAdvertisement = 1;
    public const int HeaderLength = 8;
    public const int AuthenticationDataLength = 8;

    public VrrpAdvertisement(int version, byte virtualRouterId, byte priority, int intervalCentiseconds,
        IReadOnlyList<IPAddress> addresses, VrrpAuthenticationType authenticationType = VrrpAuthenticationType.None,
        ReadOnlyMemory<byte> authenticationData = default)
    {
        Version = version;
        VirtualRouterId = virtualRouterId;
        Priority = priority;
        IntervalCentiseconds = intervalCentiseconds;
        Addresses = addresses;
        AuthenticationType = authenticationType;
        AuthenticationData = authenticationData;
    }

    /// <summary>2 or 3.</summary>
    public int Version { get; }
    public byte VirtualRouterId { get; }
    /// <summary>0 = the master is stopping, 255 = the address owner.</summary>
    public byte Priority { get; }
    /// <summary>v3: the 12-bit Max Adver Int; v2: the seconds field times 100.</summary>
    public int IntervalCentiseconds { get; }
    public IReadOnlyList<IPAddress> Addresses { get; }
    public VrrpAuthenticationType AuthenticationType { get; }
    /// <summary>The 8 bytes after the addresses of a v2 advert (empty for v3).</summary>
    public ReadOnlyMemory<byte> AuthenticationData { get; }

    public AddressFamily AddressFamily => Addresses.Count > 0 ? Addresses[0].AddressFamily : AddressFamily.InterNetwork;

    public TimeSpan Interval => TimeSpan.FromMilliseconds(IntervalCentiseconds * 10);

    public override string ToString()
        => $"VRRPv{Version} vrid {VirtualRouterId} prio {Priority} int {IntervalCentiseconds}cs [{string.Join(", ", Addresses)}]";
}
