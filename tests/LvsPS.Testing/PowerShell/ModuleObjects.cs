using System.Reflection;

namespace LvsPS.Testing;

/// <summary>
/// The module's output types for tests that do not compile against LvsPS.dll (the cmdlet tier loads
/// it from out/LvsPS): make one around a core record, as its cmdlet does, and read the record back.
/// </summary>
public static class ModuleObjects
{
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    /// <summary>An object of the module's type <paramref name="typeName"/> (LvsPS.LvsTimeout, ...) made by its constructor from <paramref name="args"/>.</summary>
    public static object New(this PowerShellSession ps, string typeName, params object?[] args)
    {
        var type = (Type)ps.Run($"[{typeName}]").Single().BaseObject;
        return Activator.CreateInstance(type, Instance, null, args, null)
            ?? throw new InvalidOperationException($"{typeName} could not be made from {args.Length} values.");
    }

    /// <summary>The core records behind the output objects of type <paramref name="typeName"/> (their internal Record).</summary>
    public static IEnumerable<T> Records<T>(this PowerShellSession.Result r, string typeName) => r.Output.Records<T>(typeName);

    /// <inheritdoc cref="Records{T}(PowerShellSession.Result, string)"/>
    public static IEnumerable<T> Records<T>(this IEnumerable<System.Management.Automation.PSObject> output, string typeName)
        => output.Select(o => o.BaseObject).Where(o => o.GetType().FullName == typeName)
            .Select(o => (T)o.GetType().GetProperty("Record", Instance)!.GetValue(o)!);
}
