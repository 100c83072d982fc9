using System.Net;
using CsCheck;
using LvsPS.Native.DesiredState;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Ipvs.InMemory;

namespace LvsPS.Tests.DesiredState;

/// <summary>
/// Tables the kernel accepts, drawn from small pools of services and addresses so that a current and a
/// desired table share services and real servers: plans then add, edit in place and remove all at once.
/// </summary>
internal static class KernelTables
{
    private static readonly VirtualServiceKey[] Keys =
    [
        VirtualServiceKey.Parse("tcp/10.0.0.3:80"), VirtualServiceKey.Parse("tcp/10.0.0.3:443"), VirtualServiceKey.Parse("udp/10.0.0.3:53"),
        VirtualServiceKey.Parse("fwmark/5"), VirtualServiceKey.Parse("udp/[2001:db8::1]:53"), VirtualServiceKey.Parse("tcp/10.0.0.4:80"),
    ];

    private static readonly IPAddress[] V4 = Enumerable.Range(1, 6).Select(i => IPAddress.Parse($"10.0.1.{i}")).ToArray();
    private static readonly IPAddress[] V6 = Enumerable.Range(1, 4).Select(i => IPAddress.Parse($"2001:db8::1{i}")).ToArray();

    private static Gen<RealServer> RealServerOf(VirtualServiceKey key) =>
        from forwarding in Gen.OneOf(ForwardingMethod.Masquerade, ForwardingMethod.Route, ForwardingMethod.Tunnel)
        from otherFamily in Gen.Int[0, 4].Select(i => i == 0 && forwarding == ForwardingMethod.Tunnel)
        from address in Gen.OneOf((key.Family == IpFamily.IPv6) ^ otherFamily ? V6 : V4)
        from natPort in Gen.OneOf<ushort>(80, 8080)
        from weight in Gen.OneOf<uint>(0, 1, 1, 2, 5)
        from upper in Gen.OneOf<uint>(0, 0, 100)
        from gue in Gen.Bool
        select new RealServer
        {
            VirtualService = key,
            Address = address,
            Port = forwarding == ForwardingMethod.Masquerade ? natPort : key.IsFirewallMark ? (ushort)0 : key.Port,
            Forwarding = forwarding,
            Weight = weight,
            UpperThreshold = upper,
            LowerThreshold = upper / 2,
            TunnelType = forwarding == ForwardingMethod.Tunnel && gue ? TunnelType.Gue : TunnelType.Ipip,
            TunnelPort = forwarding == ForwardingMethod.Tunnel && gue ? (ushort)6080 : (ushort)0,
        };

    private static Gen<VirtualService> ServiceOf(VirtualServiceKey key) =>
        from scheduler in Gen.OneOf("rr", "wrr", "wlc", "sh")
        from persistent in Gen.Bool
        from timeout in Gen.OneOf<uint>(20, 360)
        from dests in RealServerOf(key).List[0, 5]
        select new VirtualService
        {
            Key = key, Scheduler = scheduler, Persistent = persistent, PersistenceTimeout = persistent ? timeout : 0,
            RealServers = dests.DistinctBy(d => (d.Address, d.Port)).ToArray(),
        };

    /// <summary>Each of the six services, or not.</summary>
    public static readonly Gen<IReadOnlyList<VirtualService>> Table = Gen.Select(
        ServiceOf(Keys[0]).Null(), ServiceOf(Keys[1]).Null(), ServiceOf(Keys[2]).Null(), ServiceOf(Keys[3]).Null(), ServiceOf(Keys[4]).Null(), ServiceOf(Keys[5]).Null(),
        (a, b, c, d, e, f) => (IReadOnlyList<VirtualService>)new[] { a, b, c, d, e, f }.OfType<VirtualService>().ToArray());

    /// <summary>An in-memory IPVS holding <paramref name="table"/> (every service and real server accepted).</summary>
    public static InMemoryIpvs Load(IReadOnlyList<VirtualService> table)
    {
        var ipvs = new InMemoryIpvs();
        IReadOnlyList<IpvsChangeResult> results = ipvs.Apply(table.SelectMany(s =>
            s.RealServers.Select(IpvsChange.Add).Prepend(IpvsChange.Add(s with { RealServers = Array.Empty<RealServer>() }))).ToList());
        Assert.All(results, r => Assert.True(r.Succeeded, r.Error?.Message));
        return ipvs;
    }

    public static IpvsSnapshot Desired(IReadOnlyList<VirtualService> services) => new() { Services = services };
}

/// <summary>
/// Watches an IPVS table while a plan is applied: after every single change, every service that is in both the
/// table before and the desired one, with real servers in both, must still have one (and one with a weight above
/// 0 when both had such).
/// </summary>
internal sealed class ServedWatch(IpvsSnapshot before, IReadOnlyList<VirtualService> desired)
{
    private readonly List<(VirtualServiceKey Key, bool MustHaveOne, bool MustServe)> _kept = before.Services
        .Select(b => (b, d: desired.FirstOrDefault(d => d.Key.Equals(b.Key))))
        .Where(x => x.d is not null)
        .Select(x => (x.b.Key,
            x.b.RealServers.Count > 0 && x.d!.RealServers.Count > 0,
            x.b.RealServers.Any(r => r.Weight > 0) && x.d!.RealServers.Any(r => r.Weight > 0)))
        .ToList();

    public int Checks { get; private set; }

    public void Check(IIpvsClient ipvs)
    {
        Checks++;
        IReadOnlyList<VirtualService> now = ipvs.GetVirtualServices();
        foreach ((VirtualServiceKey key, bool one, bool serve) in _kept)
        {
            VirtualService? s = now.FirstOrDefault(x => x.Key.Equals(key));
            Assert.True(s is not null, $"{key} disappeared");
            if (one)
                Assert.True(s!.RealServers.Count > 0, $"{key} was left without real servers after change {Checks}");
            if (serve)
                Assert.True(s!.RealServers.Any(r => r.Weight > 0), $"{key} was left without a real server taking connections after change {Checks}");
        }
    }
}
