namespace LvsPS.Native.Proc;

/// <summary>
/// The IPVS connection table of a network namespace, from /proc/net/ip_vs_conn (with the
/// persistence-engine columns) or /proc/net/ip_vs_conn_sync (with the Origin column).
/// The kernel filters nothing: the whole table is walked, so filter here (see <see cref="ConnectionFilter"/>).
/// </summary>
public static class IpvsConnectionReader
{
    public const string ConnectionFile = "ip_vs_conn";
    public const string SyncConnectionFile = "ip_vs_conn_sync";

    /// <summary>
    /// Opens the table now (so that a missing namespace or IPVS fails here) and returns a
    /// parser to drain with <see cref="IpvsConnectionParser.TryRead"/>; dispose it.
    /// </summary>
    /// <param name="networkNamespace">A name under /run/netns, a path, or null for the caller's namespace.</param>
    /// <param name="filter">The rows to return (null: all).</param>
    /// <param name="includeOrigin">Read ip_vs_conn_sync: fills <see cref="IpvsConnection.Origin"/>, but has no persistence-engine data.</param>
    public static IpvsConnectionParser Open(string? networkNamespace = null, ConnectionFilter? filter = null, bool includeOrigin = false)
    {
        string file = includeOrigin ? SyncConnectionFile : ConnectionFile;
        FileStream stream = ProcNetFile.Open(file, networkNamespace);
        return new IpvsConnectionParser(stream, filter, $"/proc/net/{file}", networkNamespace);
    }

    /// <summary>The matching rows, read lazily (the file is opened on the first MoveNext).</summary>
    public static IEnumerable<IpvsConnection> Read(string? networkNamespace = null, ConnectionFilter? filter = null, bool includeOrigin = false,
        CancellationToken cancellationToken = default)
    {
        using IpvsConnectionParser parser = Open(networkNamespace, filter, includeOrigin);
        foreach (IpvsConnection c in Drain(parser, cancellationToken))
            yield return c;
    }

    /// <summary>Parses a copy of either file from any stream (a capture, a test sample).</summary>
    public static IEnumerable<IpvsConnection> Parse(Stream stream, ConnectionFilter? filter = null, bool leaveOpen = false,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Iterate();

        IEnumerable<IpvsConnection> Iterate()
        {
            using var parser = new IpvsConnectionParser(stream, filter, leaveOpen: leaveOpen);
            foreach (IpvsConnection c in Drain(parser, cancellationToken))
                yield return c;
        }
    }

    private static IEnumerable<IpvsConnection> Drain(IpvsConnectionParser parser, CancellationToken cancellationToken)
    {
        while (parser.TryRead(out IpvsConnection? c))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return c;
        }
    }
}
