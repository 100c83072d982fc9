using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace LvsPS.Testing;

/// <summary>
/// A hosted PowerShell runspace (System.Management.Automation from NuGet) with the built
/// module imported from out/LvsPS, as a user's pwsh session would have it.
/// </summary>
public sealed class PowerShellSession : IDisposable
{
    private readonly Runspace _runspace;

    public PowerShellSession(string? networkNamespace = null)
    {
        var iss = InitialSessionState.CreateDefault2();
        iss.ImportPSModule(ModuleManifest);
        _runspace = RunspaceFactory.CreateRunspace(Host, iss);
        _runspace.Open();
        PSStyle.Instance.OutputRendering = OutputRendering.PlainText;
        if (networkNamespace != null)
            UseNamespace(networkNamespace);
    }

    /// <summary>Makes every LvsPS cmdlet of this session target <paramref name="name"/> unless told otherwise.</summary>
    public void UseNamespace(string name) => Run("$PSDefaultParameterValues['*-Lvs*:NetworkNamespace'] = $args[0]", name);

    public CapturingHost Host { get; } = new();

    /// <summary>out/LvsPS/LvsPS.psd1 of this checkout (LVSPS_MODULE overrides).</summary>
    public static string ModuleManifest => Environment.GetEnvironmentVariable("LVSPS_MODULE")
        ?? Path.Combine(RepoRoot, "out", "LvsPS", "LvsPS.psd1");

    /// <summary>The repository root, found from the test's output folder upwards (LvsPS.psd1 marks it).</summary>
    public static string RepoRoot
    {
        get
        {
            string? dir = AppContext.BaseDirectory;
            while (dir != null && !File.Exists(Path.Combine(dir, "LvsPS.psd1")))
                dir = Path.GetDirectoryName(dir);
            return dir ?? throw new InvalidOperationException("cannot find the repository root (LvsPS.psd1) above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>The outcome of one script: output objects, non-terminating errors, and the terminating one if any.</summary>
    public sealed record Result(Collection<PSObject> Output, IReadOnlyList<ErrorRecord> Errors, RuntimeException? Terminating, string HostText, IReadOnlyList<ProgressRecord>? Progress = null)
    {
        public IEnumerable<T> Objects<T>() => Output.Select(o => o.BaseObject).OfType<T>();
        public IEnumerable<ErrorRecord> AllErrors => Terminating?.ErrorRecord is { } t ? Errors.Append(t) : Errors;
    }

    /// <summary>Runs a script; positional values are $args inside it. Never throws for script errors.</summary>
    public Result Invoke(string script, params object?[] args)
    {
        Host.Capture.Clear();
        using var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        ps.AddScript(script);
        foreach (object? a in args)
            ps.AddArgument(a);
        Collection<PSObject> output = new();
        RuntimeException? terminating = null;
        try
        {
            output = ps.Invoke();
        }
        catch (RuntimeException e)
        {
            terminating = e;
        }
        return new Result(output, ps.Streams.Error.ToList(), terminating, StripAnsi(Host.Capture.Text), ps.Streams.Progress.ToList());
    }

    /// <summary>Runs a script that must succeed without any error.</summary>
    public Collection<PSObject> Run(string script, params object?[] args)
    {
        Result r = Invoke(script, args);
        if (r.Terminating != null || r.Errors.Count > 0)
            throw new InvalidOperationException($"script failed: {script}\n" +
                string.Join("\n", r.AllErrors.Select(e => $"{e.FullyQualifiedErrorId}: {e.Exception.Message}")));
        return r.Output;
    }

    /// <summary>A script started with <see cref="Start"/>: stop it as Ctrl+C would (StopProcessing), wait for its end.</summary>
    public sealed class Running(PowerShell ps, IAsyncResult handle) : IDisposable
    {
        public bool IsCompleted => handle.IsCompleted;

        /// <summary>What Ctrl+C does in pwsh: the running command's StopProcessing, then the pipeline ends.</summary>
        public void Stop() => ps.Stop();

        /// <summary>Waits for the end; false on timeout.</summary>
        public bool Wait(TimeSpan timeout) => handle.AsyncWaitHandle.WaitOne(timeout);

        /// <summary>The errors written so far, as "id: message" lines.</summary>
        public string Errors => string.Join("\n", Enumerable.Range(0, ps.Streams.Error.Count).Select(i => ps.Streams.Error[i]) // enumerating blocks while it runs
                .Select(e => $"{e.FullyQualifiedErrorId}: {e.Exception.Message}"))
            + (handle.IsCompleted && ps.InvocationStateInfo.Reason is { } reason ? $"\n{reason.Message}" : "");

        public void Dispose() => ps.Dispose();
    }

    /// <summary>Starts a script without waiting for it (a -Wait command that blocks until stopped).</summary>
    public Running Start(string script, params object?[] args)
    {
        var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        ps.AddScript(script);
        foreach (object? a in args)
            ps.AddArgument(a);
        return new Running(ps, ps.BeginInvoke());
    }

    /// <summary>Table headers come with colour codes even under PlainText in a hosted engine; tests read the text.</summary>
    public static string StripAnsi(string text) => System.Text.RegularExpressions.Regex.Replace(text, "\x1b\\[[0-9;]*[A-Za-z]", "");

    /// <summary>
    /// Ends the session as a user's ends: the module is removed first, and Remove-Module stops what this
    /// session started (VRRP instances, health checks, directors: the runtime's orderly shutdown of this
    /// runspace's workers), so nothing outlives the test that started it; then the runspace closes.
    /// </summary>
    public void Dispose()
    {
        if (_runspace.RunspaceStateInfo.State == RunspaceState.Opened && _runspace.RunspaceAvailability == RunspaceAvailability.Available)
            Invoke("Get-Module LvsPS | Remove-Module");
        _runspace.Dispose();
    }
}
