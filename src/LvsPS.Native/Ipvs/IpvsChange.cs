using LvsPS.Native.Netlink;

namespace LvsPS.Native.Ipvs;

public enum IpvsChangeKind
{
    AddService, UpdateService, RemoveService, AddRealServer, UpdateRealServer, RemoveRealServer,
}

/// <summary>One request of a batch. Services carry a <see cref="VirtualService"/>, real servers a <see cref="RealServer"/>.</summary>
public sealed record IpvsChange(IpvsChangeKind Kind, VirtualService? Service = null, RealServer? RealServer = null)
{
    public static IpvsChange Add(VirtualService s) => new(IpvsChangeKind.AddService, Service: s);
    public static IpvsChange Update(VirtualService s) => new(IpvsChangeKind.UpdateService, Service: s);
    public static IpvsChange Remove(VirtualService s) => new(IpvsChangeKind.RemoveService, Service: s);
    public static IpvsChange Add(RealServer d) => new(IpvsChangeKind.AddRealServer, RealServer: d);
    public static IpvsChange Update(RealServer d) => new(IpvsChangeKind.UpdateRealServer, RealServer: d);
    public static IpvsChange Remove(RealServer d) => new(IpvsChangeKind.RemoveRealServer, RealServer: d);

    public string Target => RealServer?.ToString() ?? Service!.Key.ToString();

    public IpvsOperation Operation => Kind switch
    {
        IpvsChangeKind.AddService => IpvsOperation.AddService,
        IpvsChangeKind.UpdateService => IpvsOperation.UpdateService,
        IpvsChangeKind.RemoveService => IpvsOperation.RemoveService,
        IpvsChangeKind.AddRealServer => IpvsOperation.AddRealServer,
        IpvsChangeKind.UpdateRealServer => IpvsOperation.UpdateRealServer,
        _ => IpvsOperation.RemoveRealServer,
    };
}

/// <summary>What became of one change of a batch: applied, or refused with an errno (and the kernel's extended-ACK text and offset, when it sent them).</summary>
public sealed record IpvsChangeResult(IpvsChange Change, int Errno, string? ExtendedAckMessage = null, int? ExtendedAckOffset = null)
{
    public bool Succeeded => Errno == 0;

    public IpvsException? Error => Errno == 0
        ? null
        : IpvsException.From(Change.Operation, Errno, Change.Target, Change.Service?.Scheduler,
            inner: NetlinkException.Refused(Errno, $"IPVS {Change.Operation}", ExtendedAckMessage, ExtendedAckOffset));

    /// <summary>Throws the kernel's refusal, if it refused (the single-change methods of a client).</summary>
    public void ThrowIfRefused()
    {
        if (Error is { } error)
            throw error;
    }
}
