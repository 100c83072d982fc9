using System.Globalization;
using System.Management.Automation;
using System.Text;
using LvsPS.Native.Configuration;
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
/// <para>With -Path the file is written (replaced if it exists); without it the text goes to the pipeline as one
/// string. VirtualService objects piped in (from Get-LvsVirtualService, with their real servers) are exported
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
                File.WriteAllText(file, text, new UTF8Encoding(false));
                WriteVerbose($"Wrote {file}.");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                WriteError(ErrorMapper.Record(ErrorMapper.ConfigurationFileNotWritten, e, file));
            }
        });
        base.EndProcessing();
    }

    /// <summary>Json for *.json, else the ipvsadm rules (also the default on the pipeline).</summary>
    internal static LvsConfigurationFormat FormatOf(string? path)
        => path is not null && path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? LvsConfigurationFormat.Json : LvsConfigurationFormat.IpvsadmRules;
}

/// <summary>Applies a saved IPVS configuration idempotently: only what differs is changed (ipvsadm-restore, without the flush).</summary>
/// <remarks>
/// <para>Import-LvsConfiguration replaces ipvsadm-restore. It reads ipvsadm rules (what ipvsadm-save and
/// Export-LvsConfiguration write, or rules written by hand: -A/-E/-D, -a/-e/-d, -C, --set) or LvsPS's JSON, compares
/// them with the kernel's table and applies only the difference, in one netlink batch: services and real servers
/// that already match are left alone (their connections and counters survive), changed ones are edited in place,
/// missing ones added. Importing the same file twice changes nothing the second time.</para>
/// <para>Nothing is removed unless -Replace is given: then services, real servers (and, from JSON, sync daemons)
/// that the file does not list are removed, and the table ends up exactly as the file describes it. A rules file
/// that starts with -C (ipvsadm --clear) describes a whole table and implies -Replace (-Replace:$false overrides).
/// Timeouts are set when the file has them (JSON timeouts, a --set line) and they differ. JSON sync daemons are
/// restarted when their settings differ (the kernel cannot change one in place).</para>
/// <para>The whole file is read and validated first: an error in it is ConfigurationFormatError (InvalidData)
/// whose message starts with file:line, and nothing is applied. -WhatIf prints the plan, one line per change
/// ('Create virtual service (scheduler wrr, persistent 20 s)' on target 'tcp/10.0.0.3:80'); -Confirm asks per
/// change. The kernel's refusal of one change is written as its own error and the rest is applied (a batch is not a
/// transaction). The output is a summary: Added, Changed, Removed, Unchanged, Failed.</para>
/// </remarks>
/// <example title="Restore at boot, like ipvsadm-restore">
/// <code>
/// Import-LvsConfiguration -Path /etc/ipvsadm.rules
/// </code>
/// <para>Applies the rules; services the file does not name are kept (add -Replace to remove them, as ipvsadm-restore
/// after ipvsadm -C would).</para>
/// </example>
/// <example title="Review, then converge a director to a file">
/// <code>
/// Import-LvsConfiguration ./director.json -Replace -WhatIf
/// Import-LvsConfiguration ./director.json -Replace
/// </code>
/// <para>The first line prints each change it would make; the second makes them and writes the summary
/// (Added Changed Removed Unchanged Failed).</para>
/// </example>
/// <example title="Idempotent from a configuration-management run">
/// <code>
/// $r = Import-LvsConfiguration /etc/lvs/web.rules
/// if (-not $r.NoChange) { "changed: $($r.Added) added, $($r.Changed) changed" }
/// </code>
/// <para>Reports a change only when the kernel's table differed from the file.</para>
/// </example>
/// <input type="None">This cmdlet takes no pipeline input.</input>
/// <output type="LvsPS.LvsImportResult">The counts of what was done; with -PassThru the resulting services instead. Nothing with -WhatIf.</output>
/// <output type="LvsPS.LvsVirtualService">With -PassThru, every service of the table afterwards.</output>
/// <seealso cref="ExportLvsConfigurationCommand"/>
/// <seealso cref="NewLvsVirtualServiceCommand"/>
/// <seealso cref="ClearLvsVirtualServiceCommand"/>
[Cmdlet(VerbsData.Import, "LvsConfiguration", SupportsShouldProcess = true)]
[OutputType(typeof(LvsImportResult), typeof(LvsVirtualService))]
public sealed class ImportLvsConfigurationCommand : LvsCmdletBase
{
    /// <summary>The file to apply: ipvsadm rules or LvsPS JSON.</summary>
    [Parameter(Mandatory = true, Position = 0, HelpMessage = "The rules or JSON file to apply.")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = null!;

    /// <summary>IpvsadmRules or Json. Without it: Json for a file ending in .json or starting with '{', else IpvsadmRules.</summary>
    [Parameter]
    public LvsConfigurationFormat Format { get; set; }

    /// <summary>Also removes the services and real servers (and, from JSON, sync daemons) the file does not list, so the table becomes exactly the file's. Implied by a rules file that starts with -C.</summary>
    [Parameter]
    public SwitchParameter Replace { get; set; }

    /// <summary>Writes every service of the table afterwards instead of the summary.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        string file = GetUnresolvedProviderPathFromPSPath(Path);
        if (!File.Exists(file))
        {
            WriteError(ErrorMapper.Record(ErrorMapper.ConfigurationFileNotFound, new ItemNotFoundException($"Cannot find the configuration file '{file}'."), Path));
            return;
        }
        if (Read(file) is not { } read)
            return;
        (LvsConfigurationFormat format, LvsConfiguration desired, bool clears) = read;
        bool replace = IsBound(nameof(Replace)) ? Replace : clears;
        if (clears && replace && !IsBound(nameof(Replace)))
            WriteVerbose("The file clears the table (-C): what it does not list is removed.");
        string? ns = ResolveNamespace(null);
        TryRun(file, () => Apply(file, format, desired, replace, ns));
    }

