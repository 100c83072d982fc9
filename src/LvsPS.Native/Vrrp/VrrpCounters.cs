namespace LvsPS.Native.Vrrp;

/// <summary>Counters of one instance, updated by its protocol thread and read by anyone.</summary>
public sealed class VrrpCounters
{
    private readonly long[] _dropped = new long[Enum.GetValues<VrrpDropReason>().Length];
    private long _received, _sent, _priorityZeroReceived, _priorityZeroSent, _transitions, _becameMaster, _announcements, _errors;

    public long AdvertisementsReceived => Interlocked.Read(ref _received);
    public long AdvertisementsSent => Interlocked.Read(ref _sent);
    public long PriorityZeroReceived => Interlocked.Read(ref _priorityZeroReceived);
    public long PriorityZeroSent => Interlocked.Read(ref _priorityZeroSent);
    public long Transitions => Interlocked.Read(ref _transitions);
    public long BecameMaster => Interlocked.Read(ref _becameMaster);
    /// <summary>Gratuitous ARPs and neighbour advertisements sent.</summary>
    public long Announcements => Interlocked.Read(ref _announcements);
    /// <summary>Failed sends and address changes (see the instance's LastError).</summary>
    public long Errors => Interlocked.Read(ref _errors);
    public long DroppedTotal => Enumerable.Range(1, _dropped.Length - 1).Sum(i => Interlocked.Read(ref _dropped[i]));

    /// <summary>The packets dropped, by reason (only reasons seen at least once).</summary>
    public IReadOnlyDictionary<VrrpDropReason, long> Dropped
    {
        get
        {
            var d = new SortedDictionary<VrrpDropReason, long>();
            for (int i = 1; i < _dropped.Length; i++)
            {
                long n = Interlocked.Read(ref _dropped[i]);
                if (n > 0)
                    d[(VrrpDropReason)i] = n;
            }
            return d;
        }
    }

    public long DroppedFor(VrrpDropReason reason) => Interlocked.Read(ref _dropped[(int)reason]);

    internal void Drop(VrrpDropReason reason) => Interlocked.Increment(ref _dropped[(int)reason]);
    internal void Received(byte priority)
    {
        Interlocked.Increment(ref _received);
        if (priority == 0)
            Interlocked.Increment(ref _priorityZeroReceived);
    }
    internal void Sent(byte priority)
    {
        Interlocked.Increment(ref _sent);
        if (priority == 0)
            Interlocked.Increment(ref _priorityZeroSent);
    }
    internal void Transition(VrrpState to)
    {
        Interlocked.Increment(ref _transitions);
        if (to == VrrpState.Master)
            Interlocked.Increment(ref _becameMaster);
    }
    internal void Announced() => Interlocked.Increment(ref _announcements);
    internal void Error() => Interlocked.Increment(ref _errors);

    public override string ToString()
        => $"in {AdvertisementsReceived}, out {AdvertisementsSent}, dropped {DroppedTotal}, transitions {Transitions}";
}

/// <summary>One state change of an instance, as notify scripts and Get-LvsVrrpInstance see it.</summary>
public sealed record VrrpStateChange(string InstanceName, VrrpState From, VrrpState To, string Reason, DateTimeOffset Time, byte Priority, System.Net.IPAddress? MasterAddress)
{
    public override string ToString() => $"{Time:HH:mm:ss.fff} {InstanceName}: {From} -> {To} ({Reason})";
}
