using System.Globalization;
using System.Management.Automation;
using System.Net;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Operations;

namespace LvsPS.Commands;

/// <summary>
/// What Suspend- and Resume-LvsRealServer share: the real server named like Set-LvsRealServer
/// names it (service, address, port; or piped from Get-LvsRealServer) and the store of previous weights.
/// </summary>
public abstract class DrainCmdletBase : RealServerSelectorCmdletBase
{
    private RealServerDrain? _drain;

    /// <summary>The drain operations over this cmdlet's clients, with the store of previous weights: /run/lvsps/drain, or $env:LVSPS_DRAIN_DIR.</summary>
    protected RealServerDrain Drain => _drain ??= new RealServerDrain(Client, PreviousWeightStore.Default);

    protected static RealServerRef Ref(Target t) => new(t.Namespace, t.Service, t.Address, t.Port);

    /// <summary>Writes that the service or the real server is missing; true when the lookup found it.</summary>
    protected bool Found(LookupOutcome outcome, Target t)
    {
        if (outcome == LookupOutcome.ServiceMissing)
            WriteError(ErrorMapper.ServiceNotFound(t.Service, t.Input));
        else if (outcome == LookupOutcome.RealServerMissing)
            WriteError(ErrorMapper.RealServerMissing(t.Identity, t.Input));
        return outcome == LookupOutcome.Found;
    }

    /// <summary>The real server with the weight it had before it was suspended, as the PreviousWeight property.</summary>
    protected static PSObject WithPreviousWeight(RealServer d, uint? previousWeight)
    {
        var o = new PSObject(new LvsRealServer(d));
        o.Properties.Add(new PSNoteProperty("PreviousWeight", previousWeight));
        return o;
    }
}

/// <summary>Takes real servers out of rotation (weight 0) keeping their weight, optionally waits until their connections are gone, then removes them if asked.</summary>
/// <remarks>
/// <para>Suspend-LvsRealServer is the safe form of ipvsadm -e ... -w 0: it sets the weight of each real server to 0, so
/// the scheduler sends it no new connections while established ones go on (persistent clients included, until their
/// templates expire), and remembers the weight it had. Resume-LvsRealServer puts that weight back. The weight is kept
/// in a small file per real server under /run/lvsps/drain (root only, cleared at reboot; $env:LVSPS_DRAIN_DIR moves
/// it), keyed by the -NetworkNamespace name and the real server's identity, so another session or a later script can
/// resume it. Suspending a real server that is already at weight 0 keeps the weight remembered before.</para>
/// <para>-Wait then polls the kernel every second until the ActiveConnections of every piped real server reach 0
/// (inactive entries, such as TIME_WAIT, do not count), showing progress, for at most -Timeout seconds. A real
/// server still busy then is a DrainTimeout error (OperationTimeout) and stays at weight 0. -Remove removes each
/// real server once it is drained (ipvsadm -d) and forgets its weight; it implies -Wait.</para>
/// <para>Real servers pipe in from Get-LvsRealServer; all of them are suspended first and then waited for together.
/// -PassThru writes each real server (after draining, when waiting) with a PreviousWeight property. A real server
/// that does not exist is RealServerNotFound, a missing service VirtualServiceNotFound.</para>
/// </remarks>
/// <example title="Take a real server out of every service for maintenance">
/// <code>
/// Get-LvsRealServer -Address 10.0.0.7 | Suspend-LvsRealServer -Wait -Timeout 600
/// # ... patch 10.0.0.7 ...
/// Get-LvsRealServer -Address 10.0.0.7 | Resume-LvsRealServer
/// </code>
/// <para>Weight 0 on each service of 10.0.0.7, then waits up to 10 minutes for its active connections to end;
/// Resume-LvsRealServer restores each remembered weight.</para>
/// </example>
/// <example title="Drain and decommission">
/// <code>
/// Suspend-LvsRealServer -VirtualService tcp/10.0.0.3:80 -Address 10.0.0.8 -Remove -Timeout 300
/// </code>
/// <para>Quiesces 10.0.0.8, waits for its connections to close, then removes it (ipvsadm -d).</para>
/// </example>
/// <example title="See the previous weights">
/// <code>
/// Get-LvsRealServer tcp/10.0.0.3:80 | Suspend-LvsRealServer -PassThru | Format-Table Endpoint, Weight, PreviousWeight
/// </code>
/// <para>Every real server of tcp/10.0.0.3:80 now has weight 0; PreviousWeight shows what Resume-LvsRealServer will restore.</para>
/// </example>
/// <parameter name="Timeout" default="300"/>
/// <input type="LvsPS.LvsRealServer">Real servers from Get-LvsRealServer: their VirtualService, Address and Port bind by property name.</input>
/// <input type="System.String">A service identity such as tcp/10.0.0.3:80, bound to -VirtualService.</input>
/// <output type="LvsPS.LvsRealServer">With -PassThru, each real server as the kernel reports it, with a PreviousWeight property. Nothing otherwise.</output>
/// <seealso cref="ResumeLvsRealServerCommand"/>
/// <seealso cref="SetLvsRealServerCommand"/>
/// <seealso cref="GetLvsConnectionCommand"/>
[Cmdlet(VerbsLifecycle.Suspend, "LvsRealServer", SupportsShouldProcess = true)]
[OutputType(typeof(LvsRealServer))]
public sealed class SuspendLvsRealServerCommand : DrainCmdletBase
{
    private readonly List<(Target Target, uint? PreviousWeight)> _suspended = new();

