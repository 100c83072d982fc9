using System.Management.Automation;
using LvsPS.Native.Ipvs;

namespace LvsPS;

/// <summary>
/// What every LvsPS cmdlet shares: -NetworkNamespace, one IPVS client (or route netlink client)
/// per namespace kept for the whole pipeline (a socket and a family lookup per input would dominate bulk runs), a
/// token that Ctrl+C cancels, and the mapping of core exceptions to ErrorRecords.
/// </summary>
public abstract class LvsCmdletBase : PSCmdlet, IDisposable
{
    private readonly Dictionary<(Type Kind, string Namespace), IDisposable> _opened = new();
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>The network namespace to administer: a name from ip netns (/run/netns/NAME) or a path such as /proc/1234/ns/net. The current namespace when omitted, or the namespace a piped object was read from. A namespace that does not exist stops the command with NetworkNamespaceNotFound.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(NetworkNamespaceCompleter))]
    public string? NetworkNamespace { get; set; }

    /// <summary>Cancelled when the pipeline is stopped (Ctrl+C); loops over many inputs check it.</summary>
    protected CancellationToken CancellationToken => _stopping.Token;

    protected bool IsBound(string parameterName) => MyInvocation.BoundParameters.ContainsKey(parameterName);

    /// <summary>
    /// ShouldProcess, except in a session that cannot ask (pwsh -NonInteractive, a scheduled job) when a
    /// confirmation is due (-Confirm, or a high-impact command such as a flush): pwsh's bare "NonInteractive mode"
    /// error becomes ConfirmationNotPossible, which names the change not made and how to run without asking.
    /// It stops the command: every later change would need the same confirmation.
    /// </summary>
    protected new bool ShouldProcess(string target, string action)
    {
        try
        {
            return base.ShouldProcess(target, action);
        }
        catch (Exception e) when (e is PSInvalidOperationException or System.Management.Automation.Host.HostException)
        {
            ThrowTerminatingError(ErrorMapper.Record(ErrorMapper.ConfirmationNotPossible, new InvalidOperationException(
                $"\"{action}\" on {target} needs a confirmation, which this session cannot ask for (it is non-interactive): that change was not made.", e), target));
            throw; // not reached: ThrowTerminatingError always throws
        }
    }

    /// <summary>-NetworkNamespace when given, else the namespace the input object was read from.</summary>
    protected string? ResolveNamespace(string? fromInput) => IsBound(nameof(NetworkNamespace)) ? NetworkNamespace : fromInput;

    /// <summary>
    /// The client of a namespace, opened on first use. Failing to open it (no IPVS, no such
    /// namespace, no privilege) blocks every input alike, so it terminates the command.
    /// </summary>
    protected IIpvsClient Client(string? networkNamespace)
        => OpenOnce(networkNamespace, "IPVS (generic netlink)", IpvsClients.Open);

    /// <summary>
    /// A per-namespace resource (a netlink client) opened on first use and kept until the pipeline
    /// ends. A failure to open it blocks every input alike, so it terminates the command.
    /// </summary>
    protected T OpenOnce<T>(string? networkNamespace, string what, Func<string?, T> open) where T : class, IDisposable
    {
        var slot = (typeof(T), networkNamespace ?? "");
        if (_opened.TryGetValue(slot, out IDisposable? existing))
            return (T)existing;
        WriteVerbose(networkNamespace is null ? $"Opening {what} in the current network namespace." : $"Opening {what} in network namespace '{networkNamespace}'.");
        T opened;
        try
        {
            opened = open(networkNamespace);
        }
        catch (Exception e) when (ErrorMapper.IsMapped(e))
        {
            (ErrorRecord record, _) = ErrorMapper.Map(e, networkNamespace);
            ThrowTerminatingError(record);
            throw; // not reached: ThrowTerminatingError always throws
        }
        _opened[slot] = opened;
        return opened;
    }

    /// <summary>Writes the failure of one input; global blockers (privilege, no IPVS) terminate.</summary>
    protected void WriteFailure(Exception e, object? target)
    {
        (ErrorRecord record, bool terminating) = ErrorMapper.Map(e, target);
        if (terminating)
            ThrowTerminatingError(record);
        WriteError(record);
    }

    /// <summary>Runs the work for one input; a mapped failure is written and the pipeline goes on.</summary>
    protected bool TryRun(object? target, Action work)
    {
        try
        {
            work();
            return true;
        }
        catch (Exception e) when (ErrorMapper.IsMapped(e))
        {
            WriteFailure(e, target);
            return false;
        }
    }

    /// <summary>A batch this long is sent while piped input still arrives, so memory stays bounded.</summary>
    internal const int FlushChanges = 2000;

    /// <summary>Changes per Apply call; a batch of more than one chunk reports progress between them.</summary>
    internal const int ChunkChanges = 500;

    /// <summary>
    /// Sends a batch to the kernel in chunks of <see cref="ChunkChanges"/>, with progress when it takes more
    /// than one; Ctrl+C stops it between chunks. Returns the kernel's answer to each change sent; when a chunk
    /// cannot be sent at all (written as an error), the rest is not tried and the answers stop there.
    /// </summary>
    protected List<IpvsChangeResult> ApplyInChunks(string? ns, List<IpvsChange> changes, string activity)
    {
        int total = changes.Count;
        var results = new List<IpvsChangeResult>(total);
        var progress = new ProgressRecord(ProgressActivityId, activity, "Sending")
        {
            CurrentOperation = ns is null ? null : $"Network namespace '{ns}'",
        };
        for (int at = 0; at < total && !CancellationToken.IsCancellationRequested; at += ChunkChanges)
        {
            if (total > ChunkChanges)
            {
                progress.StatusDescription = $"{at} of {total} changes applied";
                progress.PercentComplete = at * 100 / total;
                WriteProgress(progress);
            }
            List<IpvsChange> chunk = changes.GetRange(at, Math.Min(ChunkChanges, total - at));
            if (!TryRun(ns, () => results.AddRange(Client(ns).Apply(chunk))))
                break;
        }
        if (total > ChunkChanges)
        {
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
        }
        return results;
    }

    private const int ProgressActivityId = 0x1f5;

    protected bool TryValidate(VirtualService service, object? target)
        => TryRun(target, () => IpvsValidation.Validate(service));

    protected bool TryValidate(RealServer realServer, object? target)
        => TryRun(target, () => IpvsValidation.Validate(realServer, realServer.VirtualService));

    /// <summary>-PassThru and lookups: the service as the kernel has it now, or a not-found error.</summary>
    protected void WriteServiceFromKernel(string? networkNamespace, VirtualServiceKey key, object? target, bool includeRealServers = true)
    {
        VirtualService? service = Client(networkNamespace).GetVirtualService(key, includeRealServers);
        if (service is null)
            WriteError(ErrorMapper.ServiceNotFound(key, target));
        else
            WriteObject(new LvsVirtualService(service));
    }

    /// <summary>
    /// The real server as the kernel has it, or null; when <paramref name="reportMissing"/>, after writing
    /// which is missing (the kernel answers an empty list for a missing service, so the two are told apart).
    /// </summary>
    protected RealServer? ReadRealServer(string? ns, VirtualServiceKey key, System.Net.IPAddress address, ushort port, object target, bool reportMissing = true)
    {
        (Native.Operations.LookupOutcome outcome, RealServer? found) = Native.Operations.RealServerLookup.Find(Client(ns), key, address, port);
        if (reportMissing && outcome != Native.Operations.LookupOutcome.Found)
            WriteError(outcome == Native.Operations.LookupOutcome.ServiceMissing
                ? ErrorMapper.ServiceNotFound(key, target)
                : ErrorMapper.RealServerMissing(RealServerSelectorCmdletBase.Identity(key, address, port), target));
        return found;
    }

    protected override void EndProcessing() => DisposeClients();

    // The socket is not closed here: another thread may be inside a call on it. Dispose()
    // runs after the pipeline has unwound, stopped or not.
    protected override void StopProcessing() => _stopping.Cancel();

    public void Dispose()
    {
        DisposeClients();
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    private void DisposeClients()
    {
        foreach (IDisposable opened in _opened.Values)
            opened.Dispose();
        _opened.Clear();
    }
}
