using System.Management.Automation;
using LvsPS.Native.Configuration;
using LvsPS.Native.Configuration.Keepalived;
using LvsPS.Native.RouteNetlink;

namespace LvsPS.Keepalived;

/// <summary>
/// What the keepalived.conf cmdlets share: the file to read, the config id for <c>@id</c> lines, and
/// keepalived's host checks (interfaces of the target namespace, scripts that can run).
/// </summary>
public abstract class KeepalivedCmdletBase : LvsCmdletBase
{
    /// <summary>The keepalived.conf to read (its includes are read too, relative to it).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, HelpMessage = "The keepalived.conf to read, such as /etc/keepalived/keepalived.conf.")]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = null!;

    /// <summary>The id that @ID lines are kept for (keepalived's -i); the host name up to its first dot by default.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ConfigId { get; set; }

    /// <summary>Judge the file alone: do not check that its interfaces exist in the namespace and its scripts can run here.</summary>
    [Parameter]
    public SwitchParameter NoHostCheck { get; set; }

    /// <summary>Reads the file; findings go out as warnings (and verbose notices). Null when the file has errors (each written as an error).</summary>
    protected KeepalivedReadResult Read(out string file)
    {
        file = GetUnresolvedProviderPathFromPSPath(Path);
        KeepalivedReadOptions options = new() { ConfigId = ConfigId };
        if (!NoHostCheck)
        {
            string? ns = ResolveNamespace(null);
            HashSet<string>? links = ns == null ? null : LinkNames(ns);
            options = KeepalivedReadOptions.ForThisHost(ConfigId);
            if (links != null)
                options = options with { InterfaceExists = links.Contains };
        }
        WriteVerbose($"Reading {file}{(options.InterfaceExists == null ? " (no host checks)" : "")}.");
        return KeepalivedConfigurationReader.ReadFile(file, options);
    }

    private HashSet<string>? LinkNames(string ns)
    {
        HashSet<string>? names = null;
        TryRun(ns, () =>
        {
            using RouteNetlinkClient client = RouteNetlinkClient.Open(ns);
            names = client.GetLinks().Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        });
        return names;
    }

    /// <summary>Warnings as PowerShell warnings, notices as verbose lines, errors as ConfigurationFormatError records; true when there were no errors.</summary>
    protected bool Report(KeepalivedReadResult result, string file)
    {
        foreach (KeepalivedDiagnostic d in result.Diagnostics)
        {
            switch (d.Severity)
            {
                case DiagnosticSeverity.Notice:
                    WriteVerbose(d.ToString());
                    break;
                case DiagnosticSeverity.Warning:
                    WriteWarning(d.ToString());
                    break;
                default:
                    var error = new ConfigurationFormatException(d.Location.File, d.Location.Line, d.Message);
                    WriteError(ErrorMapper.Map(error, file).Record);
                    break;
            }
        }
        return !result.HasErrors;
    }
}
