# Pester tests of sync-real-server-pool.ps1 as its users would write them: the LvsPS cmdlets
# are mocked, so the tests need neither root nor IPVS, and each asserts which cmdlet the runbook
# called with which parameters. Run: Invoke-Pester ./sync-real-server-pool.Tests.ps1
BeforeAll {
    # Mock needs the real cmdlets' parameters: import the module (the checkout's build when
    # LVSPS_MODULE names it, as the project's test run does; else the installed LvsPS).
    Import-Module $(if ($env:LVSPS_MODULE) { $env:LVSPS_MODULE } else { 'LvsPS' })
    $runbook = Join-Path $PSScriptRoot 'sync-real-server-pool.ps1'
    $vs = 'tcp/192.0.2.30:80'

    # A real server as Get-LvsRealServer returns it, with only what the runbook reads.
    function New-RealServer([string] $Address, [int] $Weight = 1, [int] $Active = 0, [int] $Inactive = 0) {
        [pscustomobject]@{ Address = [ipaddress] $Address; Port = 80; Weight = $Weight
            ActiveConnections = $Active; InactiveConnections = $Inactive }
    }
}

Describe 'sync-real-server-pool.ps1' {
    BeforeEach {
        Mock Add-LvsRealServer { }
        Mock Set-LvsRealServer { }
        Mock Remove-LvsRealServer { }
    }

    It 'adds the listed servers the service lacks, with the forwarding and weight given' {
        Mock Get-LvsRealServer { New-RealServer 198.51.100.41 }
        $changes = & $runbook -VirtualService $vs -Address 198.51.100.41, 198.51.100.42 -Forwarding Route -Weight 5

        Should -Invoke Add-LvsRealServer -Times 1 -Exactly -ParameterFilter {
            "$VirtualService" -eq 'tcp/192.0.2.30:80' -and $Address -eq '198.51.100.42' -and $Forwarding -eq 'Route' -and $Weight -eq 5 }
        Should -Invoke Set-LvsRealServer -Times 0 -Exactly
        Should -Invoke Remove-LvsRealServer -Times 0 -Exactly
        $changes | Should -HaveCount 1
        $changes.Action | Should -Be 'Added'
    }

    It 'drains an unlisted server that still has connections and removes one that has none' {
        Mock Get-LvsRealServer {
            New-RealServer 198.51.100.41
            New-RealServer 198.51.100.43 -Active 2
            New-RealServer 198.51.100.44 -Inactive 0
        }
        $changes = & $runbook -VirtualService $vs -Address 198.51.100.41

        Should -Invoke Set-LvsRealServer -Times 1 -Exactly -ParameterFilter { $Address -eq '198.51.100.43' -and $Weight -eq 0 -and $Port -eq 80 }
        Should -Invoke Remove-LvsRealServer -Times 1 -Exactly -ParameterFilter { $Address -eq '198.51.100.44' -and $Port -eq 80 }
        Should -Invoke Add-LvsRealServer -Times 0 -Exactly
        $changes.Action | Should -Be @('Drained', 'Removed')
    }

    It 'adds the new servers before it takes any away' {
        $calls = [Collections.Generic.List[string]]::new()
        Mock Add-LvsRealServer { $calls.Add("add $Address") }
        Mock Set-LvsRealServer { $calls.Add("drain $Address") }
        Mock Remove-LvsRealServer { $calls.Add("remove $Address") }
        Mock Get-LvsRealServer { New-RealServer 198.51.100.43 -Active 1; New-RealServer 198.51.100.44 }
        & $runbook -VirtualService $vs -Address 198.51.100.41 | Out-Null
        $calls[0] | Should -Be 'add 198.51.100.41'
        $calls.Count | Should -Be 3
    }

    It 'counts inactive connections too: a server with only those is drained, not removed' {
        Mock Get-LvsRealServer { New-RealServer 198.51.100.41; New-RealServer 198.51.100.43 -Inactive 1 }
        & $runbook -VirtualService $vs -Address 198.51.100.41 | Out-Null
        Should -Invoke Remove-LvsRealServer -Times 0 -Exactly
        Should -Invoke Set-LvsRealServer -Times 1 -Exactly -ParameterFilter { $Address -eq '198.51.100.43' -and $Weight -eq 0 }
    }

    It 'leaves a drained server that still has connections alone' {
        Mock Get-LvsRealServer { New-RealServer 198.51.100.41; New-RealServer 198.51.100.43 -Weight 0 -Active 1 }
        & $runbook -VirtualService $vs -Address 198.51.100.41 | Should -BeNullOrEmpty
        Should -Invoke Set-LvsRealServer -Times 0 -Exactly
        Should -Invoke Remove-LvsRealServer -Times 0 -Exactly
    }

    It 'puts a drained server back with the weight given when it is listed again' {
        Mock Get-LvsRealServer { New-RealServer 198.51.100.41 -Weight 0 -Active 3 }
        $changes = & $runbook -VirtualService $vs -Address 198.51.100.41 -Weight 4
        Should -Invoke Set-LvsRealServer -Times 1 -Exactly -ParameterFilter { $Address -eq '198.51.100.41' -and $Weight -eq 4 }
        $changes.Action | Should -Be 'Restored'
    }

    It 'changes nothing when the table already matches the inventory' {
        Mock Get-LvsRealServer { New-RealServer 2001:db8::41; New-RealServer 198.51.100.42 }
        & $runbook -VirtualService 'tcp/[2001:db8::30]:80' -Address 2001:DB8::41, 198.51.100.42 | Should -BeNullOrEmpty
        Should -Invoke Add-LvsRealServer -Times 0 -Exactly
        Should -Invoke Set-LvsRealServer -Times 0 -Exactly
        Should -Invoke Remove-LvsRealServer -Times 0 -Exactly
    }

    It 'stops at a failed addition, before anything is taken away' {
        Mock Get-LvsRealServer { New-RealServer 198.51.100.43 }
        Mock Add-LvsRealServer { throw 'the kernel refused' }
        { & $runbook -VirtualService $vs -Address 198.51.100.42 } | Should -Throw '*the kernel refused*'
        Should -Invoke Remove-LvsRealServer -Times 0 -Exactly
        Should -Invoke Set-LvsRealServer -Times 0 -Exactly
    }

    It 'refuses an inventory entry that is not an address, before changing anything' {
        Mock Get-LvsRealServer { New-RealServer 198.51.100.43 }
        { & $runbook -VirtualService $vs -Address 'web-1' } | Should -Throw
        Should -Invoke Get-LvsRealServer -Times 0 -Exactly
        Should -Invoke Remove-LvsRealServer -Times 0 -Exactly
    }
}
