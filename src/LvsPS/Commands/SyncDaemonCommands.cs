using System.Globalization;
using System.Management.Automation;
using System.Net;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Text;

namespace LvsPS.Commands;

/// <summary>Lists the running IPVS connection-synchronisation daemons (ipvsadm -L --daemon).</summary>
/// <remarks>
/// <para>Get-LvsSyncDaemon replaces ipvsadm -L --daemon. It writes a SyncDaemon object for each running daemon of
/// the namespace (at most one master and one backup) with the settings the kernel uses: State (Master, Backup),
/// Interface, SyncId, MaxLength, MulticastGroup, Port and Ttl. The view prints them like ipvsadm:
/// "master sync daemon (mcast=eth0, syncid=5, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)".</para>
/// <para>A master multicasts the state of the connections it schedules; a backup receives it, so that after a
/// failover (keepalived) established connections keep their real server. No daemon running
/// is not an error: nothing is written. The objects pipe into Stop-LvsSyncDaemon.</para>
/// </remarks>
/// <example title="What runs">
/// <code>
/// Get-LvsSyncDaemon
/// </code>
/// <para>Prints State Interface SyncId MaxLength MulticastGroup Port Ttl for each daemon, like ipvsadm -L --daemon.</para>
/// </example>
/// <example title="Is this director a backup?">
/// <code>
/// [bool](Get-LvsSyncDaemon -State Backup)
/// </code>
/// <para>True when the backup sync daemon runs in the current namespace.</para>
/// </example>
/// <input type="None">This cmdlet takes no pipeline input.</input>
/// <output type="LvsPS.LvsSyncDaemon">The running sync daemons, master first.</output>
/// <seealso cref="StartLvsSyncDaemonCommand"/>
/// <seealso cref="StopLvsSyncDaemonCommand"/>
[Cmdlet(VerbsCommon.Get, "LvsSyncDaemon")]
[OutputType(typeof(LvsSyncDaemon))]
public sealed class GetLvsSyncDaemonCommand : LvsCmdletBase
{
    /// <summary>Only the daemon in this role: Master or Backup. Both when omitted.</summary>
    [Parameter(Position = 0)]
    public SyncDaemonState State { get; set; }

    protected override void ProcessRecord()
    {
        string? ns = ResolveNamespace(null);
        TryRun(ns, () =>
        {
            foreach (SyncDaemon d in Client(ns).GetSyncDaemons().OrderBy(d => d.State))
                if (!IsBound(nameof(State)) || d.State == State)
                    WriteObject(new LvsSyncDaemon(d));
        });
    }
}

