using LvsPS.Native.Ipvs;

namespace LvsPS;

/// <summary>
/// The -VirtualService argument. Its one-argument constructors let PowerShell convert a
/// string ("tcp/10.0.0.3:80", "udp/[2001:db8::1]:53", "fwmark/3", "fwmark/3/ipv6"), a key,
/// a VirtualService or a RealServer (its service) by value, so Get-X | Verb-Y chains bind.
/// Objects read from the kernel also carry the namespace they came from.
/// </summary>
public sealed class VirtualServiceIdentity
{
    /// <exception cref="FormatException">The text is not a virtual service.</exception>
    public VirtualServiceIdentity(string text) => Key = VirtualServiceKey.Parse(text);

    public VirtualServiceIdentity(VirtualServiceKey key) => Key = key ?? throw new ArgumentNullException(nameof(key));

    public VirtualServiceIdentity(VirtualService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        Key = service.Key;
        NetworkNamespace = service.NetworkNamespace;
    }

    public VirtualServiceIdentity(RealServer realServer)
    {
        ArgumentNullException.ThrowIfNull(realServer);
        Key = realServer.VirtualService;
        NetworkNamespace = realServer.NetworkNamespace;
    }

    public VirtualServiceIdentity(LvsVirtualService service)
        : this((service ?? throw new ArgumentNullException(nameof(service))).Record)
    {
    }

    public VirtualServiceIdentity(LvsRealServer realServer)
        : this((realServer ?? throw new ArgumentNullException(nameof(realServer))).Record)
    {
    }

    public VirtualServiceKey Key { get; }

    /// <summary>The namespace the object was read from; null for text and for the current namespace.</summary>
    public string? NetworkNamespace { get; }

    public override string ToString() => Key.ToString();
}
