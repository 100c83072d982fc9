namespace LvsPS.Native.Health;

/// <summary>Where a program given to a check runs from: a path as given, or the first match on PATH; null when none is executable.</summary>
internal static class ExecutableLookup
{
    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    public static string? Find(string program)
    {
        if (program.Contains('/'))
            return IsExecutable(program) ? Path.GetFullPath(program) : null;
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, program);
            if (IsExecutable(candidate))
                return candidate;
        }
        return null;
    }

    private static bool IsExecutable(string path)
        => File.Exists(path) && (File.GetUnixFileMode(path) & AnyExecute) != 0;
}
