using LvsPS.Native.Runtime;

namespace LvsPS.Host.Tests.Infrastructure;

/// <summary>A track script whose result a test decides: passes while <c>check()</c> is true.</summary>
public sealed class DelegateScript(Func<bool> check) : IScript
{
    public string Description => "test check";

    public Task<ScriptResult> RunAsync(IReadOnlyList<object?> arguments, ScriptRunOptions options, CancellationToken cancellationToken)
        => Task.FromResult(new ScriptResult { Outcome = ScriptOutcome.Exited, ExitCode = check() ? 0 : 1 });
}