    /// <summary>Waits until the active connections of the real servers reach 0 (polling every second, with progress), for at most -Timeout seconds.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>How long -Wait (or -Remove) waits for the active connections to end, in seconds (fractions allowed), 1 or more. A real server still busy then is a DrainTimeout error and stays at weight 0.</summary>
    [Parameter]
    [ValidateRange(1.0, int.MaxValue)]
    public double Timeout { get; set; } = 300;

    /// <summary>Removes each real server once drained (ipvsadm -d) and forgets its weight. Implies -Wait.</summary>
    [Parameter]
    public SwitchParameter Remove { get; set; }

    /// <summary>Writes each real server as the kernel reports it, with a PreviousWeight property (after draining when waiting).</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (BindTarget() is not { } t)
            return;
        TryRun(t.Identity, () =>
        {
            SuspendOutcome o = Drain.Suspend(Ref(t), current => ShouldProcess(t.Identity,
                current.Weight > 0 ? $"Suspend real server (weight {current.Weight} -> 0)" : "Suspend real server (already weight 0)"));
            if (!Found(o.Lookup, t))
                return;
            if (o.Before!.Weight == 0 && o.PreviousWeight is null)
                WriteWarning($"{t.Identity} already has weight 0 and no previous weight is remembered: give Resume-LvsRealServer a -Weight.");
            if (!o.Suspended)
                return;
            if (o.Before.Weight > 0)
                WriteVerbose($"Sent SET_DEST {t.Identity}: weight 0 (was {o.Before.Weight}, kept in {Drain.Store.PathOf(t.Namespace, t.Service, t.Address, t.Port)}).");
            _suspended.Add((t, o.PreviousWeight));
            if (PassThru && !Wait && !Remove && ReadRealServer(t.Namespace, t.Service, t.Address, t.Port, t.Identity) is { } after)
                WriteObject(WithPreviousWeight(after, o.PreviousWeight));
        });
    }

    protected override void EndProcessing()
    {
        if ((Wait || Remove) && _suspended.Count > 0)
            WaitForDrain();
        base.EndProcessing();
    }

    private void WaitForDrain()
    {
        var previousWeights = _suspended.GroupBy(s => Ref(s.Target)).ToDictionary(g => g.Key, g => g.First());
        var progress = new ProgressRecord(1, "Draining real servers", "Waiting for active connections to end");
        WriteVerbose($"Waiting up to {Timeout} s for the active connections of {_suspended.Count} real servers to end.");
        DrainResult result = new DrainWatch(Client).Wait(previousWeights.Keys.ToList(), TimeSpan.FromSeconds(Timeout), p =>
        {
            progress.StatusDescription = string.Create(CultureInfo.InvariantCulture,
                $"{p.Drained} of {p.Total} drained; {p.ActiveLeft} active connections left on {string.Join(", ", p.Busy.Select(b => b.Identity))}");
            progress.PercentComplete = 100 * p.Drained / p.Total;
            progress.SecondsRemaining = Math.Max(0, (int)p.Remaining.TotalSeconds);
            WriteProgress(progress);
        }, CancellationToken);
        progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(progress);

        foreach ((RealServerRef target, RealServer? last) in result.Busy)
        {
            Target t = previousWeights[target].Target;
            string message = string.Create(CultureInfo.InvariantCulture,
                $"{t.Identity} still has {last?.ActiveConnections} active connections after {Timeout} s; it stays at weight 0.");
            WriteError(ErrorMapper.Record(ErrorMapper.DrainTimeout, new TimeoutException(message), t.Input));
        }
        foreach ((RealServerRef target, RealServer? last) in result.Drained)
        {
            (Target t, uint? previous) = previousWeights[target];
            WriteVerbose(last is null ? $"{t.Identity} is gone." : $"{t.Identity} has no active connection left ({last.InactiveConnections} inactive).");
            if (Remove && last is not null)
            {
                if (!ShouldProcess(t.Identity, "Remove drained real server"))
                    continue;
                WriteVerbose($"Sending DEL_DEST {t.Identity}.");
                DrainStateException? forgetFailed = null;
                if (!TryRun(t.Identity, () => forgetFailed = Drain.Remove(target)))
                    continue;
                if (forgetFailed is not null)
                    WriteFailure(forgetFailed, t.Identity);
            }
            if (PassThru && last is not null)
                WriteObject(WithPreviousWeight(last, previous));
        }
    }
}

