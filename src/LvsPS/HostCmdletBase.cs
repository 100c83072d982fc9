using System.Management.Automation;
using System.Net;
using LvsPS.Native.HostSettings;
using LvsPS.Native.Text;

namespace LvsPS;

/// <summary>
/// The base of the host-setup cmdlets: one <see cref="HostNetwork"/> (a route netlink socket and
/// /proc/sys access) per network namespace for the whole pipeline, opened on first use like the IPVS client.
/// </summary>
public abstract class HostCmdletBase : LvsCmdletBase
{
    /// <summary>The host settings of a namespace; failing to open them blocks every input, so it terminates.</summary>
    protected HostNetwork Network(string? networkNamespace) => OpenOnce(networkNamespace, "route netlink", HostNetwork.Open);

    /// <summary>Reads an address argument (already checked by its transformation); a bad one is written as InvalidAddress and null returned.</summary>
    protected IPAddress? ParseAddress(string text)
    {
        IPAddress? address = null;
        TryRun(text, () => address = NetText.ParseAddress(text));
        return address;
    }

    /// <summary>Writes address bindings as the cmdlets show them (LvsVip: the address as text).</summary>
    protected void WriteVips(IEnumerable<VipBinding> bindings)
    {
        foreach (VipBinding binding in bindings)
            WriteObject(new LvsVip(binding));
    }

    protected static string InNamespace(string? ns) => ns is null ? "" : $" in network namespace '{ns}'";
}
