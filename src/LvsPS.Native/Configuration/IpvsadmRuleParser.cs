using System.Globalization;
using System.Net;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Text;

namespace LvsPS.Native.Configuration;

/// <summary>One rule line's command and options, before they become a service or a real server.</summary>
internal sealed class ParsedRule
{
    public RuleCommand Command;
    public VirtualServiceKey? Key;
    public IpvsTimeouts? Timeouts;

    public string Scheduler = VirtualService.DefaultScheduler;
    public string? SchedulerFlagsText;
    public bool Persistent;
    public uint PersistenceTimeout;
    public string? NetmaskText;
    public bool OnePacket;
    public string? PersistenceEngine;

    public IPAddress? Address;
    public ushort? Port;
    public ForwardingMethod Forwarding = ForwardingMethod.Route;
    public uint Weight = 1;
    public uint UpperThreshold;
    public uint LowerThreshold;
    public TunnelType TunnelType;
    public ushort TunnelPort;
    public TunnelChecksum TunnelChecksum;

    public VirtualService ToService()
    {
        var flags = SchedulerFlags.None;
        if (SchedulerFlagsText != null)
        {
            foreach (string name in SchedulerFlagsText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!Schedulers.TryParseFlag(name, Scheduler, out SchedulerFlags flag, out string? error))
                    throw new RuleException(error!);
                flags |= flag;
            }
        }
        int? prefix = null;
        if (NetmaskText != null)
        {
            int p = IpvsValidation.ParsePersistenceNetmask(NetmaskText, Key!.Family);
            prefix = p == (Key.Family == IpFamily.IPv6 ? 128 : 32) ? null : p;
        }
        return new VirtualService
        {
            Key = Key!,
            Scheduler = Scheduler,
            SchedulerFlags = flags,
            Persistent = Persistent,
            PersistenceTimeout = Persistent ? PersistenceTimeout : 0,
            PersistencePrefixLength = prefix,
            OnePacket = OnePacket,
            PersistenceEngine = PersistenceEngine,
        };
    }

    public RealServer ToRealServer() => new()
    {
        VirtualService = Key!,
        Address = Address!,
        Port = Port ?? Key!.Port,
        Forwarding = Forwarding,
        Weight = Weight,
        UpperThreshold = UpperThreshold,
        LowerThreshold = LowerThreshold,
        TunnelType = TunnelType,
        TunnelPort = TunnelPort,
        TunnelChecksum = TunnelChecksum,
    };
}

/// <summary>Parses the words of one rule line, ipvsadm's way (popt: options in any order, --long=value allowed).</summary>
internal static class IpvsadmRuleParser
{
    private enum Scope { Service, RealServer }

