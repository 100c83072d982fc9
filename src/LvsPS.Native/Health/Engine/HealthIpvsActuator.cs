using LvsPS.Native.Ipvs;
using LvsPS.Native.Netlink;

namespace LvsPS.Native.Health.Engine;

/// <summary>
/// Carries the monitor's changes to IPVS in one batch through <see cref="IIpvsClient"/>, and
/// settles what the kernel answers differently from the monitor's belief: an add of a destination
/// that exists sets it instead, a weight change of a missing one adds it, a removal of a missing
/// one is done already. What still fails is reported, one message per change.
/// </summary>
public sealed class HealthIpvsActuator(IIpvsClient client)
{
    public long Applied { get; private set; }
    public long Failed { get; private set; }

    public IReadOnlyList<string> Apply(IReadOnlyList<HealthIpvsChange> changes)
    {
        if (changes.Count == 0)
            return Array.Empty<string>();
        var errors = new List<string>();
        var retries = new List<IpvsChange>();
        foreach (IpvsChangeResult r in Send(changes.Select(ToIpvs).ToArray(), errors))
        {
            if (r.Succeeded)
            {
                Applied++;
                continue;
            }
            IpvsChange c = r.Change;
            switch (c.Kind, r.Errno)
            {
                case (IpvsChangeKind.AddRealServer, Errno.EEXIST):
                    retries.Add(IpvsChange.Update(c.RealServer!));
                    break;
                case (IpvsChangeKind.UpdateRealServer, Errno.ENOENT):
                    retries.Add(IpvsChange.Add(c.RealServer!));
                    break;
                case (IpvsChangeKind.RemoveRealServer, Errno.ENOENT):
                    Applied++;
                    break;
                default:
                    Fail(errors, r);
                    break;
            }
        }
        foreach (IpvsChangeResult r in Send(retries, errors))
        {
            if (r.Succeeded)
                Applied++;
            else
                Fail(errors, r);
        }
        return errors;
    }

    private IReadOnlyList<IpvsChangeResult> Send(IReadOnlyList<IpvsChange> changes, List<string> errors)
    {
        if (changes.Count == 0)
            return Array.Empty<IpvsChangeResult>();
        try
        {
            return client.Apply(changes);
        }
        catch (Exception e) when (e is IpvsException or NetlinkException or IpvsValidationException)
        {
            Failed += changes.Count;
            errors.Add($"IPVS refused {changes.Count} change(s): {e.Message}");
            return Array.Empty<IpvsChangeResult>();
        }
    }

    private void Fail(List<string> errors, IpvsChangeResult r)
    {
        Failed++;
        errors.Add(r.Error?.Message ?? $"{r.Change.Target}: errno {r.Errno}");
    }

    private static IpvsChange ToIpvs(HealthIpvsChange c) => c.Kind switch
    {
        HealthIpvsChangeKind.AddRealServer => IpvsChange.Add(c.RealServer),
        HealthIpvsChangeKind.RemoveRealServer => IpvsChange.Remove(c.RealServer),
        _ => IpvsChange.Update(c.RealServer),
    };
}
