<#
.SYNOPSIS
    Keeps a virtual service's real servers in line with an inventory: adds the listed ones it
    lacks, drains (weight 0) the unlisted ones that still have connections, removes the unlisted
    ones that have none left, and puts a drained one back when it is listed again.
.DESCRIPTION
    Meant to run from a scheduler (a systemd timer, cron) every few minutes with the pool an
    inventory gives; each run changes only what still differs, so a drained server is removed
    by the first run that finds it without connections. It writes one object per change
    (Action, Address, Weight) for the log; under -WhatIf the cmdlets show what they would do.

    Its Pester tests (sync-real-server-pool.Tests.ps1, beside it) mock the LvsPS cmdlets, so
    they run anywhere, without root or IPVS; tests/Pester/Lab runs it against the real kernel.
.EXAMPLE
    ./sync-real-server-pool.ps1 -VirtualService tcp/192.0.2.30:80 -Address 198.51.100.41, 198.51.100.42 -Forwarding DR -WhatIf
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    # The service to keep in line: tcp/192.0.2.30:80, 'udp/[2001:db8::53]:53' or fwmark/3.
    [Parameter(Mandatory)]
    [string] $VirtualService,

    # The real servers the inventory lists (addresses; the port is the service's).
    [Parameter(Mandatory)]
    [string[]] $Address,

    # How new real servers are reached: Masquerade (NAT), Route (DR) or Tunnel (TUN).
    [string] $Forwarding = 'Masquerade',

    # The weight of new and returning real servers.
    [ValidateRange(1, 65535)]
    [int] $Weight = 1
)
$ErrorActionPreference = 'Stop'

# One spelling per address, so that 2001:DB8::7 and 2001:db8::7 are the same server.
$listed = @($Address | ForEach-Object { ([ipaddress] $_).ToString() })
$present = @(Get-LvsRealServer -VirtualService $VirtualService)

function Write-Change([string] $Action, [string] $Address, [int] $Weight) {
    [pscustomobject]@{ Action = $Action; Address = $Address; Weight = $Weight }
}

# Additions first: the service keeps (or gains) capacity before anything is taken away.
foreach ($a in $listed) {
    $current = $present | Where-Object { "$($_.Address)" -eq $a }
    if (-not $current) {
        Add-LvsRealServer -VirtualService $VirtualService -Address $a -Forwarding $Forwarding -Weight $Weight
        Write-Change Added $a $Weight
    } elseif ($current.Weight -eq 0) {
        Set-LvsRealServer -VirtualService $VirtualService -Address $a -Port $current.Port -Weight $Weight
        Write-Change Restored $a $Weight
    }
}

foreach ($old in $present | Where-Object { "$($_.Address)" -notin $listed }) {
    if ($old.ActiveConnections + $old.InactiveConnections -eq 0) {
        Remove-LvsRealServer -VirtualService $VirtualService -Address "$($old.Address)" -Port $old.Port
        Write-Change Removed "$($old.Address)" 0
    } elseif ($old.Weight -ne 0) {
        # Weight 0: no new connections; the open ones finish. A later run removes it.
        Set-LvsRealServer -VirtualService $VirtualService -Address "$($old.Address)" -Port $old.Port -Weight 0
        Write-Change Drained "$($old.Address)" 0
    }
}
