using System.Globalization;
using System.Management.Automation;
using LvsPS.Native.Configuration;
using LvsPS.Native.Files;
using LvsPS.Native.Ipvs;

namespace LvsPS.Commands;

/// <summary>Saves the IPVS configuration as ipvsadm-save rules or as lossless JSON (ipvsadm-save -n, and what it drops).</summary>
/// <remarks>
/// <para>Export-LvsConfiguration replaces ipvsadm-save -n (ipvsadm -S -n). -Format IpvsadmRules writes the -A/-a rules
/// that ipvsadm-restore and Import-LvsConfiguration read, numeric and sorted as ipvsadm sorts them. Unlike
/// ipvsadm-save it keeps the real servers' connection thresholds (-x, -y, which ipvsadm-restore accepts);
/// -NoThreshold leaves them out, and the output is then byte for byte what ipvsadm-save prints.</para>
/// <para>-Format Json writes LvsPS's lossless format: services and real servers with thresholds and tunnel settings,
/// the timeouts (ipvsadm --set) and the sync daemons, everything ipvsadm-save drops. Without -Format, a -Path
/// ending in .json means Json, anything else IpvsadmRules.</para>
/// <para>With -Path the file is written atomically: into a temporary file beside it, flushed to disk, then renamed
/// over the old one, so a full disk or a crash leaves the previous file intact (ConfigurationFileNotWritten says
/// so); without -Path the text goes to the pipeline as one string. VirtualService objects piped in (from Get-LvsVirtualService, with their real servers) are exported
/// instead of the whole table: a subset, or a table from another namespace. Timeouts and sync daemons are
/// exported only with the whole table.</para>
/// </remarks>
/// <example title="Save like ipvsadm-save">
/// <code>
/// Export-LvsConfiguration -Path /etc/ipvsadm.rules -NoThreshold
/// </code>
/// <para>Writes what ipvsadm-save -n &gt; /etc/ipvsadm.rules would, for ipvsadm-restore at boot.</para>
/// </example>
/// <example title="A lossless backup before a change">
/// <code>
/// Export-LvsConfiguration -Path ./before.json
/// </code>
/// <para>Keeps thresholds, tunnel settings, timeouts and sync daemons; Import-LvsConfiguration ./before.json -Replace
/// puts the director back exactly.</para>
/// </example>
/// <example title="Copy the services of one VIP to another namespace">
/// <code>
/// Get-LvsVirtualService | Where-Object Address -eq 10.0.0.3 | Export-LvsConfiguration |
///     Set-Content vip3.rules
/// Import-LvsConfiguration vip3.rules -NetworkNamespace lb2
/// </code>
/// <para>Exports only the piped services, as rules text on the pipeline, and applies them in lb2.</para>
/// </example>
/// <input type="LvsPS.LvsVirtualService">Services to export instead of the whole table, bound to -InputObject.</input>
/// <output type="System.String">Without -Path, the rules or JSON text. Nothing with -Path.</output>
/// <seealso cref="ImportLvsConfigurationCommand"/>
/// <seealso cref="GetLvsVirtualServiceCommand"/>
[Cmdlet(VerbsData.Export, "LvsConfiguration")]
[OutputType(typeof(string))]
public sealed class ExportLvsConfigurationCommand : LvsCmdletBase
{
    private readonly List<VirtualService> _piped = new();

    /// <summary>The file to write. Without it the text is written to the pipeline.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = null!;

    /// <summary>IpvsadmRules (ipvsadm-save -n) or Json (lossless: thresholds, tunnel settings, timeouts, sync daemons). Without it: Json for a -Path ending in .json, else IpvsadmRules.</summary>
    [Parameter]
    public LvsConfigurationFormat Format { get; set; }

    /// <summary>Leaves the real servers' thresholds (-x, -y) out of the rules, so the output is exactly ipvsadm-save -n's. Only with the IpvsadmRules format.</summary>
    [Parameter]
    public SwitchParameter NoThreshold { get; set; }

    /// <summary>Services to export instead of the whole table, with their real servers (from Get-LvsVirtualService; -NoRealServer objects export without real servers).</summary>
    [Parameter(ValueFromPipeline = true)]
    public LvsVirtualService[] InputObject { get; set; } = null!;

    protected override void ProcessRecord()
    {
        foreach (LvsVirtualService? s in InputObject ?? Array.Empty<LvsVirtualService>())
        {
            if (s?.InputError is { } invalid)
                WriteFailure(invalid, s.Target);
            else if (s is not null)
                _piped.Add(s.Record);
        }
    }

    protected override void EndProcessing()
    {
        string? ns = ResolveNamespace(null);
        LvsConfigurationFormat format = IsBound(nameof(Format)) ? Format : FormatOf(Path);
        if (NoThreshold && format == LvsConfigurationFormat.Json)
            WriteWarning("-NoThreshold applies to the IpvsadmRules format only; the JSON keeps the thresholds.");
        TryRun((object?)Path ?? ns, () =>
        {
            LvsConfiguration configuration;
            if (IsBound(nameof(InputObject)) || _piped.Count > 0)
            {
                configuration = new LvsConfiguration { Services = IpvsadmOrder.Sort(_piped) };
            }
            else
            {
                WriteVerbose("Reading services, real servers, timeouts and sync daemons.");
                configuration = LvsConfiguration.Capture(Client(ns));
            }
            string text = format == LvsConfigurationFormat.Json
                ? LvsConfigurationJson.Write(configuration)
                : IpvsadmRulesWriter.Write(configuration.Services, includeThresholds: !NoThreshold);
            WriteVerbose(string.Create(CultureInfo.InvariantCulture,
                $"{format}: {configuration.Services.Count} services, {configuration.Services.Sum(s => s.RealServers.Count)} real servers."));
            if (Path is null)
            {
                WriteObject(text);
                return;
            }
            string file = GetUnresolvedProviderPathFromPSPath(Path);
            try
            {
                AtomicFile.WriteAllText(file, text);
                WriteVerbose($"Wrote {file}.");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                WriteError(ErrorMapper.Record(ErrorMapper.ConfigurationFileNotWritten,
                    new IOException($"Cannot write {file}: {e.Message} The previous file, if any, is unchanged.", e), file));
            }
        });
        base.EndProcessing();
    }

    /// <summary>Json for *.json, else the ipvsadm rules (also the default on the pipeline).</summary>
    internal static LvsConfigurationFormat FormatOf(string? path)
        => path is not null && path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? LvsConfigurationFormat.Json : LvsConfigurationFormat.IpvsadmRules;
}
