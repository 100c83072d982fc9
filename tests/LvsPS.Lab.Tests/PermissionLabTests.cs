using LvsPS.Lab.Tests.Infrastructure;
using LvsPS.Testing;
using Xunit;

namespace LvsPS.Lab.Tests;

/// <summary>
/// Without CAP_NET_ADMIN the kernel refuses IPVS requests (dumps too): the user gets one
/// terminating PermissionDenied error that says to run as root, not a bare errno. The advice is the
/// record's RecommendedAction, which pwsh's default error view (ConciseView) prints as "Recommendation:".
/// </summary>
public sealed class PermissionLabTests
{
    [Theory]
    [InlineData("Get-LvsVirtualService")]
    [InlineData("New-LvsVirtualService -VirtualService tcp/10.0.0.3:80 -Scheduler rr")]
    public void AnUnprivilegedUserIsToldToRunAsRoot(string command)
    {
        LabEnvironment.RequireLab();
        // The project's pwsh (scripts/install-deps.sh), as a user without privileges runs it.
        string pwsh = Path.Combine(PowerShellSession.RepoRoot, ".tools", "pwsh", "pwsh");
        string script = Path.Combine(Path.GetTempPath(), $"lvsps-eperm-{Guid.NewGuid():N}.ps1");
        File.WriteAllText(script, $"$ErrorActionPreference = 'Stop'\ntrap {{ [Console]::Out.WriteLine('id: ' + $_.FullyQualifiedErrorId); break }}\nImport-Module '{PowerShellSession.ModuleManifest}'\n{command}\n");
        try
        {
            var (stdout, stderr) = Shell.RunWithStatus(
                ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
                 "env", "HOME=/tmp", "DOTNET_CLI_HOME=/tmp", "DOTNET_NOLOGO=1", "NO_COLOR=1", pwsh, "-NoProfile", "-NonInteractive", "-File", script],
                out int exitCode);
            Assert.True(exitCode == 1, $"exit {exitCode}\n{stdout}\n{stderr}");
            Assert.Contains("id: PermissionDenied,", stdout);
            Assert.Contains("Permission denied", stderr + stdout);
            Assert.Contains("Recommendation: Run pwsh as root", stderr + stdout);
            Assert.DoesNotContain("10.0.0.3:80", Shell.Run("ipvsadm", "-Sn"));
        }
        finally
        {
            File.Delete(script);
        }
    }
}
