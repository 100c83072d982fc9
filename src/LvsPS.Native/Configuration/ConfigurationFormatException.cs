using LvsPS.Native.Text;

namespace LvsPS.Native.Configuration;

/// <summary>
/// A configuration file that cannot be read: the message starts with <c>file:line:</c> (the
/// compiler convention editors jump to) and says what was expected. Text that came from the file
/// (and the file's name) is shown with its control characters escaped (<see cref="MessageText"/>).
/// </summary>
public sealed class ConfigurationFormatException : FormatException
{
    public ConfigurationFormatException(string? fileName, long lineNumber, string reason, Exception? inner = null)
        : base($"{MessageText.Printable(Location(fileName, lineNumber))}: {MessageText.Printable(reason)}", inner)
    {
        FileName = fileName;
        LineNumber = lineNumber;
        Reason = MessageText.Printable(reason);
    }

    /// <summary>The file as the caller named it (null for text without a file: "&lt;input&gt;" in the message).</summary>
    public string? FileName { get; }
    /// <summary>1-based line number; 0 when the problem concerns the whole input.</summary>
    public long LineNumber { get; }
    /// <summary>The message without the location.</summary>
    public string Reason { get; }
    /// <summary>The validation rule that failed, when one did.</summary>
    public Ipvs.IpvsRule? Rule => (InnerException as Ipvs.IpvsValidationException)?.Rule;

    private static string Location(string? fileName, long line)
        => line > 0 ? $"{fileName ?? "<input>"}:{line}" : fileName ?? "<input>";
}
