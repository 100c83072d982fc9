using System.Collections;
using System.Management.Automation;

namespace LvsPS.Testing;

/// <summary>
/// Reads the module's output objects by property name, as scripts do: the tests need not share the
/// module's types (it may load them in a context of its own), only their property names and values.
/// </summary>
public static class PSObjectValues
{
    public static T Value<T>(this PSObject o, string property)
    {
        PSPropertyInfo p = o.Properties[property] ?? throw new KeyNotFoundException($"{o} ({o.BaseObject.GetType().Name}) has no property {property}.");
        return p.Value is PSObject inner && inner.BaseObject is T t ? t : (T)p.Value!;
    }

    /// <summary>The items of a list property (RealServers), each as a PSObject.</summary>
    public static IReadOnlyList<PSObject> Items(this PSObject o, string property)
        => ((IEnumerable)o.Value<object>(property)).Cast<object>().Select(PSObject.AsPSObject).ToList();
}
