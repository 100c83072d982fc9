# Every runbook in examples/ runs in real pwsh against the real kernel, each in a fresh
# namespace, and leaves the table it promises (ipvsadm -Sn is the witness).
BeforeDiscovery {
    # What each runbook must leave behind (sorted ipvsadm -Sn lines), and what else to check.
    $expected = @{
        'quickstart-lvs-dr.ps1'        = @(
            '-A -t 10.0.0.3:80 -s wrr -p 20'
            '-a -t 10.0.0.3:80 -r 10.0.0.7:80 -g -w 1'
            '-a -t 10.0.0.3:80 -r 10.0.0.8:80 -g -w 1')
        'maintenance-drain-weight.ps1' = @(
            '-A -t 192.0.2.10:443 -s wlc'
            '-A -u 192.0.2.10:53 -s rr'
            '-a -t 192.0.2.10:443 -r 198.51.100.21:443 -m -w 5'
            '-a -t 192.0.2.10:443 -r 198.51.100.22:443 -m -w 5'
            '-a -u 192.0.2.10:53 -r 198.51.100.21:53 -m -w 5'
            '-a -u 192.0.2.10:53 -r 198.51.100.22:53 -m -w 5')
        'backup-drain-restore.ps1'     = @(
            '-A -t 192.0.2.20:80 -s wlc'
            '-a -t 192.0.2.20:80 -r 198.51.100.31:80 -m -w 5'
            '-a -t 192.0.2.20:80 -r 198.51.100.32:80 -m -w 3')
        'ipv6-fwmark-tunnel.ps1'       = @(
            '-A -f 42 -s mh -b mh-port'
            '-A -u [2001:db8::53]:53 -s sh -p 60 -M 64 -b sh-fallback,sh-port'
            '-a -f 42 -r 203.0.113.7:0 -i -w 2 --tun-type gue --tun-port 6080 --tun-csum'
            '-a -f 42 -r 203.0.113.8:0 -i -w 1 --tun-type ipip'
            '-a -u [2001:db8::53]:53 -r [2001:db8:1::7]:5353 -m -w 3')
    }
    # Runbooks that take parameters have a Describe of their own below.
    $ownDescribe = @('sync-real-server-pool.ps1')
    $examples = Join-Path $PSScriptRoot '../../../examples'
    $runbooks = Get-ChildItem $examples -Filter *.ps1 | Where-Object Name -NotLike '*.Tests.ps1' |
        ForEach-Object { @{ Name = $_.Name; Path = $_.FullName; Rules = $expected[$_.Name]; Own = $_.Name -in $ownDescribe } }
}

BeforeAll { . $PSScriptRoot/LabCommon.ps1 }

Describe 'Runbook <Name>' -ForEach $runbooks {
    BeforeEach { $ns = New-LabNamespace }
    AfterEach { Remove-LabNamespace $ns }

    It 'has its expected table written down in this test' {
        ($Rules -or $Own) | Should -BeTrue -Because "a new runbook in examples/ needs its ipvsadm -Sn lines here, or a Describe of its own"
    }

    It 'runs without error and leaves the table it promises (ipvsadm -Sn)' -Skip:(-not $Rules) {
        # -Skip: a runbook with parameters is run by its own Describe below.
        # The runbooks run under $ErrorActionPreference = 'Stop': any error fails this test.
        $null = & $Path
        Get-SavedRule $ns | Should -Be $Rules
    }
}

