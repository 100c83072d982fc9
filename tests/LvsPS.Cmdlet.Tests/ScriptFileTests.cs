using System.Management.Automation.Language;
using System.Text.RegularExpressions;
using LvsPS.Testing;
using Xunit;

namespace LvsPS.Cmdlet.Tests;

/// <summary>
/// The repository's own scripts (build.ps1, the example runbooks) must parse: there is no pwsh here to
/// catch a syntax slip, so the engine's parser does. Scripts build.ps1 hands work to must exist.
/// </summary>
public sealed class ScriptFileTests
{
    public static IEnumerable<object[]> ScriptFiles =>
        new[] { "build.ps1" }
            .Concat(Directory.EnumerateFiles(Path.Combine(PowerShellSession.RepoRoot, "examples"), "*.ps1")
                .Select(p => Path.GetRelativePath(PowerShellSession.RepoRoot, p)))
            .Select(p => new object[] { p });

    [Theory]
    [MemberData(nameof(ScriptFiles))]
    public void Script_parses_without_errors(string relativePath)
    {
        Parser.ParseFile(Path.Combine(PowerShellSession.RepoRoot, relativePath), out _, out ParseError[] errors);
        Assert.True(errors.Length == 0,
            string.Join(Environment.NewLine, errors.Select(e => $"{relativePath}:{e.Extent.StartLineNumber}: {e.Message}")));
    }

    [Fact]
    public void Every_script_build_ps1_runs_exists()
    {
        string text = File.ReadAllText(Path.Combine(PowerShellSession.RepoRoot, "build.ps1"));
        string[] scripts = Regex.Matches(text, @"scripts/[\w.-]+\.sh").Select(m => m.Value).Distinct().ToArray();
        Assert.Contains("scripts/bench-conn.sh", scripts);
        foreach (string script in scripts)
            Assert.True(File.Exists(Path.Combine(PowerShellSession.RepoRoot, script)), $"build.ps1 runs {script}, which does not exist");
    }
}