    public static ParsedRule Parse(IReadOnlyList<string> words)
    {
        var rule = new ParsedRule();
        RuleCommand? command = null;
        string? serviceText = null, serviceOption = null, markText = null, serverText = null, tunnelTypeText = null;
        bool ipv6 = false, tunnelPortGiven = false, checksumGiven = false, forwardingGiven = false;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var scoped = new List<(string Option, Scope Scope)>();
        int i = words.Count > 0 && words[0] is "ipvsadm" or "/sbin/ipvsadm" or "/usr/sbin/ipvsadm" ? 1 : 0;

        for (; i < words.Count; i++)
        {
            string word = words[i];
            string? inline = null;
            int eq = word.StartsWith("--", StringComparison.Ordinal) ? word.IndexOf('=') : -1;
            if (eq > 0)
            {
                inline = word[(eq + 1)..];
                word = word[..eq];
            }
            string name = Canonical(word);
            if (name != "set" && !seen.Add(name))
                throw new RuleException($"the option {word} is given twice.");

            string Value()
            {
                if (inline != null)
                    return inline;
                if (i + 1 >= words.Count)
                    throw new RuleException($"the option {word} needs a value.");
                return words[++i];
            }

            switch (name)
            {
                case "add-service": SetCommand(ref command, RuleCommand.AddService, word); break;
                case "edit-service": SetCommand(ref command, RuleCommand.EditService, word); break;
                case "delete-service": SetCommand(ref command, RuleCommand.DeleteService, word); break;
                case "add-server": SetCommand(ref command, RuleCommand.AddRealServer, word); break;
                case "edit-server": SetCommand(ref command, RuleCommand.EditRealServer, word); break;
                case "delete-server": SetCommand(ref command, RuleCommand.DeleteRealServer, word); break;
                case "clear": SetCommand(ref command, RuleCommand.Clear, word); break;
                case "set":
                    SetCommand(ref command, RuleCommand.SetTimeouts, word);
                    if (i + 3 >= words.Count)
                        throw new RuleException("--set needs three timeouts in seconds: tcp tcpfin udp (0 leaves one unchanged).");
                    rule.Timeouts = new IpvsTimeouts(Number(words[++i], "tcp timeout"), Number(words[++i], "tcpfin timeout"), Number(words[++i], "udp timeout"));
                    break;

                case "tcp-service" or "udp-service" or "sctp-service":
                    if (serviceText != null || markText != null)
                        throw new RuleException($"{word}: the line already names its virtual service.");
                    serviceOption = name;
                    serviceText = Value();
                    break;
                case "fwmark-service":
                    if (serviceText != null || markText != null)
                        throw new RuleException($"{word}: the line already names its virtual service.");
                    markText = Value();
                    break;
                case "ipv6": ipv6 = true; break;

                case "scheduler": rule.Scheduler = Value(); scoped.Add((word, Scope.Service)); break;
                case "persistent":
                    rule.Persistent = true;
                    rule.PersistenceTimeout = IpvsadmRulesReader.DefaultPersistenceTimeout;
                    if (inline != null)
                        rule.PersistenceTimeout = Timeout(inline);
                    else if (i + 1 < words.Count && words[i + 1].Length > 0 && words[i + 1].All(char.IsAsciiDigit))
                        rule.PersistenceTimeout = Timeout(words[++i]);
                    scoped.Add((word, Scope.Service));
                    break;
                case "netmask": rule.NetmaskText = Value(); scoped.Add((word, Scope.Service)); break;
                case "sched-flags": rule.SchedulerFlagsText = Value(); scoped.Add((word, Scope.Service)); break;
                case "ops": rule.OnePacket = true; scoped.Add((word, Scope.Service)); break;
                case "pe": rule.PersistenceEngine = Value(); scoped.Add((word, Scope.Service)); break;

                case "real-server": serverText = Value(); scoped.Add((word, Scope.RealServer)); break;
                case "gatewaying" or "ipip" or "masquerading":
                    if (forwardingGiven)
                        throw new RuleException($"{word}: choose one forwarding method (-g, -i or -m).");
                    forwardingGiven = true;
                    rule.Forwarding = name switch { "gatewaying" => ForwardingMethod.Route, "ipip" => ForwardingMethod.Tunnel, _ => ForwardingMethod.Masquerade };
                    scoped.Add((word, Scope.RealServer));
                    break;
                case "weight": rule.Weight = Number(Value(), "weight", IpvsValidation.MaxWeight); scoped.Add((word, Scope.RealServer)); break;
                case "u-threshold": rule.UpperThreshold = Number(Value(), "upper threshold", int.MaxValue); scoped.Add((word, Scope.RealServer)); break;
                case "l-threshold": rule.LowerThreshold = Number(Value(), "lower threshold", int.MaxValue); scoped.Add((word, Scope.RealServer)); break;
                case "tun-type": tunnelTypeText = Value(); scoped.Add((word, Scope.RealServer)); break;
                case "tun-port":
                    rule.TunnelPort = (ushort)Number(Value(), "tunnel port", ushort.MaxValue, min: 1);
                    tunnelPortGiven = true;
                    scoped.Add((word, Scope.RealServer));
                    break;
                case "tun-nocsum" or "tun-csum" or "tun-remcsum":
                    if (checksumGiven)
                        throw new RuleException($"{word}: choose one of --tun-nocsum, --tun-csum and --tun-remcsum.");
                    checksumGiven = true;
                    rule.TunnelChecksum = name switch { "tun-csum" => TunnelChecksum.Checksum, "tun-remcsum" => TunnelChecksum.RemoteChecksum, _ => TunnelChecksum.NoChecksum };
                    scoped.Add((word, Scope.RealServer));
                    break;

                default:
                    throw new RuleException(word.StartsWith('-')
                        ? $"{word} is not an option of an ipvsadm rule (-A -E -D -a -e -d -C --set, -t -u --sctp-service -f -6, -s -p -M -b -o --pe, -r -g -i -m -w -x -y --tun-type --tun-port --tun-[no|rem]csum)."
                        : $"unexpected '{word}': every value follows its option (for example -s wrr).");
            }
        }

        rule.Command = command ?? throw new RuleException("the line has no command: start it with -A, -a, -E, -e, -D, -d, -C or --set.");
        if (rule.Command is RuleCommand.Clear or RuleCommand.SetTimeouts)
        {
            if (serviceText != null || markText != null || scoped.Count > 0)
                throw new RuleException($"{(rule.Command == RuleCommand.Clear ? "-C" : "--set")} takes no other options.");
            return rule;
        }
        rule.Key = ServiceKey(serviceOption, serviceText, markText, ipv6);

        bool serviceCommand = rule.Command is RuleCommand.AddService or RuleCommand.EditService or RuleCommand.DeleteService;
        foreach (var (option, scope) in scoped)
        {
            if (rule.Command is RuleCommand.DeleteService || (rule.Command is RuleCommand.DeleteRealServer && option is not ("-r" or "--real-server")))
                throw new RuleException($"{option} does not apply to a delete.");
            if (serviceCommand && scope == Scope.RealServer)
                throw new RuleException($"{option} belongs to a real server (-a/-e), not to a virtual service.");
            if (!serviceCommand && scope == Scope.Service)
                throw new RuleException($"{option} belongs to a virtual service (-A/-E), not to a real server.");
        }
        if (serviceCommand)
            return rule;

        if (serverText == null)
            throw new RuleException("a real-server rule needs -r address[:port].");
        NetEndpoint server = Endpoint(serverText, "-r ");
        rule.Address = server.Address;
        rule.Port = server.Port;

        if (tunnelTypeText != null)
        {
            rule.TunnelType = tunnelTypeText switch
            {
                "ipip" => TunnelType.Ipip,
                "gue" => TunnelType.Gue,
                "gre" => TunnelType.Gre,
                _ => throw new RuleException($"--tun-type {tunnelTypeText}: the tunnel types are ipip, gue and gre."),
            };
        }
        if ((tunnelTypeText != null || tunnelPortGiven || checksumGiven) && rule.Forwarding != ForwardingMethod.Tunnel)
            throw new RuleException("tunnel options (--tun-type, --tun-port, --tun-*csum) need tunnel forwarding (-i).");
        if (tunnelPortGiven && rule.TunnelType != TunnelType.Gue)
            throw new RuleException($"--tun-port applies to the gue tunnel type only, not {IpvsadmRulesWriter.TunnelTypeName(rule.TunnelType)}.");
        if (checksumGiven && rule.TunnelType == TunnelType.Ipip)
            throw new RuleException("--tun-nocsum, --tun-csum and --tun-remcsum apply to the gue and gre tunnel types, not ipip.");
        if (rule.TunnelChecksum == TunnelChecksum.RemoteChecksum && rule.TunnelType != TunnelType.Gue)
            throw new RuleException("--tun-remcsum applies to the gue tunnel type only.");
        return rule;
    }

