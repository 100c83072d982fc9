using System.Collections;
using System.Management.Automation.Language;
using LvsPS.Testing;

namespace LvsPS.Cmdlet.Tests;

/// <summary>What the manifest (LvsPS.psd1 at the repository root) declares, read with the PowerShell parser.</summary>
public static class ModuleFacts
{
    private static readonly Lazy<Hashtable> s_manifest = new(() =>
    {
        string path = Path.Combine(PowerShellSession.RepoRoot, "LvsPS.psd1");
        ScriptBlockAst ast = Parser.ParseFile(path, out _, out ParseError[] errors);
        if (errors.Length > 0)
            throw new InvalidOperationException($"{path}: {errors[0].Message}");
        var table = (HashtableAst)ast.Find(a => a is HashtableAst, searchNestedScriptBlocks: false)!;
        return (Hashtable)table.SafeGetValue();
    });

    public static Hashtable Manifest => s_manifest.Value;

    public static string[] Strings(string key) => Manifest[key] switch
    {
        null => Array.Empty<string>(),
        string s => new[] { s },
        object[] a => a.Select(x => (string)x).ToArray(),
        var other => throw new InvalidOperationException($"{key} is a {other.GetType()}"),
    };

    public static IEnumerable<object[]> Cmdlets => Strings("CmdletsToExport").Select(c => new object[] { c });
}
