namespace LvsPS.Native.Ipvs;

/// <summary>The protocol of a virtual service; firewall-mark services have none.</summary>
public enum IpvsProtocol : ushort
{
    FirewallMark = 0,
    Tcp = 6,
    Udp = 17,
    Sctp = 132,
}

/// <summary>Linux address families (AF_INET, AF_INET6): not .NET's AddressFamily numbers.</summary>
public enum IpFamily : ushort
{
    IPv4 = 2,
    IPv6 = 10,
}

/// <summary>How the director forwards to a real server (IP_VS_CONN_F_* in ip_vs.h).</summary>
public enum ForwardingMethod : uint
{
    /// <summary>NAT (ipvsadm -m).</summary>
    Masquerade = 0,
    /// <summary>The director itself serves (set by the kernel for local addresses).</summary>
    Local = 1,
    /// <summary>IP-in-IP, GUE or GRE tunnelling (ipvsadm -i).</summary>
    Tunnel = 2,
    /// <summary>Direct routing, "gatewaying" (ipvsadm -g).</summary>
    Route = 3,
}

/// <summary>Tunnel encapsulation of a tunnel real server (IP_VS_CONN_F_TUNNEL_TYPE_*).</summary>
public enum TunnelType : byte
{
    Ipip = 0,
    Gue = 1,
    Gre = 2,
}

/// <summary>Tunnel checksum mode (IP_VS_TUNNEL_ENCAP_FLAG_*): none, checksum, or remote checksum offload.</summary>
public enum TunnelChecksum : ushort
{
    NoChecksum = 0,
    Checksum = 1,
    RemoteChecksum = 2,
}

/// <summary>Scheduler flags 1–3 (IP_VS_SVC_F_SCHED1..3); their meaning depends on the scheduler.</summary>
[Flags]
public enum SchedulerFlags : uint
{
    None = 0,
    Flag1 = 0x08,
    Flag2 = 0x10,
    Flag3 = 0x20,
}
