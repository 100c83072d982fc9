using System.Diagnostics;
using LvsPS.Native.Runtime;

namespace LvsPS.Native.Health.Probes;

/// <summary>
/// MISC_CHECK on the runtime's script runner: the exit code goes to the monitor (which applies
/// keepalived's 0 / 1 / 2-255 rules); a timeout (SIGTERM to the group, SIGKILL 2 s later), a signal
/// or a failure to start gives no exit code and so fails. Started on the engine's loop thread, so the
/// process is spawned inside the director's network namespace.
/// </summary>
internal sealed class ScriptProbe : IProbeStarter
{
    public async Task<ProbeResult> Start(ProbeRequest request, CancellationToken stopping)
    {
        var script = (ScriptHealthCheck)request.Check.Check;
        IScript runnable = script.Command.Script;
        var options = new ScriptRunOptions { Timeout = request.Check.ScriptTimeout, KillDelay = HealthCheckDefaults.ScriptKillGrace, MaxOutputBytes = 4096 };
        long started = Stopwatch.GetTimestamp();
        ScriptResult result;
        try
        {
            result = await runnable.RunAsync(Array.Empty<object?>(), options, stopping).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new ProbeResult(request.CheckId, false, e.Message, Stopwatch.GetElapsedTime(started), ExitCode: null);
        }
        int? code = result.Outcome == ScriptOutcome.Exited ? result.ExitCode : null;
        // A script block with a dynamic weight returns the weight as a number: as exit code weight + 2.
        if (code is not null && script.Dynamic && result.Message is null && Weight(result.Value) is { } weight)
            code = weight + 2;
        string reason = result.Outcome == ScriptOutcome.Exited
            ? $"exit {result.ExitCode}{(string.IsNullOrWhiteSpace(result.StandardError) ? "" : ": " + FirstLine(result.StandardError))}"
            : result.ToString();
        return new ProbeResult(request.CheckId, code == 0, reason, result.Duration, ExitCode: code);
    }

    /// <summary>A whole number 0..253 from a script block's last output (keepalived's exit 2..255 range), else null.</summary>
    internal static int? Weight(object? value) => value switch
    {
        int or long or short or byte or uint or ulong or ushort or sbyte when Convert.ToDecimal(value, System.Globalization.CultureInfo.InvariantCulture) is var d && d >= 0 && d <= 253 => (int)d,
        double or float or decimal when Convert.ToDecimal(value, System.Globalization.CultureInfo.InvariantCulture) is var d && d >= 0 && d <= 253 && d == Math.Floor(d) => (int)d,
        _ => null,
    };

    private static string FirstLine(string text)
    {
        string line = text.Trim().Split('\n')[0];
        return Text.MessageText.Printable(line.Length > 120 ? line[..120] + "..." : line);
    }
}

/// <summary>Starts one probe and reports its result; never throws.</summary>
internal interface IProbeStarter
{
    Task<ProbeResult> Start(ProbeRequest request, CancellationToken stopping);
}
