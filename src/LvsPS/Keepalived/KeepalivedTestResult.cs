using LvsPS.Native.Configuration.Keepalived;

namespace LvsPS.Keepalived;

/// <summary>What Test-LvsKeepalivedConfiguration found in a file, with keepalived -t's exit code.</summary>
public sealed class KeepalivedTestResult
{
    internal KeepalivedTestResult(string path, KeepalivedReadResult result)
    {
        Path = path;
        ExitCode = result.ExitCode;
        Findings = result.Diagnostics.ToArray();
        Errors = Findings.Count(f => f.Severity == DiagnosticSeverity.Error);
        Warnings = Findings.Count(f => f.Severity == DiagnosticSeverity.Warning);
        Notices = Findings.Count(f => f.Severity == DiagnosticSeverity.Notice);
        VirtualServers = result.Configuration.VirtualServers.Count;
        VrrpInstances = result.Configuration.VrrpInstances.Count;
    }

    public string Path { get; }
    /// <summary>keepalived -t's meaning: 0 clean, 5 warnings keepalived runs with, 4 errors (LvsPS will not run the file).</summary>
    public int ExitCode { get; }
    /// <summary>True when LvsPS would run the file (no errors; warnings allowed, as keepalived).</summary>
    public bool IsValid => Errors == 0;
    public int Errors { get; }
    public int Warnings { get; }
    public int Notices { get; }
    public int VirtualServers { get; }
    public int VrrpInstances { get; }
    public KeepalivedDiagnostic[] Findings { get; }
}
