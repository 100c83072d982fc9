using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using LvsPS.Native.Ipvs;

namespace LvsPS.Native.Configuration;

public static partial class LvsConfigurationJson
{
    public static LvsConfiguration ReadFile(string path) => Read(File.ReadAllBytes(path), path);

    public static LvsConfiguration Parse(string json, string? fileName = null) => Read(Encoding.UTF8.GetBytes(json), fileName);

    public static LvsConfiguration Read(Stream stream, string? fileName = null)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Read(buffer.ToArray(), fileName);
    }

    public static LvsConfiguration Read(ReadOnlySpan<byte> utf8Json, string? fileName = null)
    {
        if (utf8Json.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            utf8Json = utf8Json[3..];
        var source = new JsonSource(utf8Json.ToArray(), fileName);
        var r = new Utf8JsonReader(utf8Json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        try
        {
            if (!r.Read())
                throw source.Error(0, "the file is empty; expected a JSON object with \"version\": 1.");
            LvsConfiguration configuration = ReadConfiguration(ref r, source);
            if (r.Read())
                throw source.Error(source.Line(ref r), "unexpected content after the configuration object.");
            return configuration;
        }
        catch (JsonException e)
        {
            string reason = e.Message;
            int cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
            throw new ConfigurationFormatException(fileName, (e.LineNumber ?? -1) + 1, cut > 0 ? reason[..cut].TrimEnd(' ', '|', '.') + "." : reason, e);
        }
    }

    private static LvsConfiguration ReadConfiguration(ref Utf8JsonReader r, JsonSource src)
    {
        long objectLine = src.Line(ref r);
        src.Expect(ref r, JsonTokenType.StartObject, "the configuration (a JSON object)");
        int? version = null;
        IpvsTimeouts? timeouts = null;
        var services = new List<VirtualService>();
        var daemons = new List<SyncDaemon>();
        Director.DirectorConfiguration? director = null;
        var seen = new HashSet<string>();
        while (src.NextProperty(ref r, seen, out string name, out long line))
        {
            switch (name)
            {
                case "version":
                    version = (int)src.UInt32(ref r, name, line);
                    if (version != LvsConfiguration.CurrentVersion)
                        throw src.Error(line, version > LvsConfiguration.CurrentVersion
                            ? $"the file has format version {version}, written by a newer LvsPS; this one reads version {LvsConfiguration.CurrentVersion}."
                            : $"format version {version} does not exist; the current one is {LvsConfiguration.CurrentVersion}.");
                    break;
                case "timeouts":
                    timeouts = r.TokenType == JsonTokenType.Null ? null : ReadTimeouts(ref r, src);
                    break;
                case "syncDaemons":
                    src.Expect(ref r, JsonTokenType.StartArray, "syncDaemons (an array)");
                    while (src.Next(ref r) != JsonTokenType.EndArray)
                    {
                        long daemonLine = src.Line(ref r);
                        SyncDaemon d = ReadDaemon(ref r, src);
                        if (daemons.Any(x => x.State == d.State))
                            throw src.Error(daemonLine, $"a {d.Name} sync daemon is already listed; there is at most one per role.");
                        daemons.Add(d);
                    }
                    break;
                case "services":
                    src.Expect(ref r, JsonTokenType.StartArray, "services (an array)");
                    while (src.Next(ref r) != JsonTokenType.EndArray)
                    {
                        long serviceLine = src.Line(ref r);
                        VirtualService s = ReadService(ref r, src);
                        if (services.Any(x => x.Key.Equals(s.Key)))
                            throw src.Error(serviceLine, $"the virtual service {s.Key} is listed twice.");
                        services.Add(s);
                    }
                    break;
                case "director":
                    director = r.TokenType == JsonTokenType.Null ? null : ReadDirector(ref r, src, line);
                    break;
                default:
                    throw src.Unknown(name, line, "the configuration", "version, timeouts, syncDaemons, services, director");
            }
        }
        if (version is null)
            throw src.Error(objectLine, $"the configuration has no \"version\"; add \"version\": {LvsConfiguration.CurrentVersion}.");
        return new LvsConfiguration { Version = version.Value, Timeouts = timeouts, Services = services, SyncDaemons = daemons, Director = director };
    }

    /// <summary>The director section; the serializer counts lines from the start of the value, so its errors are moved to file lines here.</summary>
    private static Director.DirectorConfiguration? ReadDirector(ref Utf8JsonReader r, JsonSource src, long line)
    {
        try
        {
            return JsonSerializer.Deserialize<Director.DirectorConfiguration>(ref r, Director.DirectorJson.Options);
        }
        catch (JsonException e)
        {
            string reason = e.Message;
            int cut = reason.IndexOf(" Path:", StringComparison.Ordinal);
            throw src.Error(line + (e.LineNumber ?? 0), "director: " + (cut > 0 ? reason[..cut].TrimEnd(' ', '|', '.') + "." : reason), e);
        }
    }

    private static IpvsTimeouts ReadTimeouts(ref Utf8JsonReader r, JsonSource src)
    {
        src.Expect(ref r, JsonTokenType.StartObject, "timeouts (an object with tcp, tcpFin, udp)");
        uint tcp = 0, fin = 0, udp = 0;
        var seen = new HashSet<string>();
        while (src.NextProperty(ref r, seen, out string name, out long line))
        {
            switch (name)
            {
                case "tcp": tcp = src.UInt32(ref r, name, line); break;
                case "tcpFin": fin = src.UInt32(ref r, name, line); break;
                case "udp": udp = src.UInt32(ref r, name, line); break;
                default: throw src.Unknown(name, line, "timeouts", "tcp, tcpFin, udp");
            }
        }
        return new IpvsTimeouts(tcp, fin, udp);
    }

    private static SyncDaemon ReadDaemon(ref Utf8JsonReader r, JsonSource src)
    {
        long objectLine = src.Line(ref r);
        src.Expect(ref r, JsonTokenType.StartObject, "a sync daemon (an object)");
        SyncDaemonState? state = null;
        string? ifn = null;
        uint syncId = 0;
        ushort? maxlen = null, port = null;
        byte? ttl = null;
        IPAddress? group = null;
        var seen = new HashSet<string>();
        while (src.NextProperty(ref r, seen, out string name, out long line))
        {
            switch (name)
            {
                case "state":
                    string text = src.String(ref r, name, line);
                    state = SyncDaemon.TryParseState(text, out SyncDaemonState st) ? st : throw src.Error(line, $"\"state\": '{text}' is not a sync daemon role; use master or backup.");
                    break;
                case "interface": ifn = src.String(ref r, name, line); break;
                case "syncId": syncId = src.UInt32(ref r, name, line); break;
                case "maxLength": maxlen = src.NullableUInt16(ref r, name, line); break;
                case "port": port = src.NullableUInt16(ref r, name, line); break;
                case "ttl": ttl = r.TokenType == JsonTokenType.Null ? null : (byte)src.UInt32(ref r, name, line, byte.MaxValue); break;
                case "multicastGroup": group = r.TokenType == JsonTokenType.Null ? null : src.Address(ref r, name, line); break;
                default: throw src.Unknown(name, line, "a sync daemon", "state, interface, syncId, maxLength, multicastGroup, port, ttl");
            }
        }
        if (state is null || ifn is null)
            throw src.Error(objectLine, "a sync daemon needs \"state\" (master or backup) and \"interface\".");
        var daemon = new SyncDaemon { State = state.Value, Interface = ifn, SyncId = syncId, MaxLength = maxlen, MulticastGroup = group, Port = port, Ttl = ttl };
        src.Validate(objectLine, () => SyncDaemonValidation.Validate(daemon));
        return daemon;
    }

    private static VirtualService ReadService(ref Utf8JsonReader r, JsonSource src)
    {
        long objectLine = src.Line(ref r);
        src.Expect(ref r, JsonTokenType.StartObject, "a virtual service (an object)");
        VirtualServiceKey? key = null;
        string scheduler = VirtualService.DefaultScheduler;
        var flagNames = new List<(string Name, long Line)>();
        bool persistent = false, onePacket = false;
        uint? timeout = null;
        long timeoutLine = objectLine;
        int? prefix = null;
        string? pe = null;
        var dests = new List<(RealServerFields Fields, long Line)>();
        var seen = new HashSet<string>();
        while (src.NextProperty(ref r, seen, out string name, out long line))
        {
            switch (name)
            {
                case "service":
                    string text = src.String(ref r, name, line);
                    key = VirtualServiceKey.TryParse(text, out VirtualServiceKey? k, out string? error) ? k : throw src.Error(line, $"\"service\": {error}");
                    break;
                case "scheduler": scheduler = src.String(ref r, name, line); break;
                case "schedulerFlags":
                    src.Expect(ref r, JsonTokenType.StartArray, "schedulerFlags (an array of names)");
                    while (src.Next(ref r) != JsonTokenType.EndArray)
                        flagNames.Add((src.String(ref r, name, src.Line(ref r)), src.Line(ref r)));
                    break;
                case "persistent": persistent = src.Boolean(ref r, name, line); break;
                case "persistenceTimeout": timeout = src.UInt32(ref r, name, line); timeoutLine = line; break;
                case "persistenceNetmask": prefix = r.TokenType == JsonTokenType.Null ? null : (int)src.UInt32(ref r, name, line, 128); break;
                case "onePacket": onePacket = src.Boolean(ref r, name, line); break;
                case "persistenceEngine": pe = r.TokenType == JsonTokenType.Null ? null : src.String(ref r, name, line); break;
                case "realServers":
                    src.Expect(ref r, JsonTokenType.StartArray, "realServers (an array)");
                    while (src.Next(ref r) != JsonTokenType.EndArray)
                    {
                        long destLine = src.Line(ref r);
                        dests.Add((ReadRealServer(ref r, src), destLine));
                    }
                    break;
                default:
                    throw src.Unknown(name, line, "a virtual service",
                        "service, scheduler, schedulerFlags, persistent, persistenceTimeout, persistenceNetmask, onePacket, persistenceEngine, realServers");
            }
        }
        if (key is null)
            throw src.Error(objectLine, "a virtual service needs \"service\" (tcp/10.0.0.3:80, udp/[2001:db8::1]:53, fwmark/42).");
        if (persistent && timeout == 0)
            throw src.Error(timeoutLine, $"a persistent service needs a \"persistenceTimeout\" of at least 1 second ({VirtualService.DefaultPersistenceTimeout} when left out).");
        var flags = SchedulerFlags.None;
        foreach (var (flagName, flagLine) in flagNames)
            flags |= Schedulers.TryParseFlag(flagName, scheduler, out SchedulerFlags flag, out string? error) ? flag : throw src.Error(flagLine, error!);
        var service = new VirtualService
        {
            Key = key,
            Scheduler = scheduler,
            SchedulerFlags = flags,
            Persistent = persistent,
            // A persistent service without a timeout gets ipvsadm's -p default, as everywhere else.
            PersistenceTimeout = timeout ?? (persistent ? VirtualService.DefaultPersistenceTimeout : 0),
            PersistencePrefixLength = prefix == (key.Family == IpFamily.IPv6 ? 128 : 32) ? null : prefix,
            OnePacket = onePacket,
            PersistenceEngine = pe,
        };
        src.Validate(objectLine, () => IpvsValidation.Validate(service));
        var realServers = new List<RealServer>();
        foreach (var (fields, destLine) in dests)
        {
            RealServer d = fields.ToRealServer(key);
            if (realServers.Any(x => x.Address.Equals(d.Address) && x.Port == d.Port))
                throw src.Error(destLine, $"the real server {d} is listed twice.");
            src.Validate(destLine, () => IpvsValidation.Validate(d, key));
            realServers.Add(d);
        }
        return service with { RealServers = realServers };
    }

    private sealed record RealServerFields(IPAddress Address, ushort Port, ForwardingMethod Forwarding, uint Weight, uint Upper, uint Lower,
        TunnelType TunnelType, ushort TunnelPort, TunnelChecksum TunnelChecksum)
    {
        public RealServer ToRealServer(VirtualServiceKey key) => new()
        {
            VirtualService = key, Address = Address, Port = Port, Forwarding = Forwarding, Weight = Weight,
            UpperThreshold = Upper, LowerThreshold = Lower, TunnelType = TunnelType, TunnelPort = TunnelPort, TunnelChecksum = TunnelChecksum,
        };
    }

    private static RealServerFields ReadRealServer(ref Utf8JsonReader r, JsonSource src)
    {
        long objectLine = src.Line(ref r);
        src.Expect(ref r, JsonTokenType.StartObject, "a real server (an object)");
        IPAddress? address = null;
        ushort port = 0, tunPort = 0;
        var fwd = ForwardingMethod.Masquerade;
        uint weight = 1, upper = 0, lower = 0;
        var tunType = TunnelType.Ipip;
        var checksum = TunnelChecksum.NoChecksum;
        var seen = new HashSet<string>();
        while (src.NextProperty(ref r, seen, out string name, out long line))
        {
            switch (name)
            {
                case "address": address = src.Address(ref r, name, line); break;
                case "port": port = (ushort)src.UInt32(ref r, name, line, ushort.MaxValue); break;
                case "forwarding": fwd = src.Enum<ForwardingMethod>(ref r, name, line); break;
                case "weight": weight = src.UInt32(ref r, name, line); break;
                case "upperThreshold": upper = src.UInt32(ref r, name, line); break;
                case "lowerThreshold": lower = src.UInt32(ref r, name, line); break;
                case "tunnel":
                    if (r.TokenType == JsonTokenType.Null)
                        break;
                    src.Expect(ref r, JsonTokenType.StartObject, "tunnel (an object with type, port, checksum)");
                    var tunSeen = new HashSet<string>();
                    while (src.NextProperty(ref r, tunSeen, out string tname, out long tline))
                    {
                        switch (tname)
                        {
                            case "type": tunType = src.Enum<TunnelType>(ref r, tname, tline); break;
                            case "port": tunPort = (ushort)src.UInt32(ref r, tname, tline, ushort.MaxValue); break;
                            case "checksum": checksum = src.Enum<TunnelChecksum>(ref r, tname, tline); break;
                            default: throw src.Unknown(tname, tline, "a tunnel", "type, port, checksum");
                        }
                    }
                    break;
                default:
                    throw src.Unknown(name, line, "a real server", "address, port, forwarding, weight, upperThreshold, lowerThreshold, tunnel");
            }
        }
        if (address is null)
            throw src.Error(objectLine, "a real server needs \"address\".");
        return new RealServerFields(address, port, fwd, weight, upper, lower, tunType, tunPort, checksum);
    }

    /// <summary>The file's bytes and name, to turn a reader position into a line and an error into a located exception.</summary>
    private sealed class JsonSource
    {
        private readonly int[] _lineStarts;
        private readonly string? _fileName;

        public JsonSource(byte[] bytes, string? fileName)
        {
            _fileName = fileName;
            var starts = new List<int> { 0 };
            for (int i = 0; i < bytes.Length; i++)
                if (bytes[i] == (byte)'\n')
                    starts.Add(i + 1);
            _lineStarts = starts.ToArray();
        }

        /// <summary>1-based line of the current token (the reader runs over the whole file, so TokenStartIndex is absolute).</summary>
        public long Line(ref Utf8JsonReader r)
        {
            int index = Array.BinarySearch(_lineStarts, (int)r.TokenStartIndex);
            return (index >= 0 ? index : ~index - 1) + 1;
        }

        public ConfigurationFormatException Error(long line, string reason, Exception? inner = null) => new(_fileName, line, reason, inner);

        public ConfigurationFormatException Unknown(string name, long line, string where, string known)
            => Error(line, $"\"{name}\" is not a property of {where}; known: {known}.");

        public void Validate(long line, Action validate)
        {
            try
            {
                validate();
            }
            catch (IpvsValidationException e)
            {
                throw Error(line, e.Message, e);
            }
        }

        public JsonTokenType Next(ref Utf8JsonReader r)
        {
            if (!r.Read())
                throw Error(_lineStarts.Length, "the file ends in the middle of the configuration.");
            return r.TokenType;
        }

        public void Expect(ref Utf8JsonReader r, JsonTokenType type, string what)
        {
            if (r.TokenType != type)
                throw Error(Line(ref r), $"expected {what}, found {Describe(r.TokenType)}.");
        }

        /// <summary>Moves to the next property's value; false at the end of the object. Duplicate names are errors.</summary>
        public bool NextProperty(ref Utf8JsonReader r, HashSet<string> seen, out string name, out long line)
        {
            name = "";
            line = 0;
            if (Next(ref r) == JsonTokenType.EndObject)
                return false;
            line = Line(ref r);
            name = Text(ref r, line);
            if (!seen.Add(name))
                throw Error(line, $"\"{name}\" is given twice.");
            Next(ref r);
            return true;
        }

        public string String(ref Utf8JsonReader r, string name, long line)
            => r.TokenType == JsonTokenType.String ? Text(ref r, line) : throw Error(line, $"\"{name}\" must be a string, not {Describe(r.TokenType)}.");

        /// <summary>
        /// The text of a string or property name. Utf8JsonReader checks the structure as it reads but
        /// the text only when asked for it: invalid UTF-8 or an escaped lone surrogate throws here.
        /// </summary>
        private string Text(ref Utf8JsonReader r, long line)
        {
            try
            {
                return r.GetString()!;
            }
            catch (InvalidOperationException e)
            {
                throw Error(line, "a string is not valid text (bytes that are not UTF-8, or an escaped lone surrogate such as \\ud800); save the file as UTF-8.", e);
            }
        }

        public bool Boolean(ref Utf8JsonReader r, string name, long line) => r.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            _ => throw Error(line, $"\"{name}\" must be true or false, not {Describe(r.TokenType)}."),
        };

        public uint UInt32(ref Utf8JsonReader r, string name, long line, uint max = uint.MaxValue)
            => r.TokenType == JsonTokenType.Number && r.TryGetUInt32(out uint v) && v <= max
                ? v
                : throw Error(line, $"\"{name}\" must be a whole number from 0 to {max}.");

        public ushort? NullableUInt16(ref Utf8JsonReader r, string name, long line)
            => r.TokenType == JsonTokenType.Null ? null : (ushort)UInt32(ref r, name, line, ushort.MaxValue);

        public IPAddress Address(ref Utf8JsonReader r, string name, long line)
        {
            string text = String(ref r, name, line);
            return LvsPS.Native.Text.NetText.TryParseAddress(text, out IPAddress? a, out string? error) ? a! : throw Error(line, $"\"{name}\": {error}");
        }

        public T Enum<T>(ref Utf8JsonReader r, string name, long line) where T : struct, Enum
        {
            string text = String(ref r, name, line);
            foreach (T value in System.Enum.GetValues<T>())
                if (string.Equals(value.ToString(), text, StringComparison.OrdinalIgnoreCase))
                    return value;
            throw Error(line, $"\"{name}\": '{text}' is not one of {string.Join(", ", System.Enum.GetValues<T>().Select(v => LvsConfigurationJson.Name(v)))}.");
        }

        private static string Describe(JsonTokenType type) => type switch
        {
            JsonTokenType.StartObject => "an object",
            JsonTokenType.StartArray => "an array",
            JsonTokenType.String => "a string",
            JsonTokenType.Number => "a number",
            JsonTokenType.True or JsonTokenType.False => "a boolean",
            JsonTokenType.Null => "null",
            _ => type.ToString(),
        };
    }
}
