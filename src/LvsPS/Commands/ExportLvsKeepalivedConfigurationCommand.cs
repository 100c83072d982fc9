using System.Management.Automation;
using LvsPS.Native.Configuration.Director;
using LvsPS.Native.Configuration.Keepalived;
using LvsPS.Native.Files;
using LvsPS.Native.Ipvs;

namespace LvsPS.Commands;

/// <summary>Writes a keepalived.conf from LvsPS objects: an IPVS table, or a whole director read from another file.</summary>
/// <remarks>
/// <para>Where Export-LvsConfiguration writes ipvsadm-save rules, this writes the keepalived.conf that makes keepalived
/// build the same table (ipvsadm -Ln after keepalived starts shows it). The text is one keepalived 2.2.7 reads without a warning: protocol, scheduler and forwarding are always
/// written (keepalived announces each default it applies), DR and tunnel real servers carry the service's port,
/// every checker timing is written out. Settings LvsPS reads but does not act on (vrrp tunables, static routes,
/// use_vmac, ...) are written back as they were read.</para>
/// <para>Input: DirectorConfiguration objects (from Get-LvsKeepalivedConfiguration), or VirtualService objects
/// (from Get-LvsVirtualService, with their real servers). Without input, the whole IPVS table of the namespace is
/// written. What keepalived cannot express is left out with a warning: a service without real servers (keepalived
/// drops it), local forwarding (written as DR).</para>
/// <para>With -Path the file is replaced atomically (a temporary file in the same directory, flushed, then
/// renamed over it: a crash or a full disk leaves the old file or the new one, never half of one; the error is
/// ConfigurationFileNotWritten); without it the text goes to
/// the pipeline.</para>
/// </remarks>
/// <example title="Migrate a running director to keepalived">
/// <code>
/// Export-LvsKeepalivedConfiguration -Path /etc/keepalived/keepalived.conf
/// </code>
/// <para>Every service and real server of the IPVS table as virtual_server blocks (add checkers by hand or keep
/// them in LvsPS).</para>
/// </example>
/// <example title="Normalise a keepalived.conf">
/// <code>
/// Get-LvsKeepalivedConfiguration ./old.conf | Export-LvsKeepalivedConfiguration -Path ./clean.conf
/// </code>
/// <para>The same director without the warnings keepalived gave for old.conf (nb_get_retry outside HTTP_GET gone,
/// defaults written out).</para>
/// </example>
/// <input type="LvsPS.LvsVirtualService">Services to write (with their real servers).</input>
/// <input type="LvsPS.Native.Configuration.Director.DirectorConfiguration">A whole director to write.</input>
/// <output type="System.String">Without -Path, the keepalived.conf text. Nothing with -Path.</output>
/// <seealso cref="GetLvsKeepalivedConfigurationCommand"/>
/// <seealso cref="ExportLvsConfigurationCommand"/>
[Cmdlet(VerbsData.Export, "LvsKeepalivedConfiguration", DefaultParameterSetName = ServicesSet)]
[OutputType(typeof(string))]
public sealed class ExportLvsKeepalivedConfigurationCommand : LvsCmdletBase
{
    private const string ServicesSet = "Services";
    private const string DirectorSet = "Director";

    private readonly List<VirtualService> _services = new();
    private readonly List<DirectorConfiguration> _directors = new();

    /// <summary>The file to write. Without it the text is written to the pipeline.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>Services to write (from Get-LvsVirtualService, with their real servers, or their copies: Import-Clixml, Import-Csv rows, ConvertFrom-Json objects) instead of the namespace's IPVS table.</summary>
    [Parameter(ValueFromPipeline = true, ParameterSetName = ServicesSet)]
    public LvsVirtualService[]? InputObject { get; set; }

    /// <summary>A whole director to write (from Get-LvsKeepalivedConfiguration).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = DirectorSet, HelpMessage = "A DirectorConfiguration from Get-LvsKeepalivedConfiguration.")]
    public DirectorConfiguration Configuration { get; set; } = null!;

    protected override void ProcessRecord()
    {
        if (ParameterSetName == DirectorSet)
            _directors.Add(Configuration);
        else
            foreach (LvsVirtualService s in InputObject ?? [])
            {
                if (s.InputError is { } invalid)
                    WriteFailure(invalid, s.Target);
                else
                    _services.Add(s.Record);
            }
    }

    protected override void EndProcessing()
    {
        var notes = new List<string>();
        DirectorConfiguration? director = Build(notes);
        if (director == null)
            return;
        foreach (string note in notes)
            WriteWarning(note);
        string text = KeepalivedConfigurationWriter.Write(director);
        if (Path == null)
        {
            WriteObject(text);
            return;
        }
        string file = GetUnresolvedProviderPathFromPSPath(Path);
        WriteVerbose($"Writing {file}: {director.VirtualServers.Count} virtual servers, {director.VrrpInstances.Count} VRRP instances.");
        try
        {
            AtomicFile.WriteAllText(file, text);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError(ErrorMapper.Record(ErrorMapper.ConfigurationFileNotWritten,
                new IOException($"Cannot write {file}: {e.Message} The previous file, if any, is unchanged.", e), file));
        }
    }

    private DirectorConfiguration? Build(List<string> notes)
    {
        if (_directors.Count > 1)
            notes.Add($"{_directors.Count} directors were given; only the first is written.");
        if (_directors.Count > 0)
            return _directors[0];
        if (_services.Count > 0)
            return DirectorFromIpvs.Build(_services, notes);
        IReadOnlyList<VirtualService>? table = null;
        string? ns = ResolveNamespace(null);
        if (!TryRun(ns, () => table = Client(ns).GetVirtualServices(includeRealServers: true)))
            return null;
        return DirectorFromIpvs.Build(table!, notes);
    }
}
