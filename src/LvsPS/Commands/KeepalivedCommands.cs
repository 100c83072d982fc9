using System.Management.Automation;
using LvsPS.Keepalived;
using LvsPS.Native.Configuration.Director;
using LvsPS.Native.Configuration.Keepalived;
using LvsPS.Native.Ipvs;

namespace LvsPS.Commands;

/// <summary>Reads a keepalived.conf into LvsPS objects: the whole director, its IPVS services, or its VRRP instances.</summary>
/// <remarks>
/// <para>The file is read as keepalived 2.2.7 reads it: comments, quotes, line continuation, braces, include with
/// globs (relative to the including file), @id conditionals, $MACRO definitions, ~SEQ/~LST repetition, and every
/// block (global_defs, static_ipaddress, vrrp_script, vrrp_sync_group, vrrp_instance, virtual_server_group,
/// virtual_server with real_server and its checkers). keepalived's defaults and normalisations are applied (UDP when
/// protocol is omitted, persistence 360, DR/TUN real-server ports forced to the service port, a virtual server
/// without real servers dropped, ...), and what keepalived warns about is written as a warning with file:line.</para>
/// <para>Unlike keepalived, an unknown block is skipped whole, and a file with errors (unbalanced braces, an include
/// loop or a missing include, binary content) writes ConfigurationFormatError records naming file:line and
/// nothing else: no half-read configuration reaches the pipeline.</para>
/// <para>-As VirtualService writes the IPVS services keepalived would create at start, with their real servers: the
/// table ipvsadm -Ln shows once keepalived has started (pipe them to New-LvsVirtualService); -As VrrpInstance writes one object per vrrp_instance whose properties are
/// Start-LvsVrrpInstance's parameters (pipe them to Start-LvsVrrpInstance); -As Finding writes the findings.</para>
/// <para>Interfaces are checked in the namespace of -NetworkNamespace (or this one), and scripts for being
/// executable here, as keepalived -t does; -NoHostCheck judges the file alone.</para>
/// </remarks>
/// <example title="What a keepalived.conf describes">
/// <code>
/// Get-LvsKeepalivedConfiguration /etc/keepalived/keepalived.conf
/// </code>
/// <para>One DirectorConfiguration: Global, VrrpInstances, VrrpSyncGroups, VirtualServers (with real servers and
/// checkers), with keepalived's warnings on the warning stream.</para>
/// </example>
/// <example title="Create the IPVS table of a keepalived.conf">
/// <code>
/// Get-LvsKeepalivedConfiguration ./keepalived.conf -As VirtualService | New-LvsVirtualService -PassThru
/// </code>
/// <para>The services and real servers keepalived would put into IPVS at start, created in one batch.</para>
/// </example>
/// <example title="Start the VRRP instances of a keepalived.conf">
/// <code>
/// Get-LvsKeepalivedConfiguration ./keepalived.conf -As VrrpInstance | Start-LvsVrrpInstance
/// </code>
/// <para>Each vrrp_instance with its interface, VRID, priority, advert interval, addresses, password and sync group.</para>
/// </example>
/// <input type="System.String">The file, by property name (Path or FullName, as Get-ChildItem writes).</input>
/// <output type="LvsPS.Native.Configuration.Director.DirectorConfiguration">-As Director (the default).</output>
/// <output type="LvsPS.LvsVirtualService">-As VirtualService.</output>
/// <output type="LvsPS.Keepalived.KeepalivedVrrpInstance">-As VrrpInstance.</output>
/// <output type="LvsPS.Native.Configuration.Keepalived.KeepalivedDiagnostic">-As Finding.</output>
/// <parameter name="As" default="Director"/>
/// <seealso cref="TestLvsKeepalivedConfigurationCommand"/>
/// <seealso cref="ExportLvsKeepalivedConfigurationCommand"/>
/// <seealso cref="NewLvsVirtualServiceCommand"/>
[Cmdlet(VerbsCommon.Get, "LvsKeepalivedConfiguration")]
[OutputType(typeof(DirectorConfiguration), typeof(LvsVirtualService), typeof(KeepalivedVrrpInstance), typeof(KeepalivedDiagnostic))]
public sealed class GetLvsKeepalivedConfigurationCommand : KeepalivedCmdletBase
{
    /// <summary>Director (the whole configuration), VirtualService (IPVS services at start), VrrpInstance (Start-LvsVrrpInstance's parameters) or Finding.</summary>
    [Parameter]
    public KeepalivedView As { get; set; } = KeepalivedView.Director;

