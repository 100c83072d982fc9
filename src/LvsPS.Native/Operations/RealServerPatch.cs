using LvsPS.Native.Ipvs;

namespace LvsPS.Native.Operations;

/// <summary>
/// The real-server settings that were given, and only those (null: keep). The kernel replaces every
/// setting of a real server on update, tunnel ones included, so an edit is read, patched, written.
/// </summary>
public sealed record RealServerPatch
{
    public ForwardingMethod? Forwarding { get; init; }
    public uint? Weight { get; init; }
    public uint? UpperThreshold { get; init; }
    public uint? LowerThreshold { get; init; }
    public TunnelType? TunnelType { get; init; }
    public ushort? TunnelPort { get; init; }
    public TunnelChecksum? TunnelChecksum { get; init; }

    /// <summary>The record with the given settings applied; leaving tunnel forwarding drops the tunnel settings (they would make the record invalid).</summary>
    public RealServer ApplyTo(RealServer d)
    {
        if (Forwarding is { } method)
        {
            if (method != ForwardingMethod.Tunnel && d.Forwarding == ForwardingMethod.Tunnel)
                d = d with { TunnelType = Ipvs.TunnelType.Ipip, TunnelPort = 0, TunnelChecksum = Ipvs.TunnelChecksum.NoChecksum };
            d = d with { Forwarding = method };
        }
        return d with
        {
            Weight = Weight ?? d.Weight,
            UpperThreshold = UpperThreshold ?? d.UpperThreshold,
            LowerThreshold = LowerThreshold ?? d.LowerThreshold,
            TunnelType = TunnelType ?? d.TunnelType,
            TunnelPort = TunnelPort ?? d.TunnelPort,
            TunnelChecksum = TunnelChecksum ?? d.TunnelChecksum,
        };
    }
}
