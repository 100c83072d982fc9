using LvsPS.Native.Ipvs;

namespace LvsPS;

/// <summary>A connection-synchronisation daemon as Get-LvsSyncDaemon writes it: plain values (the group address as text).</summary>
public sealed class LvsSyncDaemon
{
    internal LvsSyncDaemon(SyncDaemon record)
    {
        Record = record;
        State = record.State;
        Interface = record.Interface;
        SyncId = record.SyncId;
        MaxLength = record.MaxLength;
        MulticastGroup = record.MulticastGroup?.ToString();
        Port = record.Port;
        Ttl = record.Ttl;
        NetworkNamespace = record.NetworkNamespace;
    }

    internal SyncDaemon Record { get; }

    /// <summary>Master or Backup: the type of -State of the sync daemon cmdlets, so a row of Import-Csv binds to it by name.</summary>
    public SyncDaemonState State { get; }
    public string Interface { get; }
    public uint SyncId { get; }
    public ushort? MaxLength { get; }
    public string? MulticastGroup { get; }
    public ushort? Port { get; }
    public byte? Ttl { get; }
    public string? NetworkNamespace { get; }

    /// <summary>As ipvsadm -L --daemon prints it: "master sync daemon (mcast=eth0, syncid=5, ...)".</summary>
    public override string ToString() => Record.ToString();
}
