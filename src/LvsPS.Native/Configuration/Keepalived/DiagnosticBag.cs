namespace LvsPS.Native.Configuration.Keepalived;

/// <summary>The findings of one read, capped so that garbage cannot produce millions of them; text quoted from the file is escaped.</summary>
internal sealed class DiagnosticBag
{
    private readonly List<KeepalivedDiagnostic> _items = new();
    private readonly int _max;

    public DiagnosticBag(int max) => _max = max;

    public IReadOnlyList<KeepalivedDiagnostic> Items => _items;
    public bool HasErrors { get; private set; }

    public void Warn(string code, SourceLocation at, string message) => Add(DiagnosticSeverity.Warning, code, at, message);

    public void Notice(string code, SourceLocation at, string message) => Add(DiagnosticSeverity.Notice, code, at, message);

    public void Error(string code, SourceLocation at, string message) => Add(DiagnosticSeverity.Error, code, at, message);

    private void Add(DiagnosticSeverity severity, string code, SourceLocation at, string message)
    {
        if (severity == DiagnosticSeverity.Error)
            HasErrors = true;
        _items.Add(new KeepalivedDiagnostic(severity, code, at, Text.MessageText.Printable(message)));
        if (_items.Count >= _max)
        {
            HasErrors = true;
            _items.Add(new KeepalivedDiagnostic(DiagnosticSeverity.Error, DiagnosticCodes.TooManyFindings, at,
                $"more than {_max} findings: reading stopped here. Is this a keepalived configuration file?"));
            throw new ReadAbortedException();
        }
    }

    /// <summary>Records an error that ends the read (size and expansion limits).</summary>
    public ReadAbortedException Fatal(string code, SourceLocation at, string message)
    {
        HasErrors = true;
        _items.Add(new KeepalivedDiagnostic(DiagnosticSeverity.Error, code, at, Text.MessageText.Printable(message)));
        return new ReadAbortedException();
    }
}

/// <summary>Thrown inside the reader to stop at once; the finding that caused it is already recorded.</summary>
internal sealed class ReadAbortedException : Exception
{
}
