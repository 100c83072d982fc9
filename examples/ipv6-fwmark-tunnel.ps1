<#
.SYNOPSIS
    IPv6 and firewall-mark services, source hashing with flags, and tunnel real servers.
.DESCRIPTION
    An IPv6 DNS service with sh (sh-fallback, sh-port) and /64 persistence, and a
    firewall-mark service (mark 42, set by an iptables/nft rule on the director) whose real
    servers are reached through GUE and IPIP tunnels.
#>
$ErrorActionPreference = 'Stop'

New-LvsVirtualService -VirtualService 'udp/[2001:db8::53]:53' -Scheduler sh -SchedulerFlag sh-fallback, sh-port -PersistenceTimeout 60 -PersistenceNetmask 64
Add-LvsRealServer -VirtualService 'udp/[2001:db8::53]:53' -Address '[2001:db8:1::7]:5353' -Forwarding NAT -Weight 3

New-LvsVirtualService -FirewallMark 42 -Scheduler mh -SchedulerFlag mh-port
Add-LvsRealServer -VirtualService fwmark/42 -Address 203.0.113.7 -Forwarding Tunnel -TunnelType Gue -TunnelPort 6080 -TunnelChecksum Checksum -Weight 2
Add-LvsRealServer -VirtualService fwmark/42 -Address 203.0.113.8 -Forwarding TUN -Weight 1

Get-LvsVirtualService