    private static VirtualServiceKey ServiceKey(string? option, string? endpoint, string? mark, bool ipv6)
    {
        if (mark != null)
        {
            if (!uint.TryParse(mark, NumberStyles.None, CultureInfo.InvariantCulture, out uint value) || value == 0)
                throw new RuleException($"-f {mark}: a firewall mark is a whole number from 1 to 4294967295.");
            return VirtualServiceKey.ForFirewallMark(value, ipv6 ? IpFamily.IPv6 : IpFamily.IPv4);
        }
        if (endpoint == null)
            throw new RuleException("the line names no virtual service: add -t, -u, --sctp-service address:port or -f mark.");
        if (ipv6)
            throw new RuleException("-6 applies to firewall-mark services (-f); write IPv6 addresses in brackets: -t [2001:db8::1]:80.");
        NetEndpoint service = Endpoint(endpoint, "");
        IpvsProtocol protocol = option switch { "tcp-service" => IpvsProtocol.Tcp, "udp-service" => IpvsProtocol.Udp, _ => IpvsProtocol.Sctp };
        return VirtualServiceKey.ForAddress(protocol, service.Address, service.Port ?? 0);
    }

    /// <summary>address[:port] by the strict parser; ipvsadm-save -n writes numbers, so a host name is an error too.</summary>
    private static NetEndpoint Endpoint(string text, string option)
    {
        try
        {
            return NetText.ParseEndpoint(text);
        }
        catch (NetTextException e)
        {
            throw new RuleException(option + e.Message + (e.Problem == NetTextProblem.NotAnAddress ? " Rules hold numeric addresses only." : ""));
        }
    }

