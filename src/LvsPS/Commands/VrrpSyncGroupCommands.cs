using System.Management.Automation;
using LvsPS.Native.Vrrp;
using LvsPS.Vrrp;

namespace LvsPS.Commands;

/// <summary>Lists the VRRP sync groups of this process with their state, members and last changes.</summary>
/// <remarks>
/// <para>A sync group (keepalived's vrrp_sync_group) is made by starting instances with the same
/// Start-LvsVrrpInstance -SyncGroup name. Its State is Backup, Master or Fault: Master once every member wanted
/// master and all became master together; Backup when a master member became backup (a higher-priority peer) and
/// the other masters followed; Fault while a member has a fault of its own (its interface, a tracked interface or a
/// check with weight 0), and then every member is in Fault. History holds the group's last changes with their
/// reason, IsFaulted whether a member's own fault holds the group in Fault.</para>
/// <para>A stopped member leaves its group; a group without running members is not listed. When a member also
/// drives the IPVS sync daemon (-LvsSyncDaemonInterface), ipvsadm -L --daemon on this node shows a master sync
/// daemon while the group is Master and a backup one otherwise.</para>
/// </remarks>
/// <example title="The groups">
/// <code>
/// Get-LvsVrrpSyncGroup
/// </code>
/// <para>One row per group: Name, State and the member instances.</para>
/// </example>
/// <example title="Why did the group fail over?">
/// <code>
/// (Get-LvsVrrpSyncGroup VG_1).History
/// Get-LvsVrrpInstance (Get-LvsVrrpSyncGroup VG_1).MemberNames | Format-Table Name, State, Priority, MasterAddress
/// </code>
/// <para>Shows, for example, "Master -> Backup (VI_1 became backup)" and the members' own state.</para>
/// </example>
/// <input type="System.String">Group names, bound to -Name.</input>
/// <output type="LvsPS.Native.Vrrp.VrrpSyncGroup">The sync groups.</output>
/// <seealso cref="StartLvsVrrpInstanceCommand"/>
/// <seealso cref="GetLvsVrrpInstanceCommand"/>
[Cmdlet(VerbsCommon.Get, "LvsVrrpSyncGroup")]
[OutputType(typeof(VrrpSyncGroup))]
public sealed class GetLvsVrrpSyncGroupCommand : LvsCmdletBase
{
    /// <summary>The groups to list, by name; wildcards are allowed (VG_*). A plain name that matches no running group is a VrrpSyncGroupNotFound error.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(VrrpSyncGroupCompleter))]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        VrrpSyncGroup[] all = VrrpRegistry.SyncGroups.ToArray();
        if (Name is null || Name.Length == 0)
        {
            WriteObject(all, enumerateCollection: true);
            return;
        }
        var written = new HashSet<VrrpSyncGroup>();
        foreach (string name in Name)
        {
            var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
            VrrpSyncGroup[] matches = all.Where(g => pattern.IsMatch(g.Name)).ToArray();
            if (matches.Length == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                WriteError(ErrorMapper.Record(ErrorMapper.VrrpSyncGroupNotFound,
                    new ItemNotFoundException($"There is no VRRP sync group named '{name}' with a running member in this PowerShell process."), name));
            foreach (VrrpSyncGroup g in matches)
                if (written.Add(g))
                    WriteObject(g);
        }
    }
}
