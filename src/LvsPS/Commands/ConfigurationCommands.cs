using System.Management.Automation;
using LvsPS.Native.Ipvs;

namespace LvsPS.Commands;

/// <summary>
/// <para type="synopsis">Reads the IPVS connection timeouts for TCP, TCP after FIN, and UDP (ipvsadm -L --timeout).</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "LvsTimeout")]
[OutputType(typeof(IpvsTimeouts))]
public sealed class GetLvsTimeoutCommand : LvsCmdletBase
{
    protected override void ProcessRecord()
    {
        string? ns = ResolveNamespace(null);
        TryRun(ns, () => WriteObject(Client(ns).GetTimeouts()));
    }
}

/// <summary>
/// <para type="synopsis">Sets IPVS connection timeouts in seconds (ipvsadm --set); only the ones given change.</para>
/// </summary>
[Cmdlet(VerbsCommon.Set, "LvsTimeout", SupportsShouldProcess = true)]
[OutputType(typeof(IpvsTimeouts))]
public sealed class SetLvsTimeoutCommand : LvsCmdletBase
{
    public const string NoTimeoutGiven = nameof(NoTimeoutGiven);

    // The kernel keeps a timeout as seconds × HZ (up to 1000) in a signed 32-bit int.
    private const uint MaxSeconds = int.MaxValue / 1000;

    /// <summary>Timeout of established TCP connections, in seconds.</summary>
    [Parameter]
    [ValidateRange(1u, MaxSeconds)]
    public uint Tcp { get; set; }

    /// <summary>Timeout of TCP connections after a FIN, in seconds.</summary>
    [Parameter]
    [ValidateRange(1u, MaxSeconds)]
    public uint TcpFin { get; set; }

    /// <summary>Timeout of UDP "connections", in seconds.</summary>
    [Parameter]
    [ValidateRange(1u, MaxSeconds)]
    public uint Udp { get; set; }

    /// <summary>Writes the timeouts as the kernel reports them afterwards.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (!IsBound(nameof(Tcp)) && !IsBound(nameof(TcpFin)) && !IsBound(nameof(Udp)))
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("Give at least one of -Tcp, -TcpFin and -Udp (seconds)."),
                NoTimeoutGiven, ErrorCategory.InvalidArgument, null));
        }
        // 0 tells the kernel to leave a timeout unchanged, which is what an unbound parameter means.
        var timeouts = new IpvsTimeouts(Tcp, TcpFin, Udp);
        string? ns = ResolveNamespace(null);
        string text = string.Join(", ", new[] { ("tcp", Tcp), ("tcpfin", TcpFin), ("udp", Udp) }.Where(t => t.Item2 != 0).Select(t => $"{t.Item1} {t.Item2} s"));
        if (!ShouldProcess("IPVS timeouts", $"Set timeouts ({text})"))
            return;
        WriteVerbose($"Sending SET_CONFIG: {text}.");
        if (TryRun(ns, () => Client(ns).SetTimeouts(timeouts)) && PassThru)
            TryRun(ns, () => WriteObject(Client(ns).GetTimeouts()));
    }
}

/// <summary>
/// <para type="synopsis">Reads the IPVS version and the size of the connection hash table.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "LvsInfo")]
[OutputType(typeof(IpvsInfo))]
public sealed class GetLvsInfoCommand : LvsCmdletBase
{
    protected override void ProcessRecord()
    {
        string? ns = ResolveNamespace(null);
        TryRun(ns, () => WriteObject(Client(ns).GetInfo()));
    }
}
