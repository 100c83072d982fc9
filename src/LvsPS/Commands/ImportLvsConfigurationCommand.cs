using System.Globalization;
using System.Management.Automation;
using LvsPS.Native.Configuration;
using LvsPS.Native.DesiredState;
using LvsPS.Native.Ipvs;

namespace LvsPS.Commands;

/// <summary>Applies a saved IPVS configuration idempotently: only what differs is changed (ipvsadm-restore, without the flush).</summary>
/// <remarks>
/// <para>Import-LvsConfiguration replaces ipvsadm-restore. It reads ipvsadm rules (what ipvsadm-save and
/// Export-LvsConfiguration write, or rules written by hand: -A/-E/-D, -a/-e/-d, -C, --set) or LvsPS's JSON, compares
/// them with the kernel's table and applies only the difference: services and real servers that already match are
/// left alone (their connections and counters survive), changed ones are edited in place, missing ones added.
/// Importing the same file twice changes nothing the second time.</para>
/// <para>Nothing is removed unless -Replace is given: then services, real servers (and, from JSON, sync daemons)
/// that the file does not list are removed, and the table ends up exactly as the file describes it. A rules file
/// that starts with -C (ipvsadm --clear) describes a whole table and implies -Replace (-Replace:$false overrides).
/// Timeouts are set when the file has them (JSON timeouts, a --set line) and they differ. JSON sync daemons are
/// restarted when their settings differ (the kernel cannot change one in place).</para>
/// <para>The order keeps every service served: new real servers and weights go in before old ones are quiesced or
/// removed, and nothing is removed before the kernel has answered every addition; a removal that would leave a
/// service without real servers because its replacement was refused is held back (a warning says which). Changes
/// go in batches of 500 with progress; Ctrl+C stops between batches and says exactly what was applied, every
/// service still served. The kernel's refusal of one change is written as its own error and the rest is applied
/// (a batch is not a transaction).</para>
/// <para>-Replace removes what the file does not list, so it asks for confirmation first, as a high-impact
/// change (-Confirm:$false or -Force in scripts). A session that cannot ask (pwsh -NonInteractive, a scheduled job)
/// stops with ReplaceNotConfirmed (InvalidOperation) before anything is changed. The whole file is read and checked first, nothing applied on any
/// problem: an error in it is ConfigurationFormatError (InvalidData) whose message starts with file:line; a file
/// larger than 64 MiB is ConfigurationFileTooLarge; a directory is ConfigurationFileIsDirectory. A rules file whose
/// last line has no line break may have been cut short mid-rule (ConfigurationFileTruncated), and an empty file
/// with -Replace would clear the table (ConfigurationFileEmpty): both are refused unless -Force.</para>
/// <para>-WhatIf prints the plan in the order it would be applied, one line per change ('Create virtual service
/// (scheduler wrr, persistent 20 s)' on target 'tcp/10.0.0.3:80'); -Confirm asks per change. The output is a
/// summary: Added, Changed, Removed, Unchanged, Failed, HeldBack, NotApplied.</para>
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
/// Import-LvsConfiguration ./director.json -Replace -Confirm:$false
/// </code>
/// <para>The first line prints each change it would make, in order; the second makes them without asking and writes
/// the summary (Added Changed Removed Unchanged Failed HeldBack NotApplied).</para>
/// </example>
/// <example title="Replace from a script that runs unattended">
/// <code>
/// pwsh -NonInteractive -Command 'Import-LvsConfiguration /etc/lvs/web.rules -Replace -Confirm:$false'
/// </code>
/// <para>Without -Confirm:$false (or -Force) a non-interactive session cannot answer the confirmation that -Replace asks
/// for: the command stops with ReplaceNotConfirmed, nothing changed, and the recommendation names both switches.</para>
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

    /// <summary>Also removes the services and real servers (and, from JSON, sync daemons) the file does not list, so the table becomes exactly the file's. Implied by a rules file that starts with -C. Asks for confirmation first (-Confirm:$false or -Force to skip).</summary>
    [Parameter]
    public SwitchParameter Replace { get; set; }

    /// <summary>Applies a file that looks like an accident (a last line without its line break; an empty file with -Replace) and does not ask before -Replace removes anything.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Writes every service of the table afterwards instead of the summary.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        string file = GetUnresolvedProviderPathFromPSPath(Path);
        ConfigurationSource? source = null;
        if (!TryRun(file, () =>
            {
                WriteVerbose($"Reading {file}{(IsBound(nameof(Format)) ? $" as {Format}" : "")}.");
                source = ConfigurationSource.Read(file, IsBound(nameof(Format)) ? ToCore(Format) : null);
            }))
            return;
        bool replace = IsBound(nameof(Replace)) ? Replace : source!.ClearsTable;
        if (source!.ClearsTable && replace && !IsBound(nameof(Replace)))
            WriteVerbose("The file clears the table (-C): what it does not list is removed.");
        string? ns = ResolveNamespace(null);
        TryRun(file, () => Apply(source, replace, ns));
    }

    private void Apply(ConfigurationSource source, bool replace, string? ns)
    {
        IIpvsClient client = Client(ns);
        IpvsSnapshot desired = source.Desired;
        IpvsPlan plan;
        try
        {
            plan = DesiredStatePlanner.Plan(IpvsSnapshot.CaptureFor(client, desired), desired, replace);
        }
        catch (ArgumentException e) when (e is not IpvsValidationException)
        {
            throw new ConfigurationFormatException(source.Path, 0, e.Message, e);
        }
        if (!Force && source.DoubtAbout(plan, replace) is { } doubt)
            throw doubt;
        WriteVerbose(plan.IsEmpty ? "The table already matches the file." : string.Create(CultureInfo.InvariantCulture,
            $"{plan.Steps.Count} changes ({plan.Removals} objects removed), {plan.Unchanged} objects already match."));
        if (IsWhatIf())
        {
            foreach (PlanStep step in plan.Steps)
                ShouldProcess(step.Target, LvsFormat.Describe(step));
            return;
        }
        if (replace && plan.Removals > 0 && !ConfirmReplace(source.Path, plan))
            return;
        ApplyReport report = new PlanApplier(client) { ChunkSize = ChunkChanges, Approve = Approve, Progress = p => ShowProgress(p, ns) }
            .Apply(plan, CancellationToken);
        Report(source, report, ns);
        if (PassThru)
            foreach (VirtualService s in IpvsadmOrder.Sort(client.GetVirtualServices()))
                WriteObject(new LvsVirtualService(s));
        else
            WriteObject(new LvsImportResult
            {
                Path = source.Path, Format = FromCore(source.Format).ToString(), Added = report.Added, Changed = report.Changed, Removed = report.Removed,
                Unchanged = report.Unchanged, Failed = report.Refused, HeldBack = report.HeldBack, NotApplied = report.NotApplied, NetworkNamespace = ns,
            });
    }

    /// <summary>-Replace is a high-impact change: asked for once, unless -Force, -Confirm:$false or $ConfirmPreference = 'None'.</summary>
    private bool ConfirmReplace(string file, IpvsPlan plan)
    {
        if (Force || IsBound("Confirm"))
            return true; // -Confirm (asks per change) or -Confirm:$false (does not ask)
        if (SessionState.PSVariable.GetValue("ConfirmPreference") is ConfirmImpact.None)
            return true;
        string question = string.Create(CultureInfo.InvariantCulture,
            $"Replacing the IPVS table with {file} removes {plan.Removals} objects it does not list (services, real servers, sync daemons) and makes {plan.Steps.Count} changes in all.");
        try
        {
            return ShouldContinue(question, "Replace the IPVS table?");
        }
        catch (Exception e) when (e is PSInvalidOperationException or System.Management.Automation.Host.HostException)
        {
            // The host cannot ask (pwsh -NonInteractive, a service's runspace): refuse before anything is sent.
            ThrowTerminatingError(ErrorMapper.Record(ErrorMapper.ReplaceNotConfirmed, new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"{question} That needs confirmation, which this session cannot ask for (it is non-interactive): nothing was changed."), e), file));
            throw; // not reached: ThrowTerminatingError always throws
        }
    }

    /// <summary>ShouldProcess per step; a pipeline stopped while asking cancels the run (nothing more is sent).</summary>
    private bool Approve(PlanStep step)
    {
        try
        {
            return ShouldProcess(step.Target, LvsFormat.Describe(step));
        }
        catch (PipelineStoppedException)
        {
            throw new OperationCanceledException();
        }
    }

    private void ShowProgress(ApplyProgress p, string? ns)
    {
        if (p.StepsTotal <= ChunkChanges || CancellationToken.IsCancellationRequested)
            return;
        try
        {
            WriteProgress(new ProgressRecord(ProgressActivityId, "Importing the IPVS configuration", string.Create(CultureInfo.InvariantCulture,
                $"{p.StepsDone} of {p.StepsTotal} changes done ({p.Applied} applied, {p.Refused} refused)"))
            {
                PercentComplete = p.StepsDone * 100 / p.StepsTotal,
                CurrentOperation = ns is null ? null : $"Network namespace '{ns}'",
                RecordType = p.StepsDone == p.StepsTotal ? ProgressRecordType.Completed : ProgressRecordType.Processing,
            });
        }
        catch (PipelineStoppedException)
        {
            // Ctrl+C came between two batches: the applier stops before the next one.
        }
    }

    /// <summary>Refusals as errors, held-back removals as warnings; a cancelled or stopped run says exactly where it stopped.</summary>
    private void Report(ConfigurationSource source, ApplyReport report, string? ns)
    {
        foreach (StepOutcome o in report.With(StepStatus.Refused))
            WriteFailure(o.Error!, o.Step.Target);
        foreach (StepOutcome o in report.With(StepStatus.HeldBack))
            WriteWarning($"{o.Step.Target} was kept: removing it would have left its service without real servers (or without one taking connections), because what was to replace it was refused or not confirmed.");
        if (report.Cancelled || report.StoppedBy is not null)
        {
            string summary = $"Import of {source.Path} {(report.Cancelled ? "stopped" : "failed")} " + string.Create(CultureInfo.InvariantCulture,
                $"after {report.Outcomes.Count - report.NotApplied} of {report.Outcomes.Count} changes: {report.Added} added, {report.Changed} changed, {report.Removed} removed, {report.Refused} refused, {report.NotApplied} not applied.")
                + " Every service that had real servers still has them; import the file again to finish.";
            if (report.Cancelled)
                Host.UI.WriteWarningLine(summary); // the pipeline is stopping: only the host still listens
            else
                WriteWarning(summary);
        }
        if (report.StoppedBy is { } failure)
            WriteFailure(failure, ns ?? source.Path);
    }

    private const int ProgressActivityId = 0x1f6;

    private bool IsWhatIf()
        => (MyInvocation.BoundParameters.TryGetValue("WhatIf", out object? w) && w is SwitchParameter s && s.IsPresent)
        || (!MyInvocation.BoundParameters.ContainsKey("WhatIf") && LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference")));

    internal static ConfigurationFormat ToCore(LvsConfigurationFormat format)
        => format == LvsConfigurationFormat.Json ? ConfigurationFormat.Json : ConfigurationFormat.IpvsadmRules;

    private static LvsConfigurationFormat FromCore(ConfigurationFormat format)
        => format == ConfigurationFormat.Json ? LvsConfigurationFormat.Json : LvsConfigurationFormat.IpvsadmRules;
}
