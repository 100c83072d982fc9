using System.Diagnostics;
using System.Reflection;
using LvsPS.Native.Runtime;
using LvsPS.Testing;

namespace LvsPS.Bench;

/// <summary>
/// What the runtime's script runner costs (scripts/bench-runner.sh, on the host: no IPVS needed).
/// Per run: /bin/true through <see cref="ProcessRunner"/> against System.Diagnostics.Process doing
/// the same (start, read both streams, wait), one after another. At once: many sleeping runs started
/// together — the wall time, and the threads the process gained (none per run is the design).
/// Script blocks: one after another and many at once on the module's runspace pool.
/// </summary>
internal static class RunnerBench
{
    public static void Run(string[] args)
    {
        int runs = args.Length > 0 ? int.Parse(args[0]) : 300;
        int concurrent = args.Length > 1 ? int.Parse(args[1]) : 500;
        Console.WriteLine($"runner bench: {runs} runs one after another, {concurrent} at once, {Environment.ProcessorCount} cores, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");

        var runner = ProcessRunner.Shared;
        var truth = new ScriptCommand("/bin/true");
        double[] ours = Serial(runs, () => Check(runner.RunAsync(truth).GetAwaiter().GetResult().Succeeded, "/bin/true failed"));
        double[] plain = Serial(runs, () =>
        {
            var psi = new ProcessStartInfo("/bin/true") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var p = Process.Start(psi)!;
            Task<string> o = p.StandardOutput.ReadToEndAsync(), e = p.StandardError.ReadToEndAsync();
            p.WaitForExit();
            Task.WaitAll(o, e);
            Check(p.ExitCode == 0, "/bin/true failed");
        });
        Console.WriteLine($"/bin/true per run: ProcessRunner {Summary(ours)}; System.Diagnostics.Process {Summary(plain)}");

        int threadsBefore = Processes.ThreadCount, peak = threadsBefore;
        var sleep = new ScriptCommand("/bin/sleep", new[] { "1" });
        var wall = Stopwatch.StartNew();
        Task<ScriptResult>[] all = Enumerable.Range(0, concurrent).Select(_ => runner.RunAsync(sleep)).ToArray();
        while (!Task.WhenAll(all).Wait(20))
            peak = Math.Max(peak, Processes.ThreadCount);
        Check(all.All(t => t.Result.Succeeded), "a sleep failed");
        Console.WriteLine($"{concurrent} x 'sleep 1' at once: all done in {wall.Elapsed.TotalSeconds:F2} s; threads {threadsBefore} before, {peak} at most");

        ScriptBlocks(Math.Min(runs, 200), Math.Min(concurrent, 100));
    }

    /// <summary>Script blocks through the module's ScriptBlockHost (reached in a hosted session, as the cmdlets reach it).</summary>
    private static void ScriptBlocks(int runs, int concurrent)
    {
        using var session = new PowerShellSession();
        object host = session.Run("[LvsPS.Runtime.ScriptBlockHost]::Shared").Single().BaseObject;
        MethodInfo invoke = host.GetType().GetMethod("InvokeAsync")!;
        Task<ScriptResult> Start(string text) => (Task<ScriptResult>)invoke.Invoke(host, new object?[] { text, Array.Empty<object?>(), ScriptRunOptions.Default, CancellationToken.None })!;
        var opened = Stopwatch.StartNew();
        Check(Start("$true").GetAwaiter().GetResult().Succeeded, "the first script block failed");
        Console.WriteLine($"script block: first run (opens the runspace pool, imports the module) {opened.Elapsed.TotalMilliseconds:F0} ms");
        double[] each = Serial(runs, () => Check(Start("$true").GetAwaiter().GetResult().Succeeded, "{ $true } failed"));
        Console.WriteLine($"script block {{ $true }} per run: {Summary(each)}");
        var wall = Stopwatch.StartNew();
        Task<ScriptResult>[] all = Enumerable.Range(0, concurrent).Select(_ => Start("[Threading.Thread]::Sleep(100); $true")).ToArray();
        Task.WaitAll(all);
        Check(all.All(t => t.Result.Succeeded), "a script block failed: " + all.Select(t => t.Result).FirstOrDefault(r => !r.Succeeded));
        Console.WriteLine($"{concurrent} x {{ [Threading.Thread]::Sleep(100) }} at once on {Environment.ProcessorCount} cores' pool: {wall.Elapsed.TotalSeconds:F2} s");
    }

    private static double[] Serial(int runs, Action run)
    {
        for (int i = 0; i < Math.Min(20, runs); i++)
            run(); // warm-up: JIT, the reaper thread, the page cache
        var times = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            run();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(times);
        return times;
    }

    private static string Summary(double[] sorted)
        => $"median {sorted[sorted.Length / 2]:F2} ms, p90 {sorted[sorted.Length * 9 / 10]:F2} ms, least {sorted[0]:F2} ms";

    private static void Check(bool ok, string what)
    {
        if (!ok)
            throw new InvalidOperationException(what);
    }
}
