using System.Net;

namespace LvsPS.Native.Text;

/// <summary>An address and, when the text had one, a port: 10.0.0.7, 10.0.0.7:8080, [2001:db8::7]:80.</summary>
public readonly record struct NetEndpoint(IPAddress Address, ushort? Port)
{
    /// <summary>The canonical text: 10.0.0.7:80, [2001:db8::7]:80, or the address alone when there is no port.</summary>
    public override string ToString() => Port is ushort p ? NetText.FormatEndpoint(Address, p) : Address.ToString();
}

/// <summary>An address with its prefix length: 10.0.0.3/24, 2001:db8::/32. The host bits are kept as written.</summary>
public readonly record struct NetPrefix(IPAddress Address, int PrefixLength)
{
    /// <summary>The network the prefix names: the host bits cleared (10.1.2.3/16 is 10.1.0.0/16).</summary>
    public IPNetwork ToNetwork()
    {
        byte[] b = Address.GetAddressBytes();
        for (int bit = PrefixLength; bit < b.Length * 8; bit++)
            b[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        return new IPNetwork(new IPAddress(b), PrefixLength);
    }

    public override string ToString() => $"{Address}/{PrefixLength}";
}
