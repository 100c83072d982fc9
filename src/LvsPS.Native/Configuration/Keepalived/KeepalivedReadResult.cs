using LvsPS.Native.Configuration.Director;

namespace LvsPS.Native.Configuration.Keepalived;

/// <summary>What reading a keepalived.conf gave: the director it describes and every finding, in file order.</summary>
public sealed record KeepalivedReadResult(DirectorConfiguration Configuration, IReadOnlyList<KeepalivedDiagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);
    public IEnumerable<KeepalivedDiagnostic> Errors => Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error);
    public IEnumerable<KeepalivedDiagnostic> Warnings => Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning);

    /// <summary>
    /// <c>keepalived -t</c>'s exit meaning: 0 clean, 5 findings keepalived would run with. LvsPS's
    /// errors (a file it will not run: unbalanced braces, include loop, missing include, not text)
    /// give 4, keepalived's "fatal configuration" code.
    /// </summary>
    public int ExitCode => HasErrors ? 4 : Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Warning) ? 5 : 0;

    /// <summary>Throws the first error as a <see cref="ConfigurationFormatException"/> (file:line, what to change), saying how many there are.</summary>
    public void ThrowIfErrors()
    {
        KeepalivedDiagnostic? first = Errors.FirstOrDefault();
        if (first == null)
            return;
        int count = Errors.Count();
        string more = count > 1 ? $" ({count - 1} more error{(count > 2 ? "s" : "")} in the file)" : "";
        throw new ConfigurationFormatException(first.Location.File, first.Location.Line, first.Message + more);
    }
}
