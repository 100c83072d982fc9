namespace LvsPS.Native.Health;

/// <summary>
/// A health-check definition that cannot run: which object, which setting, the value given and
/// what is wrong with it. Nothing was started.
/// </summary>
public sealed class HealthCheckDefinitionException : ArgumentException
{
    public HealthCheckDefinitionException(string target, string setting, object? value, string problem)
        : base($"{target}: {setting}{(value is null ? "" : $" '{value}'")}: {problem}")
    {
        Target = target;
        Setting = setting;
        Value = value;
        Problem = problem;
    }

    /// <summary>The service, real server or check the setting belongs to.</summary>
    public string Target { get; }
    /// <summary>keepalived's name of the setting (delay_loop, status_code, misc_path, ...).</summary>
    public string Setting { get; }
    public object? Value { get; }
    public string Problem { get; }
}
