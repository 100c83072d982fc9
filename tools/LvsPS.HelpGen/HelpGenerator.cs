using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace LvsPS.HelpGen;

/// <summary>
/// Loads the built module in a hosted runspace, reads each exported cmdlet's metadata and
/// merges the doc comments into MAML. Used by the console tool and, in-process, by the tests.
/// </summary>
public static class HelpGenerator
{
    public sealed record Result(string Maml, IReadOnlyList<CommandHelp> Commands, IReadOnlyList<string> Problems);

    /// <param name="manifestPath">out/LvsPS/LvsPS.psd1 (the built module).</param>
    /// <param name="xmlDocPath">The compiler's doc file of the module assembly (src/LvsPS/bin/Release/net8.0/LvsPS.xml).</param>
    public static Result Generate(string manifestPath, string xmlDocPath)
    {
        var iss = InitialSessionState.CreateDefault2();
        iss.ImportPSModule(manifestPath);
        using Runspace runspace = RunspaceFactory.CreateRunspace(iss);
        runspace.Open();
        using PowerShell ps = PowerShell.Create();
        ps.Runspace = runspace;
        string module = Path.GetFileNameWithoutExtension(manifestPath);
        List<CmdletInfo> cmdlets = ps.AddCommand("Get-Command").AddParameter("Module", module).AddParameter("CommandType", CommandTypes.Cmdlet)
            .Invoke().Select(o => o.BaseObject).OfType<CmdletInfo>()
            .OrderBy(c => c.Noun, StringComparer.Ordinal).ThenBy(c => c.Verb, StringComparer.Ordinal).ToList();
        if (ps.HadErrors || cmdlets.Count == 0)
            throw new InvalidOperationException($"Get-Command -Module {module} found no cmdlets in {manifestPath}: " +
                string.Join("; ", ps.Streams.Error.Select(e => e.ToString())));

        Dictionary<string, string> cmdletOfType = cmdlets.ToDictionary(c => "T:" + c.ImplementingType.FullName!.Replace('+', '.'), c => c.Name, StringComparer.Ordinal);
        var docs = new XmlDocs(xmlDocPath, cref => cmdletOfType.GetValueOrDefault(cref));
        var builder = new CommandHelpBuilder(docs);
        List<CommandHelp> commands = cmdlets.Select(builder.Build).ToList();
        return new Result(MamlWriter.Write(commands), commands, builder.Problems);
    }

    /// <summary>The repository root: the first directory above <paramref name="start"/> holding LvsPS.psd1.</summary>
    public static string FindRepoRoot(string start)
    {
        string? dir = Path.GetFullPath(start);
        while (dir != null && !File.Exists(Path.Combine(dir, "LvsPS.psd1")))
            dir = Path.GetDirectoryName(dir);
        return dir ?? throw new InvalidOperationException($"cannot find the repository root (LvsPS.psd1) above {start}");
    }

    public static string DefaultManifest(string root) => Path.Combine(root, "out", "LvsPS", "LvsPS.psd1");

    public static string DefaultXmlDoc(string root) => Path.Combine(root, "src", "LvsPS", "bin", "Release", "net8.0", "LvsPS.xml");

    public static string DefaultOutput(string root) => Path.Combine(root, "en-US", "LvsPS.dll-Help.xml");
}
