namespace LvsPS.Native.Ipvs;

/// <summary>The schedulers of current kernels and the names of their flags.</summary>
public static class Schedulers
{
    public static readonly IReadOnlyList<string> Names = new[]
    {
        "rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos",
    };

    public static readonly IReadOnlyList<string> FlagNames = new[]
    {
        "sh-fallback", "sh-port", "mh-fallback", "mh-port", "flag-1", "flag-2", "flag-3",
    };

    public static bool IsKnown(string name) => Names.Contains(name, StringComparer.Ordinal);

    /// <summary>Parses one flag name for the given scheduler; the error says which scheduler a flag belongs to.</summary>
    public static bool TryParseFlag(string name, string scheduler, out SchedulerFlags flag, out string? error)
    {
        error = null;
        string n = name.Trim().ToLowerInvariant();
        (flag, string? owner) = n switch
        {
            "sh-fallback" => (SchedulerFlags.Flag1, "sh"),
            "sh-port" => (SchedulerFlags.Flag2, "sh"),
            "mh-fallback" => (SchedulerFlags.Flag1, "mh"),
            "mh-port" => (SchedulerFlags.Flag2, "mh"),
            "flag-1" => (SchedulerFlags.Flag1, null),
            "flag-2" => (SchedulerFlags.Flag2, null),
            "flag-3" => (SchedulerFlags.Flag3, null),
            _ => (SchedulerFlags.None, "?"),
        };
        if (owner == "?")
        {
            error = $"'{name}' is not a scheduler flag; valid flags: {string.Join(", ", FlagNames)}.";
            return false;
        }
        if (owner != null && owner != scheduler)
        {
            error = $"The flag '{name}' belongs to the '{owner}' scheduler, not '{scheduler}'.";
            return false;
        }
        return true;
    }

    /// <summary>Parses flag names for a scheduler; an unknown name or another scheduler's flag is an <see cref="IpvsValidationException"/>.</summary>
    public static SchedulerFlags ParseFlags(IEnumerable<string> names, string scheduler)
    {
        SchedulerFlags flags = SchedulerFlags.None;
        foreach (string name in names)
        {
            if (!TryParseFlag(name, scheduler, out SchedulerFlags flag, out string? error))
                throw new IpvsValidationException(FlagNames.Contains(name.Trim().ToLowerInvariant()) ? IpvsRule.SchedulerFlagMismatch : IpvsRule.UnknownSchedulerFlag, error!);
            flags |= flag;
        }
        return flags;
    }

    /// <summary>The flag names as ipvsadm prints them for this scheduler (sh-fallback,sh-port / flag-1,...).</summary>
    public static IReadOnlyList<string> FormatFlags(string scheduler, SchedulerFlags flags)
    {
        var names = new List<string>();
        string? prefix = scheduler is "sh" or "mh" ? scheduler : null;
        if (flags.HasFlag(SchedulerFlags.Flag1)) names.Add(prefix != null ? $"{prefix}-fallback" : "flag-1");
        if (flags.HasFlag(SchedulerFlags.Flag2)) names.Add(prefix != null ? $"{prefix}-port" : "flag-2");
        if (flags.HasFlag(SchedulerFlags.Flag3)) names.Add("flag-3");
        return names;
    }
}
