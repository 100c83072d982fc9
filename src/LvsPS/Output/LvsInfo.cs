using LvsPS.Native.Ipvs;

namespace LvsPS;

/// <summary>What Get-LvsInfo writes: the IPVS version as text (1.2.1) and the connection table size.</summary>
public sealed class LvsInfo
{
    internal LvsInfo(IpvsInfo record, string? networkNamespace)
    {
        Version = record.Version.ToString();
        ConnectionTableSize = record.ConnectionTableSize;
        NetworkNamespace = networkNamespace;
    }

    public string Version { get; }
    /// <summary>The number of buckets of the connection hash table (ipvsadm's size=).</summary>
    public uint ConnectionTableSize { get; }
    public string? NetworkNamespace { get; }

    public override string ToString() => $"IP Virtual Server version {Version} (size={ConnectionTableSize})";
}
