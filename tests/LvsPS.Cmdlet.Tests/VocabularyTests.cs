using System.Management.Automation;
using System.Text.RegularExpressions;
using LvsPS.Native.Proc;
using LvsPS.Testing;
using Xunit;

namespace LvsPS.Cmdlet.Tests;

/// <summary>
/// One concept, one name, one type: the parameters of every exported cmdlet against the vocabulary
/// table of about_LvsPS (PARAMETER VOCABULARY). A parameter shared by two cmdlets with two types, a new
/// synonym of a listed concept, an old name that stopped binding, or an address parameter read by the
/// wrong grammar fails here.
/// </summary>
public sealed class VocabularyTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    private readonly PowerShellSession _ps = fixture.Session;

    private sealed record Row(string Name, string Type, string[] Reads, string[] OldNames);

    private sealed record Param(CmdletInfo Cmdlet, ParameterMetadata Meta)
    {
        public string Name => Meta.Name;
        public bool Hidden => Meta.Attributes.OfType<ParameterAttribute>().Any(a => a.DontShow);
        public Type ElementType => Element(Meta.ParameterType);
        public override string ToString() => $"{Cmdlet.Name} -{Name}";
    }

    private static Type Element(Type t)
    {
        if (t.IsArray)
            t = t.GetElementType()!;
        return Nullable.GetUnderlyingType(t) ?? t;
    }

    private static readonly Lazy<IReadOnlyList<Row>> s_vocabulary = new(() =>
    {
        string[] lines = File.ReadAllLines(Path.Combine(PowerShellSession.RepoRoot, "en-US", "about_LvsPS.help.txt"));
        int at = Array.IndexOf(lines, "PARAMETER VOCABULARY");
        Assert.True(at >= 0, "about_LvsPS.help.txt has no PARAMETER VOCABULARY section");
        int header = Array.FindIndex(lines, at, l => Regex.IsMatch(l, @"^\s+Name\s{2,}Type\s{2,}Reads"));
        var rows = new List<Row>();
        for (int i = header + 2; i < lines.Length && lines[i].Trim().Length > 0; i++)
        {
            string[] cells = Regex.Split(lines[i].Trim(), @"\s+");
            rows.Add(new Row(cells[0], cells[1], cells[2] == "-" ? Array.Empty<string>() : cells[2].Split('|'), cells.Skip(3).ToArray()));
        }
        return rows;
    });

    private static IReadOnlyList<Row> Vocabulary => s_vocabulary.Value;

    private List<Param> Parameters()
    {
        var common = new HashSet<string>(System.Management.Automation.Cmdlet.CommonParameters.Concat(System.Management.Automation.Cmdlet.OptionalCommonParameters), StringComparer.OrdinalIgnoreCase);
        return _ps.Run("Get-Command -Module LvsPS -CommandType Cmdlet").Select(o => (CmdletInfo)o.BaseObject)
            .SelectMany(c => c.Parameters.Values.Where(p => !common.Contains(p.Name)).Select(p => new Param(c, p)))
            .ToList();
    }

    [Fact]
    public void The_table_is_read()
    {
        Assert.True(Vocabulary.Count >= 40, $"{Vocabulary.Count} rows: the table parser is broken");
        Assert.Contains(Vocabulary, r => r.Name == "RealServerAddress" && r.Type == "String" && r.Reads.SequenceEqual(new[] { "endpoint" }) && r.OldNames.SequenceEqual(new[] { "RealServer" }));
        Assert.Equal(Vocabulary.Count, Vocabulary.Select(r => r.Name).Distinct().Count());
    }

    [Fact]
    public void Every_name_that_two_cmdlets_share_is_in_the_table_with_one_type()
    {
        List<Param> all = Parameters();
        var rows = Vocabulary.ToDictionary(r => r.Name);
        var problems = new List<string>();
        foreach (IGrouping<string, Param> name in all.Where(p => !p.Hidden).GroupBy(p => p.Name))
        {
            if (!rows.TryGetValue(name.Key, out Row? row))
            {
                if (name.Select(p => p.Cmdlet.Name).Distinct().Count() > 1)
                    problems.Add($"-{name.Key} is shared by {string.Join(", ", name)} but not in the vocabulary");
                continue;
            }
            foreach (Param p in name)
            {
                string? wrong = row.Type switch
                {
                    "(noun)" when name.Key == "State" => StateProblem(p),
                    "(noun)" when name.Key == "InputObject" => InputObjectProblem(p, all),
                    "(noun)" => $"{p}: (noun) is for State and InputObject only",
                    _ => p.ElementType.Name == row.Type ? null : $"{p} is {p.ElementType.Name}, the vocabulary says {row.Type}",
                };
                if (wrong != null)
                    problems.Add(wrong);
            }
        }
        Assert.Empty(problems);
    }

    /// <summary>-State has the type of the State property of the objects the cmdlet writes or takes.</summary>
    private static string? StateProblem(Param p)
    {
        IEnumerable<Type> nouns = p.Cmdlet.OutputType.Select(t => t.Type).Where(t => t != null)
            .Concat(p.Cmdlet.Parameters.TryGetValue("InputObject", out ParameterMetadata? input) ? new[] { Element(input.ParameterType) } : Array.Empty<Type>());
        Type[] stateTypes = nouns.Select(t => t.GetProperty("State")?.PropertyType).OfType<Type>().ToArray();
        return stateTypes.Contains(p.ElementType) ? null : $"{p} is {p.ElementType.Name}, not the type of its objects' State ({string.Join(", ", stateTypes.Select(t => t.Name))})";
    }

    /// <summary>-InputObject takes objects that some LvsPS cmdlet writes.</summary>
    private static string? InputObjectProblem(Param p, List<Param> all)
    {
        HashSet<Type> written = all.Select(a => a.Cmdlet).Distinct().SelectMany(c => c.OutputType.Select(t => t.Type)).OfType<Type>().ToHashSet();
        return written.Contains(p.ElementType) ? null : $"{p} takes {p.ElementType.Name}, which no LvsPS cmdlet writes";
    }

    [Fact]
    public void Address_text_is_read_by_the_grammar_the_table_names()
    {
        var expected = new Dictionary<string, string> { ["address"] = "AddressTransformationAttribute", ["endpoint"] = "EndpointTransformationAttribute", ["prefix"] = "PrefixTransformationAttribute", ["identity"] = "VirtualServiceTransformationAttribute" };
        var rows = Vocabulary.ToDictionary(r => r.Name);
        var problems = new List<string>();
        foreach (Param p in Parameters())
        {
            string[] actual = p.Meta.Attributes.Select(a => a.GetType().Name).Where(expected.ContainsValue).ToArray();
            bool isIdentity = p.ElementType.Name == "VirtualServiceIdentity";
            if (!rows.TryGetValue(p.Name, out Row? row))
            {
                if (actual.Length > 0 || isIdentity)
                    problems.Add($"{p} reads address text but -{p.Name} is not in the vocabulary");
                continue;
            }
            string[] allowed = row.Reads.Where(expected.ContainsKey).Select(k => expected[k]).ToArray();
            if (row.Reads.Contains("identity") != isIdentity)
                problems.Add($"{p}: the vocabulary says {string.Join("|", row.Reads)}, the parameter is {p.ElementType.Name}");
            else if (actual.Length != (allowed.Length > 0 ? 1 : 0) || (actual.Length == 1 && !allowed.Contains(actual[0])))
                problems.Add($"{p} is read by [{string.Join(", ", actual)}], the vocabulary says {(row.Reads.Length == 0 ? "-" : string.Join("|", row.Reads))}");
        }
        Assert.Empty(problems);
    }

    [Fact]
    public void Old_names_are_aliases_or_hidden_and_still_bind_where_the_new_name_is()
    {
        List<Param> all = Parameters();
        var problems = new List<string>();
        foreach (Row row in Vocabulary.Where(r => r.OldNames.Length > 0))
            foreach (string old in row.OldNames)
            {
                problems.AddRange(all.Where(p => p.Name == old && !p.Hidden).Select(p => $"{p}: '{old}' is an old name of -{row.Name}; make it an alias"));
                if (!all.Any(p => (p.Name == row.Name && p.Meta.Aliases.Contains(old)) || (p.Name == old && p.Hidden)))
                    problems.Add($"-{old} (old name of -{row.Name}) binds nowhere any more");
            }
        Assert.Empty(problems);
    }

    [Fact]
    public void A_name_accepts_the_same_words_everywhere()
    {
        var problems = new List<string>();
        foreach (IGrouping<string, Param> name in Parameters().GroupBy(p => p.Name))
        {
            string[] sets = name.Select(p => p.Meta.Attributes.OfType<ValidateSetAttribute>().SingleOrDefault())
                .Where(s => s != null).Select(s => string.Join("|", s!.ValidValues.Order(StringComparer.OrdinalIgnoreCase))).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
            if (sets.Length > 1)
                problems.Add($"-{name.Key} accepts different words: {string.Join(" / ", sets)} ({string.Join(", ", name)})");
            foreach (Param p in name.Where(p => p.ElementType != typeof(string) && p.Meta.Attributes.OfType<ValidateSetAttribute>().Any()))
                problems.Add($"{p} is {p.ElementType.Name} with a set of strings; use a range or an enum");
        }
        Assert.Empty(problems);
    }

    // ---- Old names and unified types keep working ----

    [Fact]
    public void Get_LvsConnection_takes_its_old_RealServer_name_and_the_Address_of_piped_real_servers()
    {
        string sample = Path.Combine(PowerShellSession.RepoRoot, "tests", "LvsPS.Tests", "Proc", "Samples", "ip_vs_conn.txt");
        IpvsConnection[] byNew = _ps.Invoke("Get-LvsConnection -Path $args[0] -RealServerAddress 10.20.0.11", sample).Records<IpvsConnection>("LvsPS.LvsConnection").ToArray();
        IpvsConnection[] byOld = _ps.Invoke("Get-LvsConnection -Path $args[0] -RealServer 10.20.0.11", sample).Records<IpvsConnection>("LvsPS.LvsConnection").ToArray();
        Assert.NotEmpty(byNew);
        Assert.Equal(byNew.Length, byOld.Length);
        Assert.All(byNew, c => Assert.Equal("10.20.0.11", c.RealServerAddress.ToString()));
    }

    [Fact]
    public void Set_LvsVrrpInstance_takes_NoPreempt_as_Start_does_and_its_old_inverted_Preempt()
    {
        foreach (string form in new[] { "-NoPreempt", "-NoPreempt:$false", "-Preempt:$false", "-Preempt" })
            Expect.SingleError(_ps.Invoke($"Set-LvsVrrpInstance VI_NONE {form}"), "VrrpInstanceNotFound", ErrorCategory.ObjectNotFound);
        Expect.SingleError(_ps.Invoke("Set-LvsVrrpInstance VI_NONE -NoPreempt -Preempt"), "PreemptConflict", ErrorCategory.InvalidArgument);
        string syntax = string.Concat(_ps.Run("Get-Command Set-LvsVrrpInstance -Syntax").Select(o => o.ToString()));
        Assert.Contains("-NoPreempt", syntax);
        Assert.DoesNotContain("-Preempt ", syntax); // the old name is hidden from the syntax and from completion
    }

    [Theory]
    [InlineData("Start-LvsVrrpInstance VI_V -Interface eth0 -VirtualRouterId 7 -VirtualAddress 10.0.0.3/24 -Version 3 -WhatIf")]
    [InlineData("Start-LvsVrrpInstance VI_V -Interface eth0 -VirtualRouterId 7 -VirtualAddress 10.0.0.3/24 -Version '2' -WhatIf")]
    [InlineData("Start-LvsVrrpInstance VI_V -Interface eth0 -Vrid 7 -VIP 10.0.0.3/24 -LvsSyncInterface eth1 -WhatIf")]
    public void Unified_types_bind_the_old_values(string command)
    {
        PowerShellSession.Result r = _ps.Invoke(command);
        Assert.Empty(r.AllErrors);
        Assert.Contains("What if:", r.HostText);
    }

    /// <summary>-Timeout is a Double like Wait-LvsVrrpInstance's; whole seconds still bind. The kernel is read first (none here).</summary>
    [Theory]
    [InlineData("2.5")]
    [InlineData("300")]
    public void Suspend_takes_Timeout_in_seconds_with_fractions(string timeout)
        => Expect.SingleError(_ps.Invoke($"Suspend-LvsRealServer tcp/10.0.0.3:80 10.0.0.7 -Wait -Timeout {timeout} -WhatIf"), "IpvsNotAvailable", ErrorCategory.ResourceUnavailable);

    [Fact]
    public void A_VRRP_version_other_than_2_or_3_fails_binding()
        => Expect.SingleError(_ps.Invoke("Start-LvsVrrpInstance VI_V -Interface eth0 -VirtualRouterId 7 -VirtualAddress 10.0.0.3/24 -Version 4 -WhatIf"),
            "ParameterArgumentValidationError", ErrorCategory.InvalidData);

    [Fact]
    public void Get_LvsRealServer_takes_Port_like_the_other_real_server_cmdlets()
    {
        Expect.SingleError(_ps.Invoke("Get-LvsRealServer -Address 10.0.0.7:80 -Port 81"), "PortConflict", ErrorCategory.InvalidArgument);
        Expect.SingleError(_ps.Invoke("Get-LvsRealServer -Address 10.0.0.7 -Port 80"), "IpvsNotAvailable", ErrorCategory.ResourceUnavailable);
    }

    /// <summary>The words of -Forwarding are InputParsing's in every cmdlet (gatewaying was refused by the host cmdlets).</summary>
    [Theory]
    [InlineData("gatewaying")]
    [InlineData("DR")]
    [InlineData("Route")]
    [InlineData("TUN")]
    [InlineData("ipip")]
    public void Every_Forwarding_parameter_takes_the_same_words(string word)
    {
        Assert.Contains("What if:", NoError($"Add-LvsRealServer tcp/10.0.0.3:80 10.0.0.7 -Forwarding {word} -WhatIf"));
        Assert.Contains("What if:", NoError($"Initialize-LvsRealServerHost 10.0.0.3 -Forwarding {word} -WhatIf"));
        Assert.Contains("What if:", NoError($"Reset-LvsRealServerHost 10.0.0.3 -Forwarding {word} -WhatIf"));
    }

    [Fact]
    public void Unknown_and_NAT_forwarding_say_why_in_the_host_cmdlets()
    {
        foreach (string command in new[] { "Add-LvsRealServer tcp/10.0.0.3:80 10.0.0.7", "Initialize-LvsRealServerHost 10.0.0.3", "Reset-LvsRealServerHost 10.0.0.3" })
            Expect.SingleError(_ps.Invoke($"{command} -Forwarding Bridge -WhatIf"), "UnknownForwardingMethod", ErrorCategory.InvalidArgument);
        Assert.Contains("only the director as its default gateway",
            Expect.SingleError(_ps.Invoke("Initialize-LvsRealServerHost 10.0.0.3 -Forwarding NAT -WhatIf"), "ForwardingNeedsNoHostSetup", ErrorCategory.InvalidArgument).Exception.Message);
    }

    private string NoError(string command)
    {
        PowerShellSession.Result r = _ps.Invoke(command);
        Assert.True(!r.AllErrors.Any(), $"{command}: " + string.Join("; ", r.AllErrors.Select(e => $"{e.FullyQualifiedErrorId}: {e.Exception.Message}")));
        return r.HostText;
    }
}
