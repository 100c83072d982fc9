using System.Management.Automation;
using LvsPS.Native.Ipvs;

namespace LvsPS.Commands;

/// <summary>Reads the IPVS connection timeouts for TCP, TCP after FIN, and UDP (ipvsadm -L --timeout).</summary>
/// <remarks>
/// <para>Get-LvsTimeout replaces ipvsadm -L --timeout: it writes one IpvsTimeouts object with TcpSeconds,
/// TcpFinSeconds and UdpSeconds (also as TimeSpan: Tcp, TcpFin, Udp). These decide how long the director
/// keeps the connection entry of an idle established TCP connection (900 s by default), of a TCP connection
/// after its FIN (120 s) and of a UDP flow (300 s). The view prints them in a table like ipvsadm's
/// "Timeout (tcp tcpfin udp): 900 120 300" line.</para>
/// </remarks>
/// <example title="Read the timeouts">
/// <code>
/// Get-LvsTimeout
/// </code>
/// <para>Prints Tcp (s), TcpFin (s) and Udp (s), like ipvsadm -L --timeout.</para>
/// </example>
/// <example title="Compare two namespaces">
/// <code>
/// 'lb1', 'lb2' | ForEach-Object { Get-LvsTimeout -NetworkNamespace $_ }
/// </code>
/// <para>Reads the timeouts of the namespaces lb1 and lb2.</para>
/// </example>
/// <input type="None">This cmdlet takes no pipeline input.</input>
/// <output type="LvsPS.LvsTimeout">The three timeouts in seconds: Tcp, TcpFin, Udp.</output>
/// <seealso cref="SetLvsTimeoutCommand"/>
/// <seealso cref="GetLvsInfoCommand"/>
[Cmdlet(VerbsCommon.Get, "LvsTimeout")]
[OutputType(typeof(LvsTimeout))]
public sealed class GetLvsTimeoutCommand : LvsCmdletBase
{
    protected override void ProcessRecord()
    {
        string? ns = ResolveNamespace(null);
        TryRun(ns, () => WriteObject(new LvsTimeout(Client(ns).GetTimeouts(), ns)));
    }
}

/// <summary>Sets IPVS connection timeouts in seconds (ipvsadm --set); only the ones given change.</summary>
/// <remarks>
/// <para>Set-LvsTimeout replaces ipvsadm --set TCP TCPFIN UDP, where 0 means "leave unchanged": here you give
/// only the timeouts to change (-Tcp, -TcpFin, -Udp, in seconds, 1 to 2147483). Giving none is an error
/// (NoTimeoutGiven, InvalidArgument). The new timeouts apply to connections created afterwards.</para>
/// </remarks>
/// <example title="Shorter idle timeout for TCP">
/// <code>
/// Set-LvsTimeout -Tcp 300 -PassThru
/// </code>
/// <para>The same as ipvsadm --set 300 0 0; -PassThru writes all three timeouts as the kernel has them now.</para>
/// </example>
/// <example title="All three at once">
/// <code>
/// Set-LvsTimeout -Tcp 900 -TcpFin 60 -Udp 120 -WhatIf
/// </code>
/// <para>Prints 'What if: Performing the operation "Set timeouts (tcp 900 s, tcpfin 60 s, udp 120 s)" on target
/// "IPVS timeouts".' without changing anything.</para>
/// </example>
/// <input type="None">This cmdlet takes no pipeline input.</input>
/// <parameter name="Tcp" default="Unchanged"/>
/// <parameter name="TcpFin" default="Unchanged"/>
/// <parameter name="Udp" default="Unchanged"/>
/// <output type="LvsPS.LvsTimeout">With -PassThru, the timeouts as the kernel reports them afterwards. Nothing otherwise.</output>
/// <seealso cref="GetLvsTimeoutCommand"/>
[Cmdlet(VerbsCommon.Set, "LvsTimeout", SupportsShouldProcess = true)]
[OutputType(typeof(LvsTimeout))]
public sealed class SetLvsTimeoutCommand : LvsCmdletBase
{

    // The kernel keeps a timeout as seconds × HZ (up to 1000) in a signed 32-bit int.
    private const uint MaxSeconds = int.MaxValue / 1000;

