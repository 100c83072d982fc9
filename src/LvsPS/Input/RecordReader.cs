using System.Management.Automation;
using System.Net;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Operations;
using LvsPS.Native.Text;

namespace LvsPS;

/// <summary>
/// Reads services and real servers from property bags by the names the cmdlets write them with
/// (<see cref="LvsVirtualService"/>, <see cref="LvsRealServer"/>), which are the parameter names of
/// New-LvsVirtualService and Add-LvsRealServer. Values go through the same rules as the parameters
/// (ServiceOptions, InputParsing), so a row means what the same command line would.
/// </summary>
internal static class RecordReader
{
    public static bool IsServiceRow(RecordRow row)
        => !row.Has(nameof(LvsRealServer.Forwarding)) && !row.Has(nameof(LvsRealServer.Weight))
            && (row.Text(nameof(LvsVirtualService.VirtualService)) is not null || row.Text(nameof(LvsVirtualService.FirewallMark)) is not null
                || (row.Text(nameof(LvsVirtualService.Address)) is not null && row.Text(nameof(LvsVirtualService.Port)) is not null));

    public static bool IsRealServerRow(RecordRow row)
        => !row.Has(nameof(LvsVirtualService.Scheduler)) && row.Text(nameof(LvsRealServer.Address)) is not null
            && row.Text(nameof(LvsRealServer.VirtualService)) is not null;

