using System.Text.RegularExpressions;

namespace LvsPS.Host.Tests;

/// <summary>
/// The host cmdlets run by a user without privileges, as real pwsh shows it: the built module in a child pwsh as
/// nobody (setpriv, no capabilities) inside a fresh network namespace of its own. Add-LvsVip (route netlink) and
/// Set-LvsArpSuppression (/proc/sys) stop with PermissionDenied, the kernel's errno visible, the advice to run as
/// root, and not a word of IPVS, which neither touches; the namespace is unchanged. One child for both (~4 s).
/// </summary>
public sealed class UnprivilegedHostCmdletTests
{
    private const string Vip = "10.9.0.3";

    [SkippableFact]
    public void Add_LvsVip_and_Set_LvsArpSuppression_as_nobody_are_PermissionDenied_with_the_errno_and_no_IPVS()
    {
        Skip.IfNot(Sh.IsRoot, "needs root (creates a network namespace, then drops to nobody)");
        Skip.IfNot(Sh.Has("setpriv"), "setpriv (util-linux) is not installed");
        string pwsh = Path.Combine(PowerShellSession.RepoRoot, ".tools", "pwsh", "pwsh");
        Skip.IfNot(File.Exists(pwsh), "no .tools/pwsh: run scripts/install-deps.sh");
        string ns = $"lvsps-noroot-{Environment.ProcessId}";
        string script = Path.Combine(Path.GetTempPath(), $"lvsps-noroot-{Guid.NewGuid():N}.ps1");
        // Each record's parts on a line of their own; the last command uncaught, as a user's console shows it (a script under Stop exits 1).
        File.WriteAllText(script, $$"""
            $PSStyle.OutputRendering = 'PlainText'
            Import-Module '{{PowerShellSession.ModuleManifest}}'
            function Show([string] $Name, [scriptblock] $Command) {
                try { & $Command; "${Name}: not refused" } catch {
                    "${Name} id: $($_.FullyQualifiedErrorId)"
                    "${Name} category: $($_.CategoryInfo.Category)"
                    "${Name} target: $($_.TargetObject)"
                    "${Name} message: $($_.Exception.Message)"
                    "${Name} advice: $($_.ErrorDetails.RecommendedAction)"
                }
            }
            Show vip { Add-LvsVip -Address {{Vip}} -Interface lo }
            Show arp { Set-LvsArpSuppression -Interface lo -Confirm:$false }
            $ErrorActionPreference = 'Stop'
            Add-LvsVip -Address {{Vip}} -Interface lo
            """);
        Sh.Run("ip", "netns", "add", ns);
        try
        {
            string arpBefore = Sh.Run("ip", "netns", "exec", ns, "cat", "/proc/sys/net/ipv4/conf/lo/arp_ignore", "/proc/sys/net/ipv4/conf/all/arp_announce");
            (int code, string text) = Sh.Try("ip", "netns", "exec", ns,
                "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
                "env", "HOME=/tmp", "DOTNET_CLI_HOME=/tmp", "DOTNET_NOLOGO=1", "NO_COLOR=1", "COLUMNS=300",
                pwsh, "-NoProfile", "-NonInteractive", "-File", script);

            Assert.True(code == 1, $"exit {code}\n{text}");
            Assert.Contains("vip id: PermissionDenied,LvsPS.Commands.AddLvsVipCommand", text);
            Assert.Contains("vip category: PermissionDenied", text);
            Assert.Contains($"vip target: {Vip}/32 dev lo", text);
            Assert.Matches(@"vip message: .*\bEPERM\b", text);
            Assert.Contains("vip advice: Run pwsh as root", text);
            Assert.Contains("arp id: PermissionDenied,LvsPS.Commands.SetLvsArpSuppressionCommand", text);
            Assert.Contains("arp category: PermissionDenied", text);
            Assert.Matches(@"arp message: Writing net\.ipv4\.conf\.\w+\.arp_\w+ was refused \((EACCES|EPERM): ", text);
            Assert.Contains("arp advice: Run pwsh as root", text);
            Assert.Contains("Recommendation: Run pwsh as root", text);
            // Neither touches IPVS, so nothing the user reads speaks of it (no "load ip_vs", no "IPVS table").
            Assert.DoesNotMatch(new Regex("ipvs|ip_vs", RegexOptions.IgnoreCase), text);

            Assert.DoesNotContain(Vip, Sh.Run("ip", "-n", ns, "-o", "addr", "show"));
            Assert.Equal(arpBefore, Sh.Run("ip", "netns", "exec", ns, "cat", "/proc/sys/net/ipv4/conf/lo/arp_ignore", "/proc/sys/net/ipv4/conf/all/arp_announce"));
        }
        finally
        {
            Sh.Try("ip", "netns", "delete", ns);
            File.Delete(script);
        }
    }
}
