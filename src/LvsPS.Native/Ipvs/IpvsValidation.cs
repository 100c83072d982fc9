using System.Net;

namespace LvsPS.Native.Ipvs;

/// <summary>Checks a service or real server before anything is sent, so bad input changes nothing.</summary>
public static class IpvsValidation
{

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
            Fail(IpvsRule.UnknownScheduler, $"'{s.Scheduler}' is not an IPVS scheduler; the schedulers are {string.Join(" ", Schedulers.Names)}.");
        if ((s.SchedulerFlags & (SchedulerFlags.Flag1 | SchedulerFlags.Flag2)) != 0 && s.Scheduler is not ("sh" or "mh"))
            Fail(IpvsRule.SchedulerFlagMismatch, $"The scheduler flags {string.Join(",", Schedulers.FormatFlags(s.Scheduler, s.SchedulerFlags))} apply to the sh and mh schedulers only, not '{s.Scheduler}'.");
        if (s.PersistencePrefixLength is int prefix)
        {
            bool v6 = s.Key.Family == IpFamily.IPv6;
            if (v6 ? prefix is < 1 or > 128 : prefix is < 0 or > 32)
                Fail(IpvsRule.InvalidPersistenceNetmask, v6
                    ? $"The persistence netmask of an IPv6 service is a prefix length from 1 to 128, not {prefix}."
                    : $"The persistence netmask of an IPv4 service is a mask (255.255.255.0) or a prefix length from 0 to 32, not {prefix}.");
        }
        if (s.PersistenceEngine != null && !s.Persistent)
            Fail(IpvsRule.PersistenceEngineNeedsPersistence, $"The persistence engine '{s.PersistenceEngine}' works only for a persistent service, and {s.Key} is not persistent.");
        if (s.PersistenceEngine is not (null or "sip"))
            Fail(IpvsRule.UnknownPersistenceEngine, $"'{s.PersistenceEngine}' is not a persistence engine; the kernel has 'sip'.");
        if (!s.Key.IsFirewallMark && s.Key.Port == 0 && !s.Persistent)
            Fail(IpvsRule.PortZeroNeedsPersistence, $"{s.Key}: port 0 (all ports) is allowed only for persistent services.");
    }

    public static void Validate(RealServer d, VirtualServiceKey service)
    {
        if (d.Weight > MaxWeight)
            Fail(IpvsRule.WeightOutOfRange, $"The weight of {d} must be from 0 to {MaxWeight}, not {d.Weight}.");
        if (d.LowerThreshold > d.UpperThreshold)
            Fail(IpvsRule.ThresholdOrder, d.UpperThreshold == 0
                ? $"The lower threshold of {d} ({d.LowerThreshold}) needs an upper threshold at least as large (the kernel refuses a lower threshold without one)."
                : $"The lower threshold of {d} ({d.LowerThreshold}) is above its upper threshold ({d.UpperThreshold}).");
        if (d.Forwarding == ForwardingMethod.Local)
            Fail(IpvsRule.LocalForwarding, "Local forwarding is chosen by the kernel for the director's own addresses; it cannot be asked for.");
        if (d.Family != service.Family && d.Forwarding != ForwardingMethod.Tunnel)
            Fail(IpvsRule.FamilyMismatch, $"{d}: a real server of another address family than its service works only with tunnel forwarding.");
        if (d.Forwarding != ForwardingMethod.Tunnel && (d.TunnelType != TunnelType.Ipip || d.TunnelPort != 0 || d.TunnelChecksum != TunnelChecksum.NoChecksum))
            Fail(IpvsRule.TunnelSettingsWithoutTunnel, $"{d}: tunnel type, port and checksum apply only to tunnel forwarding, and {d} is forwarded by {d.Forwarding}.");
        if (d.Forwarding == ForwardingMethod.Tunnel && d.TunnelType == TunnelType.Gue && d.TunnelPort == 0)
            Fail(IpvsRule.GueNeedsPort, $"{d}: GUE tunnelling needs the UDP port the real server receives on, and none is given.");
        if (d.Forwarding is ForwardingMethod.Route or ForwardingMethod.Tunnel && !service.IsFirewallMark && d.Port != service.Port)
            Fail(IpvsRule.PortRemapNotPossible,
                $"{d}: {(d.Forwarding == ForwardingMethod.Route ? "direct routing" : "tunnelling")} cannot change the port: the packet reaches the real server unchanged, addressed to {service.Port}. " +
                $"Only NAT (masquerading) can send it to another port than {service.Port}.");
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
                Fail(IpvsRule.InvalidPersistenceNetmask, error ?? $"'{text}' is not an IPv4 netmask (255.255.255.0).");
            uint m = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(mask!.GetAddressBytes());
            int ones = System.Numerics.BitOperations.PopCount(m);
            if (ones == 0 || m == uint.MaxValue << (32 - ones))
                return ones;
            Fail(IpvsRule.InvalidPersistenceNetmask, $"'{text}' is not a contiguous netmask (like 255.255.255.0).");
        }
        Fail(IpvsRule.InvalidPersistenceNetmask, family == IpFamily.IPv6
            ? $"'{text}' is not an IPv6 persistence prefix length (1-128)."
            : $"'{text}' is not an IPv4 persistence netmask (255.255.255.0 or 0-32).");
        return 0;
    }

    public static string FormatPersistenceNetmask(int prefix, IpFamily family)
        => family == IpFamily.IPv6 ? prefix.ToString(System.Globalization.CultureInfo.InvariantCulture)
         : new IPAddress(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(prefix == 0 ? 0u : uint.MaxValue << (32 - prefix))).ToString();

    private static void Fail(IpvsRule rule, string message) => throw new IpvsValidationException(rule, message);
}
