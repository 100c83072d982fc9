# Tab completion as the console asks for it (TabExpansion2 with the cursor at the end of the line).
BeforeDiscovery {
    $script:IsRoot = (id -u) -eq '0'
}

BeforeAll {
    . $PSScriptRoot/Common.ps1
    function Complete([string] $Line) { (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches }
}

Describe 'Tab completion' {
    It 'completes LvsPS cmdlet names' {
        $names = (Complete 'Get-LvsVi').CompletionText
        $names | Should -Contain 'Get-LvsVirtualService'
        $names | Should -Contain 'Get-LvsVip'
        $names | Should -Contain 'Get-LvsVrrpInstance' -Not
    }

    It 'completes -Scheduler with scheduler names, filtered by what was typed' {
        $all = (Complete 'New-LvsVirtualService -Scheduler ').CompletionText
        $all | Should -Contain 'wrr'
        $all | Should -Contain 'mh'
        (Complete 'New-LvsVirtualService -Scheduler w').CompletionText | Sort-Object | Should -Be @('wlc', 'wrr')
    }

    It 'completes -SchedulerFlag with the flags of the scheduler already given' {
        $flags = (Complete 'New-LvsVirtualService -Scheduler sh -SchedulerFlag ').CompletionText
        $flags | Should -Contain 'sh-port'
        $flags | Should -Not -Contain 'mh-port'
    }

    It 'completes -Forwarding with the names and the ipvsadm spellings' {
        $names = (Complete 'Add-LvsRealServer -Forwarding ').CompletionText
        foreach ($n in 'Route', 'Masquerade', 'Tunnel', 'DR', 'NAT', 'TUN') { $names | Should -Contain $n }
    }

    It 'completes -Interface with the links of the current namespace, not file names' {
        (Complete 'Add-LvsVip 10.0.0.3 -Interface l').CompletionText | Should -Contain 'lo'
        (Complete 'Get-LvsArpSuppression -Interface ').CompletionText | Select-Object -First 2 | Should -Be @('all', 'default')
    }

    It 'completes -NetworkNamespace with the namespaces of ip netns and -Interface with the links inside it' -Skip:(-not $IsRoot) {
        # -Skip: creating a named namespace needs root.
        $ns = "pcmpl$PID"
        ip netns add $ns
        try {
            ip -n $ns link add pcmplA type veth peer name pcmplB
            (Complete "Get-LvsVirtualService -NetworkNamespace pcmpl$PID").CompletionText | Should -Be $ns
            (Complete "Add-LvsVip 10.0.0.3 -NetworkNamespace $ns -Interface ").CompletionText | Should -Be @('lo', 'pcmplA', 'pcmplB')
        }
        finally { ip netns delete $ns }
    }

    It 'completes -State of Get-LvsConnection with the kernel state names' {
        (Complete 'Get-LvsConnection -State ESTAB').CompletionText | Should -Be 'ESTABLISHED'
    }

    It 'completes parameter names' {
        $names = (Complete 'Add-LvsRealServer -Tun').CompletionText
        $names | Should -Contain '-TunnelType'
        $names | Should -Contain '-TunnelPort'
    }

    It 'offers no service and no error when the kernel has no IPVS' -Skip:$HasIpvs {
        # -Skip: with IPVS the completer lists the kernel's services instead (the lab tests that).
        $Error.Clear()
        @(Complete 'Get-LvsRealServer -VirtualService ').Count | Should -Be 0
        $Error.Count | Should -Be 0
    }
}
