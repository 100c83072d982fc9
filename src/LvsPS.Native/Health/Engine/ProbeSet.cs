using LvsPS.Native.Health.Probes;

namespace LvsPS.Native.Health.Engine;

/// <summary>One probe of each kind for an engine (the ping probe holds the shared raw sockets).</summary>
internal sealed class ProbeSet : IDisposable
{
    private readonly TcpProbe _tcp = new();
    private readonly HttpProbe _http = new();
    private readonly DnsProbe _dns = new();
    private readonly SmtpProbe _smtp = new();
    private readonly UdpProbe _udp = new();
    private readonly PingProbe _ping = new();
    private readonly ScriptProbe _script = new();
    private readonly FileProbe _file = new();

    public IProbeStarter For(HealthCheckType type) => type switch
    {
        HealthCheckType.Tcp => _tcp,
        HealthCheckType.Http or HealthCheckType.Https => _http,
        HealthCheckType.Dns => _dns,
        HealthCheckType.Smtp => _smtp,
        HealthCheckType.Udp => _udp,
        HealthCheckType.Ping => _ping,
        HealthCheckType.Script => _script,
        _ => _file,
    };

    public void Dispose() => _ping.Dispose();
}
