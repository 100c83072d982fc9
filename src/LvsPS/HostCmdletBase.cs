using System.Management.Automation;
using System.Net;
using LvsPS.Native.HostSettings;

namespace LvsPS;

/// <summary>
/// The base of the host-setup cmdlets: one <see cref="HostNetwork"/> (a route netlink socket and
/// /proc/sys access) per network namespace for the whole pipeline, opened on first use.
/// </summary>
public abstract class HostCmdletBase : LvsCmdletBase, IDisposable
{
    private readonly Dictionary<string, HostNetwork> _hosts = new(StringComparer.Ordinal);

    /// <summary>The host settings of a namespace; failing to open them blocks every input, so it terminates.</summary>
    protected HostNetwork Network(string? networkNamespace)
    {
        string slot = networkNamespace ?? "";
        if (_hosts.TryGetValue(slot, out HostNetwork? host))
            return host;
        WriteVerbose(networkNamespace is null ? "Opening route netlink in the current network namespace." : $"Opening route netlink in network namespace '{networkNamespace}'.");
        try
        {
            host = HostNetwork.Open(networkNamespace);
        }
        catch (Exception e) when (ErrorMapper.IsMapped(e))
        {
            (ErrorRecord record, _) = ErrorMapper.Map(e, networkNamespace);
            ThrowTerminatingError(record);
            throw; // not reached
        }
        _hosts[slot] = host;
        return host;
    }

    /// <summary>Parses an address given as text; a bad one is written as InvalidAddress and null returned.</summary>
    protected IPAddress? ParseAddress(string text)
    {
        if (IPAddress.TryParse(text.Trim('[', ']'), out IPAddress? address))
            return address;
        WriteError(new ErrorRecord(ErrorMapper.Invalid(ErrorMapper.InvalidAddress, $"'{text}' is not an IPv4 or IPv6 address."),
            ErrorMapper.InvalidAddress, ErrorCategory.InvalidArgument, text));
        return null;
    }

    protected static string InNamespace(string? ns) => ns is null ? "" : $" in network namespace '{ns}'";

    protected override void EndProcessing()
    {
        DisposeHosts();
        base.EndProcessing();
    }

    void IDisposable.Dispose()
    {
        DisposeHosts();
        Dispose();
    }

    private void DisposeHosts()
    {
        foreach (HostNetwork host in _hosts.Values)
            host.Dispose();
        _hosts.Clear();
    }
}