    private static void SetCommand(ref RuleCommand? command, RuleCommand value, string word)
    {
        if (command != null)
            throw new RuleException($"{word}: a line holds one command.");
        command = value;
    }

    private static uint Timeout(string text) => Number(text, "persistence timeout", uint.MaxValue, min: 1);

    private static uint Number(string text, string what, uint max = uint.MaxValue, uint min = 0)
        => uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out uint value) && value >= min && value <= max
            ? value
            : throw new RuleException($"'{text}' is not a valid {what} (a whole number from {min} to {max}).");

    /// <summary>Short and long spellings of ipvsadm's options, as popt accepts them.</summary>
    private static string Canonical(string word) => word switch
    {
        "-A" or "--add-service" => "add-service",
        "-E" or "--edit-service" => "edit-service",
        "-D" or "--delete-service" => "delete-service",
        "-a" or "--add-server" => "add-server",
        "-e" or "--edit-server" => "edit-server",
        "-d" or "--delete-server" => "delete-server",
        "-C" or "--clear" => "clear",
        "--set" => "set",
        "-t" or "--tcp-service" => "tcp-service",
        "-u" or "--udp-service" => "udp-service",
        "--sctp-service" => "sctp-service",
        "-f" or "--fwmark-service" => "fwmark-service",
        "-6" or "--ipv6" => "ipv6",
        "-s" or "--scheduler" => "scheduler",
        "-p" or "--persistent" => "persistent",
        "-M" or "--netmask" => "netmask",
        "-b" or "--sched-flags" => "sched-flags",
        "-o" or "--ops" => "ops",
        "--pe" => "pe",
        "-r" or "--real-server" => "real-server",
        "-g" or "--gatewaying" => "gatewaying",
        "-i" or "--ipip" => "ipip",
        "-m" or "--masquerading" => "masquerading",
        "-w" or "--weight" => "weight",
        "-x" or "--u-threshold" => "u-threshold",
        "-y" or "--l-threshold" => "l-threshold",
        "--tun-type" => "tun-type",
        "--tun-port" => "tun-port",
        "--tun-nocsum" => "tun-nocsum",
        "--tun-csum" => "tun-csum",
        "--tun-remcsum" => "tun-remcsum",
        _ => word,
    };
}