    /// <summary>The timeout of idle established TCP connections, in seconds (the first value of ipvsadm --set). Unchanged when omitted.</summary>
    [Parameter]
    [ValidateRange(1u, MaxSeconds)]
    [UnsignedTransformation(1, MaxSeconds)]
    public uint Tcp { get; set; }

    /// <summary>The timeout of TCP connections after a FIN, in seconds (the second value of ipvsadm --set). Unchanged when omitted.</summary>
    [Parameter]
    [ValidateRange(1u, MaxSeconds)]
    [UnsignedTransformation(1, MaxSeconds)]
    public uint TcpFin { get; set; }

    /// <summary>The timeout of UDP flows, in seconds (the third value of ipvsadm --set). Unchanged when omitted.</summary>
    [Parameter]
    [ValidateRange(1u, MaxSeconds)]
    [UnsignedTransformation(1, MaxSeconds)]
    public uint Udp { get; set; }

    /// <summary>Writes the three timeouts as the kernel reports them afterwards.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (!IsBound(nameof(Tcp)) && !IsBound(nameof(TcpFin)) && !IsBound(nameof(Udp)))
        {
            ThrowTerminatingError(ErrorMapper.Record(ErrorMapper.NoTimeoutGiven, new ArgumentException("No timeout was given: there is nothing to set."), null));
        }
        // 0 tells the kernel to leave a timeout unchanged, which is what an unbound parameter means.
        var timeouts = new IpvsTimeouts(Tcp, TcpFin, Udp);
        string? ns = ResolveNamespace(null);
        string text = string.Join(", ", new[] { ("tcp", Tcp), ("tcpfin", TcpFin), ("udp", Udp) }.Where(t => t.Item2 != 0).Select(t => $"{t.Item1} {t.Item2} s"));
        if (!ShouldProcess("IPVS timeouts", $"Set timeouts ({text})"))
            return;
        WriteVerbose($"Sending SET_CONFIG: {text}.");
        if (TryRun(ns, () => Client(ns).SetTimeouts(timeouts)) && PassThru)
            TryRun(ns, () => WriteObject(new LvsTimeout(Client(ns).GetTimeouts(), ns)));
    }
}

/// <summary>Reads the IPVS version and the size of the connection hash table.</summary>
/// <remarks>
/// <para>Get-LvsInfo reads what the first line of ipvsadm -L prints: "IP Virtual Server version 1.2.1
/// (size=4096)". Version is the IPVS protocol version of the kernel, ConnectionTableSize the number of buckets
/// of the connection hash table (set by the ip_vs module's conn_tab_bits parameter).</para>
/// <para>It is also the quickest check that IPVS is usable: without the ip_vs module it fails with
/// IpvsNotAvailable (ResourceUnavailable; load it with modprobe ip_vs), without privilege with
/// PermissionDenied.</para>
/// </remarks>
/// <example title="Version and table size">
/// <code>
/// Get-LvsInfo
/// </code>
/// <para>Prints Version 1.2.1 and ConnectionTableSize 4096 on a default kernel.</para>
/// </example>
/// <example title="Check IPVS before configuring">
/// <code>
/// try { $null = Get-LvsInfo -ErrorAction Stop } catch { modprobe ip_vs }
/// </code>
/// <para>Loads the ip_vs module when IPVS is not available yet (LvsPS itself never loads modules).</para>
/// </example>
/// <input type="None">This cmdlet takes no pipeline input.</input>
/// <output type="LvsPS.LvsInfo">The IPVS version and the connection table size.</output>
/// <seealso cref="GetLvsTimeoutCommand"/>
/// <seealso cref="GetLvsVirtualServiceCommand"/>
[Cmdlet(VerbsCommon.Get, "LvsInfo")]
[OutputType(typeof(LvsInfo))]
public sealed class GetLvsInfoCommand : LvsCmdletBase
{
    protected override void ProcessRecord()
    {
        string? ns = ResolveNamespace(null);
        TryRun(ns, () => WriteObject(new LvsInfo(Client(ns).GetInfo(), ns)));
    }
}
