using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text;
using LvsPS.Native.Runtime;

namespace LvsPS.Runtime;

/// <summary>
/// Runs script blocks for the runtime's workers (VRRP track and notify scripts, health checks) on
/// a runspace pool of its own with this module imported: never in the caller's runspace, which is
/// busy or gone when a check is due, so a script block sees none of the caller's variables. The
/// pool opens on first use (the module import costs about half a second once) and holds at most
/// <see cref="MaxRunspaces"/> runspaces; more runs wait for a free one.
/// </summary>
public sealed class ScriptBlockHost : IDisposable
{
    private static readonly object s_sharedLock = new();
    private static ScriptBlockHost? s_shared;

    private readonly object _lock = new();
    private RunspacePool? _pool;
    private bool _disposed;

    public ScriptBlockHost(int maxRunspaces = 4) => MaxRunspaces = maxRunspaces;

    /// <summary>The host of this process; a new one after <see cref="DisposeShared"/> (the module imported again).</summary>
    public static ScriptBlockHost Shared
    {
        get
        {
            lock (s_sharedLock)
                return s_shared ??= new ScriptBlockHost(Math.Max(2, Environment.ProcessorCount));
        }
    }

    /// <summary>Closes the shared pool (running pipelines are stopped); at shutdown, after the workers stopped.</summary>
    public static void DisposeShared()
    {
        ScriptBlockHost? host;
        lock (s_sharedLock)
        {
            host = s_shared;
            s_shared = null;
        }
        host?.Dispose();
    }

    public int MaxRunspaces { get; }

    /// <summary>
    /// Runs the script text with <paramref name="arguments"/> as $args. It passes (exit code 0) when
    /// it raised no error and its last output is true in PowerShell's sense, or it wrote nothing;
    /// it fails (exit code 1) otherwise. A run past the timeout is stopped and counts as TimedOut.
    /// </summary>
    public async Task<ScriptResult> InvokeAsync(string script, IReadOnlyList<object?> arguments, ScriptRunOptions options, CancellationToken cancellationToken)
    {
        options.Validate();
        var started = System.Diagnostics.Stopwatch.StartNew();
        if (cancellationToken.IsCancellationRequested)
            return new ScriptResult { Outcome = ScriptOutcome.Canceled };
        RunspacePool pool;
        try
        {
            pool = Pool();
        }
        catch (Exception e) when (e is ObjectDisposedException or RuntimeException or InvalidOperationException)
        {
            return ScriptResult.NotStarted($"the script runspace could not be opened: {e.Message}", duration: started.Elapsed);
        }
        using PowerShell ps = PowerShell.Create();
        ps.RunspacePool = pool;
        ps.AddScript(script);
        foreach (object? argument in arguments)
            ps.AddArgument(argument);
        using var timeout = new CancellationTokenSource(options.Timeout);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using CancellationTokenRegistration registration = stop.Token.Register(() => ps.BeginStop(null, null));
        IList<PSObject>? output = null;
        Exception? failure = null;
        try
        {
            output = await Task.Factory.FromAsync(ps.BeginInvoke(), ps.EndInvoke).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RuntimeException or InvalidOperationException)
        {
            failure = e;
        }
        if (stop.IsCancellationRequested)
            return new ScriptResult { Outcome = cancellationToken.IsCancellationRequested ? ScriptOutcome.Canceled : ScriptOutcome.TimedOut, Duration = started.Elapsed };
        return Result(output ?? Array.Empty<PSObject>(), ps.Streams.Error, failure, options.MaxOutputBytes, started.Elapsed);
    }

    private static ScriptResult Result(IList<PSObject> output, PSDataCollection<ErrorRecord> errors, Exception? failure, int cap, TimeSpan duration)
    {
        string? error = failure?.Message ?? errors.FirstOrDefault()?.ToString();
        bool passed = error is null && (output.Count == 0 || LanguagePrimitives.IsTrue(output[^1]));
        string standardError = string.Join("\n", errors.Select(e => e.ToString()).Concat(failure is null ? Array.Empty<string>() : new[] { failure.Message }));
        string standardOutput = string.Join("\n", output.Select(o => o?.ToString() ?? ""));
        return new ScriptResult
        {
            Outcome = ScriptOutcome.Exited,
            ExitCode = passed ? 0 : 1,
            Duration = duration,
            Message = error,
            Value = output.Count > 0 ? output[^1]?.BaseObject : null,
            StandardOutput = Cap(standardOutput, cap, out bool outputCut),
            StandardError = Cap(standardError, cap, out bool errorCut),
            OutputTruncated = outputCut || errorCut,
        };
    }

    private static string Cap(string text, int cap, out bool truncated)
    {
        truncated = Encoding.UTF8.GetByteCount(text) > cap;
        if (!truncated)
            return text;
        return cap == 0 ? "" : text[..Math.Min(text.Length, cap)];
    }

    private RunspacePool Pool()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_pool != null)
                return _pool;
            var iss = InitialSessionState.CreateDefault2();
            string manifest = Path.Combine(Path.GetDirectoryName(typeof(ScriptBlockHost).Assembly.Location) ?? ".", "LvsPS.psd1");
            if (File.Exists(manifest))
                iss.ImportPSModule(new[] { manifest });
            RunspacePool pool = RunspaceFactory.CreateRunspacePool(iss);
            pool.SetMinRunspaces(1);
            pool.SetMaxRunspaces(MaxRunspaces);
            pool.Open();
            return _pool = pool;
        }
    }

    public void Dispose()
    {
        RunspacePool? pool;
        lock (_lock)
        {
            _disposed = true;
            pool = _pool;
            _pool = null;
        }
        pool?.Dispose();
    }
}

/// <summary>A PowerShell script block as an <see cref="IScript"/>: its text runs on a <see cref="ScriptBlockHost"/>.</summary>
public sealed class PowerShellScript : IScript
{
    private readonly ScriptBlockHost? _host;

    public PowerShellScript(ScriptBlock scriptBlock, ScriptBlockHost? host = null)
    {
        Text = scriptBlock.ToString();
        _host = host;
    }

    public string Text { get; }
    public string Description => "{ " + Text.Trim() + " }";

    public Task<ScriptResult> RunAsync(IReadOnlyList<object?> arguments, ScriptRunOptions options, CancellationToken cancellationToken)
        => (_host ?? ScriptBlockHost.Shared).InvokeAsync(Text, arguments, options, cancellationToken);

    public override string ToString() => Description;
}