    private (LvsConfigurationFormat, LvsConfiguration, bool)? Read(string file)
    {
        try
        {
            LvsConfigurationFormat format = IsBound(nameof(Format)) ? Format : Sniff(file);
            WriteVerbose($"Reading {file} as {format}.");
            if (format == LvsConfigurationFormat.Json)
                return (format, LvsConfigurationJson.ReadFile(file), false);
            IpvsadmRuleSet rules = IpvsadmRulesReader.ReadFile(file);
            return (format, new LvsConfiguration { Services = rules.Services, Timeouts = rules.Timeouts }, rules.ClearsTable);
        }
        catch (ConfigurationFormatException e)
        {
            WriteFailure(e, file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError(ErrorMapper.Record(ErrorMapper.ConfigurationFileNotRead, e, file));
        }
        return null;
    }

    private void Apply(string file, LvsConfigurationFormat format, LvsConfiguration desired, bool replace, string? ns)
    {
        IIpvsClient client = Client(ns);
        var tally = new Tally();

        if (desired.Timeouts is { } timeouts)
            ApplyTimeouts(client, timeouts, tally);

        // Sync daemons are in the JSON only; the rules format leaves them alone.
        SyncDaemonPlan daemons = format == LvsConfigurationFormat.Json
            ? ConfigurationPlanner.PlanSyncDaemons(client.GetSyncDaemons(), desired.SyncDaemons, replace)
            : new SyncDaemonPlan(Array.Empty<SyncDaemonState>(), Array.Empty<SyncDaemon>());
        tally.Unchanged += desired.SyncDaemons.Count - daemons.Start.Count;
        foreach (SyncDaemonState state in daemons.Stop)
        {
            string target = $"{SyncDaemon.StateName(state)} sync daemon";
            if (!ShouldProcess(target, daemons.Start.Any(d => d.State == state) ? "Stop sync daemon (to restart it with new settings)" : "Stop sync daemon"))
                continue;
            try
            {
                client.StopSyncDaemon(state);
                if (!daemons.Start.Any(d => d.State == state))
                    tally.Removed++;
            }
            catch (IpvsException e)
            {
                tally.Failed++;
                WriteFailure(e, target);
            }
        }

        IReadOnlyList<IpvsChange> plan;
        try
        {
            plan = ConfigurationPlanner.Plan(client.GetVirtualServices(), desired.Services, replace);
        }
        catch (ArgumentException e) when (e is not IpvsValidationException)
        {
            throw new ConfigurationFormatException(file, 0, e.Message, e);
        }
        int objects = desired.Services.Count + desired.Services.Sum(s => s.RealServers.Count);
        tally.Unchanged += objects - plan.Count(c => c.Kind is not (IpvsChangeKind.RemoveService or IpvsChangeKind.RemoveRealServer));
        WriteVerbose(plan.Count == 0 ? "The services and real servers already match the file." : $"{plan.Count} changes to services and real servers.");
        var approved = plan.Where(c => ShouldProcess(c.Target, LvsFormat.Describe(c))).ToList();
        if (approved.Count > 0)
        {
            WriteVerbose($"Sending {approved.Count} changes in one batch.");
            foreach (IpvsChangeResult result in client.Apply(approved))
            {
                if (result.Error is { } error)
                {
                    tally.Failed++;
                    WriteFailure(error, result.Change.Target);
                }
                else if (result.Change.Kind is IpvsChangeKind.AddService or IpvsChangeKind.AddRealServer)
                    tally.Added++;
                else if (result.Change.Kind is IpvsChangeKind.UpdateService or IpvsChangeKind.UpdateRealServer)
                    tally.Changed++;
                else
                    tally.Removed++;
            }
        }

        foreach (SyncDaemon daemon in daemons.Start)
        {
            string target = $"{daemon.Name} sync daemon";
            if (!ShouldProcess(target, $"Start sync daemon ({StartLvsSyncDaemonCommand.Settings(daemon)})"))
                continue;
            try
            {
                client.StartSyncDaemon(daemon);
                if (daemons.Stop.Contains(daemon.State)) tally.Changed++; else tally.Added++;
            }
            catch (IpvsException e)
            {
                tally.Failed++;
                WriteFailure(e, target);
            }
        }

        if (IsWhatIf())
            return;
        if (PassThru)
            foreach (VirtualService s in IpvsadmOrder.Sort(client.GetVirtualServices()))
                WriteObject(new LvsVirtualService(s));
        else
            WriteObject(new LvsImportResult
            {
                Path = file, Format = format.ToString(), Added = tally.Added, Changed = tally.Changed, Removed = tally.Removed,
                Unchanged = tally.Unchanged, Failed = tally.Failed, NetworkNamespace = ns,
            });
    }

    private void ApplyTimeouts(IIpvsClient client, IpvsTimeouts wanted, Tally tally)
    {
        IpvsTimeouts current = client.GetTimeouts();
        // 0 means "leave unchanged" (ipvsadm --set), so only the non-zero values are compared.
        bool differs = (wanted.TcpSeconds != 0 && wanted.TcpSeconds != current.TcpSeconds)
            || (wanted.TcpFinSeconds != 0 && wanted.TcpFinSeconds != current.TcpFinSeconds)
            || (wanted.UdpSeconds != 0 && wanted.UdpSeconds != current.UdpSeconds);
        if (!differs)
        {
            tally.Unchanged++;
            return;
        }
        string text = string.Join(", ", new[] { ("tcp", wanted.TcpSeconds), ("tcpfin", wanted.TcpFinSeconds), ("udp", wanted.UdpSeconds) }
            .Where(t => t.Item2 != 0).Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Item1} {t.Item2} s")));
        if (!ShouldProcess("IPVS timeouts", $"Set timeouts ({text})"))
            return;
        client.SetTimeouts(wanted);
        tally.Changed++;
    }

    private bool IsWhatIf()
        => (MyInvocation.BoundParameters.TryGetValue("WhatIf", out object? w) && w is SwitchParameter s && s.IsPresent)
        || (!MyInvocation.BoundParameters.ContainsKey("WhatIf") && LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference")));

    /// <summary>Json for *.json or text starting with '{', else the ipvsadm rules.</summary>
    private static LvsConfigurationFormat Sniff(string file)
    {
        if (ExportLvsConfigurationCommand.FormatOf(file) == LvsConfigurationFormat.Json)
            return LvsConfigurationFormat.Json;
        using var reader = new StreamReader(file);
        int c;
        while ((c = reader.Read()) >= 0 && char.IsWhiteSpace((char)c)) { }
        return c == '{' ? LvsConfigurationFormat.Json : LvsConfigurationFormat.IpvsadmRules;
    }

    private sealed class Tally
    {
        public int Added, Changed, Removed, Unchanged, Failed;
    }
}
