using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using LvsPS.Native.Vrrp;

namespace LvsPS.Vrrp;

/// <summary>
/// Runs notify and track scripts away from the pipeline: a script block in a runspace of its
/// own (it runs on a background thread, so it sees none of the caller's variables), an
/// executable as a process with keepalived's arguments.
/// </summary>
internal sealed class VrrpScriptHost : IDisposable
{
    private readonly object _lock = new();
    private Runspace? _runspace;

    /// <summary>The runspace, opened on first use with this module imported (track scripts call Get-LvsVirtualService and the like).</summary>
    private Runspace Runspace
    {
        get
        {
            if (_runspace != null)
                return _runspace;
            var iss = InitialSessionState.CreateDefault2();
            string? dir = Path.GetDirectoryName(typeof(VrrpScriptHost).Assembly.Location);
            string manifest = Path.Combine(dir ?? ".", "LvsPS.psd1");
            if (File.Exists(manifest))
                iss.ImportPSModule(new[] { manifest });
            _runspace = RunspaceFactory.CreateRunspace(iss);
            _runspace.Open();
            return _runspace;
        }
    }

    /// <summary>Runs the script with the arguments; true when it raised no error and its last output is not false/0/empty.</summary>
    public bool Invoke(ScriptBlock script, params object?[] args)
    {
        lock (_lock)
        {
            using PowerShell ps = PowerShell.Create();
            ps.Runspace = Runspace;
            ps.AddScript(script.ToString());
            foreach (object? a in args)
                ps.AddArgument(a);
            var output = ps.Invoke();
            if (ps.HadErrors)
                return false;
            return output.Count == 0 || LanguagePrimitives.IsTrue(output[^1]);
        }
    }

    public void Dispose()
    {
        lock (_lock)
            _runspace?.Dispose();
    }

    /// <summary>Runs an executable; true when it exits 0 within the timeout (it is killed otherwise).</summary>
    public static bool RunProcess(string command, IEnumerable<string> args, TimeSpan timeout, CancellationToken token = default)
    {
        var info = new ProcessStartInfo(command) { UseShellExecute = false, RedirectStandardOutput = false, RedirectStandardError = false };
        foreach (string a in args)
            info.ArgumentList.Add(a);
        using Process p = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {command}");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(token);
        cts.CancelAfter(timeout);
        try
        {
            p.WaitForExitAsync(cts.Token).GetAwaiter().GetResult();
            return p.ExitCode == 0;
        }
        catch (OperationCanceledException)
        {
            try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            return false;
        }
    }

    /// <summary>keepalived's notify arguments: INSTANCE name state priority.</summary>
    public static string[] NotifyArguments(VrrpStateChange change)
        => new[] { "INSTANCE", change.InstanceName, change.To.ToString().ToUpperInvariant(), change.Priority.ToString() };
}
