using System.Management.Automation;
using System.Net;
using LvsPS.Native.HostSettings;

namespace LvsPS;

/// <summary>
/// The base of the host-setup cmdlets: one <see cref="HostNetwork"/> (a route netlink socket and
/// /proc/sys access) per network namespace for the whole pipeline, opened on first use like the IPVS client.
/// </summary>
public abstract class HostCmdletBase : LvsCmdletBase
{
    /// <summary>The host settings of a namespace; failing to open them blocks every input, so it terminates.</summary>
    protected HostNetwork Network(string? networkNamespace) => OpenOnce(networkNamespace, "route netlink", HostNetwork.Open);

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
}
