using System.Management.Automation;
using LvsPS.Native.Health;

namespace LvsPS.Commands;

/// <summary>Describes a health check (keepalived's checker block) without starting it, for Start-LvsHealthCheck -Check.</summary>
/// <remarks>
/// <para>New-LvsHealthCheck takes the same check options as Start-LvsHealthCheck and returns the check as an
/// object. Pass several to Start-LvsHealthCheck -Check to give each real server more than one check (it is
/// alive while all pass), or keep them in a script. Nothing runs and nothing is validated against the network
/// until Start-LvsHealthCheck, and IPVS (ipvsadm -Ln) is not touched; options that do not fit the type (an Https option on a Tcp check) are refused here.</para>
/// </remarks>
/// <example title="An HTTP check and a script check for the same real servers">
/// <code>
/// $http = New-LvsHealthCheck -Url /health, @{ Path = '/ready'; StatusCode = '200-204' } -Interval 2
/// $db = New-LvsHealthCheck -Command '/usr/local/bin/db-ok --quick' -ScriptTimeout 3 -Interval 10
/// Start-LvsHealthCheck tcp/10.0.0.3:80 -Check $http, $db
/// </code>
/// <para>Each real server is checked by both; the HTTP check GETs /health and /ready in turn, one per 2 s.</para>
/// </example>
/// <example title="keepalived's UDP_CHECK with a required reply">
/// <code>New-LvsHealthCheck -Type Udp -Payload 0102 -ReplyPattern 0102XX -ConnectTimeout 1</code>
/// <para>Sends 01 02; a reply that starts with 01 02 and any third byte passes.</para>
/// </example>
/// <output type="LvsPS.Native.Health.HealthCheck">The check: TcpHealthCheck, HttpHealthCheck, DnsHealthCheck, SmtpHealthCheck, UdpHealthCheck, PingHealthCheck, ScriptHealthCheck or FileHealthCheck.</output>
/// <seealso cref="StartLvsHealthCheckCommand"/>
/// <seealso cref="TestLvsHealthCheckCommand"/>
[Cmdlet(VerbsCommon.New, "LvsHealthCheck", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(HealthCheck))]
public sealed class NewLvsHealthCheckCommand : HealthCheckDefinitionCmdletBase
{
    protected override void EndProcessing()
    {
        TryRun(null, () =>
        {
            HealthCheck check = BuildCheck();
            if (ShouldProcess(check.Describe(), "Create a health-check definition"))
                WriteObject(check);
        });
        base.EndProcessing();
    }
}
