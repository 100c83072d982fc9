using System.ComponentModel;
using LvsPS.Native.Configuration;
using LvsPS.Native.Ipvs;

namespace LvsPS;

/// <summary>
/// A virtual service as the cmdlets write it: flat, every value a string, number or boolean, so
/// that Sort-Object, Select-Object, Group-Object, ConvertTo-Json, Export-Csv and Export-Clixml
/// give what a user expects (addresses as text, names rather than enum numbers, no nested records).
/// The property names are the parameter names of New-LvsVirtualService, so a row of Import-Csv or a
/// deserialized object (Import-Clixml, jobs, remoting) pipes back into it whole.
/// </summary>
[TypeConverter(typeof(LvsRecordConverter))]
public sealed class LvsVirtualService
{
    internal LvsVirtualService(VirtualService record)
    {
        Record = record;
        VirtualServiceKey key = record.Key;
        VirtualService = key.ToString();
        Protocol = key.Protocol.ToString();
        Address = key.Address?.ToString();
        Port = key.IsFirewallMark ? null : key.Port;
        FirewallMark = key.IsFirewallMark ? key.FirewallMark : null;
        Family = key.Family.ToString();
        Scheduler = record.Scheduler;
        IReadOnlyList<string> flags = Schedulers.FormatFlags(record.Scheduler, record.SchedulerFlags);
        SchedulerFlags = flags.Count == 0 ? null : string.Join(",", flags);
        Persistent = record.Persistent;
        PersistenceTimeout = record.Persistent ? record.PersistenceTimeout : null;
        PersistenceNetmask = record.Persistent ? IpvsValidation.FormatPersistenceNetmask(record.EffectivePrefixLength, key.Family) : null;
        OnePacket = record.OnePacket;
        PersistenceEngine = record.PersistenceEngine;
        RealServers = new LvsRealServerList(IpvsadmOrder.SortRealServers(record.RealServers).Select(d => new LvsRealServer(d)).ToArray());
        IpvsStatistics s = record.Statistics ?? Empty;
        (Connections, InPackets, OutPackets, InBytes, OutBytes) = (s.Connections, s.InPackets, s.OutPackets, s.InBytes, s.OutBytes);
        NetworkNamespace = record.NetworkNamespace;
    }

    internal static readonly IpvsStatistics Empty = new();

    /// <summary>The core record this was made from (what the cmdlets send back to the kernel).</summary>
    internal VirtualService Record { get; }

    /// <summary>A piped row that could not be read as a service: reported by the cmdlet that received it.</summary>
    internal Exception? InputError { get; private init; }

    /// <summary>What was piped when this was converted from another object (a core record, a row): error records point at it.</summary>
    internal object? Source { get; private init; }

    /// <summary>What error records about this input point at: the object the user piped.</summary>
    internal object Target => Source ?? this;

    internal LvsVirtualService ConvertedFrom(object source) => new(Record) { Source = source };

    internal static LvsVirtualService Invalid(Exception error, object source)
        => new(new VirtualService { Key = VirtualServiceKey.ForFirewallMark(1) }) { InputError = error, Source = source };

    /// <summary>The identity: tcp/10.0.0.3:80, udp/[2001:db8::1]:53, sctp/10.0.0.3:9, fwmark/3, fwmark/3/ipv6.</summary>
    public string VirtualService { get; }
    /// <summary>Tcp, Udp, Sctp, or FirewallMark.</summary>
    public string Protocol { get; }
    /// <summary>The virtual IP address; null for a firewall-mark service.</summary>
    public string? Address { get; }
    /// <summary>The virtual port; null for a firewall-mark service.</summary>
    public ushort? Port { get; }
    /// <summary>The mark of a firewall-mark service; null for an address service.</summary>
    public uint? FirewallMark { get; }
    /// <summary>IPv4 or IPv6.</summary>
    public string Family { get; }
    public string Scheduler { get; }
    /// <summary>The scheduler flags as ipvsadm -b takes them (sh-fallback,sh-port); null when none.</summary>
    public string? SchedulerFlags { get; }
    public bool Persistent { get; }
    /// <summary>Seconds; null when not persistent.</summary>
    public uint? PersistenceTimeout { get; }
    /// <summary>255.255.255.255 (per client) or a wider mask for IPv4, a prefix length for IPv6; null when not persistent.</summary>
    public string? PersistenceNetmask { get; }
    public bool OnePacket { get; }
    public string? PersistenceEngine { get; }
    /// <summary>The real servers, in ipvsadm's order (empty when not read).</summary>
    public LvsRealServerList RealServers { get; }
    /// <summary>Connections scheduled since the counters were last cleared (ipvsadm --stats); Get-LvsStatistic has the rates too.</summary>
    public ulong Connections { get; }
    public ulong InPackets { get; }
    public ulong OutPackets { get; }
    public ulong InBytes { get; }
    public ulong OutBytes { get; }
    /// <summary>The network namespace it was read from; null for the current one.</summary>
    public string? NetworkNamespace { get; }

    public override string ToString() => VirtualService;
}
