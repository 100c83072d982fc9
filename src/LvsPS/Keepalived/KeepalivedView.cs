namespace LvsPS.Keepalived;

/// <summary>What Get-LvsKeepalivedConfiguration writes.</summary>
public enum KeepalivedView
{
    /// <summary>The whole director (one DirectorConfiguration).</summary>
    Director,
    /// <summary>The IPVS services keepalived would create at start, with their real servers (pipe to New-LvsVirtualService).</summary>
    VirtualService,
    /// <summary>The VRRP instances as Start-LvsVrrpInstance's parameters.</summary>
    VrrpInstance,
    /// <summary>The findings alone (as Test-LvsKeepalivedConfiguration writes them).</summary>
    Finding,
}
