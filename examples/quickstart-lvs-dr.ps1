<#
.SYNOPSIS
    Quick start: the "LVS-DR" director: VIP 10.0.0.3:80, weighted round robin, 20 s
    persistence, real servers 10.0.0.7 and 10.0.0.8 by direct routing.
.DESCRIPTION
    The same as:
        ipvsadm -A -t 10.0.0.3:80 -s wrr -p 20
        ipvsadm -a -t 10.0.0.3:80 -r 10.0.0.7:80 -g -w 1
        ipvsadm -a -t 10.0.0.3:80 -r 10.0.0.8:80 -g -w 1
    Run as root on the director. Prepare the real servers for direct routing first (VIP on
    lo, ARP suppression). Running it twice fails on the second run with ResourceExists
    errors and changes nothing.
#>
$ErrorActionPreference = 'Stop'

New-LvsVirtualService -VirtualService tcp/10.0.0.3:80 -Scheduler wrr -PersistenceTimeout 20 -PassThru |
    Add-LvsRealServer -Address 10.0.0.7 -Forwarding DR -Weight 1

Add-LvsRealServer -VirtualService tcp/10.0.0.3:80 -Address 10.0.0.8 -Forwarding DR -Weight 1

# One table each (in a script, objects of two types sent to the same output would make
# PowerShell print the second kind as lists).
Get-LvsVirtualService -VirtualService tcp/10.0.0.3:80 | Out-Host
Get-LvsRealServer -VirtualService tcp/10.0.0.3:80 | Out-Host
