using System.Management.Automation;
using System.Reflection;
using LvsPS.Testing;
using Xunit;

namespace LvsPS.Cmdlet.Tests;

public sealed class ManifestTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    private readonly PowerShellSession _ps = fixture.Session;

    private static readonly string[] MutatingVerbs = { VerbsCommon.New, VerbsCommon.Set, VerbsCommon.Remove, VerbsCommon.Add, VerbsCommon.Clear,
        VerbsData.Initialize, VerbsCommon.Reset, VerbsLifecycle.Enable, VerbsLifecycle.Disable,
        VerbsLifecycle.Start, VerbsLifecycle.Stop, VerbsLifecycle.Suspend, VerbsLifecycle.Resume, VerbsData.Import, VerbsData.Update };

    private CmdletInfo[] Exported() => _ps.Run("Get-Command -Module LvsPS").Select(o => o.BaseObject).OfType<CmdletInfo>().ToArray();

    [Fact]
    public void CmdletsToExport_is_exactly_the_cmdlets_the_module_exports()
    {
        string[] declared = ModuleFacts.Strings("CmdletsToExport").Order().ToArray();
        string[] exported = Exported().Select(c => c.Name).Order().ToArray();
        Assert.Equal(declared, exported);
        Assert.Equal(declared.Distinct().Count(), declared.Length); // no cmdlet listed twice
        // And every cmdlet class of the assembly is declared (none forgotten in the manifest).
        string[] implemented = Exported()[0].ImplementingType.Assembly.GetTypes()
            .Select(t => t.GetCustomAttribute<CmdletAttribute>()).OfType<CmdletAttribute>()
            .Select(a => $"{a.VerbName}-{a.NounName}").Order().ToArray();
        Assert.Equal(declared, implemented);
    }

    [Fact]
    public void No_functions_variables_or_aliases_are_exported()
    {
        foreach (string key in new[] { "FunctionsToExport", "VariablesToExport", "AliasesToExport" })
        {
            Assert.True(ModuleFacts.Manifest.ContainsKey(key), $"{key} must be explicit (@()), not left to the '*' default");
            Assert.Empty(ModuleFacts.Strings(key));
        }
        PSModuleInfo module = _ps.Run("Get-Module LvsPS").Select(o => o.BaseObject).OfType<PSModuleInfo>().Single();
        Assert.Empty(module.ExportedFunctions);
        Assert.Empty(module.ExportedVariables);
        Assert.Empty(module.ExportedAliases);
    }

    [Fact]
    public void Manifest_targets_PowerShell_Core_with_the_views()
    {
        Assert.Equal(new[] { "Core" }, ModuleFacts.Strings("CompatiblePSEditions"));
        Assert.Equal("7.4", ModuleFacts.Manifest["PowerShellVersion"]);
        Assert.Equal(new[] { "LvsPS.format.ps1xml" }, ModuleFacts.Strings("FormatsToProcess"));
        Assert.Equal("LvsPS.dll", ModuleFacts.Manifest["RootModule"]);
    }

    [Theory]
    [MemberData(nameof(ModuleFacts.Cmdlets), MemberType = typeof(ModuleFacts))]
    public void Every_cmdlet_declares_its_output_type(string name)
    {
        CmdletInfo cmdlet = Exported().Single(c => c.Name == name);
        Assert.NotEmpty(cmdlet.ImplementingType.GetCustomAttributes<OutputTypeAttribute>());
        Assert.NotEmpty(cmdlet.OutputType);
    }

    [Theory]
    [MemberData(nameof(ModuleFacts.Cmdlets), MemberType = typeof(ModuleFacts))]
    public void Mutating_cmdlets_support_ShouldProcess_and_readers_do_not(string name)
    {
        CmdletInfo cmdlet = Exported().Single(c => c.Name == name);
        CmdletAttribute attribute = cmdlet.ImplementingType.GetCustomAttribute<CmdletAttribute>()!;
        bool mutating = MutatingVerbs.Contains(cmdlet.Verb);
        Assert.Equal(mutating, attribute.SupportsShouldProcess);
        Assert.Equal(mutating, cmdlet.Parameters.ContainsKey("WhatIf"));
        Assert.Equal(mutating, cmdlet.Parameters.ContainsKey("Confirm"));
    }

    [Fact]
    public void Flushing_the_table_asks_first()
    {
        CmdletInfo clear = Exported().Single(c => c.Name == "Clear-LvsVirtualService");
        Assert.Equal(ConfirmImpact.High, clear.ImplementingType.GetCustomAttribute<CmdletAttribute>()!.ConfirmImpact);
    }

    [Theory]
    [MemberData(nameof(ModuleFacts.Cmdlets), MemberType = typeof(ModuleFacts))]
    public void Every_cmdlet_uses_an_approved_verb_and_the_Lvs_prefix(string name)
    {
        // Get-Verb is not in the hosted engine: the approved verbs are the constants of the Verbs* classes.
        HashSet<string> approved = new[] { typeof(VerbsCommon), typeof(VerbsData), typeof(VerbsLifecycle), typeof(VerbsDiagnostic),
                typeof(VerbsCommunications), typeof(VerbsSecurity), typeof(VerbsOther) }
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("Get", approved);
        CmdletInfo cmdlet = Exported().Single(c => c.Name == name);
        Assert.Contains(cmdlet.Verb, approved);
        Assert.StartsWith("Lvs", cmdlet.Noun, StringComparison.Ordinal);
        Assert.False(cmdlet.Noun.EndsWith('s'), $"{name}: nouns are singular");
    }

    [Theory]
    [MemberData(nameof(ModuleFacts.Cmdlets), MemberType = typeof(ModuleFacts))]
    public void Mandatory_parameters_carry_a_help_message(string name)
    {
        CmdletInfo cmdlet = Exported().Single(c => c.Name == name);
        foreach (CommandParameterInfo p in cmdlet.ParameterSets.SelectMany(s => s.Parameters).Where(p => p.IsMandatory))
            Assert.False(string.IsNullOrWhiteSpace(p.HelpMessage), $"{name} -{p.Name} is mandatory but has no HelpMessage");
    }
}
