using System.Collections.ObjectModel;
using System.ComponentModel;
using LvsPS.Native.Ipvs;

namespace LvsPS;

/// <summary>
/// A real server as the cmdlets write it: flat, every value a string, number or boolean (see
/// <see cref="LvsVirtualService"/>). The property names are the parameter names of Add-LvsRealServer,
/// so a row of Import-Csv or a deserialized object pipes back into it whole, and VirtualService,
/// Address and Port name it for Set-, Remove-, Suspend- and Resume-LvsRealServer.
/// </summary>
[TypeConverter(typeof(LvsRecordConverter))]
public sealed class LvsRealServer
{
    internal LvsRealServer(RealServer record)
    {
        Record = record;
        VirtualService = record.VirtualService.ToString();
        Address = record.Address.ToString();
        Port = record.Port;
        Endpoint = record.Endpoint;
        Family = record.Family.ToString();
        Forwarding = record.Forwarding.ToString();
        Weight = record.Weight;
        UpperThreshold = record.UpperThreshold;
        LowerThreshold = record.LowerThreshold;
        bool tunnel = record.Forwarding == ForwardingMethod.Tunnel;
        TunnelType = tunnel ? record.TunnelType.ToString() : null;
        TunnelPort = tunnel && record.TunnelPort != 0 ? record.TunnelPort : null;
        TunnelChecksum = tunnel ? record.TunnelChecksum.ToString() : null;
        ActiveConnections = record.ActiveConnections;
        InactiveConnections = record.InactiveConnections;
        PersistentConnections = record.PersistentConnections;
        IpvsStatistics s = record.Statistics ?? LvsVirtualService.Empty;
        (Connections, InPackets, OutPackets, InBytes, OutBytes) = (s.Connections, s.InPackets, s.OutPackets, s.InBytes, s.OutBytes);
        NetworkNamespace = record.NetworkNamespace;
    }

    /// <summary>The core record this was made from.</summary>
    internal RealServer Record { get; }

    /// <summary>A piped row that could not be read as a real server: reported by the cmdlet that received it.</summary>
    internal Exception? InputError { get; private init; }

    /// <summary>What was piped when this was converted from another object (a core record, a row): error records point at it.</summary>
    internal object? Source { get; private init; }

    /// <summary>What error records about this input point at: the object the user piped.</summary>
    internal object Target => Source ?? this;

    internal LvsRealServer ConvertedFrom(object source) => new(Record) { Source = source };

    internal static LvsRealServer Invalid(Exception error, object source)
        => new(new RealServer { VirtualService = VirtualServiceKey.ForFirewallMark(1), Address = System.Net.IPAddress.Any }) { InputError = error, Source = source };

    /// <summary>The identity of its service: tcp/10.0.0.3:80, fwmark/3, ...</summary>
    public string VirtualService { get; }
    public string Address { get; }
    public ushort Port { get; }
    /// <summary>address:port as ipvsadm prints it (RemoteAddress:Port; [2001:db8::7]:80 for IPv6).</summary>
    public string Endpoint { get; }
    /// <summary>IPv4 or IPv6 (a tunnel real server may differ from its service).</summary>
    public string Family { get; }
    /// <summary>Masquerade (NAT), Route (DR), Tunnel (TUN), or Local (set by the kernel for the director's own addresses).</summary>
    public string Forwarding { get; }
    public uint Weight { get; }
    /// <summary>0 = no limit.</summary>
    public uint UpperThreshold { get; }
    public uint LowerThreshold { get; }
    /// <summary>Ipip, Gue or Gre for a tunnel real server; null otherwise.</summary>
    public string? TunnelType { get; }
    /// <summary>The GUE port; null when not tunnelling over GUE.</summary>
    public ushort? TunnelPort { get; }
    /// <summary>NoChecksum, Checksum or RemoteChecksum for a tunnel real server; null otherwise.</summary>
    public string? TunnelChecksum { get; }
    public uint ActiveConnections { get; }
    public uint InactiveConnections { get; }
    public uint PersistentConnections { get; }
    /// <summary>Connections scheduled since the counters were last cleared (ipvsadm --stats); Get-LvsStatistic has the rates too.</summary>
    public ulong Connections { get; }
    public ulong InPackets { get; }
    public ulong OutPackets { get; }
    public ulong InBytes { get; }
    public ulong OutBytes { get; }
    /// <summary>The network namespace it was read from; null for the current one.</summary>
    public string? NetworkNamespace { get; }

    /// <summary>tcp/10.0.0.3:80 -> 10.0.0.7:80, as -WhatIf and error messages name it.</summary>
    public override string ToString() => Record.ToString();
}

/// <summary>The real servers of a service. As one value (a CSV cell) it reads as their endpoints: "10.0.0.7:80 10.0.0.8:80".</summary>
public sealed class LvsRealServerList(IList<LvsRealServer> items) : ReadOnlyCollection<LvsRealServer>(items)
{
    public override string ToString() => string.Join(" ", this.Select(d => d.Record.Endpoint));
}
