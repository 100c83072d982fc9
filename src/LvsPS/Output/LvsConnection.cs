using LvsPS.Native.Proc;

namespace LvsPS;

/// <summary>
/// One entry of the IPVS connection table as Get-LvsConnection writes it: addresses as text, the
/// time left in seconds, names rather than enum numbers. A thin view over the parsed row, so that a
/// million rows cost one small object each and a text is made only when a property is read.
/// </summary>
public sealed class LvsConnection
{
    internal LvsConnection(IpvsConnection record) => Record = record;

    internal IpvsConnection Record { get; }

    /// <summary>As the kernel prints it: TCP, UDP, SCTP, IP (firewall-mark templates), ...</summary>
    public string Protocol => Record.Protocol;
    /// <summary>ESTABLISHED, SYN_RECV, TIME_WAIT, FIN_WAIT, CLOSE_WAIT, UDP, NONE, ASSURED (templates), ...</summary>
    public string State => Record.State;
    public string ClientAddress => Record.ClientAddress.ToString();
    public ushort ClientPort => Record.ClientPort;
    /// <summary>The virtual address (for a firewall-mark template, the mark written as an address).</summary>
    public string VirtualAddress => Record.VirtualAddress.ToString();
    public ushort VirtualPort => Record.VirtualPort;
    public string RealServerAddress => Record.RealServerAddress.ToString();
    public ushort RealServerPort => Record.RealServerPort;
    /// <summary>Seconds left before the entry expires (ipvsadm -Lnc shows them as minutes:seconds).</summary>
    public uint ExpiresInSeconds => (uint)Math.Max(0, Record.Expires.TotalSeconds);
    /// <summary>A persistence template (client port 0) rather than a connection.</summary>
    public bool IsTemplate => Record.IsTemplate;
    /// <summary>The mark of a firewall-mark template; null otherwise.</summary>
    public uint? FirewallMark => Record.FirewallMark;
    public string? PersistenceEngine => Record.PersistenceEngine;
    public string? PersistenceEngineData => Record.PersistenceEngineData;
    /// <summary>Local or Sync with -IncludeOrigin; null otherwise.</summary>
    public string? Origin => Record.Origin?.ToString();
    /// <summary>IPv4 or IPv6, of the client and virtual addresses.</summary>
    public string Family => Record.Family.ToString();
    public string? NetworkNamespace => Record.NetworkNamespace;

    public override string ToString() => Record.ToString();
}
