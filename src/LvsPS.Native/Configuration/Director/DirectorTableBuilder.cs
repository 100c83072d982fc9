using LvsPS.Native.Ipvs;
using LvsPS.Native.Netlink;

namespace LvsPS.Native.Configuration.Director;

/// <summary>
/// Puts a director's start table into IPVS in one batch: every service, then its real servers.
/// What exists already is set to the configuration (keepalived would keep the old scheduler and
/// weights; LvsPS makes the kernel match the file). Services and real servers the file does not
/// name are left alone, as keepalived leaves them.
/// </summary>
public static class DirectorTableBuilder
{
    /// <summary>Applies <paramref name="table"/>; returns the kernel's refusals, one message each (the rest is applied).</summary>
    public static IReadOnlyList<string> Converge(IIpvsClient client, IReadOnlyList<VirtualService> table)
    {
        var changes = new List<IpvsChange>();
        foreach (VirtualService s in table)
        {
            changes.Add(IpvsChange.Add(s with { RealServers = [] }));
            changes.AddRange(s.RealServers.Select(IpvsChange.Add));
        }
        var errors = new List<string>();
        var retries = new List<IpvsChange>();
        foreach (IpvsChangeResult r in client.Apply(changes))
        {
            if (r.Succeeded)
                continue;
            if (r.Errno == Errno.EEXIST)
                retries.Add(r.Change.Kind == IpvsChangeKind.AddService ? IpvsChange.Update(r.Change.Service!) : IpvsChange.Update(r.Change.RealServer!));
            else
                errors.Add(r.Error?.Message ?? $"{r.Change.Target}: errno {r.Errno}");
        }
        if (retries.Count > 0)
            errors.AddRange(client.Apply(retries).Where(r => !r.Succeeded).Select(r => r.Error?.Message ?? $"{r.Change.Target}: errno {r.Errno}"));
        return errors;
    }
}
