using System.Diagnostics;

namespace LvsPS.Lab.Tests.Infrastructure;

/// <summary>
/// A fresh network namespace for one test (its own, empty IPVS table), with 'lo' up (the
/// kernel refuses NAT real servers until it is). ipvsadm runs inside it as the witness.
/// </summary>
public sealed class LabNamespace : IDisposable
{
    private static int _counter;
    private readonly bool _owned = true;

    public LabNamespace()
    {
        LabEnvironment.RequireLab();
        Name = $"lvst{Environment.ProcessId % 10000}x{Interlocked.Increment(ref _counter)}";
        Shell.Run("ip", "netns", "add", Name);
        Exec("ip", "link", "set", "lo", "up");
    }

    private LabNamespace(string name)
    {
        Name = name;
        _owned = false;
    }

    /// <summary>The helpers over a namespace someone else made (a <see cref="TrafficTopology"/>'s); Dispose leaves it.</summary>
    public static LabNamespace Attach(string name) => new(name);

    public string Name { get; }

    /// <summary>Runs a program inside the namespace; throws with its stderr when it fails.</summary>
    public string Exec(params string[] argv) => Shell.Run(["ip", "netns", "exec", Name, .. argv]);

    /// <summary>ipvsadm inside the namespace (e.g. Ipvsadm("-Sn")).</summary>
    public string Ipvsadm(params string[] args) => Exec(["ipvsadm", .. args]);

    /// <summary>ipvsadm-save -n: the rules, sorted, without trailing blanks (order in dumps is not stable).</summary>
    public IReadOnlyList<string> SavedRules()
        => Ipvsadm("-Sn").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal).ToList();

    public void Dispose()
    {
        if (!_owned)
            return;
        try { Shell.Run("ip", "netns", "del", Name); } catch (InvalidOperationException) { }
    }
}

public static class Shell
{
    public static string Run(params string[] argv) => RunWithStatus(argv, out int rc) is var output && rc == 0
        ? output.StdOut
        : throw new InvalidOperationException($"'{string.Join(' ', argv)}' exited {rc}: {output.StdErr.Trim()} {output.StdOut.Trim()}");

    public static (string StdOut, string StdErr) RunWithStatus(string[] argv, out int exitCode)
    {
        var psi = new ProcessStartInfo(argv[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in argv.Skip(1))
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        exitCode = p.ExitCode;
        return (stdout, stderr.Result);
    }
}

public static class LabEnvironment
{
    /// <summary>True inside the lab VM (or any root shell on a kernel with IPVS loaded).</summary>
    public static bool HasIpvs => File.Exists("/proc/net/ip_vs");

    public static void RequireLab()
    {
        if (!HasIpvs)
            throw new InvalidOperationException("These tests need a kernel with IPVS (run them with lab/run-vm.sh lab/guest/run-lab-tests.sh); /proc/net/ip_vs is missing.");
    }

    /// <summary>Kernel modules lab/guest/prepare.sh could not load (ip_vs_twos on 6.1).</summary>
    public static bool ModuleAvailable(string module)
        => Directory.Exists($"/sys/module/{module}") || Shell.RunWithStatus(["modinfo", "-n", module], out int rc) is var _ && rc == 0;
}
