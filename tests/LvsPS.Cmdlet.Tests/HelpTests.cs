using System.Management.Automation;
using System.Xml.Linq;
using LvsPS.HelpGen;
using LvsPS.Testing;
using Xunit;

namespace LvsPS.Cmdlet.Tests;

public sealed class HelpTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    private readonly PowerShellSession _ps = fixture.Session;
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    private static string Committed => Path.Combine(PowerShellSession.RepoRoot, "en-US", "LvsPS.dll-Help.xml");

    private static string Text(object? value) => value switch
    {
        null => "",
        PSObject p => Text(p.BaseObject is PSCustomObject ? p.Properties["Text"]?.Value : p.BaseObject),
        object[] a => string.Join("\n", a.Select(Text)),
        _ => value.ToString() ?? "",
    };

    private PSObject Help(string name) => _ps.Run("Get-Help $args[0] -Full", name).Single();

    [Theory]
    [MemberData(nameof(ModuleFacts.Cmdlets), MemberType = typeof(ModuleFacts))]
    public void GetHelp_has_synopsis_description_and_examples(string name)
    {
        PSObject help = Help(name);
        string synopsis = Text(help.Properties["Synopsis"].Value).Trim();
        // Without MAML, Get-Help makes the synopsis from the syntax ("New-LvsVirtualService [-Scheduler ...").
        Assert.False(synopsis.Length < 20 || synopsis.StartsWith(name, StringComparison.OrdinalIgnoreCase), $"{name}: no real synopsis: '{synopsis}'");
        Assert.Contains("ipvsadm", Text(help.Properties["description"].Value) + synopsis);
        Assert.True(Text(help.Properties["description"].Value).Length > 100, $"{name}: description too short");

        var examples = ((PSObject)help.Properties["examples"].Value).Properties["example"].Value;
        object[] list = examples is object[] a ? a : new[] { examples };
        Assert.NotEmpty(list);
        foreach (PSObject example in list.Cast<PSObject>())
        {
            Assert.Contains("Lvs", Text(example.Properties["code"].Value));
            Assert.NotEmpty(Text(example.Properties["remarks"].Value).Trim());
        }
    }

    [Theory]
    [MemberData(nameof(ModuleFacts.Cmdlets), MemberType = typeof(ModuleFacts))]
    public void GetHelp_describes_every_parameter(string name)
    {
        PSObject help = Help(name);
        var described = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (help.Properties["parameters"].Value is PSObject parameters && parameters.Properties["parameter"]?.Value is { } p)
            foreach (PSObject parameter in (p is object[] a ? a : new[] { p }).Cast<PSObject>())
                described[Text(parameter.Properties["name"].Value)] = Text(parameter.Properties["description"].Value).Trim();

        CmdletInfo cmdlet = _ps.Run("Get-Command $args[0]", name).Select(o => o.BaseObject).OfType<CmdletInfo>().Single();
        foreach (CommandParameterInfo parameter in cmdlet.ParameterSets.SelectMany(s => s.Parameters).DistinctBy(x => x.Name))
        {
            if (System.Management.Automation.Cmdlet.CommonParameters.Contains(parameter.Name) || parameter.Attributes.OfType<ParameterAttribute>().Any(x => x.DontShow))
                continue;
            Assert.True(described.TryGetValue(parameter.Name, out string? text) && text.Length > 10, $"{name} -{parameter.Name} has no description in Get-Help");
        }
    }

    [Fact]
    public void GetHelp_Examples_renders_the_examples()
    {
        PowerShellSession.Result r = _ps.Invoke("Get-Help New-LvsVirtualService -Examples | Out-Default");
        Assert.Empty(r.AllErrors);
        Assert.Contains("Example 1: LVS-DR quick start", r.HostText);
        Assert.Contains("New-LvsVirtualService -VirtualService tcp/10.0.0.3:80 -Scheduler wrr -PersistenceTimeout 20", r.HostText);
        Assert.Contains("ipvsadm -A -t 10.0.0.3:80 -s wrr -p 20", r.HostText);
        Assert.DoesNotContain("-PersistenceNetmask <String>", r.HostText); // -Examples shows no syntax
    }

    [Fact]
    public void GetHelp_Full_shows_parameter_metadata()
    {
        PowerShellSession.Result r = _ps.Invoke("Get-Help Set-LvsRealServer -Full | Out-Default");
        Assert.Empty(r.AllErrors);
        Assert.Contains("-Weight <Int32>", r.HostText);
        string Block(string parameter)
        {
            int start = r.HostText.IndexOf($"\n    -{parameter} <", StringComparison.Ordinal);
            Assert.True(start >= 0, $"-{parameter} is not in the PARAMETERS section");
            int end = r.HostText.IndexOf("\n    -", start + 1, StringComparison.Ordinal);
            return r.HostText[start..end];
        }
        Assert.Matches(@"Required\?\s+true\n\s+Position\?\s+1\n\s+Default value\s+None\n\s+Accept pipeline input\?\s+True \(ByPropertyName, ByValue\)", Block("VirtualService"));
        Assert.Matches(@"Required\?\s+false\n\s+Position\?\s+named\n\s+Default value\s+Unchanged\n\s+Accept pipeline input\?\s+False", Block("Weight"));
        Assert.Contains("0 quiesces the real server", Block("Weight"));
        Assert.Contains("[-TunnelType {Ipip | Gue | Gre}]", r.HostText.Replace("\n    ", ""));
        Assert.Contains("Set-LvsRealServer [-VirtualService] <VirtualServiceIdentity> [-Address] <String>", r.HostText);
    }

    [Fact]
    public void GetHelp_finds_the_about_topic()
    {
        PowerShellSession.Result r = _ps.Invoke("Get-Help about_LvsPS | Out-Default");
        Assert.Empty(r.AllErrors);
        Assert.Contains("TOPIC\n    about_LvsPS", r.HostText);
        Assert.Contains("IPVSADM TO LVSPS", r.HostText);
    }

    [Fact]
    public void About_topic_explains_identities_forwarding_and_the_ipvsadm_mapping()
    {
        string about = File.ReadAllText(Path.Combine(PowerShellSession.RepoRoot, "en-US", "about_LvsPS.help.txt"));
        foreach (string expected in new[] { "tcp/10.0.0.3:80", "fwmark/3/ipv6", "-Forwarding Route|Masquerade|Tunnel", "NetworkNamespaceNotFound",
                     "IpvsNotAvailable", "modprobe ip_vs", "--add-service               New-LvsVirtualService", "FULLNAT" })
            Assert.Contains(expected, about);
        // Every exported cmdlet appears in the mapping table.
        foreach (string cmdlet in ModuleFacts.Strings("CmdletsToExport"))
            Assert.Contains(cmdlet, about);
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(PowerShellSession.ModuleManifest)!, "en-US", "about_LvsPS.help.txt")),
            "build-module.sh lays the about topic out with the module");
    }

    [Fact]
    public void Committed_MAML_is_what_HelpGen_generates_now()
    {
        string xmlDoc = HelpGenerator.DefaultXmlDoc(PowerShellSession.RepoRoot);
        Assert.True(File.Exists(xmlDoc), $"{xmlDoc} is missing: run scripts/build-module.sh");
        HelpGenerator.Result generated = HelpGenerator.Generate(PowerShellSession.ModuleManifest, xmlDoc);
        Assert.Empty(generated.Problems);
        string committed = File.ReadAllText(Committed).ReplaceLineEndings("\n");
        Assert.True(committed == generated.Maml,
            "en-US/LvsPS.dll-Help.xml is stale (the cmdlets or their doc comments changed): run scripts/build-help.sh and commit the result. "
            + "First difference at line " + FirstDifference(committed, generated.Maml));
        // And the module laid out in out/LvsPS carries that very file.
        string laidOut = Path.Combine(Path.GetDirectoryName(PowerShellSession.ModuleManifest)!, "en-US", "LvsPS.dll-Help.xml");
        Assert.Equal(committed, File.ReadAllText(laidOut).ReplaceLineEndings("\n"));
    }

    private static int FirstDifference(string a, string b)
    {
        string[] x = a.Split('\n'), y = b.Split('\n');
        for (int i = 0; i < Math.Min(x.Length, y.Length); i++)
            if (x[i] != y[i])
                return i + 1;
        return Math.Min(x.Length, y.Length) + 1;
    }

    [Fact]
    public void MAML_has_the_shape_PlatyPS_writes()
    {
        XDocument doc = XDocument.Load(Committed);
        Assert.Equal("helpItems", doc.Root!.Name.LocalName);
        Assert.Equal("maml", doc.Root.Attribute("schema")?.Value);
        XElement[] commands = doc.Root.Elements(Command + "command").ToArray();
        Assert.Equal(ModuleFacts.Strings("CmdletsToExport").Order(), commands.Select(c => c.Element(Command + "details")!.Element(Command + "name")!.Value).Order());
        string[] order = { "details", "description", "syntax", "parameters", "inputTypes", "returnValues", "examples", "relatedLinks" };
        foreach (XElement c in commands)
        {
            Assert.Equal(order, c.Elements().Select(e => e.Name.LocalName).Where(order.Contains));
            string[] listed = c.Element(Command + "parameters")!.Elements(Command + "parameter").Select(p => p.Element(Maml + "name")!.Value).ToArray();
            Assert.Equal(listed.Distinct().Count(), listed.Length);
            foreach (XElement p in c.Descendants(Command + "syntaxItem").Elements(Command + "parameter"))
            {
                Assert.Contains(p.Element(Maml + "name")!.Value, listed);
                Assert.Matches(@"^(True \((ByPropertyName, ByValue|ByValue|ByPropertyName)\)|False)$", p.Attribute("pipelineInput")!.Value);
                Assert.NotNull(p.Element(Dev + "type"));
            }
            foreach (XElement e in c.Descendants(Command + "example"))
            {
                Assert.NotEmpty(e.Element(Dev + "code")!.Value);
                Assert.NotEmpty(e.Element(Dev + "remarks")!.Elements(Maml + "para"));
            }
            Assert.Contains(c.Descendants(Maml + "linkText"), l => l.Value == "about_LvsPS");
        }
    }
}
