using System.Net;
using LvsPS.Native.Ipvs;

namespace LvsPS.Native.Configuration.Director;

/// <summary>
/// The IPVS table a director configuration asks for at start, as keepalived 2.2.7 builds it before
/// any check has run: every real server in with its weight, except those with an alpha checker
/// (out, or in with weight 0 under inhibit_on_failure); a virtual_server group gives one service per address of each
/// range and per fwmark entry, all with the same real servers; an inhibited sorry server is in at
/// weight 0.
/// </summary>
public static class DirectorIpvsTable
{
    /// <summary>Largest range of a virtual_server_group entry expanded into services.</summary>
    public const int MaxAddressesPerGroupEntry = 65536;

    public static IReadOnlyList<VirtualService> Initial(DirectorConfiguration configuration)
    {
        var services = new List<VirtualService>();
        foreach (VirtualServerDefinition vs in configuration.VirtualServers)
            foreach (VirtualServiceKey key in Keys(vs, configuration))
                services.Add(Service(vs, key));
        return services;
    }

    /// <summary>The identities of the IPVS services of one virtual_server.</summary>
    public static IEnumerable<VirtualServiceKey> Keys(VirtualServerDefinition vs, DirectorConfiguration configuration)
    {
        switch (vs.Kind)
        {
            case VirtualServerHeadKind.Address:
                yield return VirtualServiceKey.ForAddress(vs.Protocol, vs.Address!, vs.Port);
                break;
            case VirtualServerHeadKind.FirewallMark:
                yield return VirtualServiceKey.ForFirewallMark(vs.FirewallMark, vs.Family);
                break;
            case VirtualServerHeadKind.Group:
                VirtualServerGroupDefinition? group = configuration.VirtualServerGroups.FirstOrDefault(g => g.Name == vs.GroupName);
                foreach (VirtualServerGroupEntry entry in group?.Entries ?? [])
                {
                    if (entry.IsFirewallMark)
                    {
                        yield return VirtualServiceKey.ForFirewallMark(entry.FirewallMark, entry.Family ?? vs.Family);
                        continue;
                    }
                    foreach (IPAddress address in Range(entry.First!, entry.Last!))
                        yield return VirtualServiceKey.ForAddress(vs.Protocol, address, entry.Port);
                }
                break;
        }
    }

    public static VirtualService Service(VirtualServerDefinition vs, VirtualServiceKey key) => Service(vs, key, withRealServers: true);

    /// <summary>The service; without its real servers when <paramref name="withRealServers"/> is false (a reload compares only the service's settings).</summary>
    internal static VirtualService Service(VirtualServerDefinition vs, VirtualServiceKey key, bool withRealServers)
    {
        var realServers = new List<RealServer>(withRealServers ? vs.RealServers.Count + 1 : 0);
        foreach (RealServerDefinition rs in withRealServers ? vs.RealServers : [])
        {
            // alpha is a checker's: a real server without checkers is up whatever alpha says (measured in the lab).
            bool startsDown = rs.Checkers.Any(c => c.Alpha);
            if (startsDown && !rs.InhibitOnFailure)
                continue;
            realServers.Add(RealServer(rs, key, startsDown ? 0 : rs.Weight));
        }
        if (withRealServers && vs.SorryServer is { } sorry && vs.SorryServerInhibit)
            realServers.Add(RealServer(sorry, key, 0));
        return new VirtualService
        {
            Key = key,
            Scheduler = vs.Scheduler,
            SchedulerFlags = vs.SchedulerFlags,
            Persistent = vs.PersistenceTimeout != null,
            PersistenceTimeout = vs.PersistenceTimeout ?? 0,
            PersistencePrefixLength = vs.PersistencePrefixLength,
            OnePacket = vs.OnePacket,
            PersistenceEngine = vs.PersistenceEngine,
            RealServers = realServers,
        };
    }

    public static RealServer RealServer(RealServerDefinition rs, VirtualServiceKey key, uint weight) => new()
    {
        VirtualService = key,
        Address = rs.Address,
        // DR and tunnels cannot change the port: a group's entries each have their own, and a
        // firewall-mark service has none (keepalived clears it, measured for group fwmark entries too).
        Port = rs.Forwarding is ForwardingMethod.Route or ForwardingMethod.Tunnel ? key.Port : rs.Port,
        Forwarding = rs.Forwarding,
        Weight = weight,
        UpperThreshold = rs.UpperThreshold,
        LowerThreshold = rs.LowerThreshold,
        TunnelType = rs.Tunnel?.Type ?? TunnelType.Ipip,
        TunnelPort = rs.Tunnel?.Port ?? 0,
        TunnelChecksum = rs.Tunnel?.Checksum ?? TunnelChecksum.NoChecksum,
    };

    /// <summary>Every address from first to last inclusive (refuses a range larger than <see cref="MaxAddressesPerGroupEntry"/>).</summary>
    public static IEnumerable<IPAddress> Range(IPAddress first, IPAddress last)
    {
        System.Numerics.BigInteger low = Number(first), high = Number(last);
        if (high - low >= MaxAddressesPerGroupEntry)
            throw new ArgumentOutOfRangeException(nameof(last), $"the range {first}-{last} holds more than {MaxAddressesPerGroupEntry} addresses.");
        int width = first.GetAddressBytes().Length;
        for (System.Numerics.BigInteger n = low; n <= high; n++)
        {
            byte[] bytes = n.ToByteArray(isUnsigned: true, isBigEndian: true);
            byte[] padded = new byte[width];
            bytes.CopyTo(padded, width - bytes.Length);
            yield return new IPAddress(padded);
        }
    }

    private static System.Numerics.BigInteger Number(IPAddress address) => new(address.GetAddressBytes(), isUnsigned: true, isBigEndian: true);
}
