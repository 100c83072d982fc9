using System.Diagnostics;
using SharpFuzz;

namespace LvsPS.Fuzz;

/// <summary>
/// The harness executable. AFL++ runs <c>run TARGET</c> (SharpFuzz speaks AFL's fork-server
/// protocol); the scripts use <c>list</c>, <c>seeds</c> and <c>replay</c>.
/// </summary>
internal static class Program
{
    /// <summary>AFL++'s own cap on a test case (MAX_FILE, 1 MiB).</summary>
    private const int MaxInputBytes = 1024 * 1024;

    private const string Usage = """
        usage: LvsPS.Fuzz list
               LvsPS.Fuzz run TARGET                      (under afl-fuzz: one input per execution)
               LvsPS.Fuzz seeds TARGET DIR [--root DIR]   (writes the starting corpus)
               LvsPS.Fuzz replay TARGET PATH... [--timeout SECONDS] [--verbose]
                 (runs files or folders of inputs; exit 1 when any breaks the decoder's contract or hangs)
        """;

    public static int Main(string[] args)
    {
        if (args.Length == 0)
            return Fail(Usage);
        if (args[0] == "list")
        {
            foreach (FuzzTarget t in FuzzTargets.All)
                Console.WriteLine($"{t.Name,-16} {t.Decoder}; {(t.Rejections.Count == 0 ? "never throws" : "rejects with " + string.Join(" or ", t.Rejections.Select(r => r.Name)))}");
            return 0;
        }
        if (args.Length < 2)
            return Fail(Usage);
        FuzzTarget? target = FuzzTargets.Find(args[1]);
        if (target is null)
            return Fail($"no fuzz target '{args[1]}'; the targets: {string.Join(", ", FuzzTargets.All.Select(t => t.Name))}");
        return args[0] switch
        {
            "run" => RunUnderAfl(target),
            "seeds" when args.Length >= 3 => WriteSeeds(target, args[2], Option(args, "--root") ?? FindRoot()),
            "replay" when args.Length >= 3 => Replay(target, args.Skip(2).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(double.Parse(Option(args, "--timeout") ?? "10", System.Globalization.CultureInfo.InvariantCulture)), args.Contains("--verbose")),
            _ => Fail(Usage),
        };
    }

    private static int RunUnderAfl(FuzzTarget target)
    {
        var buffer = new byte[MaxInputBytes];
        Fuzzer.Run(stream =>
        {
            int length = 0, n;
            while (length < buffer.Length && (n = stream.Read(buffer, length, buffer.Length - length)) > 0)
                length += n;
            target.Run(buffer.AsSpan(0, length));
        });
        return 0;
    }

    private static int WriteSeeds(FuzzTarget target, string directory, string root)
    {
        Directory.CreateDirectory(directory);
        var context = new SeedContext(root);
        IEnumerable<Seed> seeds = target.Seeds(context)
            .Concat(context.Files($"tests/LvsPS.Fuzz/Seeds/{target.Name}"))
            .Concat(context.Files(FindingsFolder(target)));
        int count = 0;
        foreach (Seed seed in seeds)
        {
            File.WriteAllBytes(Path.Combine(directory, seed.Name), seed.Bytes);
            count++;
        }
        if (count == 0)
            return Fail($"{target.Name}: no seeds (is {root} a checkout?)");
        Console.WriteLine($"{target.Name}: {count} seeds in {directory}");
        return 0;
    }

    /// <summary>Where a finding's input is kept once fixed: the unit tests replay it, and it seeds later runs.</summary>
    public static string FindingsFolder(FuzzTarget target) => $"tests/LvsPS.Tests/Fuzz/Findings/{target.Name}";

    private static int Replay(FuzzTarget target, IEnumerable<string> paths, TimeSpan timeout, bool verbose)
    {
        var files = paths.SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p).Order(StringComparer.Ordinal) : (IEnumerable<string>)[p]).ToList();
        int decoded = 0, rejected = 0, findings = 0;
        foreach (string file in files)
        {
            byte[] input = File.ReadAllBytes(file);
            Exception? failure = null, rejection = null;
            var worker = new Thread(() =>
            {
                try { rejection = target.Run(input); }
                catch (Exception e) { failure = e; }
            }, 16 * 1024 * 1024) { IsBackground = true };
            var clock = Stopwatch.StartNew();
            worker.Start();
            if (!worker.Join(timeout))
            {
                findings++;
                Console.WriteLine($"FINDING {target.Name} {file}: no answer after {clock.Elapsed.TotalSeconds:0.#} s (hang)");
                continue;
            }
            if (failure != null)
            {
                findings++;
                Console.WriteLine($"FINDING {target.Name} {file}: {failure.GetType().FullName}: {failure.Message}");
                Console.WriteLine(failure.StackTrace);
            }
            else if (rejection is null)
                decoded++;
            else
            {
                rejected++;
                if (verbose)
                    Console.WriteLine($"rejected {file}: {rejection.Message}");
            }
        }
        Console.WriteLine($"{target.Name}: {files.Count} inputs, {decoded} decoded, {rejected} rejected as documented, {findings} findings");
        return findings == 0 ? 0 : 1;
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>The checkout: the first folder upwards from here that holds LvsPS.slnx.</summary>
    private static string FindRoot()
    {
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "LvsPS.slnx")))
                    return dir.FullName;
        return Environment.CurrentDirectory;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }
}
