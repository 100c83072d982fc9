namespace LvsPS.Testing;

/// <summary>What /proc says about processes and this process's threads (runtime tests: nothing left running).</summary>
public static class Processes
{
    /// <summary>True while the process exists and is not a zombie.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>The names of this process's threads (Linux keeps the first 15 characters of a thread's name).</summary>
    public static string[] ThreadNames()
        => Directory.GetDirectories("/proc/self/task")
            .Select(task => { try { return File.ReadAllText(Path.Combine(task, "comm")).Trim(); } catch (IOException) { return ""; } })
            .ToArray();

    public static int ThreadCount => Directory.GetDirectories("/proc/self/task").Length;
}
