using LvsPS.Native.Ipvs;

namespace LvsPS;

/// <summary>The three IPVS protocol timeouts, in whole seconds, named as Set-LvsTimeout's parameters.</summary>
public sealed class LvsTimeout
{
    internal LvsTimeout(IpvsTimeouts record, string? networkNamespace)
    {
        Tcp = record.TcpSeconds;
        TcpFin = record.TcpFinSeconds;
        Udp = record.UdpSeconds;
        NetworkNamespace = networkNamespace;
    }

    /// <summary>Seconds an established TCP connection may stay idle.</summary>
    public uint Tcp { get; }
    /// <summary>Seconds a TCP connection stays after the FIN.</summary>
    public uint TcpFin { get; }
    /// <summary>Seconds a UDP entry stays after the last datagram.</summary>
    public uint Udp { get; }
    public string? NetworkNamespace { get; }

    /// <summary>As ipvsadm -L --timeout prints it.</summary>
    public override string ToString() => $"Timeout (tcp tcpfin udp): {Tcp} {TcpFin} {Udp}";
}
