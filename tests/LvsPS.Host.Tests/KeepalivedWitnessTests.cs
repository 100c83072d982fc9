using System.Text.RegularExpressions;
using LvsPS.Host.Tests.Infrastructure;
using LvsPS.Native.Configuration.Keepalived;

namespace LvsPS.Host.Tests;

/// <summary>
/// keepalived 2.2.7 itself as the witness of the reader: `keepalived -t` on the seeds and on the
/// samples keepalived ships, on this host; the lines it reports must be exactly the lines LvsPS
/// reports, and the exit code the same (0 clean, 5 findings).
/// </summary>
public sealed partial class KeepalivedWitnessTests
{
    private const string Samples = "/usr/share/doc/keepalived/samples";

    // Findings keepalived prints with "(file: Line N)". The others it prints without a line
    // (defaults set, virtual server dropped, script disabled); LvsPS places those at the block.
    // Notices are what keepalived only logs when it runs (-t says nothing of them).
    private static readonly HashSet<string> LineCodes =
    [
        DiagnosticCodes.UnknownKeyword, DiagnosticCodes.Deprecated, DiagnosticCodes.InvalidValue, DiagnosticCodes.InterfaceMissing,
        DiagnosticCodes.FamilyMismatch, DiagnosticCodes.CheckerDropped, DiagnosticCodes.UnknownReference,
    ];

    [GeneratedRegex(@"\((?:[^:()]+: )?Line (\d+)\)")]
    private static partial Regex LineRegex();

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (string seed in new[] { "002-master.conf", "002-backup.conf", "003-master.conf", "003-backup.conf" })
            data.Add(Path.Combine(AppContext.BaseDirectory, "Seeds", seed));
        // The shipped samples whose blocks LvsPS reads (the routes/rules samples are kept as written, not judged).
        foreach (string sample in new[] { "HTTP_GET.port", "IPv6", "PING_CHECK", "SMTP_CHECK", "SSL_GET", "UDP_CHECK", "fwmark", "inhibit", "misc_check",
                     "misc_check_arg", "quorum", "sample", "status_code", "virtual_server_group", "virtualhost", "vrrp", "vrrp.sync", "vrrp.scripts", "vrrp.lvs_syncd" })
            data.Add(Path.Combine(Samples, "keepalived.conf." + sample));
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Files))]
    public void LvsPS_ReportsTheLinesKeepalivedReports(string file)
    {
        Skip.IfNot(Sh.Has("keepalived"), "keepalived is not installed (scripts/install-deps.sh installs it)");
        Skip.IfNot(File.Exists(file), $"{file} is not on this host (Debian's keepalived package ships the samples)");
        (int code, string output) = Sh.Try("keepalived", "-t", "-f", file);
        int[] theirs = LineRegex().Matches(output).Select(m => int.Parse(m.Groups[1].Value)).Distinct().Order().ToArray();

        KeepalivedReadResult ours = KeepalivedConfigurationReader.ReadFile(file, KeepalivedReadOptions.ForThisHost());
        int[] mine = ours.Diagnostics.Where(d => d.Severity != DiagnosticSeverity.Notice && LineCodes.Contains(d.Code)).Select(d => d.Location.Line).Distinct().Order().ToArray();

        Assert.True(theirs.SequenceEqual(mine), $"keepalived -t:\n{output}\nLvsPS:\n{string.Join('\n', ours.Diagnostics)}");
        Assert.Equal(code == 0 ? 0 : 5, ours.ExitCode);
    }

    [SkippableTheory]
    [MemberData(nameof(Files))]
    public void WrittenBack_KeepalivedAcceptsWithoutAWarning(string file)
    {
        Skip.IfNot(Sh.Has("keepalived"), "keepalived is not installed (scripts/install-deps.sh installs it)");
        Skip.IfNot(File.Exists(file), $"{file} is not on this host (Debian's keepalived package ships the samples)");
        KeepalivedReadResult read = KeepalivedConfigurationReader.ReadFile(file, new KeepalivedReadOptions { ConfigId = "lb1" });
        string written = Path.Combine(Path.GetTempPath(), $"lvsps-written-{Guid.NewGuid():N}.conf");
        File.WriteAllText(written, KeepalivedConfigurationWriter.Write(read.Configuration));
        try
        {
            (int code, string output) = Sh.Try("keepalived", "-t", "-f", written);
            // What only this host decides stays: interfaces the file names that this host lacks, scripts it lacks.
            string[] complaints = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(l => !l.Contains("doesn't exist") && !l.Contains("Non-existent interface") && !l.Contains("not found/accessible"))
                .ToArray();
            Assert.True(complaints.Length == 0, $"keepalived -t on the written file:\n{output}\n{File.ReadAllText(written)}");
            if (output.Trim().Length == 0)
                Assert.Equal(0, code);
        }
        finally
        {
            File.Delete(written);
        }
    }
}
