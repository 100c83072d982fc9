<#
.SYNOPSIS
    Maintenance: stop new connections to one real server of every service (weight 0, the
    ipvsadm "quiesce"), then bring it back with its weight, without touching anything else.
.DESCRIPTION
    Builds a small NAT table first so the runbook is self-contained. Set-LvsRealServer
    changes only the weight: forwarding method, thresholds and tunnel settings are kept
    (ipvsadm -e would reset what it is not given).
#>
$ErrorActionPreference = 'Stop'

New-LvsVirtualService -VirtualService tcp/192.0.2.10:443 -Scheduler wlc
New-LvsVirtualService -VirtualService udp/192.0.2.10:53 -Scheduler rr
foreach ($vs in 'tcp/192.0.2.10:443', 'udp/192.0.2.10:53') {
    Add-LvsRealServer -VirtualService $vs -Address 198.51.100.21 -Forwarding NAT -Weight 5 -UpperThreshold 1000 -LowerThreshold 800
    Add-LvsRealServer -VirtualService $vs -Address 198.51.100.22 -Forwarding NAT -Weight 5
}

# Take 198.51.100.21 out of rotation on every service.
Get-LvsRealServer -Address 198.51.100.21 |
    Set-LvsRealServer -Weight 0

# ... patch the server, then put it back.
Get-LvsRealServer -Address 198.51.100.21 |
    Set-LvsRealServer -Weight 5 -PassThru
