using System.Net;
using LvsPS.Host.Tests.Infrastructure;
using LvsPS.Native.Health;
using LvsPS.Native.Health.Probes;
using LvsPS.Native.Ipvs;

namespace LvsPS.Host.Tests.Health;

/// <summary>
/// Two namespaces on a bridge: node 1 is the director (probes run there), node 2 the real server
/// (real servers run there). Files to serve live in <see cref="WebRoot"/>.
/// </summary>
public sealed class ProbeFixture : IDisposable
{
    private readonly Lazy<Segment> _segment = new(() => new Segment(2));

    public ProbeFixture()
    {
        WebRoot = Directory.CreateTempSubdirectory("lvsps-health-").FullName;
        File.WriteAllText(Path.Combine(WebRoot, "health"), "ok\n");
        var big = new byte[100_000];
        new Random(7).NextBytes(big);
        File.WriteAllBytes(Path.Combine(WebRoot, "big.bin"), big);
    }

    public Segment Segment => _segment.Value;
    public string Director => Segment.Node(1);
    public string ServerNs => Segment.Node(2);
    public string ServerAddress => Segment.Address(2);
    public string WebRoot { get; }

    public static readonly VirtualServiceKey Vs = VirtualServiceKey.Parse("tcp/10.250.0.1:80");

    public HealthCheckedRealServer RealServer(ushort port, string? address = null)
        => new(new RealServer { VirtualService = Vs, Address = IPAddress.Parse(address ?? ServerAddress), Port = port, Forwarding = ForwardingMethod.Route });

    /// <summary>Runs <paramref name="check"/> once from the director's namespace against the real server on <paramref name="port"/>.</summary>
    public ProbeResult Probe(HealthCheck check, ushort port, int? url = 0, string? address = null)
    {
        HealthCheckedRealServer rs = RealServer(port, address) with { Checks = new[] { check } };
        var service = new HealthCheckedService(Vs) { RealServers = new[] { rs } };
        HealthCheckValidation.Validate(service);
        return HealthProbes.RunOnceAsync(service, rs, check, check is HttpHealthCheck ? url : null, Director).GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        if (_segment.IsValueCreated)
            _segment.Value.Dispose();
        Directory.Delete(WebRoot, true);
    }
}
