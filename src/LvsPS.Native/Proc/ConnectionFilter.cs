using System.Globalization;
using System.Net;
using System.Net.Sockets;
using LvsPS.Native.Ipvs;

namespace LvsPS.Native.Proc;

/// <summary>Whether persistence templates are returned.</summary>
public enum TemplateFilter
{
    /// <summary>Connections and templates.</summary>
    Include,
    /// <summary>Templates only.</summary>
    Only,
    /// <summary>Connections only.</summary>
    Exclude,
}

/// <summary>
/// Which rows of the connection table to return. Applied by the parser to each row before
/// any object is made, so rejected rows cost no allocation. Null criteria match everything;
/// all given criteria must match.
/// </summary>
public sealed record ConnectionFilter
{
    /// <summary>Only this protocol; <see cref="IpvsProtocol.FirewallMark"/> selects the "IP" rows (firewall-mark templates).</summary>
    public IpvsProtocol? Protocol { get; init; }

    /// <summary>
    /// Only rows of this virtual service (protocol, virtual address and port; any port when the
    /// key's port is 0). The table does not name the firewall mark of a connection, so for a
    /// firewall-mark key only the service's persistence templates match; filter its
    /// connections by <see cref="RealServerAddress"/> instead.
    /// </summary>
    public VirtualServiceKey? VirtualService { get; init; }

    public IPAddress? RealServerAddress { get; init; }
    /// <summary>With <see cref="RealServerAddress"/>: only this real server port.</summary>
    public ushort? RealServerPort { get; init; }

    /// <summary>Only clients in this network (a single address is /32 or /128).</summary>
    public IPNetwork? ClientNetwork { get; init; }

    /// <summary>Only rows in one of these states (case-insensitive: ESTABLISHED, TIME_WAIT, …).</summary>
    public IReadOnlyCollection<string>? States { get; init; }

    public TemplateFilter Templates { get; init; } = TemplateFilter.Include;

    /// <summary>Only rows of this origin (meaningful when reading ip_vs_conn_sync).</summary>
    public ConnectionOrigin? Origin { get; init; }

    public static ConnectionFilter All { get; } = new();

    /// <summary>
    /// A client network from "10.0.0.7", "10.1.0.0/16" or "2001:db8::/32". Host bits after the
    /// prefix are cleared ("10.1.2.3/16" is 10.1.0.0/16).
    /// </summary>
    /// <exception cref="Text.NetTextException">The text is not an address or a network.</exception>
    public static IPNetwork ParseClientNetwork(string text) => Text.NetText.ParsePrefix(text).ToNetwork();

    internal CompiledConnectionFilter Compile() => new(this);
}

/// <summary>A <see cref="ConnectionFilter"/> turned into numbers the parser compares against raw rows.</summary>
internal sealed class CompiledConnectionFilter
{
    private readonly int _protocol = -1;
    private readonly bool _hasService;
    private readonly RawAddress _serviceAddress;
    private readonly int _servicePort = -1;
    private readonly bool _hasRealServer;
    private readonly RawAddress _realServer;
    private readonly int _realServerPort = -1;
    private readonly bool _hasClient;
    private readonly RawAddress _clientNetwork;
    private readonly int _clientPrefix;
    private readonly string[]? _states;
    private readonly TemplateFilter _templates;
    private readonly ConnectionOrigin? _origin;

    public CompiledConnectionFilter(ConnectionFilter f)
    {
        if (f.Protocol is IpvsProtocol p)
            _protocol = (int)p;
        if (f.VirtualService is VirtualServiceKey key)
        {
            _hasService = true;
            if (key.IsFirewallMark)
            {
                // A firewall-mark template carries the mark as its virtual address (in the first 32 bits for IPv6).
                _protocol = ProtocolMismatch(_protocol, 0);
                bool v6 = key.Family == IpFamily.IPv6;
                _serviceAddress = new RawAddress(v6 ? (UInt128)key.FirewallMark << 96 : key.FirewallMark, v6);
                _servicePort = 0;
            }
            else
            {
                _protocol = ProtocolMismatch(_protocol, (int)key.Protocol);
                _serviceAddress = RawAddress.From(key.Address!);
                _servicePort = key.Port == 0 ? -1 : key.Port;
            }
        }
        if (f.RealServerAddress is IPAddress rs)
        {
            _hasRealServer = true;
            _realServer = RawAddress.From(rs);
            _realServerPort = f.RealServerPort ?? -1;
        }
        else if (f.RealServerPort is not null)
        {
            throw new ArgumentException("A real server port filter needs the real server address.", nameof(f));
        }
        if (f.ClientNetwork is IPNetwork net)
        {
            _hasClient = true;
            _clientNetwork = RawAddress.From(net.BaseAddress);
            _clientPrefix = net.PrefixLength;
        }
        if (f.States is { Count: > 0 } states)
            _states = states.Select(s => s.Trim()).ToArray();
        _templates = f.Templates;
        _origin = f.Origin;
    }

    /// <summary>When the protocol criterion and the service's protocol disagree, nothing can match.</summary>
    private static int ProtocolMismatch(int requested, int ofService) => requested < 0 || requested == ofService ? ofService : NoProtocol;

    private const int NoProtocol = 0x10000;

    public bool Matches(in RawConnectionRow row)
    {
        if (_protocol >= 0 && row.ProtocolNumber != _protocol)
            return false;
        bool template = row.ClientPort == 0;
        if ((_templates == TemplateFilter.Only && !template) || (_templates == TemplateFilter.Exclude && template))
            return false;
        if (_hasService && (row.VirtualAddress != _serviceAddress || (_servicePort >= 0 && row.VirtualPort != _servicePort)))
            return false;
        if (_hasRealServer && (row.RealServerAddress != _realServer || (_realServerPort >= 0 && row.RealServerPort != _realServerPort)))
            return false;
        if (_hasClient && !row.ClientAddress.IsIn(_clientNetwork, _clientPrefix))
            return false;
        if (_origin is ConnectionOrigin o && row.Origin != o)
            return false;
        return true;
    }

    /// <summary>The state criterion, checked on the row's bytes (separately: the state is a span of the line).</summary>
    public bool MatchesState(ReadOnlySpan<byte> state)
    {
        if (_states is null)
            return true;
        foreach (string s in _states)
        {
            if (ProcText.EqualsIgnoreCase(state, s))
                return true;
        }
        return false;
    }
}
