using System.Management.Automation;
using LvsPS.Native.Configuration;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Proc;

namespace LvsPS.Commands;

/// <summary>Zeroes the traffic counters of one virtual service, or of all (ipvsadm -Z).</summary>
/// <remarks>
/// <para>Clear-LvsStatistic replaces ipvsadm -Z (--zero): with -VirtualService it zeroes the counters of that
/// service and its real servers (ipvsadm -Z -t 10.0.0.3:80); without, of every service and the global counters
/// of the namespace. The counters are those of Get-LvsStatistic (ipvsadm --stats, --rate), also properties of
/// the objects Get-LvsVirtualService and Get-LvsRealServer write. Connections themselves are not touched.</para>
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
/// (Get-LvsVirtualService tcp/10.0.0.3:80).Connections
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
/// <input type="LvsPS.LvsVirtualService">A service from Get-LvsVirtualService (its namespace is used).</input>
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
    [VirtualServiceTransformation]
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

/// <summary>Reads traffic counters and rates of the whole table, of services and of real servers as flat rows (ipvsadm -Ln --stats, --rate).</summary>
/// <remarks>
/// <para>Get-LvsStatistic replaces ipvsadm -L -n --stats and --rate. It writes one LvsStatistic row per object, with
/// Kind (Global, Service or RealServer), Name (total, tcp/10.0.0.3:80, tcp/10.0.0.3:80 -> 10.0.0.7:80), the 64-bit
/// counters Connections, InPackets, OutPackets, InBytes, OutBytes and the rates ConnectionsPerSecond,
/// InPacketsPerSecond, OutPacketsPerSecond, InBytesPerSecond, OutBytesPerSecond. The default view prints the
/// counters like ipvsadm --stats; Format-Table -View Rate prints the rates like ipvsadm --rate.</para>
/// <para>Without parameters it writes the Global row (the whole table of the namespace, from
/// /proc/net/ip_vs_stats), then each service followed by its real servers (from the kernel's 64-bit STATS64
/// counters). -VirtualService writes one service and its real servers; -Global only the Global row. The kernel
/// updates the rates every 2 seconds, as an average over the last seconds; the counters grow until zeroed by
/// Clear-LvsStatistic (ipvsadm -Z).</para>
/// <para>The counters (not the rates) are also properties of the objects Get-LvsVirtualService and
/// Get-LvsRealServer write; these rows add the rates and the table total, for tables, sorting and Export-Csv. For Prometheus use Export-LvsMetric.
/// A service that does not exist is VirtualServiceNotFound (ObjectNotFound).</para>
/// </remarks>
/// <example title="The ipvsadm -Ln --stats view">
/// <code>
/// Get-LvsStatistic
/// </code>
/// <para>Prints Total, then each service and its "-> 10.0.0.7:80" rows with Conns InPkts OutPkts InBytes OutBytes.</para>
/// </example>
/// <example title="Rates of one service">
/// <code>
/// Get-LvsStatistic -VirtualService tcp/10.0.0.3:80 | Format-Table -View Rate
/// </code>
/// <para>Prints CPS InPPS OutPPS InBPS OutBPS for tcp/10.0.0.3:80 and its real servers, like ipvsadm -Ln --rate -t 10.0.0.3:80.</para>
/// </example>
/// <example title="The busiest real servers, to CSV">
/// <code>
/// Get-LvsStatistic | Where-Object Kind -eq RealServer | Sort-Object InBytes -Descending |
///     Select-Object -First 10 | Export-Csv top10.csv
/// </code>
/// <para>Flat rows sort and export as they are.</para>
/// </example>
/// <input type="System.String">A service identity such as tcp/10.0.0.3:80, bound to -VirtualService.</input>
/// <input type="LvsPS.LvsVirtualService">A service from Get-LvsVirtualService (its namespace is used).</input>
/// <output type="LvsPS.LvsStatistic">One row per table, service and real server, with counters and rates.</output>
/// <seealso cref="ClearLvsStatisticCommand"/>
/// <seealso cref="ExportLvsMetricCommand"/>
/// <seealso cref="GetLvsVirtualServiceCommand"/>
[Cmdlet(VerbsCommon.Get, "LvsStatistic", DefaultParameterSetName = AllSet)]
[OutputType(typeof(LvsStatistic))]
public sealed class GetLvsStatisticCommand : LvsCmdletBase
{
    public const string AllSet = "All";
    public const string ServiceSet = "VirtualService";
    public const string GlobalSet = "Global";

    /// <summary>The virtual service whose counters (and those of its real servers) to read: "tcp/10.0.0.3:80", "fwmark/3", or an object from Get-LvsVirtualService or Get-LvsRealServer.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ServiceSet, HelpMessage = "The virtual service: tcp/10.0.0.3:80, udp/[2001:db8::1]:53 or fwmark/3.")]
    [ArgumentCompleter(typeof(VirtualServiceCompleter))]
    [VirtualServiceTransformation]
    public VirtualServiceIdentity VirtualService { get; set; } = null!;

    /// <summary>Only the totals and rates of the whole table of the namespace (/proc/net/ip_vs_stats), without per-service rows.</summary>
    [Parameter(Mandatory = true, ParameterSetName = GlobalSet, HelpMessage = "Only the row of the whole table.")]
    public SwitchParameter Global { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == ServiceSet)
        {
            string? serviceNs = ResolveNamespace(VirtualService.NetworkNamespace);
            TryRun(VirtualService, () =>
            {
                VirtualService? service = Client(serviceNs).GetVirtualService(VirtualService.Key);
                if (service is null)
                    WriteError(ErrorMapper.ServiceNotFound(VirtualService.Key, VirtualService));
                else
                    WriteService(IpvsadmOrder.Sort(new[] { service })[0]);
            });
            return;
        }
        string? ns = ResolveNamespace(null);
        TryRun(ns, () =>
        {
            WriteVerbose($"Reading /proc/net/{IpvsGlobalStatistics.FileName}.");
            WriteObject(LvsStatistic.Global(IpvsGlobalStatistics.Read(ns), ns));
            if (Global)
                return;
            // Sorted as ipvsadm lists them (the kernel dumps real servers newest first).
            foreach (VirtualService service in IpvsadmOrder.Sort(Client(ns).GetVirtualServices()))
                WriteService(service);
        });
    }

    private void WriteService(VirtualService service)
    {
        WriteObject(LvsStatistic.Of(service));
        foreach (RealServer d in service.RealServers)
            WriteObject(LvsStatistic.Of(d));
    }
}
