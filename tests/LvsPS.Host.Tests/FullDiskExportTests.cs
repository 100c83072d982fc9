using LvsPS.Testing;

namespace LvsPS.Host.Tests;

/// <summary>
/// Export-LvsConfiguration and Export-LvsKeepalivedConfiguration onto a really full file system (a 64 KiB tmpfs
/// filled to the last block): the write fails with ConfigurationFileNotWritten and the previous backup is still there, byte for byte, with no
/// temporary file left behind. (The table comes from the in-memory IPVS: this host has no IPVS.)
/// </summary>
public sealed class FullDiskExportTests
{
    [SkippableTheory]
    [InlineData("Export-LvsConfiguration", "-a -t 10.0.0.3:80 -r 10.0.0.7:80 -g -w 2")]
    [InlineData("Export-LvsKeepalivedConfiguration", "real_server 10.0.0.7 80")]
    public void A_full_disk_keeps_the_previous_backup(string exportCommand, string expectedLine)
    {
        Skip.IfNot(Sh.IsRoot, "needs root (mounts a small tmpfs)");
        string dir = Directory.CreateTempSubdirectory("lvsps-fulldisk").FullName;
        Sh.Run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir);
        try
        {
            using var ps = new PowerShellSession();
            using var ipvs = new InMemoryIpvsSwitch(ps);
            string backup = Path.Combine(dir, "director.rules");
            ps.Run("New-LvsVirtualService tcp/10.0.0.3:80 -Scheduler wrr; Add-LvsRealServer tcp/10.0.0.3:80 10.0.0.7 -Weight 2");
            ps.Run($"{exportCommand} -Path $args[0]", backup);
            string before = File.ReadAllText(backup);
            Assert.Contains(expectedLine, before);

            Sh.Try("dd", "if=/dev/zero", $"of={Path.Combine(dir, "filler")}", "bs=4k"); // until ENOSPC
            ps.Run("1..300 | ForEach-Object { $s = \"tcp/10.0.1.$($_ % 250):$(1000 + $_)\"; New-LvsVirtualService $s; Add-LvsRealServer $s 10.0.0.8 }");
            PowerShellSession.Result r = ps.Invoke($"{exportCommand} -Path $args[0]", backup);

            Assert.Equal(before, File.ReadAllText(backup));
            ErrorRecordAssert(r, "ConfigurationFileNotWritten");
            Assert.Contains("unchanged", r.AllErrors.Single().Exception.Message);
            Assert.Equal(new[] { "director.rules", "filler" }, Directory.GetFiles(dir).Select(Path.GetFileName).Order());
        }
        finally
        {
            Sh.Try("umount", dir);
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void ErrorRecordAssert(PowerShellSession.Result r, string id)
        => Assert.Equal(id, Assert.Single(r.AllErrors).FullyQualifiedErrorId.Split(',')[0]);
}
