using LvsPS.Lab.Tests.Infrastructure;
using LvsPS.Testing;
using Xunit;

namespace LvsPS.Lab.Tests;

/// <summary>
/// Without CAP_NET_ADMIN the kernel refuses IPVS requests (dumps too): the user gets one
/// terminating PermissionDenied error that says to run as root, not a bare errno.
/// </summary>
public sealed class PermissionLabTests
{
    [Theory]
    [InlineData("Get-LvsVirtualService")]
    [InlineData("New-LvsVirtualService -VirtualService tcp/10.0.0.3:80 -Scheduler rr")]
    public void AnUnprivilegedUserIsToldToRunAsRoot(string command)
    {
        LabEnvironment.RequireLab();
        string runner = Path.Combine(PowerShellSession.RepoRoot, "tools", "LvsPS.Run", "bin", "Release", "net10.0", "lvsps-run.dll");
        string script = Path.Combine(Path.GetTempPath(), $"lvsps-eperm-{Guid.NewGuid():N}.ps1");
        File.WriteAllText(script, command + "\n");
        try
        {
            var (stdout, stderr) = Shell.RunWithStatus(
                ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
                 "env", "HOME=/tmp", "DOTNET_CLI_HOME=/tmp", "DOTNET_NOLOGO=1", "dotnet", runner, PowerShellSession.ModuleManifest, script],
                out int exitCode);
            Assert.True(exitCode == 1, $"exit {exitCode}\n{stdout}\n{stderr}");
            Assert.Contains("PermissionDenied", stderr);
            Assert.Contains("root", stderr);
            Assert.DoesNotContain("10.0.0.3:80", Shell.Run("ipvsadm", "-Sn"));
        }
        finally
        {
            File.Delete(script);
        }
    }
}
