using System.Management.Automation;
using LvsPS.Testing;
using Xunit;

namespace LvsPS.Cmdlet.Tests;

/// <summary>One hosted session per test class: a runspace costs ≈0.6 s the first time.</summary>
public sealed class SessionFixture : IDisposable
{
    public PowerShellSession Session { get; } = new();

    public void Dispose() => Session.Dispose();
}

/// <summary>
/// The classes whose cmdlets start health checks or directors. Their engines are the process's, not the
/// session's (Get-LvsHealthCheck lists every one, a class's clean-up stops every one), so these classes
/// run one after another, never side by side.
/// </summary>
[CollectionDefinition(Name)]
public sealed class HealthWorkersCollection
{
    public const string Name = "health workers";
}

/// <summary>The classes that point $env:LVSPS_DRAIN_DIR (one per process) at a directory of their own: one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class DrainStoreCollection
{
    public const string Name = "drain store";
}

/// <summary>Shared assertions on what a hosted script produced.</summary>
public static class Expect
{
    /// <summary>The one error the script produced (terminating or not), with its id and category.</summary>
    public static ErrorRecord SingleError(PowerShellSession.Result r, string id, ErrorCategory category)
    {
        ErrorRecord[] errors = r.AllErrors.ToArray();
        Assert.True(errors.Length == 1, $"expected one error {id}, got {errors.Length}: " +
            string.Join("; ", errors.Select(e => $"{e.FullyQualifiedErrorId} ({e.CategoryInfo.Category}): {e.Exception.Message}")));
        ErrorRecord e = errors[0];
        Assert.Equal(id, e.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(category, e.CategoryInfo.Category);
        return e;
    }

    /// <summary>
    /// An argument the core's strict parser refused while PowerShell bound it (the address
    /// transformations): one ParameterArgumentTransformationError that carries the parser's message
    /// and its NetTextException, and no output.
    /// </summary>
    public static LvsPS.Native.Text.NetTextException RefusedAtBinding(PowerShellSession.Result r, string message)
    {
        ErrorRecord e = SingleError(r, "ParameterArgumentTransformationError", ErrorCategory.InvalidData);
        Assert.Contains(message, e.Exception.Message);
        Assert.Empty(r.Output);
        for (Exception? inner = e.Exception; inner != null; inner = inner.InnerException)
            if (inner is LvsPS.Native.Text.NetTextException parsed)
                return parsed;
        throw new Xunit.Sdk.XunitException($"no NetTextException under {e.Exception.GetType().Name}: {e.Exception.Message}");
    }

    /// <summary>What a user sees of an error (ConciseView): the message, then the recommendation.</summary>
    public static string Shown(ErrorRecord e)
        => (e.ErrorDetails?.Message ?? e.Exception.Message) + (e.ErrorDetails?.RecommendedAction is { } advice ? "\nRecommendation: " + advice : "");

    public static void WhatIf(PowerShellSession.Result r, string action, string target)
    {
        Assert.True(r.AllErrors.Count() == 0, "unexpected errors: " + string.Join("; ", r.AllErrors.Select(e => $"{e.FullyQualifiedErrorId}: {e.Exception.Message}")));
        Assert.Contains($"What if: Performing the operation \"{action}\" on target \"{target}\".", r.HostText);
    }

    /// <summary>Wraps a command so a terminating error comes back as output (try/catch sees only those).</summary>
    public static string CatchTerminating(string command) => $"try {{ {command}; 'not terminated' }} catch {{ $_ }}";
}