/// <summary>Puts suspended real servers back into rotation with the weight they had (or -Weight), and forgets it.</summary>
/// <remarks>
/// <para>Resume-LvsRealServer undoes Suspend-LvsRealServer: it sets each real server's weight back to the one
/// Suspend-LvsRealServer remembered (under /run/lvsps/drain, or $env:LVSPS_DRAIN_DIR) and deletes that record. -Weight
/// gives the weight explicitly instead (ipvsadm -e ... -w N), for a real server suspended some other way. Only the
/// weight changes; forwarding, thresholds and tunnel settings are kept.</para>
/// <para>Without a remembered weight and without -Weight the error is NoPreviousWeight (ObjectNotFound). A real
/// server that does not exist is RealServerNotFound, a missing service VirtualServiceNotFound; the remembered weight
/// is then kept.</para>
/// </remarks>
/// <example title="Back into rotation">
/// <code>
/// Resume-LvsRealServer -VirtualService tcp/10.0.0.3:80 -Address 10.0.0.7 -PassThru
/// </code>
/// <para>Restores the weight 10.0.0.7 had before Suspend-LvsRealServer (ipvsadm -e -t 10.0.0.3:80 -r 10.0.0.7 -w N).</para>
/// </example>
/// <example title="Resume every suspended real server of a host">
/// <code>
/// Get-LvsRealServer -Address 10.0.0.7 | Where-Object Weight -eq 0 | Resume-LvsRealServer -WhatIf
/// </code>
/// <para>Shows 'Resume real server (weight 0 -> 5)' for each; drop -WhatIf to do it.</para>
/// </example>
/// <example title="A new weight instead of the old one">
/// <code>
/// Resume-LvsRealServer tcp/10.0.0.3:80 10.0.0.7 -Weight 2
/// </code>
/// <para>Puts 10.0.0.7 back with weight 2 and forgets the remembered weight.</para>
/// </example>
/// <parameter name="Weight" default="The remembered weight"/>
/// <input type="LvsPS.LvsRealServer">Real servers from Get-LvsRealServer: their VirtualService, Address and Port bind by property name.</input>
/// <input type="System.String">A service identity such as tcp/10.0.0.3:80, bound to -VirtualService.</input>
/// <output type="LvsPS.LvsRealServer">With -PassThru, the real server as the kernel reports it afterwards. Nothing otherwise.</output>
/// <seealso cref="SuspendLvsRealServerCommand"/>
/// <seealso cref="SetLvsRealServerCommand"/>
[Cmdlet(VerbsLifecycle.Resume, "LvsRealServer", SupportsShouldProcess = true)]
[OutputType(typeof(LvsRealServer))]
public sealed class ResumeLvsRealServerCommand : DrainCmdletBase
{
    /// <summary>The weight to put back (ipvsadm -w), 0 to 65535, instead of the remembered one.</summary>
    [Parameter]
    [ValidateRange(0, 65535)]
    public int Weight { get; set; }

    /// <summary>Writes the real server as the kernel reports it afterwards.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (BindTarget() is not { } t)
            return;
        TryRun(t.Identity, () =>
        {
            ResumeOutcome o = Drain.Resume(Ref(t), IsBound(nameof(Weight)) ? (uint)Weight : null,
                (current, weight) => ShouldProcess(t.Identity, $"Resume real server (weight {current.Weight} -> {weight})"));
            if (o.Weight is null)
            {
                WriteError(ErrorMapper.Record(ErrorMapper.NoPreviousWeight, new ItemNotFoundException(
                    $"No previous weight of {t.Identity} is remembered (it was not suspended with Suspend-LvsRealServer, or was resumed already)."), t.Input));
                return;
            }
            if (!Found(o.Lookup, t) || !o.Resumed)
                return;
            WriteVerbose($"Sent SET_DEST {t.Identity}: weight {o.Weight} (was {o.Before!.Weight}).");
            if (o.ForgetFailed is { } forgetFailed)
                WriteFailure(forgetFailed, t.Identity);
            if (PassThru && ReadRealServer(t.Namespace, t.Service, t.Address, t.Port, t.Identity) is { } after)
                WriteObject(new LvsRealServer(after));
        });
    }
}
