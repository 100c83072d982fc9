using System.Net;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Text;

namespace LvsPS;

/// <summary>Turns the cmdlets' text arguments into core values; a bad argument is an IpvsValidationException with a stable id.</summary>
public static class InputParsing
{
    /// <summary>The names -Forwarding completes to; the parser also takes ipvsadm's words (NAT, DR, TUN, ...).</summary>
    public static readonly IReadOnlyList<string> ForwardingNames = new[] { "Masquerade", "Route", "Tunnel", "NAT", "DR", "TUN" };

    public static ForwardingMethod ParseForwarding(string text)
    {
        switch (text.Trim().Replace("-", "").Replace("_", "").ToLowerInvariant())
        {
            case "masquerade" or "masq" or "nat" or "m":
                return ForwardingMethod.Masquerade;
            case "route" or "dr" or "directrouting" or "gatewaying" or "gate" or "g":
                return ForwardingMethod.Route;
            case "tunnel" or "tun" or "ipip" or "i":
                return ForwardingMethod.Tunnel;
            case "local":
                return ForwardingMethod.Local; // refused by the core's validation, with its explanation
            case "fullnat" or "fnat":
                throw ErrorMapper.Invalid(ErrorMapper.FullNatNotSupported,
                    $"'{text}': FULLNAT is not in mainline Linux IPVS; it lived in Alibaba's out-of-tree LVS and lives on in DPVS.");
            default:
                throw ErrorMapper.Invalid(ErrorMapper.UnknownForwardingMethod, $"'{text}' is not a forwarding method.");
        }
    }

    /// <summary>"10.0.0.7", "10.0.0.7:8080", "2001:db8::7" or "[2001:db8::7]:80"; the port is null when the text has none.</summary>
    /// <exception cref="NetTextException">Not an address with an optional port.</exception>
    public static (IPAddress Address, ushort? Port) ParseEndpoint(string text)
    {
        NetEndpoint endpoint = NetText.ParseEndpoint(text);
        return (endpoint.Address, endpoint.Port);
    }

    /// <summary>
    /// A real server's port: -Port, else the port written in the address, else the service's
    /// (as ipvsadm does; 0 for firewall-mark services).
    /// </summary>
    public static ushort RealServerPort(int? portParameter, ushort? portInAddress, VirtualServiceKey service)
        => OnePort(portInAddress, portParameter) ?? service.Port;

    /// <summary>The port written in an address or given as its own parameter (-Port unless named); both is fine when they agree.</summary>
    /// <exception cref="IpvsValidationException">PortConflict: they disagree.</exception>
    public static ushort? OnePort(ushort? portInAddress, int? portParameter, string parameterName = "Port")
    {
        if (portParameter is int p && portInAddress is ushort q && p != q)
            throw ErrorMapper.Invalid(ErrorMapper.PortConflict, $"The address says port {q} but -{parameterName} says {p}.");
        return portInAddress ?? (ushort?)portParameter;
    }

    public static SchedulerFlags ParseSchedulerFlags(IEnumerable<string> names, string scheduler) => Schedulers.ParseFlags(names, scheduler);
}
