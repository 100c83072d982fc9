using System.Text;
using LvsPS.Native.DesiredState;

namespace LvsPS.Native.Configuration;

/// <summary>The file formats of a saved IPVS configuration.</summary>
public enum ConfigurationFormat
{
    /// <summary>The rules of ipvsadm-save -n, which ipvsadm-restore reads: services and real servers (and --set timeouts).</summary>
    IpvsadmRules,
    /// <summary>LvsPS's lossless JSON: also thresholds, tunnel settings, timeouts and sync daemons.</summary>
    Json,
}

/// <summary>
/// A configuration file read for applying: its format (given, or sniffed: *.json or text starting with
/// '{' is JSON), the desired IPVS state it describes, and what about it deserves a second thought.
/// At most <see cref="MaxBytes"/> are read, so /dev/zero or a runaway file fails fast instead of
/// filling memory; a directory or a missing file is said to be one.
/// </summary>
public sealed record ConfigurationSource
{
    /// <summary>64 MiB: several times a table of a million real servers in either format.</summary>
    public const long MaxBytes = 64L * 1024 * 1024;

    public required string Path { get; init; }
    public ConfigurationFormat Format { get; init; }
    public required LvsConfiguration Configuration { get; init; }

    /// <summary>A rules file that starts over with -C (ipvsadm --clear): it describes a whole table, not additions.</summary>
    public bool ClearsTable { get; init; }

    /// <summary>No rule at all: nothing but blanks and comments, a 0-byte file included (JSON is never empty: it must at least say its version).</summary>
    public bool IsEmpty { get; init; }

    /// <summary>The number of a last line that has no line break (rules files only): the file may have been cut short.</summary>
    public long? UnterminatedLastLine { get; init; }

    /// <summary>The state to converge to; the rules format says nothing of sync daemons, so they are left alone.</summary>
    public IpvsSnapshot Desired => new()
    {
        Services = Configuration.Services,
        Timeouts = Configuration.Timeouts,
        SyncDaemons = Format == ConfigurationFormat.Json ? Configuration.SyncDaemons : null,
    };

    public static ConfigurationSource Read(string path, ConfigurationFormat? format = null)
    {
        byte[] bytes = ReadBounded(path);
        ReadOnlySpan<byte> text = bytes.AsSpan();
        if (text.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            text = text[3..];
        ConfigurationFormat chosen = format ?? Sniff(path, text);
        if (chosen == ConfigurationFormat.Json)
            return new ConfigurationSource { Path = path, Format = chosen, Configuration = LvsConfigurationJson.Read(text, path) };
        string rulesText = Encoding.UTF8.GetString(text);
        IpvsadmRuleSet rules = IpvsadmRulesReader.Parse(rulesText, path);
        return new ConfigurationSource
        {
            Path = path,
            Format = chosen,
            Configuration = new LvsConfiguration { Services = rules.Services, Timeouts = rules.Timeouts },
            ClearsTable = rules.ClearsTable,
            IsEmpty = rules.RuleCount == 0,
            UnterminatedLastLine = UnterminatedRule(rulesText),
        };
    }

    /// <summary>
    /// What makes this file look like an accident for this plan, or null: an empty file that would remove
    /// objects (with replace), a last line without its line break. Nothing has been applied when it is asked.
    /// </summary>
    public ConfigurationDoubtException? DoubtAbout(IpvsPlan plan, bool replace)
    {
        if (UnterminatedLastLine is long line)
            return new ConfigurationDoubtException(Path, ConfigurationDoubt.Truncated,
                $"{Path}:{line}: the last line has no line break, so the file may have been cut short in the middle of a rule " +
                "(a cut '-w 10' reads as '-w 1', a rule cut before '-m' becomes direct routing). Nothing was applied. " +
                "If the file is complete, end it with a line break.");
        if (replace && IsEmpty && plan.Removals > 0)
            return new ConfigurationDoubtException(Path, ConfigurationDoubt.Empty,
                $"{Path} has no rules (it is empty or only comments), yet replacing the table with it would remove {plan.Removals} objects " +
                "(every virtual service and real server). Nothing was applied.");
        return null;
    }

    private static ConfigurationFormat Sniff(string path, ReadOnlySpan<byte> text)
    {
        if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            return ConfigurationFormat.Json;
        foreach (byte b in text)
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
                return b == (byte)'{' ? ConfigurationFormat.Json : ConfigurationFormat.IpvsadmRules;
        return ConfigurationFormat.IpvsadmRules;
    }

    /// <summary>The line number of a last line with a rule on it and no line break after it.</summary>
    private static long? UnterminatedRule(string text)
    {
        if (text.Length == 0 || text[^1] == '\n')
            return null;
        int start = text.LastIndexOf('\n') + 1;
        string last = text[start..].Trim();
        if (last.Length == 0 || last.StartsWith('#'))
            return null;
        long line = 1;
        foreach (char c in text)
            if (c == '\n')
                line++;
        return line;
    }

    private static byte[] ReadBounded(string path)
    {
        if (Directory.Exists(path))
            throw new ConfigurationFileException(path, ConfigurationFileProblem.IsDirectory, $"'{path}' is a directory, not a configuration file.");
        try
        {
            return Files.BoundedFile.TryReadAllBytes(path, MaxBytes)
                ?? throw new ConfigurationFileException(path, ConfigurationFileProblem.TooLarge,
                    $"'{path}' is larger than {MaxBytes / (1024 * 1024)} MiB, the most a configuration file may have; it was not read further (nothing was applied).");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ConfigurationFileException(path, ConfigurationFileProblem.NotFound, $"Cannot find the configuration file '{path}'.", e);
        }
        catch (Exception e) when (e is UnauthorizedAccessException || (e is IOException && e is not ConfigurationFileException))
        {
            throw new ConfigurationFileException(path, ConfigurationFileProblem.Unreadable, $"Cannot read the configuration file '{path}': {e.Message}", e);
        }
    }
}
