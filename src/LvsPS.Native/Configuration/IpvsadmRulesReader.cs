using System.Globalization;
using System.Net;
using LvsPS.Native.Ipvs;

namespace LvsPS.Native.Configuration;

/// <summary>What a rules file describes: the desired services (with their real servers), in file order.</summary>
public sealed record IpvsadmRuleSet
{
    public IReadOnlyList<VirtualService> Services { get; init; } = Array.Empty<VirtualService>();
    /// <summary>The file clears the table (-C) before its rules: it describes the whole table, not additions.</summary>
    public bool ClearsTable { get; init; }
    /// <summary>From a <c>--set tcp tcpfin udp</c> line, when there is one (0 = unchanged).</summary>
    public IpvsTimeouts? Timeouts { get; init; }
    /// <summary>How many rules (logical lines with a command) the file has; 0 for a file of blanks and comments.</summary>
    public int RuleCount { get; init; }
}

/// <summary>
/// Reads the ipvsadm rules format: what <c>ipvsadm-save</c> writes and what people write by hand
/// for <c>ipvsadm-restore</c>, short or long options in any order. A line may start with
/// <c>ipvsadm</c>; '#' comments and blank lines are skipped. Commands: -A/-E/-D (services),
/// -a/-e/-d (real servers), -C (clear), --set (timeouts). Defaults are ipvsadm's: scheduler wlc,
/// direct routing, weight 1, persistence timeout 360 s when -p has no value, a real server's port
/// is the service's when left out. Every error names the file and line.
/// </summary>
public static class IpvsadmRulesReader
{
    /// <summary>ipvsadm's IPVS_SVC_PERSISTENT_TIMEOUT (6 × 60): what a bare <c>-p</c> means (measured in the lab).</summary>
    public const uint DefaultPersistenceTimeout = VirtualService.DefaultPersistenceTimeout;

    public static IpvsadmRuleSet ReadFile(string path)
    {
        using var reader = new StreamReader(path);
        return Read(reader, path);
    }

    public static IpvsadmRuleSet Parse(string text, string? fileName = null)
    {
        using var reader = new StringReader(text);
        return Read(reader, fileName);
    }

    public static IpvsadmRuleSet Read(TextReader reader, string? fileName = null)
    {
        var table = new RuleTable();
        int rules = 0;
        foreach (IpvsadmRuleLine line in IpvsadmRuleTokenizer.Lines(reader, fileName))
        {
            rules++;
            try
            {
                Apply(table, IpvsadmRuleParser.Parse(line.Words));
            }
            catch (RuleException e)
            {
                throw new ConfigurationFormatException(fileName, line.LineNumber, e.Message);
            }
            catch (IpvsValidationException e)
            {
                throw new ConfigurationFormatException(fileName, line.LineNumber, e.Message, e);
            }
        }
        return new IpvsadmRuleSet { Services = table.ToServices(), ClearsTable = table.Clears, Timeouts = table.Timeouts, RuleCount = rules };
    }

    private static void Apply(RuleTable table, ParsedRule rule)
    {
        switch (rule.Command)
        {
            case RuleCommand.Clear:
                table.Clear();
                break;
            case RuleCommand.SetTimeouts:
                table.Timeouts = rule.Timeouts;
                break;
            case RuleCommand.AddService:
                if (table.Services.ContainsKey(rule.Key!))
                    throw new RuleException($"the virtual service {rule.Key} is already defined above; use -E to change it.");
                VirtualService added = rule.ToService();
                IpvsValidation.Validate(added);
                table.Order.Add(rule.Key!);
                table.Services[rule.Key!] = (added, new List<RealServer>());
                break;
            case RuleCommand.EditService:
                var (_, keep) = table.Find(rule.Key!);
                VirtualService edited = rule.ToService();
                IpvsValidation.Validate(edited);
                table.Services[rule.Key!] = (edited, keep);
                break;
            case RuleCommand.DeleteService:
                table.Find(rule.Key!);
                table.Services.Remove(rule.Key!);
                table.Order.Remove(rule.Key!);
                break;
            default:
                var (_, dests) = table.Find(rule.Key!);
                RealServer dest = rule.ToRealServer();
                int index = dests.FindIndex(d => d.Address.Equals(dest.Address) && d.Port == dest.Port);
                if (rule.Command == RuleCommand.AddRealServer)
                {
                    if (index >= 0)
                        throw new RuleException($"the real server {dest} is already defined above; use -e to change it.");
                    IpvsValidation.Validate(dest, rule.Key!);
                    dests.Add(dest);
                }
                else if (index < 0)
                {
                    throw new RuleException($"the real server {dest} is not defined above.");
                }
                else if (rule.Command == RuleCommand.EditRealServer)
                {
                    IpvsValidation.Validate(dest, rule.Key!);
                    dests[index] = dest;
                }
                else
                {
                    dests.RemoveAt(index);
                }
                break;
        }
    }

    private sealed class RuleTable
    {
        public readonly List<VirtualServiceKey> Order = new();
        public readonly Dictionary<VirtualServiceKey, (VirtualService Service, List<RealServer> Dests)> Services = new();
        public bool Clears;
        public IpvsTimeouts? Timeouts;

        public void Clear()
        {
            Order.Clear();
            Services.Clear();
            Clears = true;
        }

        public (VirtualService, List<RealServer>) Find(VirtualServiceKey key)
        {
            if (Services.TryGetValue(key, out var entry))
                return entry;
            if (key.IsFirewallMark && key.Family == IpFamily.IPv4 && Services.ContainsKey(VirtualServiceKey.ForFirewallMark(key.FirewallMark, IpFamily.IPv6)))
                throw new RuleException($"the virtual service {key} is not defined above, but fwmark/{key.FirewallMark}/ipv6 is: add -6 after -f {key.FirewallMark}.");
            throw new RuleException($"the virtual service {key} is not defined above (add its -A line first).");
        }

        public IReadOnlyList<VirtualService> ToServices()
            => Order.Select(k => Services[k].Service with { RealServers = Services[k].Dests.ToArray() }).ToArray();
    }
}

/// <summary>A rule that is well-formed words but not a valid rule; becomes a <see cref="ConfigurationFormatException"/> with the line.</summary>
internal sealed class RuleException : Exception
{
    public RuleException(string message) : base(message) { }
}

internal enum RuleCommand { AddService, EditService, DeleteService, AddRealServer, EditRealServer, DeleteRealServer, Clear, SetTimeouts }