    /// <summary>The service of a row, with its real servers when it carries them as a list (Clixml, JSON); a CSV cell of endpoints is only a summary.</summary>
    public static VirtualService Service(RecordRow row)
    {
        VirtualServiceKey key = ServiceKey(row);
        var bound = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase)
        {
            [ServiceOptions.Scheduler] = row.Text(nameof(LvsVirtualService.Scheduler))?.ToLowerInvariant() ?? VirtualService.DefaultScheduler,
        };
        if (row.Text(nameof(LvsVirtualService.SchedulerFlags)) is { } flags)
            bound[ServiceOptions.SchedulerFlag] = flags.Split(new[] { ',', ' ' }, StringSplitOptions.RemoveEmptyEntries);
        if (row.Flag(nameof(LvsVirtualService.Persistent)) is bool persistent)
            bound[ServiceOptions.Persistent] = new SwitchParameter(persistent);
        // 0 is what older exports wrote for a service without persistence: not a timeout.
        if (row.Number(nameof(LvsVirtualService.PersistenceTimeout), ServiceOptions.MaxPersistenceTimeout) is ulong timeout && timeout > 0)
            bound[ServiceOptions.PersistenceTimeout] = (uint)timeout;
        if (row.Text(nameof(LvsVirtualService.PersistenceNetmask)) is { } mask)
            bound[ServiceOptions.PersistenceNetmask] = mask;
        if (row.Flag(nameof(LvsVirtualService.OnePacket)) is bool ops)
            bound[ServiceOptions.OnePacket] = new SwitchParameter(ops);
        if (row.Text(nameof(LvsVirtualService.PersistenceEngine)) is { } engine)
            bound[ServiceOptions.PersistenceEngine] = engine;
        ServicePatch patch = ServiceOptions.Patch(bound);
        patch.Check(key.Family);
        VirtualService service = patch.ApplyTo(new VirtualService { Key = key });
        IEnumerable<object?> items = row.Items(nameof(LvsVirtualService.RealServers)) ?? Array.Empty<object?>();
        return service with { RealServers = items.Where(i => i is not null).Select(i => RealServerOf(i!, key)).ToArray() };
    }

    /// <summary>The real server of a row; <paramref name="service"/> is the enclosing service of a nested one (its own VirtualService, if any, must agree).</summary>
    public static RealServer RealServer(RecordRow row, VirtualServiceKey? service)
    {
        VirtualServiceKey key = row.Text(nameof(LvsRealServer.VirtualService)) is { } text ? ParseKey(row, text) : service
            ?? throw ErrorMapper.Invalid(ErrorMapper.InvalidRecordProperty, $"{row.Describe()}: it has no VirtualService; add one (tcp/10.0.0.3:80, fwmark/3).");
        if (service is not null && key != service)
            throw ErrorMapper.Invalid(ErrorMapper.InvalidRecordProperty, $"{row.Describe()}: it is listed under {service} but names {key}.");
        string address = row.Text(nameof(LvsRealServer.Address))
            ?? throw ErrorMapper.Invalid(ErrorMapper.InvalidRecordProperty, $"{row.Describe()}: it has no Address; add the real server's address.");
        (IPAddress ip, ushort? portInAddress) = Parse(row, nameof(LvsRealServer.Address), () => InputParsing.ParseEndpoint(address));
        ushort port = InputParsing.RealServerPort((int?)row.Number(nameof(LvsRealServer.Port), ushort.MaxValue), portInAddress, key);
        ForwardingMethod forwarding = row.Text(nameof(LvsRealServer.Forwarding)) is { } f ? InputParsing.ParseForwarding(f) : ForwardingMethod.Route;
        bool tunnel = forwarding == ForwardingMethod.Tunnel;
        return new RealServer
        {
            VirtualService = key,
            Address = ip,
            Port = port,
            Forwarding = forwarding,
            Weight = (uint)(row.Number(nameof(LvsRealServer.Weight), IpvsValidation.MaxWeight) ?? 1),
            UpperThreshold = (uint)(row.Number(nameof(LvsRealServer.UpperThreshold), uint.MaxValue) ?? 0),
            LowerThreshold = (uint)(row.Number(nameof(LvsRealServer.LowerThreshold), uint.MaxValue) ?? 0),
            // Tunnel settings of a non-tunnel row are what a wider export leaves empty or at defaults: only tunnels read them.
            TunnelType = tunnel ? row.Name<TunnelType>(nameof(LvsRealServer.TunnelType)) ?? TunnelType.Ipip : TunnelType.Ipip,
            TunnelPort = tunnel ? (ushort)(row.Number(nameof(LvsRealServer.TunnelPort), ushort.MaxValue) ?? 0) : (ushort)0,
            TunnelChecksum = tunnel ? row.Name<TunnelChecksum>(nameof(LvsRealServer.TunnelChecksum)) ?? TunnelChecksum.NoChecksum : TunnelChecksum.NoChecksum,
        };
    }

    private static RealServer RealServerOf(object item, VirtualServiceKey service)
    {
        object value = item is PSObject p ? p.BaseObject : item;
        return value switch
        {
            LvsRealServer typed => typed.InputError is { } e ? throw e : typed.Record with { VirtualService = service },
            RealServer record => record with { VirtualService = service },
            _ => RecordRow.From(item) is { } row ? RealServer(row, service)
                : throw ErrorMapper.Invalid(ErrorMapper.InvalidRecordProperty, $"The piped object for {service}: one of its RealServers is not a real server ({value.GetType().Name}).")
        };
    }

    private static VirtualServiceKey ServiceKey(RecordRow row)
    {
        if (row.Text(nameof(LvsVirtualService.VirtualService)) is { } identity)
            return ParseKey(row, identity);
        if (row.Number(nameof(LvsVirtualService.FirewallMark), uint.MaxValue) is ulong mark)
        {
            if (mark == 0)
                throw ErrorMapper.Invalid(ErrorMapper.InvalidRecordProperty, $"{row.Describe()}: a FirewallMark must be 1 or more.");
            return VirtualServiceKey.ForFirewallMark((uint)mark, row.Name<IpFamily>(nameof(LvsVirtualService.Family)) ?? IpFamily.IPv4);
        }
        IpvsProtocol protocol = row.Name<IpvsProtocol>(nameof(LvsVirtualService.Protocol)) ?? IpvsProtocol.Tcp;
        if (protocol == IpvsProtocol.FirewallMark)
            throw ErrorMapper.Invalid(ErrorMapper.InvalidRecordProperty, $"{row.Describe()}: a FirewallMark service needs its FirewallMark.");
        IPAddress address = Parse(row, nameof(LvsVirtualService.Address), () => NetText.ParseAddress(row.Text(nameof(LvsVirtualService.Address))));
        return VirtualServiceKey.ForAddress(protocol, address, (ushort)row.Number(nameof(LvsVirtualService.Port), ushort.MaxValue)!.Value);
    }

    /// <summary>The strict parser's answer, said of the row it came from.</summary>
    private static T Parse<T>(RecordRow row, string property, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (NetTextException e)
        {
            throw ErrorMapper.Invalid(ErrorMapper.InvalidAddress, $"{row.Describe()}: its {property} is not usable: {e.Message}");
        }
    }

    private static VirtualServiceKey ParseKey(RecordRow row, string text)
        => VirtualServiceKey.TryParse(text, out VirtualServiceKey? key, out string? error) ? key!
            : throw ErrorMapper.Invalid(ErrorMapper.InvalidRecordProperty, $"{row.Describe()}: its VirtualService is not one: {error}");
}
