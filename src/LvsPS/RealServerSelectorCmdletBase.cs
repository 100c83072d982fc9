using System.Management.Automation;
using System.Net;
using LvsPS.Native.Ipvs;

namespace LvsPS;

/// <summary>
/// Names one real server the way ipvsadm -d/-e do: the service, the address and (optionally) the
/// port; or a real server piped from Get-LvsRealServer, which binds by property name. The base of
/// Set-, Remove-, Suspend- and Resume-LvsRealServer; Add-LvsRealServer overrides the three parameters
/// to put them in its own parameter set (a real server that does not exist yet binds no properties).
/// </summary>
public abstract class RealServerSelectorCmdletBase : LvsCmdletBase
{
    /// <summary>The virtual service of the real server: "tcp/10.0.0.3:80", "fwmark/3", or an object from Get-LvsRealServer (which binds with its address and port).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, HelpMessage = "The virtual service: tcp/10.0.0.3:80, udp/[2001:db8::1]:53 or fwmark/3.")]
    [ArgumentCompleter(typeof(VirtualServiceCompleter))]
    [VirtualServiceTransformation]
    public virtual VirtualServiceIdentity VirtualService { get; set; } = null!;

    /// <summary>The real server's address (ipvsadm -r): "10.0.0.7", "10.0.0.7:8080", "2001:db8::7" or "[2001:db8::7]:80".</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true, HelpMessage = "The real server: 10.0.0.7, 10.0.0.7:8080 or [2001:db8::7]:80.")]
    [ValidateNotNullOrEmpty]
    [EndpointTransformation]
    public virtual string Address { get; set; } = null!;

    /// <summary>The real server's port, if not written in -Address; the service's port when omitted.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, 65535)]
    public virtual int? Port { get; set; }

    /// <summary>One real server being handled.</summary>
    protected sealed record Target(string? Namespace, VirtualServiceKey Service, IPAddress Address, ushort Port, string Identity, object Input);

    /// <summary>The bound real server, or null after writing why the input is not one.</summary>
    protected Target? BindTarget()
    {
        Target? target = null;
        TryRun(VirtualService, () =>
        {
            (IPAddress address, ushort? portInAddress) = InputParsing.ParseEndpoint(Address);
            ushort port = InputParsing.RealServerPort(Port, portInAddress, VirtualService.Key);
            target = new Target(ResolveNamespace(VirtualService.NetworkNamespace), VirtualService.Key, address, port,
                Identity(VirtualService.Key, address, port), VirtualService);
        });
        return target;
    }

    internal static string Identity(VirtualServiceKey key, IPAddress address, ushort port) => $"{key} -> {VirtualServiceKey.FormatEndpoint(address, port)}";
}