/// <summary>Starts an IPVS connection-synchronisation daemon, master or backup (ipvsadm --start-daemon).</summary>
/// <remarks>
/// <para>Start-LvsSyncDaemon replaces ipvsadm --start-daemon master|backup --mcast-interface IF --syncid ID
/// [--sync-maxlen N] [--mcast-group ADDR] [--mcast-port PORT] [--mcast-ttl TTL], the feature keepalived configures
/// with lvs_sync_daemon. A Master multicasts the connections this director schedules; a Backup receives them
/// from the master of the same -SyncId (a backup with sync id 0 accepts every id). Run a master on the active
/// director and a backup on the standby; both may run on the same host.</para>
/// <para>Settings left out take the kernel's defaults: group 224.0.0.81 (or an IPv6 ff00::/8 group), port 8848,
/// TTL 1, a maximum message length from the interface's MTU. Get-LvsSyncDaemon shows the values in effect.</para>
/// <para>Everything is validated before the kernel is asked (UnknownSyncDaemonState, InvalidSyncInterface,
/// SyncIdOutOfRange, InvalidMulticastGroup). The kernel's refusals: a daemon in that role already runs
/// (SyncDaemonExists, ResourceExists: stop it first, a daemon cannot be changed in place), the interface does
/// not exist in the namespace (SyncInterfaceNotFound, ObjectNotFound), real servers of another address family
/// than their service exist (SyncDaemonNotPossible, InvalidOperation: the sync protocol cannot carry them; the
/// message names them).</para>
/// </remarks>
/// <example title="Master on the active director">
/// <code>
/// Start-LvsSyncDaemon -State Master -Interface eth0 -SyncId 5
/// </code>
/// <para>The same as ipvsadm --start-daemon master --mcast-interface eth0 --syncid 5.</para>
/// </example>
/// <example title="Backup on an IPv6 group, with the settings read back">
/// <code>
/// Start-LvsSyncDaemon Backup eth1 -SyncId 5 -MulticastGroup ff02::8848 -Port 8849 -Ttl 2 -PassThru
/// </code>
/// <para>Starts the backup daemon on eth1 (ipvsadm --start-daemon backup --mcast-group ff02::8848 --mcast-port 8849
/// --mcast-ttl 2) and writes it as the kernel reports it.</para>
/// </example>
/// <example title="Restart a master with a new sync id">
/// <code>
/// Stop-LvsSyncDaemon Master; Start-LvsSyncDaemon Master eth0 -SyncId 6 -WhatIf
/// </code>
/// <para>Shows 'Start sync daemon (mcast=eth0, syncid=6)' on target 'master sync daemon'; a running daemon cannot be edited.</para>
/// </example>
/// <input type="None">This cmdlet takes no pipeline input.</input>
/// <parameter name="MaxLength" default="From the interface MTU"/>
/// <parameter name="MulticastGroup" default="224.0.0.81"/>
/// <parameter name="Port" default="8848"/>
/// <parameter name="Ttl" default="1"/>
/// <output type="LvsPS.LvsSyncDaemon">With -PassThru, the daemon as the kernel reports it. Nothing otherwise.</output>
/// <seealso cref="GetLvsSyncDaemonCommand"/>
/// <seealso cref="StopLvsSyncDaemonCommand"/>
[Cmdlet(VerbsLifecycle.Start, "LvsSyncDaemon", SupportsShouldProcess = true)]
[OutputType(typeof(LvsSyncDaemon))]
public sealed class StartLvsSyncDaemonCommand : LvsCmdletBase
{
    /// <summary>The role: Master (sends the connection state) or Backup (receives it).</summary>
    [Parameter(Mandatory = true, Position = 0, HelpMessage = "Master or Backup.")]
    public SyncDaemonState State { get; set; }

    /// <summary>The network interface that sends (master) or receives (backup) the multicast (ipvsadm --mcast-interface), at most 15 characters.</summary>
    [Parameter(Mandatory = true, Position = 1, HelpMessage = "The network interface of the multicast, such as eth0.")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(InterfaceCompleter))]
    public string Interface { get; set; } = null!;

    /// <summary>The sync id of the cluster (ipvsadm --syncid), 0 to 255; a backup with 0 accepts messages of every id.</summary>
    [Parameter]
    [ValidateRange(0u, 255u)]
    [UnsignedTransformation(0, 255)]
    public uint SyncId { get; set; }

    /// <summary>The largest sync message payload in bytes (ipvsadm --sync-maxlen), 1 to 65535; the kernel clamps it to what the interface allows.</summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int MaxLength { get; set; }

    /// <summary>The multicast group (ipvsadm --mcast-group): IPv4 in 224.0.0.0/4 or IPv6 in ff00::/8.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [AddressTransformation]
    public string MulticastGroup { get; set; } = null!;

    /// <summary>The UDP port of the multicast (ipvsadm --mcast-port), 1 to 65535.</summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int Port { get; set; }

    /// <summary>The multicast TTL (ipvsadm --mcast-ttl), 1 to 255.</summary>
    [Parameter]
    [ValidateRange(1, 255)]
    public int Ttl { get; set; }

    /// <summary>Writes the daemon as the kernel reports it afterwards, with the defaults it filled in.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        string? ns = ResolveNamespace(null);
        string target = $"{SyncDaemon.StateName(State)} sync daemon";
        TryRun(target, () =>
        {
            IPAddress? group = MulticastGroup is null ? null : NetText.ParseAddress(MulticastGroup);
            var daemon = new SyncDaemon
            {
                State = State,
                Interface = Interface,
                SyncId = SyncId,
                MaxLength = IsBound(nameof(MaxLength)) ? (ushort)MaxLength : null,
                MulticastGroup = group,
                Port = IsBound(nameof(Port)) ? (ushort)Port : null,
                Ttl = IsBound(nameof(Ttl)) ? (byte)Ttl : null,
            };
            SyncDaemonValidation.Validate(daemon);
            string settings = Settings(daemon);
            if (!ShouldProcess(target, $"Start sync daemon ({settings})"))
                return;
            WriteVerbose($"Sending NEW_DAEMON: {daemon}.");
            Client(ns).StartSyncDaemon(daemon);
            if (PassThru && Client(ns).GetSyncDaemons().FirstOrDefault(d => d.State == State) is { } started)
                WriteObject(new LvsSyncDaemon(started));
        });
    }

    /// <summary>"mcast=eth0, syncid=5, port=8849": what ipvsadm -L --daemon prints in parentheses.</summary>
    internal static string Settings(SyncDaemon d)
    {
        string text = d.ToString();
        int open = text.IndexOf('(', StringComparison.Ordinal);
        return open < 0 ? text : text[(open + 1)..^1];
    }
}

