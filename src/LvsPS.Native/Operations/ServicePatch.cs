using LvsPS.Native.Ipvs;

namespace LvsPS.Native.Operations;

/// <summary>
/// The service settings that were given, and only those (null: keep). A new service applies it to a fresh
/// record, an edit to the one read back, so a setting not given keeps its value (the kernel replaces every
/// setting on update).
/// </summary>
public sealed record ServicePatch
{
    public string? Scheduler { get; init; }
    /// <summary>Flag names (sh-fallback, mh-port, flag-3, ...); they replace the old flags, an empty list clears them.</summary>
    public IReadOnlyList<string>? SchedulerFlags { get; init; }
    public bool? Persistent { get; init; }
    /// <summary>Seconds; a timeout makes the service persistent.</summary>
    public uint? PersistenceTimeout { get; init; }
    /// <summary>A mask (255.255.255.0) or prefix length (24, /64); the host length means per client address again.</summary>
    public string? PersistenceNetmask { get; init; }
    public bool? OnePacket { get; init; }
    /// <summary>The persistence engine (sip); an empty string removes it.</summary>
    public string? PersistenceEngine { get; init; }

    /// <summary>Checks what can be checked without the kernel (names, netmask, a contradiction), so a typo sends and reads nothing.</summary>
    public void Check(IpFamily family)
    {
        if (Scheduler is { } scheduler && !Schedulers.IsKnown(Normalized(scheduler)))
            IpvsValidation.Validate(new VirtualService { Key = VirtualServiceKey.ForFirewallMark(1), Scheduler = scheduler });
        foreach (string name in SchedulerFlags ?? Array.Empty<string>())
            if (!Schedulers.FlagNames.Contains(Normalized(name)))
                throw new IpvsValidationException(IpvsRule.UnknownSchedulerFlag, $"'{name}' is not a scheduler flag; valid flags: {string.Join(", ", Schedulers.FlagNames)}.");
        if (PersistenceNetmask is { } mask)
            IpvsValidation.Validate(new VirtualService
            {
                Key = VirtualServiceKey.ForFirewallMark(1, family), Persistent = true, PersistenceTimeout = 1,
                PersistencePrefixLength = IpvsValidation.ParsePersistenceNetmask(mask, family),
            });
        if (PersistenceTimeout is not null && Persistent == false)
            throw new IpvsValidationException(IpvsRule.PersistenceConflict, "A persistence timeout makes a service persistent; it cannot be given together with turning persistence off.");
    }

    /// <summary>The record with the given settings applied; <paramref name="warn"/> hears of what changed without being asked (flags dropped by a scheduler change).</summary>
    public VirtualService ApplyTo(VirtualService s, Action<string>? warn = null)
    {
        if (Scheduler is { } given)
        {
            string name = Normalized(given);
            // sh/mh flags mean nothing to other schedulers and would make the update invalid.
            if (SchedulerFlags is null && name is not ("sh" or "mh") && (s.SchedulerFlags & (Ipvs.SchedulerFlags.Flag1 | Ipvs.SchedulerFlags.Flag2)) != 0)
            {
                warn?.Invoke($"{s.Key}: the scheduler flags {string.Join(",", Schedulers.FormatFlags(s.Scheduler, s.SchedulerFlags))} do not apply to '{name}' and are dropped.");
                s = s with { SchedulerFlags = s.SchedulerFlags & Ipvs.SchedulerFlags.Flag3 };
            }
            s = s with { Scheduler = name };
        }
        if (SchedulerFlags is { } flags)
            s = s with { SchedulerFlags = Schedulers.ParseFlags(flags, s.Scheduler) };

        if (PersistenceTimeout is { } timeout)
        {
            if (Persistent == false)
                throw new IpvsValidationException(IpvsRule.PersistenceConflict, "A persistence timeout makes a service persistent; it cannot be given together with turning persistence off.");
            s = s with { Persistent = true, PersistenceTimeout = timeout };
        }
        else if (Persistent == true)
            s = s with { Persistent = true, PersistenceTimeout = s.PersistenceTimeout == 0 ? VirtualService.DefaultPersistenceTimeout : s.PersistenceTimeout };
        else if (Persistent == false)
            s = s with { Persistent = false, PersistenceTimeout = 0 };

        if (PersistenceNetmask is { } mask)
        {
            int prefix = IpvsValidation.ParsePersistenceNetmask(mask, s.Key.Family);
            s = s with { PersistencePrefixLength = prefix == (s.Key.Family == IpFamily.IPv6 ? 128 : 32) ? null : prefix };
        }
        if (OnePacket is { } onePacket)
            s = s with { OnePacket = onePacket };
        if (PersistenceEngine is { } pe)
            s = s with { PersistenceEngine = string.IsNullOrWhiteSpace(pe) ? null : Normalized(pe) };
        return s;
    }

    private static string Normalized(string name) => name.Trim().ToLowerInvariant();
}
