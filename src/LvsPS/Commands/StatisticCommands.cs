using System.Management.Automation;
using LvsPS.Native.Ipvs;

namespace LvsPS.Commands;

/// <summary>Zeroes the traffic counters of one virtual service, or of all (ipvsadm -Z).</summary>
/// <remarks>
/// <para>Clear-LvsStatistic replaces ipvsadm -Z (--zero): with -VirtualService it zeroes the counters of that
/// service and its real servers (ipvsadm -Z -t 10.0.0.3:80); without, of every service and the global counters
/// of the namespace. The counters are the Statistics of the objects Get-LvsVirtualService and Get-LvsRealServer
/// write (ipvsadm --stats, --rate). Connections themselves are not touched.</para>
/// <para>A service that does not exist is VirtualServiceNotFound (ObjectNotFound).</para>
/// </remarks>
/// <example title="Zero every counter">
/// <code>
/// Clear-LvsStatistic
/// </code>
/// <para>The same as ipvsadm -Z.</para>
/// </example>
/// <example title="Zero one service, then read its rate a minute later">
/// <code>
/// Clear-LvsStatistic -VirtualService tcp/10.0.0.3:80
/// Start-Sleep -Seconds 60
/// (Get-LvsVirtualService tcp/10.0.0.3:80).Statistics.Connections
/// </code>
/// <para>Counts the connections of the last minute to tcp/10.0.0.3:80.</para>
/// </example>
/// <example title="Zero the services of a namespace that match">
/// <code>
/// Get-LvsVirtualService -NetworkNamespace lb1 | Where-Object Scheduler -eq 'sh' | Clear-LvsStatistic -WhatIf
/// </code>
/// <para>Each piped service binds to -VirtualService with its namespace; -WhatIf shows 'Zero the counters' for each.</para>
/// </example>
/// <input type="System.String">A service identity such as tcp/10.0.0.3:80, bound to -VirtualService.</input>
/// <input type="LvsPS.Native.Ipvs.VirtualService">A service from Get-LvsVirtualService (its namespace is used).</input>
/// <output type="None">This cmdlet writes no output.</output>
/// <seealso cref="GetLvsVirtualServiceCommand"/>
/// <seealso cref="GetLvsRealServerCommand"/>
[Cmdlet(VerbsCommon.Clear, "LvsStatistic", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(void))]
public sealed class ClearLvsStatisticCommand : LvsCmdletBase
{
    /// <summary>The virtual service whose counters (and those of its real servers) to zero: "tcp/10.0.0.3:80", "fwmark/3", or an object from Get-LvsVirtualService. Every service, and the global counters, when omitted.</summary>
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
