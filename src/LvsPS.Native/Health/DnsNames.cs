namespace LvsPS.Native.Health;

/// <summary>The textual DNS names the DNS check accepts: dot-separated labels, "." for the root.</summary>
internal static class DnsNames
{
    public static bool IsValid(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 255)
            return false;
        if (name == ".")
            return true;
        string trimmed = name.EndsWith('.') ? name[..^1] : name;
        foreach (string label in trimmed.Split('.'))
            if (label.Length is 0 or > 63 || label.Any(c => c > 0x7e || c <= ' '))
                return false;
        return true;
    }
}
