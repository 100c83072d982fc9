using System.Net;

namespace LvsPS.Native.Ipvs;

/// <summary>Checks a service or real server before anything is sent, so bad input changes nothing.</summary>
public static class IpvsValidation
{
    public const string UnknownScheduler = nameof(UnknownScheduler);
    public const string SchedulerFlagMismatch = nameof(SchedulerFlagMismatch);
    public const string InvalidPersistenceNetmask = nameof(InvalidPersistenceNetmask);
    public const string PersistenceEngineNeedsPersistence = nameof(PersistenceEngineNeedsPersistence);
    public const string UnknownPersistenceEngine = nameof(UnknownPersistenceEngine);
    public const string PortZeroNeedsPersistence = nameof(PortZeroNeedsPersistence);
    public const string WeightOutOfRange = nameof(WeightOutOfRange);
    public const string ThresholdOrder = nameof(ThresholdOrder);
    public const string PortRemapNotPossible = nameof(PortRemapNotPossible);
    public const string FamilyMismatch = nameof(FamilyMismatch);
    public const string TunnelSettingsWithoutTunnel = nameof(TunnelSettingsWithoutTunnel);
    public const string GueNeedsPort = nameof(GueNeedsPort);
    public const string LocalForwarding = nameof(LocalForwarding);

    public const uint MaxWeight = 65535;

    /// <summary>Checks what a change sends: the whole record of an add or update (a removal sends only the identity).</summary>
    public static void Validate(IpvsChange change)
    {
        switch (change.Kind)
        {
            case IpvsChangeKind.AddService or IpvsChangeKind.UpdateService:
                Validate(change.Service!);
                break;
            case IpvsChangeKind.AddRealServer or IpvsChangeKind.UpdateRealServer:
                Validate(change.RealServer!, change.RealServer!.VirtualService);
                break;
        }
    }

    public static void Validate(VirtualService s)
    {
        if (!Schedulers.IsKnown(s.Scheduler))
            Fail(UnknownScheduler, $"'{s.Scheduler}' is not an IPVS scheduler; use one of: {string.Join(" ", Schedulers.Names)}.");
        if ((s.SchedulerFlags & (SchedulerFlags.Flag1 | SchedulerFlags.Flag2)) != 0 && s.Scheduler is not ("sh" or "mh"))
            Fail(SchedulerFlagMismatch, $"The scheduler flags {string.Join(",", Schedulers.FormatFlags(s.Scheduler, s.SchedulerFlags))} apply to the sh and mh schedulers only, not '{s.Scheduler}'.");
        if (s.PersistencePrefixLength is int prefix)
        {
            bool v6 = s.Key.Family == IpFamily.IPv6;
            if (v6 ? prefix is < 1 or > 128 : prefix is < 0 or > 32)
                Fail(InvalidPersistenceNetmask, v6
                    ? $"The persistence netmask of an IPv6 service is a prefix length from 1 to 128, not {prefix}."
                    : $"The persistence netmask of an IPv4 service is a mask (255.255.255.0) or a prefix length from 0 to 32, not {prefix}.");
        }
        if (s.PersistenceEngine != null && !s.Persistent)
            Fail(PersistenceEngineNeedsPersistence, $"The persistence engine '{s.PersistenceEngine}' needs a persistent service: add -Persistent.");
        if (s.PersistenceEngine is not (null or "sip"))
            Fail(UnknownPersistenceEngine, $"'{s.PersistenceEngine}' is not a persistence engine; the kernel has 'sip'.");
        if (!s.Key.IsFirewallMark && s.Key.Port == 0 && !s.Persistent)
            Fail(PortZeroNeedsPersistence, $"{s.Key}: port 0 (all ports) is allowed only for persistent services; add -Persistent or give a port.");
    }

    public static void Validate(RealServer d, VirtualServiceKey service)
    {
        if (d.Weight > MaxWeight)
            Fail(WeightOutOfRange, $"The weight of {d} must be from 0 to {MaxWeight}, not {d.Weight}.");
        if (d.LowerThreshold > d.UpperThreshold)
            Fail(ThresholdOrder, d.UpperThreshold == 0
                ? $"The lower threshold of {d} ({d.LowerThreshold}) needs an upper threshold at least as large (the kernel refuses a lower threshold without one)."
                : $"The lower threshold of {d} ({d.LowerThreshold}) is above its upper threshold ({d.UpperThreshold}).");
        if (d.Forwarding == ForwardingMethod.Local)
            Fail(LocalForwarding, "Local forwarding is chosen by the kernel for the director's own addresses; use Masquerade, Route or Tunnel.");
        if (d.Family != service.Family && d.Forwarding != ForwardingMethod.Tunnel)
            Fail(FamilyMismatch, $"{d}: a real server of another address family than its service works only with tunnel forwarding.");
        if (d.Forwarding != ForwardingMethod.Tunnel && (d.TunnelType != TunnelType.Ipip || d.TunnelPort != 0 || d.TunnelChecksum != TunnelChecksum.NoChecksum))
            Fail(TunnelSettingsWithoutTunnel, $"{d}: tunnel type, port and checksum apply only to tunnel forwarding (-Forwarding Tunnel).");
        if (d.Forwarding == ForwardingMethod.Tunnel && d.TunnelType == TunnelType.Gue && d.TunnelPort == 0)
            Fail(GueNeedsPort, $"{d}: GUE tunnelling needs the receiver's port: add -TunnelPort.");
        if (d.Forwarding is ForwardingMethod.Route or ForwardingMethod.Tunnel && !service.IsFirewallMark && d.Port != service.Port)
            Fail(PortRemapNotPossible,
                $"{d}: {(d.Forwarding == ForwardingMethod.Route ? "direct routing" : "tunnelling")} cannot change the port: the packet reaches the real server unchanged, addressed to {service.Port}. " +
                $"Use port {service.Port} for the real server, or NAT (-Forwarding Masquerade) to remap ports.");
    }

    /// <summary>Parses a persistence netmask: "255.255.255.0", "24", "/24" (IPv4) or "64", "/64" (IPv6).</summary>
    public static int ParsePersistenceNetmask(string text, IpFamily family)
    {
        string t = text.Trim().TrimStart('/');
        if (int.TryParse(t, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int prefix))
            return prefix;
        if (family == IpFamily.IPv4 && t.Contains('.'))
        {
            if (!Text.NetText.TryParseAddress(t, out IPAddress? mask, out string? error) || mask!.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
                Fail(InvalidPersistenceNetmask, error ?? $"'{text}' is not an IPv4 netmask (255.255.255.0).");
            uint m = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(mask!.GetAddressBytes());
            int ones = System.Numerics.BitOperations.PopCount(m);
            if (ones == 0 || m == uint.MaxValue << (32 - ones))
                return ones;
            Fail(InvalidPersistenceNetmask, $"'{text}' is not a contiguous netmask (like 255.255.255.0).");
        }
        Fail(InvalidPersistenceNetmask, family == IpFamily.IPv6
            ? $"'{text}' is not an IPv6 persistence prefix length (1-128)."
            : $"'{text}' is not an IPv4 persistence netmask (255.255.255.0 or 0-32).");
        return 0;
    }

    public static string FormatPersistenceNetmask(int prefix, IpFamily family)
        => family == IpFamily.IPv6 ? prefix.ToString(System.Globalization.CultureInfo.InvariantCulture)
         : new IPAddress(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(prefix == 0 ? 0u : uint.MaxValue << (32 - prefix))).ToString();

    private static void Fail(string id, string message) => throw new IpvsValidationException(id, message);
}
