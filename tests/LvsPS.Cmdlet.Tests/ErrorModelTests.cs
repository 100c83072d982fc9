using System.Management.Automation;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Vrrp;
using LvsPS.Testing;
using Xunit;

namespace LvsPS.Cmdlet.Tests;

/// <summary>
/// The error model: the core states facts and never names a cmdlet or a parameter; the cmdlet layer
/// alone words errors, every ErrorRecord comes from ErrorMapper with an id of its one catalogue, and
/// the advice users read as "Recommendation:" never repeats the message.
/// </summary>
public sealed class ErrorModelTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    private readonly PowerShellSession _ps = fixture.Session;

    private static string Source(params string[] path) => Path.Combine(new[] { PowerShellSession.RepoRoot }.Concat(path).ToArray());

    /// <summary>Every string literal and string constant compiled into an assembly (the #US heap and the constant table).</summary>
    private static List<string> Strings(string assemblyPath)
    {
        using var pe = new PEReader(File.OpenRead(assemblyPath));
        MetadataReader md = pe.GetMetadataReader();
        var strings = new List<string>();
        for (UserStringHandle h = MetadataTokens.UserStringHandle(1); !h.IsNil; h = md.GetNextHandle(h))
            strings.Add(md.GetUserString(h));
        foreach (FieldDefinitionHandle f in md.FieldDefinitions)
        {
            ConstantHandle c = md.GetFieldDefinition(f).GetDefaultValue();
            if (!c.IsNil && md.GetConstant(c) is { TypeCode: ConstantTypeCode.String } constant)
                strings.Add(md.GetBlobReader(constant.Value).ReadUTF16(md.GetBlobReader(constant.Value).Length));
        }
        return strings;
    }

    private HashSet<string> ParameterNames()
    {
        var common = new HashSet<string>(System.Management.Automation.Cmdlet.CommonParameters.Concat(System.Management.Automation.Cmdlet.OptionalCommonParameters));
        return _ps.Run("Get-Command -Module LvsPS -CommandType Cmdlet").Select(o => (CmdletInfo)o.BaseObject)
            .SelectMany(c => c.Parameters.Values.SelectMany(p => p.Aliases.Prepend(p.Name)))
            .Where(n => !common.Contains(n)).ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_core_names_no_cmdlet_and_no_parameter_in_its_messages()
    {
        HashSet<string> parameters = ParameterNames();
        var parameterWord = new Regex(@"(?<![\w-])-(" + string.Join("|", parameters.Select(Regex.Escape)) + @")\b"); // parameters are PascalCase: "-port" in "sh-port" is not one
        var cmdletName = new Regex(@"\b[A-Z][a-z]+-Lvs[A-Z]\w*");
        List<string> strings = Strings(Source("out", "LvsPS", "Dependencies", "LvsPS.Native.dll"));
        Assert.True(strings.Count > 500, $"only {strings.Count} strings read: the scan is broken");
        Assert.Contains(strings, s => s.Contains("is not an IPv4 address in dotted-quad form")); // the scan sees messages
        string[] offending = strings.Where(s => cmdletName.IsMatch(s) || parameterWord.IsMatch(s)).ToArray();
        Assert.True(offending.Length == 0, "core strings that speak of cmdlets or parameters:\n" + string.Join("\n", offending));
    }

    [Fact]
    public void The_scan_would_see_a_cmdlet_or_a_parameter_in_the_cmdlet_layer()
    {
        HashSet<string> parameters = ParameterNames();
        var parameterWord = new Regex(@"(?<![\w-])-(" + string.Join("|", parameters.Select(Regex.Escape)) + @")\b"); // parameters are PascalCase: "-port" in "sh-port" is not one
        List<string> strings = Strings(Source("out", "LvsPS", "LvsPS.dll"));
        Assert.Contains(strings, s => Regex.IsMatch(s, @"\b[A-Z][a-z]+-Lvs[A-Z]\w*"));
        Assert.Contains(strings, s => parameterWord.IsMatch(s)); // the advice names them, as it should
    }

    /// <summary>Outside ErrorMapper nothing builds an ErrorRecord, and ids are the catalogue's constants, not literals.</summary>
    [Fact]
    public void Every_ErrorRecord_comes_from_ErrorMapper_with_a_catalogue_id()
    {
        string[] mapper = { "ErrorMapper.cs", "ErrorCatalog.cs" };
        var violations = new List<string>();
        foreach (string file in Directory.EnumerateFiles(Source("src", "LvsPS"), "*.cs", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !mapper.Contains(Path.GetFileName(f))))
        {
            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                string line = lines[i];
                if (Regex.IsMatch(line, @"new\s+(System\.Management\.Automation\.)?ErrorRecord\s*\(")
                    || Regex.IsMatch(line + (i + 1 < lines.Length ? " " + lines[i + 1] : ""), @"ErrorRecord\s+\w+\s*\([^)]*\)\s*=>\s*new\s*\(")
                    || Regex.IsMatch(line, @"ErrorMapper\.(Record|Invalid)\(\s*""")
                    || Regex.IsMatch(line, @"new\s+InvalidInputException\s*\("))
                    violations.Add($"{Path.GetRelativePath(PowerShellSession.RepoRoot, file)}:{i + 1}: {line.Trim()}");
            }
        }
        Assert.True(violations.Count == 0, "ErrorRecords or ids made outside ErrorMapper:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void The_catalogue_holds_every_id_constant_and_every_core_rule()
    {
        string[] constants = _ps.Run("[LvsPS.ErrorMapper].GetFields('Public,Static') | Where-Object IsLiteral | ForEach-Object { $_.GetValue($null) }").Select(o => (string)o.BaseObject).ToArray();
        string[] catalogued = _ps.Run("[LvsPS.ErrorMapper]::Catalog.Keys").Select(o => (string)o.BaseObject).ToArray();
        Assert.True(constants.Length >= 80, $"{constants.Length} ids");
        Assert.Equal(constants.Order(), catalogued.Order());
        Assert.Equal(constants.Length, constants.Distinct().Count());

        foreach (IpvsRule rule in Enum.GetValues<IpvsRule>())
            Assert.Equal(rule.ToString(), MapId(new IpvsValidationException(rule, "x")));
        foreach (VrrpRule rule in Enum.GetValues<VrrpRule>())
            Assert.Equal(rule.ToString(), MapId(new VrrpValidationException(rule, "x")));
    }

    private string MapId(Exception e) => ((ErrorRecord)_ps.Run("[LvsPS.ErrorMapper]::Map($args[0], $null).Item1", e).Single().BaseObject).FullyQualifiedErrorId;

    /// <summary>What ConciseView prints: the message, then "Recommendation:" with the advice; neither repeats the other.</summary>
    [Theory]
    [InlineData("New-LvsVirtualService tcp/10.0.0.3:0 -WhatIf")]
    [InlineData("New-LvsVirtualService tcp/10.0.0.3:80 -PersistenceEngine sip -WhatIf")]
    [InlineData("New-LvsVirtualService tcp/10.0.0.3:80 -Forwarding DR")]
    [InlineData("Add-LvsRealServer tcp/10.0.0.3:80 10.0.0.7:8080 -Forwarding DR -WhatIf")]
    [InlineData("Add-LvsRealServer tcp/10.0.0.3:80 10.0.0.7 -Forwarding FULLNAT -WhatIf")]
    [InlineData("Add-LvsRealServer tcp/10.0.0.3:80 10.0.0.7 -Forwarding Tunnel -TunnelType Gue -WhatIf")]
    [InlineData("Add-LvsRealServer tcp/10.0.0.3:80 10.0.0.7:80 -Port 81")]
    [InlineData("Set-LvsTimeout")]
    [InlineData("Get-LvsVirtualService")]
    [InlineData("Get-LvsConnection -Template -ExcludeTemplate")]
    [InlineData("Start-LvsVrrpInstance V -Interface eth0 -VirtualRouterId 1 -VirtualAddress 2001:db8::1/64 -Version 2")]
    [InlineData("Set-LvsVrrpInstance NOPE -Priority 5")]
    public void The_recommendation_never_repeats_the_message(string command)
    {
        ErrorRecord e = Assert.Single(_ps.Invoke(command).AllErrors);
        string message = e.ErrorDetails?.Message ?? e.Exception.Message;
        string? advice = e.ErrorDetails?.RecommendedAction;
        Assert.False(string.IsNullOrWhiteSpace(advice), $"{e.FullyQualifiedErrorId}: no advice for: {message}");
        foreach (string sentence in Sentences(advice!))
            Assert.DoesNotContain(sentence, message);
        foreach (string sentence in Sentences(message))
            Assert.DoesNotContain(sentence, advice!);
    }

    private static IEnumerable<string> Sentences(string text)
        => Regex.Split(text, @"(?<=[.;:])\s+").Select(s => s.Trim().TrimEnd('.', ';', ':')).Where(s => s.Length > 12);
}
