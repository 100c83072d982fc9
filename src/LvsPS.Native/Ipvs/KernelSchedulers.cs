namespace LvsPS.Native.Ipvs;

/// <summary>
/// The schedulers a kernel can run: each of <see cref="Schedulers.Names"/> whose module ip_vs_NAME is built in
/// (modules.builtin), loaded (/proc/modules) or installed for the kernel to load on first use (modules.dep).
/// </summary>
public static class KernelSchedulers
{
    private const string ModulePrefix = "ip_vs_";

    /// <summary>The schedulers of the running kernel (/lib/modules/RELEASE and /proc/modules); null when neither can be read.</summary>
    public static IReadOnlyList<string>? OfRunningKernel()
    {
        string? release = ReadFirstLine("/proc/sys/kernel/osrelease");
        return Find(release is null ? null : Path.Combine("/lib/modules", release), "/proc/modules");
    }

    /// <summary>
    /// The schedulers named by the module lists of <paramref name="moduleDirectory"/> (modules.builtin, modules.dep)
    /// and the loaded modules of <paramref name="procModules"/>, in the order of <see cref="Schedulers.Names"/>;
    /// null when none of those files can be read (nothing is known, which is not the same as none).
    /// </summary>
    public static IReadOnlyList<string>? Find(string? moduleDirectory, string procModules)
    {
        var modules = new HashSet<string>(StringComparer.Ordinal);
        bool known = false;
        if (moduleDirectory is not null)
        {
            known |= AddModules(Path.Combine(moduleDirectory, "modules.builtin"), modules, line => line);
            known |= AddModules(Path.Combine(moduleDirectory, "modules.dep"), modules, line => line.Split(':', 2)[0]);
        }
        known |= AddModules(procModules, modules, line => line.Split(' ', 2)[0]);
        return known ? Schedulers.Names.Where(n => modules.Contains(ModulePrefix + n)).ToArray() : null;
    }

    /// <summary>Adds the module name of each line (a path such as kernel/net/netfilter/ipvs/ip_vs_rr.ko.xz, or a bare name).</summary>
    private static bool AddModules(string file, HashSet<string> modules, Func<string, string> field)
    {
        try
        {
            foreach (string line in File.ReadLines(file))
            {
                string name = Path.GetFileName(field(line).Trim());
                int ko = name.IndexOf(".ko", StringComparison.Ordinal);
                modules.Add((ko >= 0 ? name[..ko] : name).Replace('-', '_'));
            }
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string? ReadFirstLine(string file)
    {
        try
        {
            return File.ReadLines(file).FirstOrDefault()?.Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
