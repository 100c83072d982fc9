using LvsPS.Native.HostSettings;

namespace LvsPS;

/// <summary>An address bound to an interface, as Get-LvsVip writes it: the address as text.</summary>
public sealed class LvsVip
{
    internal LvsVip(VipBinding record)
    {
        Record = record;
        Address = record.Address.ToString();
        PrefixLength = record.PrefixLength;
        Interface = record.Interface;
        InterfaceIndex = record.InterfaceIndex;
        NetworkNamespace = record.NetworkNamespace;
    }

    internal VipBinding Record { get; }

    public string Address { get; }
    public int PrefixLength { get; }
    public string Interface { get; }
    public int InterfaceIndex { get; }
    public string? NetworkNamespace { get; }

    /// <summary>10.0.0.3/32 dev lo, as ip addr says it.</summary>
    public override string ToString() => Record.ToString();
}
