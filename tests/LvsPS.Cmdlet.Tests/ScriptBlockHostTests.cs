using LvsPS.Native.Runtime;
using LvsPS.Testing;
using Xunit;

namespace LvsPS.Cmdlet.Tests;

/// <summary>
/// The script-block side of the runtime (the module's ScriptBlockHost, reached through the hosted
/// session): pass/fail rules, the value a check returns, timeouts, a runspace of its own with the
/// module imported, and runs side by side.
/// </summary>
public sealed class ScriptBlockHostTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    private readonly PowerShellSession _ps = fixture.Session;

    /// <summary>Runs <paramref name="script"/> on a fresh host of two runspaces and returns the result.</summary>
    private ScriptResult Run(string script, double timeoutSeconds = 20, params object?[] args)
    {
        var results = _ps.Run("""
            param($script, $timeout, $arguments)
            $host2 = [LvsPS.Runtime.ScriptBlockHost]::new(2)
            try {
                $options = [LvsPS.Native.Runtime.ScriptRunOptions]@{ Timeout = [timespan]::FromSeconds($timeout) }
                $host2.InvokeAsync($script, [object[]]$arguments, $options, [Threading.CancellationToken]::None).GetAwaiter().GetResult()
            } finally { $host2.Dispose() }
            """, script, timeoutSeconds, args);
        return (ScriptResult)results.Single().BaseObject;
    }

    [Theory]
    [InlineData("$true", true)]
    [InlineData("", true)]
    [InlineData("1", true)]
    [InlineData("$false", false)]
    [InlineData("0", false)]
    [InlineData("@()", true)]
    [InlineData("'ok'; $false", false)]
    [InlineData("throw 'broken'", false)]
    [InlineData("Get-Command no-such-command-lvsps; $true", false)]
    public void A_script_block_passes_on_true_or_no_output_and_fails_on_false_or_an_error(string script, bool passes)
    {
        ScriptResult r = Run(script);
        Assert.Equal(ScriptOutcome.Exited, r.Outcome);
        Assert.Equal(passes, r.Succeeded);
        Assert.Equal(passes ? 0 : 1, r.ExitCode);
    }

    [Fact]
    public void The_last_output_is_the_value_and_errors_are_the_message()
    {
        ScriptResult r = Run("'first'; 42");
        Assert.Equal(42, r.Value);
        Assert.Equal("first\n42", r.StandardOutput);
        ScriptResult failed = Run("throw 'the disk is full'");
        Assert.Contains("the disk is full", failed.Message);
        Assert.Contains("the disk is full", failed.StandardError);
    }

    [Fact]
    public void Arguments_arrive_as_args()
    {
        ScriptResult r = Run("param($a, $b) \"$a+$b\"", 20, "x", 5);
        Assert.Equal("x+5", r.Value);
    }

    [Fact]
    public void A_script_block_past_its_timeout_is_stopped_and_counts_as_timed_out()
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        ScriptResult r = Run("while ($true) { }", timeoutSeconds: 0.5);
        Assert.Equal(ScriptOutcome.TimedOut, r.Outcome);
        Assert.False(r.Succeeded);
        Assert.InRange(sw.Elapsed.TotalSeconds, 0.5, 15);
    }

    [Fact]
    public void It_runs_in_a_runspace_of_its_own_with_the_module_imported()
    {
        _ps.Run("$callerOnly = 'visible here'");
        ScriptResult r = Run("[string]::IsNullOrEmpty($callerOnly) -and [bool](Get-Command Get-LvsVirtualService -ErrorAction SilentlyContinue) -and [runspace]::DefaultRunspace.Id -ne $args[0]",
            20, _ps.Run("[runspace]::DefaultRunspace.Id").Single().BaseObject);
        Assert.True(r.Succeeded, r.Message ?? r.StandardOutput);
    }

    [Fact]
    public void Two_runspaces_run_two_blocks_at_once()
    {
        // Each block waits at a rendezvous for the other: both get there only if they run at the same time
        // (one after the other, the first would give up after 20 s). No stopwatch: a loaded machine cannot fail it.
        var results = _ps.Run("""
            $h = [LvsPS.Runtime.ScriptBlockHost]::new(2)
            try {
                $o = [LvsPS.Native.Runtime.ScriptRunOptions]::Default
                $none = [Threading.CancellationToken]::None
                $meet = [Threading.Barrier]::new(2)
                $a = $h.InvokeAsync('if ($args[0].SignalAndWait(20000)) { 1 } else { throw "alone" }', @($meet), $o, $none)
                $b = $h.InvokeAsync('if ($args[0].SignalAndWait(20000)) { 2 } else { throw "alone" }', @($meet), $o, $none)
                [Threading.Tasks.Task]::WaitAll(@($a, $b))
                "$($a.Result.Message)$($b.Result.Message)"
                $a.Result.Value + $b.Result.Value
            } finally { $h.Dispose() }
            """).Select(o => o.BaseObject).ToArray();
        Assert.Equal("", results[0]);
        Assert.Equal(3, results[1]);
    }
}
