using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using LvsPS.Native.Ipvs;

namespace LvsPS.Native.Configuration;

/// <summary>
/// The lossless JSON form of an <see cref="LvsConfiguration"/>: camelCase properties, services
/// named by their identity (<c>"tcp/10.0.0.3:80"</c>, <c>"fwmark/42/ipv6"</c>), enums by name,
/// optional settings left out when unset. Reading accepts comments and trailing commas, refuses
/// unknown properties (a typo must not silently drop a setting), validates every object like the
/// client would, and names the file and line of each error.
/// <code>
/// { "version": 1,
///   "timeouts": { "tcp": 900, "tcpFin": 120, "udp": 300 },
///   "syncDaemons": [ { "state": "master", "interface": "eth0", "syncId": 5 } ],
///   "services": [ { "service": "tcp/10.0.0.3:80", "scheduler": "wrr", "persistent": true, "persistenceTimeout": 20,
///       "realServers": [ { "address": "10.0.0.7", "port": 80, "forwarding": "tunnel", "weight": 1,
///                          "upperThreshold": 100, "lowerThreshold": 10,
///                          "tunnel": { "type": "gue", "port": 6080, "checksum": "checksum" } } ] } ] }
/// </code>
/// </summary>
public static partial class LvsConfigurationJson
{
    public static string Write(LvsConfiguration configuration)
    {
        using var stream = new MemoryStream();
        Write(configuration, stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes the file atomically (<see cref="Files.AtomicFile"/>): the old one is kept on any failure.</summary>
    public static void WriteFile(LvsConfiguration configuration, string path)
        => Files.AtomicFile.Write(path, stream => Write(configuration, stream));

    public static void Write(LvsConfiguration configuration, Stream stream)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteNumber("version", LvsConfiguration.CurrentVersion);
        if (configuration.Timeouts is { } t)
        {
            w.WriteStartObject("timeouts");
            w.WriteNumber("tcp", t.TcpSeconds);
            w.WriteNumber("tcpFin", t.TcpFinSeconds);
            w.WriteNumber("udp", t.UdpSeconds);
            w.WriteEndObject();
        }
        w.WriteStartArray("syncDaemons");
        foreach (SyncDaemon d in configuration.SyncDaemons)
            WriteDaemon(w, d);
        w.WriteEndArray();
        w.WriteStartArray("services");
        foreach (VirtualService s in configuration.Services)
            WriteService(w, s);
        w.WriteEndArray();
        if (configuration.Director is { } director)
        {
            w.WritePropertyName("director");
            JsonSerializer.Serialize(w, director, Director.DirectorJson.Options);
        }
        w.WriteEndObject();
        w.Flush();
        stream.WriteByte((byte)'\n');
    }

    private static void WriteDaemon(Utf8JsonWriter w, SyncDaemon d)
    {
        w.WriteStartObject();
        w.WriteString("state", d.Name);
        w.WriteString("interface", d.Interface);
        w.WriteNumber("syncId", d.SyncId);
        if (d.MaxLength is { } maxlen) w.WriteNumber("maxLength", maxlen);
        if (d.MulticastGroup is { } group) w.WriteString("multicastGroup", group.ToString());
        if (d.Port is { } port) w.WriteNumber("port", port);
        if (d.Ttl is { } ttl) w.WriteNumber("ttl", ttl);
        w.WriteEndObject();
    }

    private static void WriteService(Utf8JsonWriter w, VirtualService s)
    {
        w.WriteStartObject();
        w.WriteString("service", s.Key.ToString());
        w.WriteString("scheduler", s.Scheduler);
        if (s.SchedulerFlags != SchedulerFlags.None)
        {
            w.WriteStartArray("schedulerFlags");
            foreach (string flag in Schedulers.FormatFlags(s.Scheduler, s.SchedulerFlags))
                w.WriteStringValue(flag);
            w.WriteEndArray();
        }
        w.WriteBoolean("persistent", s.Persistent);
        if (s.Persistent || s.PersistenceTimeout != 0)
            w.WriteNumber("persistenceTimeout", s.PersistenceTimeout);
        if (s.PersistencePrefixLength is { } prefix)
            w.WriteNumber("persistenceNetmask", prefix);
        w.WriteBoolean("onePacket", s.OnePacket);
        if (s.PersistenceEngine != null)
            w.WriteString("persistenceEngine", s.PersistenceEngine);
        w.WriteStartArray("realServers");
        foreach (RealServer d in s.RealServers)
            WriteRealServer(w, d);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteRealServer(Utf8JsonWriter w, RealServer d)
    {
        w.WriteStartObject();
        w.WriteString("address", d.Address.ToString());
        w.WriteNumber("port", d.Port);
        w.WriteString("forwarding", Name(d.Forwarding));
        w.WriteNumber("weight", d.Weight);
        w.WriteNumber("upperThreshold", d.UpperThreshold);
        w.WriteNumber("lowerThreshold", d.LowerThreshold);
        if (d.Forwarding == ForwardingMethod.Tunnel)
        {
            w.WriteStartObject("tunnel");
            w.WriteString("type", Name(d.TunnelType));
            if (d.TunnelPort != 0)
                w.WriteNumber("port", d.TunnelPort);
            w.WriteString("checksum", Name(d.TunnelChecksum));
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    /// <summary>An enum value as written: its name in camelCase ("masquerade", "gue", "remoteChecksum").</summary>
    internal static string Name<T>(T value) where T : struct, Enum
    {
        string name = value.ToString();
        return char.ToLowerInvariant(name[0]) + name[1..];
    }
}
