# Pipelines as users write them in pwsh, against the real kernel; ipvsadm is the witness.
BeforeAll { . $PSScriptRoot/LabCommon.ps1 }

Describe 'Pipelines in real pwsh' {
    BeforeEach { $ns = New-LabNamespace }
    AfterEach { Remove-LabNamespace $ns }

    It 'Get | Where | Set changes only the matching real servers' {
        New-LvsVirtualService tcp/192.0.2.1:80 -Scheduler rr | Out-Null
        New-LvsVirtualService udp/192.0.2.1:53 -Scheduler rr | Out-Null
        foreach ($vs in 'tcp/192.0.2.1:80', 'udp/192.0.2.1:53') {
            Add-LvsRealServer -VirtualService $vs -Address 198.51.100.1 -Forwarding NAT -Weight 3
            Add-LvsRealServer -VirtualService $vs -Address 198.51.100.2 -Forwarding NAT -Weight 3
        }
        Get-LvsVirtualService | Get-LvsRealServer | Where-Object { "$($_.Address)" -eq '198.51.100.2' } | Set-LvsRealServer -Weight 0
        Get-SavedRule $ns | Should -Be @(
            '-A -t 192.0.2.1:80 -s rr'
            '-A -u 192.0.2.1:53 -s rr'
            '-a -t 192.0.2.1:80 -r 198.51.100.1:80 -m -w 3'
            '-a -t 192.0.2.1:80 -r 198.51.100.2:80 -m -w 0'
            '-a -u 192.0.2.1:53 -r 198.51.100.1:53 -m -w 3'
            '-a -u 192.0.2.1:53 -r 198.51.100.2:53 -m -w 0')
    }

    It 'a refused record in a piped batch is reported and the others are applied' {
        $ErrorActionPreference = 'Continue'
        'tcp/192.0.2.2:80', 'tcp/192.0.2.2:99999', 'tcp/192.0.2.3:80' |
            New-LvsVirtualService -ErrorVariable refused -ErrorAction SilentlyContinue
        $refused.Count | Should -Be 1
        Get-SavedRule $ns | Should -Be @('-A -t 192.0.2.2:80 -s wlc', '-A -t 192.0.2.3:80 -s wlc')
    }

    It '-WhatIf against the real kernel changes nothing' {
        New-LvsVirtualService tcp/192.0.2.4:80 | Out-Null
        Remove-LvsVirtualService tcp/192.0.2.4:80 -WhatIf
        New-LvsVirtualService tcp/192.0.2.5:80 -WhatIf
        Clear-LvsVirtualService -WhatIf
        Get-SavedRule $ns | Should -Be @('-A -t 192.0.2.4:80 -s wlc')
    }

    It 'ForEach-Object -Parallel: four runspaces add services to one table at once' {
        $module = $LvsModule
        $namespace = $ns
        1..4 | ForEach-Object -ThrottleLimit 4 -Parallel {
            Import-Module $using:module
            foreach ($i in 1..5) { New-LvsVirtualService "tcp/192.0.2.$_`:$(8000 + $i)" -NetworkNamespace $using:namespace }
        } | Out-Null
        $rules = Get-SavedRule $ns
        $rules.Count | Should -Be 20
        $rules | Should -Contain '-A -t 192.0.2.4:8005 -s wlc'
        (Get-LvsVirtualService).Count | Should -Be 20
    }

    It 'Start-ThreadJob returns live services that the caller pipes on' {
        New-LvsVirtualService tcp/192.0.2.6:80 | Out-Null
        New-LvsVirtualService tcp/192.0.2.7:80 | Out-Null
        $module = $LvsModule
        $namespace = $ns
        $services = Start-ThreadJob { Import-Module $using:module; Get-LvsVirtualService -NetworkNamespace $using:namespace } |
            Receive-Job -Wait -AutoRemoveJob
        @($services).Count | Should -Be 2
        $services | Where-Object VirtualService -eq 'tcp/192.0.2.6:80' | Remove-LvsVirtualService -Confirm:$false
        Get-SavedRule $ns | Should -Be @('-A -t 192.0.2.7:80 -s wlc')
    }

    It 'completes -VirtualService with the services the kernel has' {
        New-LvsVirtualService tcp/192.0.2.8:80 | Out-Null
        New-LvsVirtualService udp/192.0.2.8:53 | Out-Null
        $line = "Get-LvsRealServer -NetworkNamespace $ns -VirtualService "
        $names = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $names | Should -Contain 'tcp/192.0.2.8:80'
        $names | Should -Contain 'udp/192.0.2.8:53'
    }
}
