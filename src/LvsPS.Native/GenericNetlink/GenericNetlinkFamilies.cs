using LvsPS.Native.Interop;
using LvsPS.Native.Netlink;

namespace LvsPS.Native.GenericNetlink;

/// <summary>Resolves generic netlink family names to their (dynamic) ids, once per connection.</summary>
internal sealed class GenericNetlinkFamilies
{
    private readonly NetlinkConnection _connection;
    private readonly Dictionary<string, ushort> _ids = new(StringComparer.Ordinal);

    public GenericNetlinkFamilies(NetlinkConnection connection) => _connection = connection;

    /// <summary>The family id, or throws <see cref="GenericNetlinkFamilyNotFoundException"/>.</summary>
    public ushort Resolve(string name)
    {
        if (_ids.TryGetValue(name, out ushort cached))
            return cached;
        ushort id = 0;
        try
        {
            _connection.Execute(
                (w, flags, seq) =>
                {
                    int m = w.BeginMessage(genetlink_h.GENL_ID_CTRL, flags, seq);
                    w.WriteGenericHeader(genetlink_h.CTRL_CMD_GETFAMILY, 1);
                    w.WriteString(genetlink_h.CTRL_ATTR_FAMILY_NAME, name);
                    w.EndMessage(m);
                },
                (payload, _) => id = DecodeFamilyId(payload),
                $"resolve generic netlink family {name}");
        }
        catch (NetlinkException e) when (e.Errno == Errno.ENOENT)
        {
            throw new GenericNetlinkFamilyNotFoundException(name);
        }
        if (id == 0)
            throw NetlinkException.Malformed($"resolve generic netlink family {name}", "the answer carried no family id");
        _ids[name] = id;
        return id;
    }

    internal static ushort DecodeFamilyId(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < genetlink_h.GENL_HDRLEN)
            return 0;
        var r = new NetlinkAttributeReader(payload[genetlink_h.GENL_HDRLEN..]);
        while (r.MoveNext())
            if (r.Type == genetlink_h.CTRL_ATTR_FAMILY_ID)
                return r.GetUInt16();
        return 0;
    }
}

/// <summary>The kernel has no such generic netlink family (for IPVS: the ip_vs module is not loaded).</summary>
public sealed class GenericNetlinkFamilyNotFoundException : Exception
{
    public GenericNetlinkFamilyNotFoundException(string family)
        : base($"The kernel has no generic netlink family '{family}'.") => Family = family;

    public string Family { get; }
}
