using System.Net;

namespace LvsPS.Native.Ipvs;

/// <summary>
/// The single-change methods of an <see cref="IIpvsClient"/>, each one change through <see cref="Apply"/>
/// that throws the kernel's refusal: written once for the kernel's client and the in-memory one.
/// </summary>
public abstract class IpvsClientBase
{
    public abstract IReadOnlyList<IpvsChangeResult> Apply(IReadOnlyList<IpvsChange> changes);

    public void AddVirtualService(VirtualService service) => ApplyOne(IpvsChange.Add(service));

    /// <summary>Replaces every setting of an existing service (callers read, modify, then write).</summary>
    public void UpdateVirtualService(VirtualService service) => ApplyOne(IpvsChange.Update(service));

    public void RemoveVirtualService(VirtualServiceKey key) => ApplyOne(IpvsChange.Remove(new VirtualService { Key = key }));

    public void AddRealServer(RealServer realServer) => ApplyOne(IpvsChange.Add(realServer));

    /// <summary>Replaces every setting of an existing real server, tunnel settings included (the kernel resets what is not sent).</summary>
    public void UpdateRealServer(RealServer realServer) => ApplyOne(IpvsChange.Update(realServer));

    public void RemoveRealServer(VirtualServiceKey service, IPAddress address, ushort port)
        => ApplyOne(IpvsChange.Remove(new RealServer { VirtualService = service, Address = address, Port = port }));

    private void ApplyOne(IpvsChange change) => Apply(new[] { change })[0].ThrowIfRefused();
}
