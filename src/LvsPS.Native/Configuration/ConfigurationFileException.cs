using LvsPS.Native.Text;

namespace LvsPS.Native.Configuration;

/// <summary>Why a configuration file could not be read at all (its content never parsed).</summary>
public enum ConfigurationFileProblem
{
    NotFound,
    IsDirectory,
    /// <summary>Larger than <see cref="ConfigurationSource.MaxBytes"/> (or endless, as /dev/zero).</summary>
    TooLarge,
    /// <summary>The file system refused (permission, I/O error).</summary>
    Unreadable,
}

/// <summary>A configuration file that could not be read; the path in the message has its control characters escaped.</summary>
public sealed class ConfigurationFileException : IOException
{
    public ConfigurationFileException(string path, ConfigurationFileProblem problem, string message, Exception? inner = null)
        : base(MessageText.Printable(message), inner)
    {
        Path = path;
        Problem = problem;
    }

    public string Path { get; }
    public ConfigurationFileProblem Problem { get; }
}

/// <summary>Why a readable configuration deserves a second thought before it is applied.</summary>
public enum ConfigurationDoubt
{
    /// <summary>The file has no rules at all, yet applying it with replace would remove objects.</summary>
    Empty,
    /// <summary>The last line has no line break: the file may have been cut short mid-rule.</summary>
    Truncated,
}

/// <summary>A configuration that reads well but looks like an accident (empty, cut short); nothing was applied. The caller may insist.</summary>
public sealed class ConfigurationDoubtException : Exception
{
    public ConfigurationDoubtException(string path, ConfigurationDoubt doubt, string message)
        : base(MessageText.Printable(message))
    {
        Path = path;
        Doubt = doubt;
    }

    public string Path { get; }
    public ConfigurationDoubt Doubt { get; }
}