    protected override void ProcessRecord()
    {
        KeepalivedReadResult result = Read(out string file);
        if (As == KeepalivedView.Finding)
        {
            WriteObject(result.Diagnostics, enumerateCollection: true);
            return;
        }
        if (!Report(result, file))
            return;
        DirectorConfiguration c = result.Configuration;
        switch (As)
        {
            case KeepalivedView.VirtualService:
                foreach (VirtualService s in DirectorIpvsTable.Initial(c))
                    WriteObject(new LvsVirtualService(s));
                break;
            case KeepalivedView.VrrpInstance:
                foreach (VrrpInstanceDefinition i in c.VrrpInstances)
                    WriteObject(new KeepalivedVrrpInstance(i, c));
                break;
            default:
                WriteObject(c);
                break;
        }
    }
}

/// <summary>Validates a keepalived.conf like keepalived -t: the findings, and keepalived's exit code for scripts.</summary>
/// <remarks>
/// <para>keepalived -t, without keepalived and without touching IPVS (no ipvsadm needed either). Reads the file as
/// Get-LvsKeepalivedConfiguration does and writes one KeepalivedTestResult: ExitCode with
/// keepalived -t's meaning (0 clean; 5 findings keepalived would run with; 4 errors, which LvsPS will not run),
/// IsValid, the counts and every finding (Severity, Code, Location, Message). A script ends with
/// <c>exit (Test-LvsKeepalivedConfiguration $file).ExitCode</c>, as it would end with keepalived -t's status.</para>
/// <para>-Quiet writes only $true or $false: whether LvsPS would run the file (no errors). Findings keepalived logs
/// only when running (a MISC_CHECK script that is missing) are notices: they do not change the exit code.</para>
/// </remarks>
/// <example title="Check a file before a reload">
/// <code>
/// $t = Test-LvsKeepalivedConfiguration /etc/keepalived/keepalived.conf
/// $t.Findings | Format-Table Severity, Location, Message -Wrap
/// exit $t.ExitCode
/// </code>
/// <para>Lists the findings with file:line and ends with keepalived -t's exit code.</para>
/// </example>
/// <example title="A guard in a runbook">
/// <code>
/// if (-not (Test-LvsKeepalivedConfiguration ./new.conf -Quiet)) { throw 'new.conf has errors' }
/// </code>
/// <para>Stops the runbook before a file LvsPS would refuse reaches the director; warnings alone pass.</para>
/// </example>
/// <input type="System.String">The file, by property name (Path or FullName).</input>
/// <output type="LvsPS.Keepalived.KeepalivedTestResult">The result, or a Boolean with -Quiet.</output>
/// <seealso cref="GetLvsKeepalivedConfigurationCommand"/>
[Cmdlet(VerbsDiagnostic.Test, "LvsKeepalivedConfiguration")]
[OutputType(typeof(KeepalivedTestResult), typeof(bool))]
public sealed class TestLvsKeepalivedConfigurationCommand : KeepalivedCmdletBase
{
    /// <summary>Write only $true (LvsPS would run the file) or $false (it has errors).</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void ProcessRecord()
    {
        KeepalivedReadResult result = Read(out string file);
        var test = new KeepalivedTestResult(file, result);
        WriteVerbose($"{file}: exit code {test.ExitCode} ({test.Errors} errors, {test.Warnings} warnings, {test.Notices} notices).");
        WriteObject(Quiet ? test.IsValid : test);
    }
}
