using System.Collections;
using System.Management.Automation;
using System.Net;
using System.Runtime.InteropServices;
using System.Security;
using LvsPS.Native.Runtime;
using LvsPS.Native.Text;
using LvsPS.Native.Vrrp;
using LvsPS.Runtime;
using LvsPS.Vrrp;

namespace LvsPS.Commands;

/// <summary>Starts a VRRP instance (keepalived's vrrp_instance) that moves virtual addresses between directors.</summary>
/// <remarks>
/// <para>Start-LvsVrrpInstance runs a VRRP speaker (RFC 3768 VRRPv2, RFC 5798 VRRPv3) inside this pwsh process,
/// on a background thread, and returns the running instance. It interoperates with keepalived on the same
/// segment: the same VRID, version, interval, password and virtual addresses make one virtual router. The master
/// holds the virtual addresses (added with route netlink, announced with gratuitous ARP or unsolicited neighbour
/// advertisements), so the IPVS services of the director (Get-LvsVirtualService, ipvsadm -Ln) answer on the
/// addresses wherever the master is. The backup removes them. A stopping master sends a priority-0 advert so
/// the backup takes over after its skew time only.</para>
/// <para>Adverts go to 224.0.0.18 (or ff02::12) with TTL 255, or to -UnicastPeer. Received adverts with the wrong
/// TTL, checksum, version, VRID, password, v2 interval or address list are dropped and counted by reason
/// (Get-LvsVrrpInstance shows the counters). Preemption is on by default: a higher priority takes over from
/// a lower master; -NoPreempt keeps the current master, -PreemptDelay waits first.</para>
/// <para>-SyncGroup makes instances fail over together (keepalived's vrrp_sync_group): a member becomes master
/// only when every member would, they all become master together, one member that becomes backup makes the
/// others backup, and one member in Fault puts them all in Fault until every member is up again.
/// -LvsSyncDaemonInterface runs the IPVS connection-sync daemon with the instance (keepalived's lvs_sync_daemon):
/// a backup daemon from start, a master daemon while master, and on stop the daemons it started are stopped.</para>
/// <para>Bad parameters stop the command with a clear id: InvalidVirtualRouterId, VersionAddressFamilyConflict
/// (VRRPv2 with IPv6), InvalidAdvertisementInterval (v2 needs whole seconds), PasswordTooLong (8 bytes),
/// InterfaceNotFound, PermissionDenied (raw sockets need root), VrrpInstanceExists, InvalidTrack, ScriptNotFound and
/// ScriptNotExecutable (a -TrackScript, -NotifyCommand or -SyncGroupNotifyCommand executable that cannot run).</para>
/// <para>On start, virtual addresses a crashed run left on the interface are removed. The instance keeps
/// running after the command returns; -Wait blocks until it stops (for a systemd unit or a scheduled job),
/// and Ctrl+C then stops it gracefully. Removing the module (Remove-Module LvsPS) stops the instances this
/// session started, and the end of pwsh stops all of them, the same graceful way: masters advertise priority 0
/// and release their addresses first, then track and notify scripts still running are stopped.</para>
/// </remarks>
/// <example title="A director pair with keepalived on the other side">
/// <code>
/// $vrrp = Start-LvsVrrpInstance VI_1 -Interface eth0 -VirtualRouterId 51 -Priority 150 -VirtualAddress 10.0.0.3/24 -AuthenticationPassword (Read-Host -AsSecureString)
/// Wait-LvsVrrpInstance VI_1 -State Master -Timeout 10
/// </code>
/// <para>The same as keepalived's vrrp_instance VI_1 { interface eth0; virtual_router_id 51; priority 150;
/// advert_int 1; authentication { auth_type PASS } virtual_ipaddress { 10.0.0.3/24 } }. With the higher
/// priority it becomes master about 3.4 s later and the IPVS services on 10.0.0.3 (ipvsadm -Ln) get the traffic.</para>
/// </example>
/// <example title="Fast fail-over with VRRPv3 and unicast peers">
/// <code>
/// Start-LvsVrrpInstance VI_6 -Interface eth0 -VirtualRouterId 6 -Version 3 -AdvertisementInterval 0.01 `
///     -VirtualAddress 10.0.0.6/24 -UnicastSource 10.0.0.1 -UnicastPeer 10.0.0.2 -NoPreempt
/// </code>
/// <para>Advertises every 10 ms to 10.0.0.2 only (keepalived's unicast_src_ip/unicast_peer); a backup takes over
/// about 35 ms after the master dies. -NoPreempt keeps the current master when this node returns.</para>
/// </example>
/// <example title="Run as a service, with a notify script and a health check">
/// <code>
/// Start-LvsVrrpInstance VI_1 -Interface eth0 -VirtualRouterId 51 -VirtualAddress 10.0.0.3/24 -NetworkNamespace lb1 `
///     -TrackInterface 'eth1 weight -20' -TrackScript @{ Name = 'web'; Script = { (Get-LvsVirtualService tcp/10.0.0.3:80).RealServers.Count -gt 0 }; Interval = 2; Weight = -30; Fall = 2 } `
///     -OnStateChange { param($change) Add-Content /var/log/vrrp.log "$change" } -Wait
/// </code>
/// <para>Runs until stopped, in the network namespace lb1. The priority drops by 20 while eth1 is down and by
/// 30 while the service has no real server (two failed checks in a row), so the peer takes over. Every state
/// change is appended to a log (the script block runs in a runspace of its own: it sees none of the caller's variables).</para>
/// </example>
/// <input type="None">This cmdlet takes no pipeline input.</input>
/// <output type="LvsPS.Native.Vrrp.VrrpInstance">The running instance: State, Priority, MasterAddress, Counters.</output>
/// <seealso cref="GetLvsVrrpInstanceCommand"/>
/// <seealso cref="StopLvsVrrpInstanceCommand"/>
/// <seealso cref="SetLvsVrrpInstanceCommand"/>
/// <seealso cref="WaitLvsVrrpInstanceCommand"/>
[Cmdlet(VerbsLifecycle.Start, "LvsVrrpInstance", SupportsShouldProcess = true)]
[OutputType(typeof(VrrpInstance))]
public sealed partial class StartLvsVrrpInstanceCommand : LvsCmdletBase
{
    /// <summary>The instance's name (keepalived's vrrp_instance NAME), unique in this pwsh process; Get-, Set-, Stop- and Wait-LvsVrrpInstance find it by this name.</summary>
    [Parameter(Mandatory = true, Position = 0, HelpMessage = "The instance name, such as VI_1.", ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = null!;

    /// <summary>The interface to speak VRRP on and to put the virtual addresses on, such as eth0 (keepalived's interface). It must exist in the network namespace and have an address of its own (IPv4) or a link-local address (IPv6).</summary>
    [Parameter(Mandatory = true, HelpMessage = "The interface to speak VRRP on, such as eth0.", ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(InterfaceCompleter))]
    public string Interface { get; set; } = null!;

    /// <summary>The virtual router id, 1 to 255 (keepalived's virtual_router_id); the same on every node of the virtual router and unique on the segment.</summary>
    [Parameter(Mandatory = true, HelpMessage = "The virtual router id, 1 to 255, as on the peers.", ValueFromPipelineByPropertyName = true)]
    [Alias("Vrid")]
    public int VirtualRouterId { get; set; }

    /// <summary>The priority, 1 to 254 (255 for the owner of the addresses, which becomes master at once). The highest priority is master; 100 by default, as in keepalived.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public int Priority { get; set; } = 100;

    /// <summary>Seconds between adverts: whole seconds, 1 to 255, for VRRPv2; 0.01 to 40.95 for VRRPv3. 1 by default (keepalived's advert_int). All nodes must use the same interval with VRRPv2.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public double AdvertisementInterval { get; set; } = 1;

    /// <summary>The VRRP version: 2 (RFC 3768, IPv4 only, keepalived's default) or 3 (RFC 5798, IPv4 and IPv6, centisecond intervals). 2 for IPv4 and 3 for IPv6 addresses when omitted.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(2, 3)]
    public int Version { get; set; }

    /// <summary>The virtual addresses with their prefix length, such as 10.0.0.3/24 or 2001:db8::3/64 (keepalived's virtual_ipaddress); all of one family. The first IPv6 address should be link-local for keepalived peers.</summary>
    [Parameter(Mandatory = true, HelpMessage = "The virtual addresses with prefix, such as 10.0.0.3/24.", ValueFromPipelineByPropertyName = true)]
    [Alias("VIP")]
    [PrefixTransformation]
    public string[] VirtualAddress { get; set; } = null!;

    /// <summary>Backup (the default) waits for a master's adverts first; Master takes over at once (keepalived's state MASTER) and yields to a higher priority.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateSet("Backup", "Master")]
    public string InitialState { get; set; } = "Backup";

    /// <summary>Does not take over from a lower-priority master (keepalived's nopreempt); only the master's death or stop moves the addresses.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public SwitchParameter NoPreempt { get; set; }

    /// <summary>Seconds this node waits before it preempts a lower-priority master (keepalived's preempt_delay), 0 to 1000: counted from start, from leaving Fault, and from the first lower-priority advert after a higher one.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public double PreemptDelay { get; set; }

    /// <summary>The address to send unicast adverts from (keepalived's unicast_src_ip); the interface's primary address when omitted.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AddressTransformation]
    public string? UnicastSource { get; set; }

    /// <summary>Sends adverts to these peers instead of the multicast group (keepalived's unicast_peer); every node lists the others.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AddressTransformation]
    public string[]? UnicastPeer { get; set; }

    /// <summary>The VRRPv2 simple password, at most 8 bytes (keepalived's authentication { auth_type PASS auth_pass ... }). VRRPv3 has no authentication.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public SecureString? AuthenticationPassword { get; set; }

    /// <summary>Interfaces to track (keepalived's track_interface): "eth1" puts the instance in Fault while eth1 is down; "eth1 weight -20" lowers the priority by 20 instead (a positive weight is added while up).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(InterfaceCompleter))]
    public string[]? TrackInterface { get; set; }

    /// <summary>Checks to track (keepalived's vrrp_script and track_script), as hashtables: Name; Script, a script block that returns $true when healthy (it runs in a runspace of its own with LvsPS imported) or an executable with its arguments that exits 0 when healthy (such as '/usr/local/bin/check_web.sh --port 80'; it runs in the instance's network namespace and must exist and be executable when the instance starts); Interval (seconds between starts, 1; a run still going when the next is due skips that one); Timeout (seconds, the interval by default; a run past it is stopped, an executable with SIGTERM to its process group and SIGKILL 2 s later, and counts as a failure); Weight (0 = Fault while failing); Rise (1) and Fall (1). A check counts as up until its first result, which decides; then Fall failures in a row take it down and Rise successes in a row bring it up, as in keepalived.</summary>
    [Parameter]
    public Hashtable[]? TrackScript { get; set; }

    /// <summary>A script block run on every state change with the change ($args[0]: InstanceName, From, To, Reason, Time, Priority) and the instance ($args[1]), in a runspace of its own with LvsPS imported (keepalived's notify). Changes are notified in order, off the VRRP thread; a run is stopped after 30 s.</summary>
    [Parameter]
    public ScriptBlock? OnStateChange { get; set; }

    /// <summary>An executable (with arguments of its own if needed) run on every state change with keepalived's notify arguments appended: INSTANCE name MASTER|BACKUP|FAULT|INIT priority. Runs in order, in the instance's network namespace, each stopped after 30 s; it must exist and be executable when the instance starts (ScriptNotFound, ScriptNotExecutable).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? NotifyCommand { get; set; }

    /// <summary>Gratuitous ARPs (or neighbour advertisements) per address on becoming master, and again after -GratuitousArpDelay (keepalived's vrrp_garp_master_repeat, 5).</summary>
    [Parameter]
    public int GratuitousArpRepeat { get; set; } = 5;

    /// <summary>Seconds after becoming master before the second burst of gratuitous ARPs (keepalived's vrrp_garp_master_delay, 5; 0 for none).</summary>
    [Parameter]
    public double GratuitousArpDelay { get; set; } = 5;

    /// <summary>Seconds between gratuitous ARP refreshes while master (keepalived's vrrp_garp_master_refresh; 0, the default, for none).</summary>
    [Parameter]
    public double GratuitousArpRefresh { get; set; }

    /// <summary>Blocks until the instance stops (Stop-LvsVrrpInstance from another runspace, or a fatal error); Ctrl+C stops it gracefully. For a systemd unit or a scheduled job.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    protected override void ProcessRecord()
    {
        VrrpInstanceOptions options;
        try
        {
            options = BuildOptions();
            options.Validate();
            CheckSyncGroupParameters();
        }
        catch (Exception e) when (e is VrrpValidationException or ScriptNotUsableException or InvalidInputException)
        {
            ThrowTerminatingError(ErrorMapper.Map(e, Name).Record);
            return;
        }
        string target = $"VRRP instance {Name} (VRID {options.VirtualRouterId} on {options.Interface}{(options.NetworkNamespace is null ? "" : $" in {options.NetworkNamespace}")}: {string.Join(", ", options.VirtualAddresses)})";
        if (!ShouldProcess(target, "Start"))
            return;
        if (!VrrpRegistry.TryReserve(Name))
            ThrowTerminatingError(InstanceExists());
        CheckSyncDaemonDriver(options);
        VrrpInstance instance;
        try
        {
            WriteVerbose($"Starting {target}, VRRPv{options.Version} every {options.AdvertisementInterval.TotalSeconds} s, priority {options.Priority}.");
            instance = VrrpInstance.Start(options, onStateChange: null, SyncGroupOrNull());
        }
        catch (Exception e) when (ErrorMapper.IsMapped(e))
        {
            (ErrorRecord record, _) = ErrorMapper.Map(e, Name);
            ThrowTerminatingError(record);
            return;
        }
        if (!VrrpRegistry.TryAdd(instance))
        {
            instance.Stop();
            ThrowTerminatingError(InstanceExists());
        }
        WriteObject(instance);
        if (!Wait)
            return;
        try
        {
            instance.WaitForExit(CancellationToken);
        }
        finally
        {
            // Ctrl+C: nothing may be written any more (the pipeline is stopping), but the instance still stops in order.
            if (instance.IsRunning)
                VrrpRegistry.Stop(instance, CancellationToken.None, ModuleLifecycle.ShutdownTimeout);
        }
    }

    private ErrorRecord InstanceExists()
        => ErrorMapper.Record(ErrorMapper.VrrpInstanceExists,
            new InvalidOperationException($"A VRRP instance named '{Name}' is running already in this PowerShell process."), Name);

    private VrrpInstanceOptions BuildOptions()
    {
        VrrpVirtualAddress[] vips = VirtualAddress.Select(VrrpVirtualAddress.Parse).ToArray();
        bool ipv6 = vips.Length > 0 && vips[0].Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        return new VrrpInstanceOptions
        {
            Name = Name,
            Interface = Interface,
            VirtualRouterId = VirtualRouterId,
            Priority = Priority,
            Version = IsBound(nameof(Version)) ? Version : ipv6 ? 3 : 2,
            AdvertisementInterval = TimeSpan.FromTicks((long)Math.Round(AdvertisementInterval * TimeSpan.TicksPerSecond)),
            VirtualAddresses = vips,
            InitialState = InitialState.Equals("Master", StringComparison.OrdinalIgnoreCase) ? VrrpState.Master : VrrpState.Backup,
            Preempt = !NoPreempt,
            PreemptDelay = TimeSpan.FromSeconds(PreemptDelay),
            UnicastSource = UnicastSource is null ? null : NetText.ParseAddress(UnicastSource),
            UnicastPeers = (UnicastPeer ?? Array.Empty<string>()).Select(NetText.ParseAddress).ToArray(),
            AuthenticationPassword = AuthenticationPassword is null ? null : Plain(AuthenticationPassword),
            NetworkNamespace = ResolveNamespace(null),
            GratuitousArpRepeat = GratuitousArpRepeat,
            GratuitousArpDelay = TimeSpan.FromSeconds(GratuitousArpDelay),
            GratuitousArpRefresh = TimeSpan.FromSeconds(GratuitousArpRefresh),
            TrackInterfaces = (TrackInterface ?? Array.Empty<string>()).Select(ParseTrackInterface).Select(InSyncGroup).ToArray(),
            TrackScripts = (TrackScript ?? Array.Empty<Hashtable>()).Select(t => ParseTrackScript(t, ResolveNamespace(null))).Select(InSyncGroup).ToArray(),
            NotifyScripts = NotifyScripts(ResolveNamespace(null)),
            LvsSyncDaemon = BuildSyncDaemon(),
        };
    }

    private static string Plain(SecureString secure)
    {
        IntPtr p = Marshal.SecureStringToGlobalAllocUnicode(secure);
        try { return Marshal.PtrToStringUni(p) ?? ""; }
        finally { Marshal.ZeroFreeGlobalAllocUnicode(p); }
    }

    /// <summary>"eth1" or "eth1 weight -20", as keepalived's track_interface lines.</summary>
    internal static VrrpTrackedInterface ParseTrackInterface(string text)
    {
        string[] words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 1)
            return new VrrpTrackedInterface(words[0]);
        if (words.Length == 3 && words[1].Equals("weight", StringComparison.OrdinalIgnoreCase) && int.TryParse(words[2], out int w) && w is >= -253 and <= 253)
            return new VrrpTrackedInterface(words[0], w);
        throw ErrorMapper.Invalid(ErrorMapper.InvalidTrack, $"'{text}': give an interface name, optionally followed by 'weight N' with N from -253 to 253 (eth1 weight -20).");
    }

    private static VrrpTrackedScript ParseTrackScript(Hashtable table, string? networkNamespace)
    {
        string name = table["Name"]?.ToString() ?? throw ErrorMapper.Invalid(ErrorMapper.InvalidTrack, "A -TrackScript hashtable needs a Name.");
        object? script = table["Script"] is PSObject pso ? pso.BaseObject : table["Script"];
        double interval = table["Interval"] is { } i ? Convert.ToDouble(i, System.Globalization.CultureInfo.InvariantCulture) : 1;
        double? timeout = table["Timeout"] is { } t ? Convert.ToDouble(t, System.Globalization.CultureInfo.InvariantCulture) : null;
        int weight = table["Weight"] is { } w ? Convert.ToInt32(w, System.Globalization.CultureInfo.InvariantCulture) : 0;
        int rise = table["Rise"] is { } r ? Convert.ToInt32(r, System.Globalization.CultureInfo.InvariantCulture) : 1;
        int fall = table["Fall"] is { } f ? Convert.ToInt32(f, System.Globalization.CultureInfo.InvariantCulture) : 1;
        if (interval <= 0 || timeout <= 0 || rise < 1 || fall < 1 || weight is < -253 or > 253)
            throw ErrorMapper.Invalid(ErrorMapper.InvalidTrack, $"Track script '{name}': Interval and Timeout must be positive, Rise and Fall at least 1, Weight -253 to 253.");
        IScript runnable = script switch
        {
            ScriptBlock sb => new PowerShellScript(sb),
            string command when !string.IsNullOrWhiteSpace(command) => Executable(command, networkNamespace),
            _ => throw ErrorMapper.Invalid(ErrorMapper.InvalidTrack, $"Track script '{name}': Script must be a script block or an executable with its arguments (/usr/local/bin/check_web.sh --port 80)."),
        };
        return new VrrpTrackedScript(name, runnable, TimeSpan.FromSeconds(interval), weight, rise, fall)
        {
            Timeout = timeout is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
        };
    }

    /// <summary>
    /// An executable script: the path of an existing file as it is (it may hold blanks), else a
    /// command line split as keepalived splits its script lines. It runs in the instance's
    /// namespace; a missing or non-executable file is refused here, before anything starts.
    /// </summary>
    internal static ExecutableScript Executable(string command, string? networkNamespace)
    {
        ScriptCommand parsed = File.Exists(command) ? new ScriptCommand(command) : ScriptCommand.Parse(command);
        parsed.Resolve();
        return new ExecutableScript(parsed with { NetworkNamespace = networkNamespace });
    }

    private VrrpNotifyScript[] NotifyScripts(string? networkNamespace)
    {
        var scripts = new List<VrrpNotifyScript>();
        if (OnStateChange != null)
            scripts.Add(new VrrpNotifyScript(new PowerShellScript(OnStateChange), VrrpNotifyArguments.Objects));
        if (NotifyCommand != null)
            scripts.Add(new VrrpNotifyScript(Executable(NotifyCommand, networkNamespace)));
        return scripts.ToArray();
    }
}
