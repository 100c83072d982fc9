using System.Collections;
using System.Globalization;
using System.Management.Automation;
using LvsPS.Native.Text;

namespace LvsPS;

/// <summary>
/// The properties of a piped object that is not one of ours: a row of Import-Csv (every value text),
/// a deserialized object of Import-Clixml, a job or remoting (values typed, enums as their names),
/// an object of ConvertFrom-Json, or a hashtable. Names match case-insensitively, as in PowerShell;
/// an absent property, null and empty text all mean "not given".
/// </summary>
internal sealed class RecordRow
{
    private readonly Func<string, object?> _lookup;
    private readonly Func<string, bool> _has;

    private RecordRow(Func<string, object?> lookup, Func<string, bool> has)
    {
        _lookup = lookup;
        _has = has;
    }

    /// <summary>A row over <paramref name="input"/> when it is a property bag (not a string, not one of our typed records).</summary>
    public static RecordRow? From(object? input)
    {
        object? value = input is PSObject p ? p.BaseObject : input;
        if (value is IDictionary dictionary)
            return FromDictionary(dictionary);
        if (input is PSObject bag && value is PSCustomObject)
            return new RecordRow(name => bag.Properties[name]?.Value, name => bag.Properties[name] is not null);
        return null;
    }

    private static RecordRow FromDictionary(IDictionary dictionary)
    {
        object? KeyOf(string name)
        {
            foreach (object key in dictionary.Keys)
                if (string.Equals(key as string, name, StringComparison.OrdinalIgnoreCase))
                    return key;
            return null;
        }
        return new RecordRow(name => KeyOf(name) is { } k ? dictionary[k] : null, name => KeyOf(name) is not null);
    }

    /// <summary>Whether the object has the property at all (even empty): what tells a service row from a real-server row.</summary>
    public bool Has(string name) => _has(name);

    public object? Raw(string name) => _lookup(name) is PSObject p ? p.BaseObject : _lookup(name);

    /// <summary>The value as text; null when absent or empty.</summary>
    public string? Text(string name)
    {
        string? text = Raw(name) switch
        {
            null => null,
            string s => s,
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            object o => o.ToString(),
        };
        return string.IsNullOrWhiteSpace(text) ? null : text.Trim();
    }

    /// <summary>True/False (any case), 1/0, or a boolean; null when not given.</summary>
    public bool? Flag(string name)
    {
        object? raw = Raw(name);
        if (raw is bool b)
            return b;
        if (raw is SwitchParameter s)
            return s.IsPresent;
        switch (Text(name)?.ToLowerInvariant())
        {
            case null: return null;
            case "true" or "1": return true;
            case "false" or "0": return false;
            default: throw Invalid(name, "True or False");
        }
    }

    /// <summary>A whole number from 0 to <paramref name="max"/>; null when not given.</summary>
    public ulong? Number(string name, ulong max)
    {
        object? raw = Raw(name);
        ulong value;
        if (raw is string or null)
        {
            string? text = Text(name);
            if (text is null)
                return null;
            if (!ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value))
                throw Invalid(name, $"a whole number from 0 to {max}");
        }
        else
        {
            try
            {
                value = Convert.ToUInt64(raw, CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException)
            {
                throw Invalid(name, $"a whole number from 0 to {max}");
            }
        }
        if (value > max)
            throw Invalid(name, $"a whole number from 0 to {max}");
        return value;
    }

    /// <summary>An enum value by name (any case); null when not given.</summary>
    public TEnum? Name<TEnum>(string name) where TEnum : struct, Enum
    {
        string? text = Text(name);
        if (text is null)
            return null;
        if (Enum.TryParse(text, ignoreCase: true, out TEnum value) && Enum.IsDefined(value) && !char.IsDigit(text[0]))
            return value;
        throw Invalid(name, "one of " + string.Join(", ", Enum.GetNames<TEnum>()));
    }

    /// <summary>The items of a list property (an array, a deserialized list); null when it is absent or text.</summary>
    public IEnumerable<object?>? Items(string name)
        => Raw(name) is IEnumerable items and not string ? items.Cast<object?>() : null;

    /// <summary>What the row names itself in messages: its VirtualService (and Address) when it has them.</summary>
    public string Describe()
    {
        string? service = SafeText("VirtualService");
        string? address = SafeText("Address");
        return (service, address) switch
        {
            (null, null) => "The piped object",
            (null, _) => $"The piped object for {address}",
            (_, null) => $"The piped object for {service}",
            _ => $"The piped object for {service} -> {address}",
        };
    }

    private string? SafeText(string name)
    {
        string? text = Text(name);
        return text is null ? null : MessageText.Printable(text.Length > 80 ? text[..80] + "..." : text);
    }

    private Exception Invalid(string property, string expected)
        => ErrorMapper.Invalid(ErrorMapper.InvalidRecordProperty,
            $"{Describe()}: its {property} is '{SafeText(property)}', which is not {expected}. Correct the value in the file or object and pipe it again.");
}
