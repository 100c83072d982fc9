using System.Diagnostics;

namespace LvsPS.Testing;

/// <summary>Runs host commands (ip, bridge, keepalived, python3) for the tests.</summary>
public static class Sh
{
    public static (int Code, string Output) Try(string command, params string[] args)
    {
        var info = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
            info.ArgumentList.Add(a);
        using Process p = Process.Start(info)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(true);
            throw new TimeoutException($"{command} {string.Join(' ', args)} did not finish in 60 s");
        }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    public static string Run(string command, params string[] args)
    {
        (int code, string output) = Try(command, args);
        if (code != 0)
            throw new InvalidOperationException($"{command} {string.Join(' ', args)} exited {code}: {output}");
        return output;
    }

    public static bool Has(string command) => Try("sh", "-c", $"command -v {command}").Code == 0;

    public static bool IsRoot => Environment.UserName == "root" || Try("id", "-u").Output.Trim() == "0";

    /// <summary>Polls <paramref name="condition"/> until it holds or the timeout passes.</summary>
    public static bool Eventually(Func<bool> condition, TimeSpan timeout, int pollMs = 50)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < timeout)
        {
            if (condition())
                return true;
            Thread.Sleep(pollMs);
        }
        return condition();
    }
}
