using System.Net;
using System.Text;
using LvsPS.Native.Ipvs;

namespace LvsPS.Bench;

/// <summary>The benchmark table: N TCP services (wrr) × M NAT real servers, as records and as ipvsadm rules.</summary>
public static class Table
{
    public static IReadOnlyList<VirtualService> Build(int services, int realServers)
    {
        var table = new List<VirtualService>(services);
        for (int i = 0; i < services; i++)
        {
            var key = VirtualServiceKey.ForAddress(IpvsProtocol.Tcp, new IPAddress(new byte[] { 10, 20, (byte)(i / 250), (byte)(i % 250 + 1) }), 80);
            var dests = new RealServer[realServers];
            for (int j = 0; j < realServers; j++)
                dests[j] = new RealServer
                {
                    VirtualService = key,
                    Address = new IPAddress(new byte[] { 10, 30, (byte)(i / 25), (byte)((i % 25) * 10 + j + 1) }),
                    Port = 8080, Forwarding = ForwardingMethod.Masquerade, Weight = 1,
                };
            table.Add(new VirtualService { Key = key, Scheduler = "wrr", RealServers = dests });
        }
        return table;
    }

    /// <summary>The same table as ipvsadm-restore rules.</summary>
    public static string ToRules(IReadOnlyList<VirtualService> table)
    {
        var sb = new StringBuilder();
        foreach (VirtualService s in table)
        {
            string vip = VirtualServiceKey.FormatEndpoint(s.Key.Address!, s.Key.Port);
            sb.Append("-A -t ").Append(vip).Append(" -s ").Append(s.Scheduler).Append('\n');
            foreach (RealServer d in s.RealServers)
                sb.Append("-a -t ").Append(vip).Append(" -r ").Append(d.Endpoint).Append(" -m -w ").Append(d.Weight).Append('\n');
        }
        return sb.ToString();
    }
}
