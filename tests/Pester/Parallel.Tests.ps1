# LvsPS in the runspaces users start: ForEach-Object -Parallel and Start-ThreadJob import the
# module in each runspace; objects and errors come back to the caller whole. Kernel-free here
# (a connection table read from a file, sysctls); the lab tier does the same against IPVS.
BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:ConnFile = Join-Path $RepoRoot 'tests/LvsPS.Tests/Proc/Samples/ip_vs_conn.txt'
}

Describe 'ForEach-Object -Parallel' {
    It 'runs LvsPS cmdlets in every runspace and returns their objects to the caller' {
        $expected = (Get-LvsConnection -Path $ConnFile | Where-Object State -EQ 'TIME_WAIT').Count
        $expected | Should -BeGreaterThan 0
        $module = $LvsModule
        $file = $ConnFile
        $counts = 1..4 | ForEach-Object -ThrottleLimit 4 -Parallel {
            Import-Module $using:module
            (Get-LvsConnection -Path $using:file -State TIME_WAIT).Count
        }
        $counts | Should -Be @($expected, $expected, $expected, $expected)
    }

    It 'brings each runspace''s errors back with the module''s error id' {
        $module = $LvsModule
        $ErrorActionPreference = 'Continue' # Pester runs tests under Stop
        $null = 1..3 | ForEach-Object -Parallel {
            Import-Module $using:module
            Get-LvsConnection -Path "/nonexistent/ip_vs_conn.$_"
        } -ErrorVariable failed 2>$null
        $failed.Count | Should -Be 3
        $failed | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike '*,LvsPS.Commands.GetLvsConnectionCommand' }
    }
}

Describe 'Start-ThreadJob' {
    It 'returns live objects the caller can keep piping' {
        $module = $LvsModule
        $job = Start-ThreadJob { Import-Module $using:module; Get-LvsConnection -Path $using:ConnFile }
        $rows = $job | Receive-Job -Wait -AutoRemoveJob
        $rows.Count | Should -Be (Get-LvsConnection -Path $ConnFile).Count
        $rows[0].GetType().FullName | Should -Be 'LvsPS.LvsConnection' -Because 'a thread job hands over the objects themselves, not deserialized copies'
        @($rows | Where-Object IsTemplate).Count | Should -Be @(Get-LvsConnection -Path $ConnFile -Template).Count
    }

    It 'runs host-settings cmdlets in a job (sysctls read through /proc/sys)' {
        $module = $LvsModule
        $job = Start-ThreadJob { Import-Module $using:module; Get-LvsArpSuppression -Interface lo }
        $row = $job | Receive-Job -Wait -AutoRemoveJob
        $row.Interface | Should -Be 'lo'
        $sysctl = { param($i) [int](Get-Content "/proc/sys/net/ipv4/conf/$i/arp_ignore") }
        $row.EffectiveArpIgnore | Should -Be ([Math]::Max((& $sysctl all), (& $sysctl lo))) -Because 'the kernel uses the larger of all and the interface'
    }
}
