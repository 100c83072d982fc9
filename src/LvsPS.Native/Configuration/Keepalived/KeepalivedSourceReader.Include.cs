namespace LvsPS.Native.Configuration.Keepalived;

internal sealed partial class KeepalivedSourceReader
{
    /// <summary>
    /// <c>include PATTERN</c>: a glob (with <c>{a,b}</c>) relative to the including file's
    /// directory, matches read in sorted order. A pattern with wildcards that matches nothing is
    /// a warning (an empty conf.d is normal); a plain path that does not exist is an error,
    /// where keepalived only warns and runs without that part of the configuration.
    /// </summary>
    private void Include(string pattern, SourceLocation at, string directory)
    {
        if (pattern.Length == 0)
        {
            _diagnostics.Error(DiagnosticCodes.IncludeMissing, at, "include without a file name: name the file or pattern to include.");
            return;
        }
        if (pattern.Length >= 2 && pattern[0] == '"' && pattern[^1] == '"')
            pattern = pattern[1..^1];
        if (_openFiles.Count >= _options.MaxIncludeDepth)
        {
            _diagnostics.Error(DiagnosticCodes.IncludeLoop, at, $"includes nest deeper than {_options.MaxIncludeDepth} files here; flatten them.");
            return;
        }
        string absolute = Path.GetFullPath(Path.IsPathRooted(pattern) ? pattern : Path.Combine(directory, pattern));
        if (_options.IncludeRoot is { } root && !absolute.StartsWith(Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)) + "/", StringComparison.Ordinal))
        {
            _diagnostics.Error(DiagnosticCodes.IncludeMissing, at, $"include '{pattern}' is outside {root}, the only directory includes may read here.");
            return;
        }
        IReadOnlyList<string> matches = KeepalivedGlob.Match(absolute);
        if (matches.Count == 0)
        {
            if (KeepalivedGlob.HasWildcards(pattern))
                _diagnostics.Warn(DiagnosticCodes.IncludeMatchedNothing, at, $"include '{pattern}' matches no file ({absolute}); nothing included.");
            else
                _diagnostics.Error(DiagnosticCodes.IncludeMissing, at,
                    $"include '{pattern}': no such file ({absolute}). Create it, fix the path (relative paths start at this file's directory), or remove the include.");
            return;
        }
        foreach (string match in matches)
        {
            string full = Path.GetFullPath(match);
            int open = _openFiles.IndexOf(full);
            if (open >= 0)
            {
                string chain = string.Join(" -> ", _openFiles.Skip(open).Select(Path.GetFileName).Append(Path.GetFileName(full)));
                _diagnostics.Error(DiagnosticCodes.IncludeLoop, at, $"include loop: {chain}. Remove one of these includes.");
                continue;
            }
            ReadFile(full, at, DisplayName(full));
        }
    }

    /// <summary>Included files below the main file's directory are named as the main file was (relative stays relative); others by full path.</summary>
    private string DisplayName(string match)
    {
        if (_mainDirectory == null)
            return match;
        string relative = Path.GetRelativePath(_mainDirectory, match);
        if (relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative))
            return match;
        return _mainDisplayDirectory.Length == 0 ? relative : Path.Combine(_mainDisplayDirectory, relative);
    }
}
