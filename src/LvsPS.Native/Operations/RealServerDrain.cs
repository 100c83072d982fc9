using LvsPS.Native.Ipvs;

namespace LvsPS.Native.Operations;

/// <summary>The weight file of a real server could not be written, read or removed; the message says where.</summary>
public sealed class DrainStateException : IOException
{
    public DrainStateException(string identity, string directory, Exception inner)
        : base($"Cannot keep the previous weight of {identity} in {directory}: {inner.Message}", inner)
    {
        Identity = identity;
        Directory = directory;
    }

    public string Identity { get; }
    public string Directory { get; }
}

/// <summary>What Suspend found and did: the real server before, the weight to go back to (null: none known), whether it was set to 0.</summary>
public sealed record SuspendOutcome(LookupOutcome Lookup, RealServer? Before = null, uint? PreviousWeight = null, bool Suspended = false);

/// <summary>What Resume found and did: the weight put back (null: none given and none remembered), and a failure to forget it afterwards.</summary>
public sealed record ResumeOutcome(LookupOutcome Lookup, RealServer? Before = null, uint? Weight = null, bool Resumed = false, DrainStateException? ForgetFailed = null);

/// <summary>
/// Taking real servers out of rotation and back: weight 0 keeping the weight they had (in a
/// <see cref="PreviousWeightStore"/>, written before the kernel loses it), waiting for their active
/// connections to end, removing them once drained, and putting the weight back. Each step that changes
/// something is offered to an approve callback first (ShouldProcess stays with the caller).
/// </summary>
public sealed class RealServerDrain
{
    private readonly Func<string?, IIpvsClient> _clients;

    public RealServerDrain(Func<string?, IIpvsClient> clients, PreviousWeightStore store)
    {
        _clients = clients;
        Store = store;
    }

    public PreviousWeightStore Store { get; }

    /// <summary>
    /// Sets the weight to 0, remembering the weight it had first; a real server already at 0 keeps the weight
    /// remembered before. <paramref name="approve"/> sees the real server as it is.
    /// </summary>
    /// <exception cref="DrainStateException">The weight could not be remembered: nothing was changed.</exception>
    public SuspendOutcome Suspend(RealServerRef target, Func<RealServer, bool> approve)
    {
        (LookupOutcome lookup, RealServer? current) = RealServerLookup.Find(_clients(target.NetworkNamespace), target.Service, target.Address, target.Port);
        if (current is null)
            return new SuspendOutcome(lookup);
        uint? previous = current.Weight > 0 ? current.Weight : Stored(target, () => Store.Recall(target.NetworkNamespace, target.Service, target.Address, target.Port));
        if (!approve(current))
            return new SuspendOutcome(lookup, current, previous);
        if (current.Weight == 0)
            return new SuspendOutcome(lookup, current, previous, Suspended: true);
        // Kept before it is lost: if the kernel then refuses, the record is merely early.
        Stored(target, () => { Store.Remember(target.NetworkNamespace, target.Service, target.Address, target.Port, current.Weight); return 0; });
        _clients(target.NetworkNamespace).UpdateRealServer(current with { Weight = 0 });
        return new SuspendOutcome(lookup, current, previous, Suspended: true);
    }

    /// <summary>
    /// Puts <paramref name="weight"/> back, or the remembered weight, and forgets it. Only the weight changes.
    /// <paramref name="approve"/> sees the real server as it is and the weight it would get.
    /// </summary>
    /// <exception cref="DrainStateException">The remembered weight could not be read: nothing was changed.</exception>
    public ResumeOutcome Resume(RealServerRef target, uint? weight, Func<RealServer, uint, bool> approve)
    {
        uint? resumeWith = weight ?? Stored(target, () => Store.Recall(target.NetworkNamespace, target.Service, target.Address, target.Port));
        if (resumeWith is not uint w)
            return new ResumeOutcome(LookupOutcome.Found);
        (LookupOutcome lookup, RealServer? current) = RealServerLookup.Find(_clients(target.NetworkNamespace), target.Service, target.Address, target.Port);
        if (current is null)
            return new ResumeOutcome(lookup, Weight: w);
        if (!approve(current, w))
            return new ResumeOutcome(lookup, current, w);
        _clients(target.NetworkNamespace).UpdateRealServer(current with { Weight = w });
        return new ResumeOutcome(lookup, current, w, Resumed: true, ForgetFailed: Forget(target));
    }

    /// <summary>Removes a drained real server (DEL_DEST) and forgets its weight; the returned failure is only the forgetting.</summary>
    public DrainStateException? Remove(RealServerRef target)
    {
        _clients(target.NetworkNamespace).RemoveRealServer(target.Service, target.Address, target.Port);
        return Forget(target);
    }

    private DrainStateException? Forget(RealServerRef target)
    {
        try
        {
            Stored(target, () => Store.Forget(target.NetworkNamespace, target.Service, target.Address, target.Port));
            return null;
        }
        catch (DrainStateException e)
        {
            return e;
        }
    }

    private T Stored<T>(RealServerRef target, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DrainStateException(target.Identity, Store.Directory, e);
        }
    }
}
