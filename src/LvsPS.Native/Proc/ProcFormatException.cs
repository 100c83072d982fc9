namespace LvsPS.Native.Proc;

/// <summary>A /proc file did not have the layout the kernel prints; says where and what.</summary>
public sealed class ProcFormatException : FormatException
{
    public ProcFormatException(string fileName, long lineNumber, string line, string problem)
        : base($"{fileName}, line {lineNumber}: {problem}: '{Text.MessageText.Printable(line)}'")
    {
        FileName = fileName;
        LineNumber = lineNumber;
        Line = line;
        Problem = problem;
    }

    /// <summary>The file (or "stream") that was being read.</summary>
    public string FileName { get; }
    /// <summary>1-based; the header is line 1.</summary>
    public long LineNumber { get; }
    /// <summary>The line as read (the message shows it with control characters escaped).</summary>
    public string Line { get; }
    public string Problem { get; }
}
