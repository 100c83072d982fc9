<#
.SYNOPSIS
    Day-2 operations: a lossless backup of the director, a real server drained for maintenance
    and put back with its weight, and the backup restoring the table after a mistaken flush.
.DESCRIPTION
    Builds a small NAT table first so the runbook is self-contained. Export-LvsConfiguration to
    a .json file keeps what ipvsadm-save drops (thresholds, timeouts, sync daemons).
    Suspend-LvsRealServer sets weight 0, remembers the old weight (under /run/lvsps/drain) and
    waits until the real server has no active connection; Resume-LvsRealServer restores it.
    Import-LvsConfiguration changes only what differs, so importing twice changes nothing.
#>
$ErrorActionPreference = 'Stop'

New-LvsVirtualService -VirtualService tcp/192.0.2.20:80 -Scheduler wlc
Add-LvsRealServer -VirtualService tcp/192.0.2.20:80 -Address 198.51.100.31 -Forwarding NAT -Weight 5 -UpperThreshold 500 -LowerThreshold 400
Add-LvsRealServer -VirtualService tcp/192.0.2.20:80 -Address 198.51.100.32 -Forwarding NAT -Weight 3
Set-LvsTimeout -Tcp 600

# 1. A lossless backup.
$backup = [IO.Path]::Combine([IO.Path]::GetTempPath(), "lvs-backup-$PID.json")
Export-LvsConfiguration -Path $backup

# 2. Maintenance of 198.51.100.31: no new connections, wait (at most 5 minutes) for the open ones, put it back.
Get-LvsRealServer -VirtualService tcp/192.0.2.20:80 -Address 198.51.100.31 | Suspend-LvsRealServer -Wait -Timeout 300
# ... patch and reboot 198.51.100.31 ...
Get-LvsRealServer -VirtualService tcp/192.0.2.20:80 -Address 198.51.100.31 | Resume-LvsRealServer

# 3. The table is flushed by mistake: the backup puts everything back; a second import changes nothing.
Clear-LvsVirtualService -Confirm:$false
Import-LvsConfiguration -Path $backup
Import-LvsConfiguration -Path $backup
[IO.File]::Delete($backup)
