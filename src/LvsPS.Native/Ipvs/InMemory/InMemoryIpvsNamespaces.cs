namespace LvsPS.Native.Ipvs.InMemory;

/// <summary>
/// In-memory IPVS for every network namespace (null: the caller's own), each made on first use:
/// the stand-in for the kernel that a client factory hands out instead of <see cref="IpvsClient.Open(string?)"/>.
/// </summary>
public sealed class InMemoryIpvsNamespaces
{
    private readonly Dictionary<string, InMemoryIpvs> _byName = new(StringComparer.Ordinal);

    /// <summary>The IPVS of one namespace, the same object every time (null or "": the caller's own).</summary>
    public InMemoryIpvs this[string? networkNamespace]
    {
        get
        {
            lock (_byName)
            {
                string name = networkNamespace ?? "";
                if (!_byName.TryGetValue(name, out InMemoryIpvs? ipvs))
                    _byName[name] = ipvs = new InMemoryIpvs(name.Length == 0 ? null : name);
                return ipvs;
            }
        }
    }

    /// <summary>A client of the namespace's IPVS (disposing it leaves the table, as closing a socket does).</summary>
    public IIpvsClient Open(string? networkNamespace) => this[networkNamespace];
}