Describe 'Runbook details ipvsadm shows' {
    BeforeEach { $ns = New-LabNamespace }
    AfterEach { Remove-LabNamespace $ns }

    It 'maintenance-drain-weight.ps1 keeps the thresholds and passes the two servers it put back through' {
        $back = & (Join-Path $RepoRoot 'examples/maintenance-drain-weight.ps1')
        @($back).Count | Should -Be 2
        @($back | ForEach-Object Weight) | Should -Be @(5, 5)
        (Invoke-Ipvsadm $ns -Ln --thresholds) -join "`n" | Should -Match '-> 198\.51\.100\.21:443\s+1000\s+800\s'
    }

    It 'backup-drain-restore.ps1 restores everything once, then has nothing to do' {
        $summaries = & (Join-Path $RepoRoot 'examples/backup-drain-restore.ps1')
        @($summaries).Count | Should -Be 2
        $summaries[0].Added | Should -Be 3
        $summaries[0].Unchanged | Should -Be 1
        $summaries[1].NoChange | Should -BeTrue
        (Invoke-Ipvsadm $ns -Ln --thresholds) -join "`n" | Should -Match '-> 198\.51\.100\.31:80\s+500\s+400\s'
        (Invoke-Ipvsadm $ns -L --timeout) -join "`n" | Should -Match 'Timeout \(tcp tcpfin udp\): 600 '
    }

    It 'quickstart-lvs-dr.ps1 leaves a table that reads like ipvsadm -Ln at 80 columns' {
        & (Join-Path $RepoRoot 'examples/quickstart-lvs-dr.ps1') 6>$null | Out-Null
        Get-LvsVirtualService | Out-String -Width 80 | Should -Match 'TCP\s+10\.0\.0\.3:80\s+wrr\s+persistent 20'
        $realServers = Get-LvsRealServer -VirtualService tcp/10.0.0.3:80 | Out-String -Width 80
        $realServers | Should -Match '-> 10\.0\.0\.7:80\s+Route\s+1\s+0\s+0'
        $realServers | Should -Match '-> 10\.0\.0\.8:80\s+Route\s+1\s+0\s+0'
    }
}

Describe 'Runbook sync-real-server-pool.ps1 against the real kernel' {
    # The same runbook its mock tests cover (examples/sync-real-server-pool.Tests.ps1), for real:
    # a connection to one real server comes from a SYN sent to the VIP inside the namespace
    # (locally sent packets pass IPVS; DR sends them to a dummy interface, where they vanish).
    BeforeAll {
        $ns = New-LabNamespace
        & ip -n $ns link add dummy0 type dummy
        & ip -n $ns link set dummy0 up
        & ip -n $ns addr add 198.51.100.1/24 dev dummy0
        & ip -n $ns addr add 192.0.2.30/32 dev lo
        $runbook = Join-Path $RepoRoot 'examples/sync-real-server-pool.ps1'
        $vs = 'tcp/192.0.2.30:80'
        New-LvsVirtualService $vs -Scheduler rr | Out-Null
        Add-LvsRealServer $vs 198.51.100.43 -Forwarding DR -Weight 1
        Add-LvsRealServer $vs 198.51.100.44 -Forwarding DR -Weight 0   # no connection will reach it
        & ip netns exec $ns timeout 2 bash -c ': < /dev/tcp/192.0.2.30/80' 2>$null
    }
    AfterAll { Remove-LabNamespace $ns }

    It 'has the connection the drain test needs' {
        $rs = Get-LvsRealServer $vs 198.51.100.43
        ($rs.ActiveConnections + $rs.InactiveConnections) | Should -BeGreaterThan 0
    }

    It 'adds the listed servers, drains the one with a connection, removes the one without' {
        $changes = & $runbook -VirtualService $vs -Address 198.51.100.41, 198.51.100.42 -Forwarding DR -Weight 2
        # Additions come first (the mock tests check the order); the rest follow the kernel's listing.
        $changes | ForEach-Object { "$($_.Action) $($_.Address)" } | Sort-Object |
            Should -Be @('Added 198.51.100.41', 'Added 198.51.100.42', 'Drained 198.51.100.43', 'Removed 198.51.100.44')
        Get-SavedRule $ns | Should -Be @(
            '-A -t 192.0.2.30:80 -s rr'
            '-a -t 192.0.2.30:80 -r 198.51.100.41:80 -g -w 2'
            '-a -t 192.0.2.30:80 -r 198.51.100.42:80 -g -w 2'
            '-a -t 192.0.2.30:80 -r 198.51.100.43:80 -g -w 0')
    }

    It 'changes nothing on a second run while the drained server still has its connection' {
        & $runbook -VirtualService $vs -Address 198.51.100.41, 198.51.100.42 -Forwarding DR -Weight 2 | Should -BeNullOrEmpty
        (Get-SavedRule $ns).Count | Should -Be 4
    }

    It 'puts the drained server back when the inventory lists it again' {
        $changes = & $runbook -VirtualService $vs -Address 198.51.100.41, 198.51.100.42, 198.51.100.43 -Weight 2
        "$($changes.Action) $($changes.Address)" | Should -Be 'Restored 198.51.100.43'
        Get-SavedRule $ns | Should -Contain '-a -t 192.0.2.30:80 -r 198.51.100.43:80 -g -w 2'
    }
}
