namespace LvsPS.Native.HostSettings;

public enum FindingSeverity
{
    /// <summary>Worth knowing; not wrong in itself.</summary>
    Info = 0,
    /// <summary>Likely to surprise: some traffic will misbehave.</summary>
    Warning = 1,
    /// <summary>Traffic cannot work as configured.</summary>
    Error = 2,
}

/// <summary>One result of a diagnostic check: what is wrong where, with the facts a fix needs.</summary>
public sealed record LvsFinding
{
    public required FindingSeverity Severity { get; init; }
    /// <summary>The check's stable id (a <see cref="DiagnosticChecks"/> constant), for scripts to match on.</summary>
    public required string Check { get; init; }
    /// <summary>What the finding is about: a virtual service, a real server, a sysctl.</summary>
    public required string Target { get; init; }
    public required string Message { get; init; }
    /// <summary>What to run or change to fix it, in the words of whoever presents the finding (empty from the core).</summary>
    public string Fix { get; init; } = "";
    /// <summary>The namespace the finding was observed in (the director's or a real server's).</summary>
    public string? NetworkNamespace { get; init; }
    /// <summary>The facts the fix is made of.</summary>
    public LvsFindingFacts Facts { get; init; } = new();

    public override string ToString() => $"{Severity} {Check} {Target}: {Message}";
}

/// <summary>What a fix of a finding needs to name; only the fields of its check are set.</summary>
public sealed record LvsFindingFacts
{
    /// <summary>The VIP concerned.</summary>
    public System.Net.IPAddress? Vip { get; init; }
    /// <summary>The real server's address.</summary>
    public System.Net.IPAddress? RealServerAddress { get; init; }
    /// <summary>The interface that holds the VIP now, or the tunnel whose rp_filter blocks.</summary>
    public string? Interface { get; init; }
    /// <summary>Where the VIP belongs instead (lo, tunl0).</summary>
    public string? ExpectedInterface { get; init; }
    /// <summary>The director's address the real server should route through, when it has one on that network.</summary>
    public System.Net.IPAddress? Gateway { get; init; }
    /// <summary>The port the service listens on.</summary>
    public ushort? ServicePort { get; init; }
    /// <summary>Whether the real server is tunnelled (else direct routing).</summary>
    public bool Tunnel { get; init; }
    /// <summary>The kernel parameter to change and its recommended value.</summary>
    public string? Sysctl { get; init; }
    public string? SysctlValue { get; init; }
}

/// <summary>The ids of the checks Test-LvsConfiguration runs (the traps of LVS set-ups).</summary>
public static class DiagnosticChecks
{
    public const string VipNotOnDirector = nameof(VipNotOnDirector);
    public const string PortRemapNotPossible = nameof(PortRemapNotPossible);
    public const string RealServerIsDirector = nameof(RealServerIsDirector);
    public const string RealServerNotOnDirectorSegment = nameof(RealServerNotOnDirectorSegment);
    public const string IpForwardOff = nameof(IpForwardOff);
    public const string SendRedirectsOn = nameof(SendRedirectsOn);
    public const string NatReturnPathUnverified = nameof(NatReturnPathUnverified);
    public const string NatReturnPathNotViaDirector = nameof(NatReturnPathNotViaDirector);
    public const string VipNotOnRealServer = nameof(VipNotOnRealServer);
    public const string VipNotHostPrefix = nameof(VipNotHostPrefix);
    public const string VipOnArpInterface = nameof(VipOnArpInterface);
    public const string ArpNotSuppressed = nameof(ArpNotSuppressed);
    public const string TunnelInterfaceMissing = nameof(TunnelInterfaceMissing);
    public const string RpFilterBlocksTunnel = nameof(RpFilterBlocksTunnel);
    public const string ExpireQuiescentTemplateOff = nameof(ExpireQuiescentTemplateOff);
    public const string ExpireNodestConnOff = nameof(ExpireNodestConnOff);
    public const string ConnReuseMode = nameof(ConnReuseMode);
}
