using System.Management.Automation;
using LvsPS.Native.Ipvs;

namespace LvsPS.Commands;

/// <summary>
/// <para type="synopsis">Zeroes the traffic counters of one virtual service, or of all (ipvsadm -Z).</para>
/// </summary>
[Cmdlet(VerbsCommon.Clear, "LvsStatistic", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(void))]
public sealed class ClearLvsStatisticCommand : LvsCmdletBase
{
    /// <summary>The service whose counters to zero; every service (and the global counters) when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(VirtualServiceCompleter))]
    public VirtualServiceIdentity VirtualService { get; set; } = null!;

    protected override void ProcessRecord()
    {
        VirtualServiceKey? key = VirtualService?.Key;
        string? ns = ResolveNamespace(VirtualService?.NetworkNamespace);
        string target = key?.ToString() ?? (ns is null ? "all virtual services" : $"all virtual services of network namespace '{ns}'");
        if (!ShouldProcess(target, "Zero the counters"))
            return;
        WriteVerbose($"Sending ZERO for {target}.");
        TryRun((object?)VirtualService ?? target, () => Client(ns).ZeroCounters(key));
    }
}