/// <summary>Stops an IPVS connection-synchronisation daemon (ipvsadm --stop-daemon).</summary>
/// <remarks>
/// <para>Stop-LvsSyncDaemon replaces ipvsadm --stop-daemon master|backup. Name the role with -State, or pipe the
/// daemons from Get-LvsSyncDaemon (they bring their network namespace along). Connection entries already
/// received by a backup stay until they expire.</para>
/// <para>When no daemon runs in that role the error is SyncDaemonNotFound (ObjectNotFound).</para>
/// </remarks>
/// <example title="Stop the master">
/// <code>
/// Stop-LvsSyncDaemon -State Master
/// </code>
/// <para>The same as ipvsadm --stop-daemon master.</para>
/// </example>
/// <example title="Stop every daemon of a namespace">
/// <code>
/// Get-LvsSyncDaemon -NetworkNamespace lb1 | Stop-LvsSyncDaemon -WhatIf
/// </code>
/// <para>Shows 'Stop sync daemon' for the master and the backup sync daemon of lb1, if they run; drop -WhatIf to stop them.</para>
/// </example>
/// <input type="LvsPS.LvsSyncDaemon">Daemons from Get-LvsSyncDaemon, bound to -InputObject (their copies from Import-Clixml or Import-Csv bind their State by property name).</input>
/// <output type="None">This cmdlet writes no output.</output>
/// <seealso cref="GetLvsSyncDaemonCommand"/>
/// <seealso cref="StartLvsSyncDaemonCommand"/>
[Cmdlet(VerbsLifecycle.Stop, "LvsSyncDaemon", DefaultParameterSetName = StateSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class StopLvsSyncDaemonCommand : LvsCmdletBase
{
    public const string StateSet = "State";
    public const string InputObjectSet = "InputObject";

    /// <summary>The role of the daemon to stop: Master or Backup.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = StateSet, ValueFromPipelineByPropertyName = true, HelpMessage = "Master or Backup.")]
    public SyncDaemonState State { get; set; }

    /// <summary>A daemon from Get-LvsSyncDaemon: its role, in the namespace it was read from.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet, HelpMessage = "A sync daemon from Get-LvsSyncDaemon.")]
    public LvsSyncDaemon InputObject { get; set; } = null!;

    protected override void ProcessRecord()
    {
        SyncDaemonState state = InputObject?.Record.State ?? State;
        string? ns = ResolveNamespace(InputObject?.NetworkNamespace);
        string target = $"{SyncDaemon.StateName(state)} sync daemon";
        TryRun((object?)InputObject ?? target, () =>
        {
            SyncDaemonValidation.ValidateState(state);
            if (!ShouldProcess(target, "Stop sync daemon"))
                return;
            WriteVerbose($"Sending DEL_DAEMON for the {target}.");
            Client(ns).StopSyncDaemon(state);
        });
    }
}
