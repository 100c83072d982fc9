using System.Management.Automation;
using LvsPS.Native.Ipvs;

namespace LvsPS;

/// <summary>
/// Applies the bound service options (-Scheduler, -Persistent, ...) to a record. New-LvsVirtualService
/// starts from a fresh record and Set-LvsVirtualService from the one read back, so an option
/// that was not bound keeps its value (the kernel replaces every setting on update).
/// </summary>
internal static class ServiceOptions
{
    public const string Scheduler = nameof(Scheduler);
    public const string SchedulerFlag = nameof(SchedulerFlag);
    public const string Persistent = nameof(Persistent);
    public const string PersistenceTimeout = nameof(PersistenceTimeout);
    public const string PersistenceNetmask = nameof(PersistenceNetmask);
    public const string OnePacket = nameof(OnePacket);
    public const string PersistenceEngine = nameof(PersistenceEngine);

    /// <summary>The largest persistence timeout: the kernel keeps it as seconds × HZ (up to 1000) in 32 bits.</summary>
    public const uint MaxPersistenceTimeout = 4_294_967;

    /// <summary>Checks what can be checked without the kernel (names, netmask), so a typo sends and reads nothing.</summary>
    public static void PreCheck(IDictionary<string, object> bound, IpFamily family)
    {
        if (bound.TryGetValue(Scheduler, out object? scheduler) && !Schedulers.IsKnown(((string)scheduler).Trim().ToLowerInvariant()))
            IpvsValidation.Validate(new VirtualService { Key = VirtualServiceKey.ForFirewallMark(1), Scheduler = (string)scheduler });
        if (bound.TryGetValue(SchedulerFlag, out object? flags))
            foreach (string name in (string[]?)flags ?? Array.Empty<string>())
                if (!Schedulers.FlagNames.Contains(name.Trim().ToLowerInvariant()))
                    throw ErrorMapper.Invalid(ErrorMapper.UnknownSchedulerFlag, $"'{name}' is not a scheduler flag; valid flags: {string.Join(", ", Schedulers.FlagNames)}.");
        if (bound.TryGetValue(PersistenceNetmask, out object? mask))
        {
            int prefix = IpvsValidation.ParsePersistenceNetmask((string)mask, family);
            IpvsValidation.Validate(new VirtualService
            {
                Key = VirtualServiceKey.ForFirewallMark(1, family), Persistent = true, PersistenceTimeout = 1, PersistencePrefixLength = prefix,
            });
        }
    }

    /// <summary>The record with the bound options applied; <paramref name="warnings"/> hears of what changed without being asked (flags dropped by a scheduler change).</summary>
    public static VirtualService Apply(VirtualService s, IDictionary<string, object> bound, Action<string> warnings)
    {
        if (bound.TryGetValue(Scheduler, out object? scheduler))
        {
            string name = ((string)scheduler).Trim().ToLowerInvariant();
            // sh/mh flags mean nothing to other schedulers and would make the update invalid.
            if (!bound.ContainsKey(SchedulerFlag) && name is not ("sh" or "mh") && (s.SchedulerFlags & (SchedulerFlags.Flag1 | SchedulerFlags.Flag2)) != 0)
            {
                warnings($"{s.Key}: the scheduler flags {string.Join(",", Schedulers.FormatFlags(s.Scheduler, s.SchedulerFlags))} do not apply to '{name}' and are dropped.");
                s = s with { SchedulerFlags = s.SchedulerFlags & SchedulerFlags.Flag3 };
            }
            s = s with { Scheduler = name };
        }
        if (bound.TryGetValue(SchedulerFlag, out object? flags))
            s = s with { SchedulerFlags = InputParsing.ParseSchedulerFlags((string[]?)flags ?? Array.Empty<string>(), s.Scheduler) };

        bool? persistent = bound.TryGetValue(Persistent, out object? p) ? ((SwitchParameter)p).IsPresent : null;
        if (bound.TryGetValue(PersistenceTimeout, out object? timeout))
        {
            if (persistent == false)
                throw ErrorMapper.Invalid(ErrorMapper.PersistenceConflict, "-PersistenceTimeout makes a service persistent; it cannot be combined with -Persistent:$false.");
            s = s with { Persistent = true, PersistenceTimeout = (uint)timeout };
        }
        else if (persistent == true)
            s = s with { Persistent = true, PersistenceTimeout = s.PersistenceTimeout == 0 ? VirtualService.DefaultPersistenceTimeout : s.PersistenceTimeout };
        else if (persistent == false)
            s = s with { Persistent = false, PersistenceTimeout = 0 };

        if (bound.TryGetValue(PersistenceNetmask, out object? mask))
        {
            int prefix = IpvsValidation.ParsePersistenceNetmask((string)mask, s.Key.Family);
            int host = s.Key.Family == IpFamily.IPv6 ? 128 : 32;
            s = s with { PersistencePrefixLength = prefix == host ? null : prefix };
        }
        if (bound.TryGetValue(OnePacket, out object? ops))
            s = s with { OnePacket = ((SwitchParameter)ops).IsPresent };
        if (bound.TryGetValue(PersistenceEngine, out object? pe))
            s = s with { PersistenceEngine = string.IsNullOrWhiteSpace((string?)pe) ? null : ((string)pe).Trim().ToLowerInvariant() };
        return s;
    }
}
