# What a user sees in real pwsh: the default views at 80 and 120 columns (ipvsadm's listing, tables
# that never cut an address), and the output objects through the pipeline chains and the round trips
# of Export-Csv, Export-Clixml and ConvertTo-Json back into the cmdlets. The table lives in the
# in-memory IPVS of the module's test seam, so this runs on any host; tests/Pester/Lab/Views.Tests.ps1
# holds the same listing against the real kernel with ipvsadm as the witness.
BeforeAll {
    . $PSScriptRoot/Common.ps1
    $seam = (Get-Module LvsPS).ImplementingAssembly.GetType('LvsPS.Testing.InMemoryIpvsSeam')
    $null = $seam.GetMethod('Install', [Reflection.BindingFlags]'Static,NonPublic').Invoke($null, @())

    $script:Vip6 = 'tcp/[2001:db8:1234:5678:9abc:def0:1234:5601]:443'
    $script:Rs6a = '[2001:db8:1234:5678:9abc:def0:1234:5671]:8443'
    $script:Rs6b = '[2001:db8:1234:5678:9abc:def0:1234:5672]:8443'

    # Real servers added out of order: the listing must show them in ipvsadm's order.
    function New-Table {
        Clear-LvsVirtualService -Confirm:$false
        New-LvsVirtualService tcp/10.0.0.3:80 -Scheduler wlc -PersistenceTimeout 300 | Out-Null
        Add-LvsRealServer tcp/10.0.0.3:80 10.0.0.10 -Forwarding Route -Weight 3 | Out-Null
        Add-LvsRealServer tcp/10.0.0.3:80 10.0.0.9 -Forwarding Masquerade | Out-Null
        Add-LvsRealServer tcp/10.0.0.3:80 10.0.0.7 -Forwarding Route | Out-Null
        New-LvsVirtualService $Vip6 -Scheduler sh -SchedulerFlag sh-port | Out-Null
        Add-LvsRealServer $Vip6 $Rs6a -Forwarding Masquerade | Out-Null
        Add-LvsRealServer $Vip6 $Rs6b -Forwarding Masquerade -Weight 2 | Out-Null
        New-LvsVirtualService fwmark/3 -Scheduler rr | Out-Null
    }

    function Show([Parameter(ValueFromPipeline)] $InputObject, [int] $Width = 80) {
        begin { $all = [Collections.Generic.List[object]]::new() }
        process { $all.Add($InputObject) }
        end { ($all | Out-String -Width $Width) -split "`r?`n" | ForEach-Object TrimEnd }
    }

    # Lines longer than the console: only a listing line that carries a whole long IPv6 endpoint may be.
    function Get-OverlongLine([string[]] $Lines, [int] $Width = 80) {
        $Lines | Where-Object { $_.Length -gt $Width -and $_ -notmatch '\[[0-9a-f:]{30,}\]' }
    }

    $script:SampleConnections = Join-Path $RepoRoot 'tests/LvsPS.Tests/Proc/Samples/ip_vs_conn.txt'
}

# The files share one runspace: the ones after this see the kernel again.
AfterAll { $seam.GetMethod('Uninstall', [Reflection.BindingFlags]'Static,NonPublic').Invoke($null, @()) }

Describe 'the default views' {
    BeforeEach { New-Table }

    It 'lists services like ipvsadm -Ln: its two header lines, each service followed by its real servers in ipvsadm order' {
        $lines = Get-LvsVirtualService | Show | Where-Object { $_ }
        $lines[0] | Should -BeExactly 'Prot LocalAddress:Port Scheduler Flags'
        $lines[1] | Should -BeExactly '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn'
        $lines[2] | Should -BeExactly 'TCP  10.0.0.3:80 wlc persistent 300'
        ($lines[3..5] | ForEach-Object { ($_ -split '\s+')[2] }) | Should -Be @('10.0.0.7:80', '10.0.0.9:80', '10.0.0.10:80')
        $lines[3] | Should -Match '^  -> 10\.0\.0\.7:80 +Route +1 +0 +0$'
        $lines[6] | Should -BeExactly "TCP  $($Vip6.Substring(4)) sh (sh-port)"
        $lines[7] | Should -Match ('^  -> ' + [regex]::Escape($Rs6a) + ' Masq +1 +0 +0$')
        $lines[8] | Should -Match ('^  -> ' + [regex]::Escape($Rs6b) + ' Masq +2 +0 +0$')
        $lines[9] | Should -BeExactly 'FWM  3 rr'
        $lines.Count | Should -Be 10
    }

    It 'fits every default view in 80 columns, and in 120' -TestCases @(
        @{ What = 'Get-LvsVirtualService'; Script = { Get-LvsVirtualService } }
        @{ What = 'Get-LvsVirtualService | Format-Table'; Script = { Get-LvsVirtualService | Format-Table } }
        @{ What = 'Get-LvsRealServer'; Script = { Get-LvsRealServer } }
        @{ What = 'Get-LvsRealServer | Format-Table'; Script = { Get-LvsRealServer | Format-Table } }
        @{ What = 'Get-LvsTimeout'; Script = { Get-LvsTimeout } }
        @{ What = 'Get-LvsInfo'; Script = { Get-LvsInfo } }
        @{ What = 'Get-LvsConnection'; Script = { Get-LvsConnection -Path $SampleConnections } }
        @{ What = 'Get-LvsConnection | Format-Table'; Script = { Get-LvsConnection -Path $SampleConnections | Format-Table } }
        @{ What = 'health checks'; Script = {
            foreach ($rs in '10.0.0.7:80', $Rs6a, $Rs6b) {
                [LvsPS.Health.LvsHealthCheck]@{ Name = 'web'; VirtualService = $Vip6; RealServer = $rs; Target = $rs; Description = "TCP $rs"
                    State = 'Down'; Weight = 0; ConsecutiveFailures = 3; Reason = 'connection refused by the real server after three attempts' }
            } } }
        @{ What = 'import results'; Script = { [LvsPS.LvsImportResult]@{ Path = '/etc/lvs/a-rather-long-directory-name/ipvsadm.rules'; Added = 3; Unchanged = 12 } }
        }
    ) {
        param($What, $Script)
        foreach ($width in 80, 120) {
            $lines = & $Script | Show -Width $width
            Get-OverlongLine $lines $width | Should -BeNullOrEmpty -Because "$What at $width columns"
            ($lines -join "`n") | Should -Not -Match '…' -Because "$What at $width columns cuts nothing"
        }
    }

    It 'never cuts a long IPv6 address, so two servers never look alike (<What>)' -TestCases @(
        @{ What = 'Get-LvsRealServer'; Script = { Get-LvsRealServer $Vip6 } }
        @{ What = 'Get-LvsRealServer | Format-Table'; Script = { Get-LvsRealServer $Vip6 | Format-Table } }
        @{ What = 'Get-LvsVirtualService | Format-Table'; Script = {
            New-LvsVirtualService ($Vip6 -replace '5601', '5602') -ErrorAction Ignore | Out-Null  # once for both widths
            Get-LvsVirtualService | Format-Table }; Tails = '5601', '5602' }
        @{ What = 'Get-LvsRealServer | Format-List'; Script = { Get-LvsRealServer $Vip6 | Format-List } }
        @{ What = 'health checks'; Script = {
            foreach ($rs in $Rs6a, $Rs6b) {
                [LvsPS.Health.LvsHealthCheck]@{ Name = 'web'; VirtualService = $Vip6; RealServer = $rs; Target = $rs; Description = "TCP $rs"; State = 'Up' }
            } } }
    ) {
        param($What, $Script, [string[]] $Tails = @('5671', '5672'))
        foreach ($width in 80, 120) {
            $text = (& $Script | Show -Width $width) -join "`n"
            $text | Should -Not -Match '…'
            # Whole, or wrapped in its cell: the tails that tell the two apart are both shown.
            foreach ($tail in $Tails) { $text | Should -Match $tail }
        }
    }

    It 'designs every table view in LvsPS.format.ps1xml for 80 columns, wrapping a long value rather than cutting it' {
        $format = [xml](Get-Content -Raw (Join-Path $RepoRoot 'LvsPS.format.ps1xml'))
        $numbersOnly = 'LvsPS.Timeout.Table', 'LvsPS.Info.Table'   # seconds and a version: nothing to cut
        $problems = foreach ($view in $format.Configuration.ViewDefinitions.View | Where-Object { $_.TableControl }) {
            $headers = @($view.TableControl.TableHeaders.TableColumnHeader)
            $fixed = ($headers | ForEach-Object { [int]$_.Width } | Measure-Object -Sum).Sum + $headers.Count - 1
            $open = @($headers | Where-Object { -not $_.Width }).Count
            if ($fixed + 8 * $open -gt 80) { "$($view.Name): $fixed fixed columns leave no room in 80" }
            if ($view.Name -notin $numbersOnly -and -not $view.TableControl.TableRowEntries.TableRowEntry.SelectSingleNode('Wrap')) {
                "$($view.Name): no <Wrap/>, so a long value is cut"
            }
        }
        $problems | Should -BeNullOrEmpty
    }

    It 'groups health checks under their virtual service' {
        $lines = @(foreach ($rs in '10.0.0.7:80', '10.0.0.9:80') {
                [LvsPS.Health.LvsHealthCheck]@{ Name = 'web'; VirtualService = 'tcp/10.0.0.3:80'; RealServer = $rs; Target = $rs; Description = "TCP $rs"; State = 'Up' }
            }) | Show
        @($lines | Where-Object { $_ -match 'VirtualService: tcp/10\.0\.0\.3:80' }).Count | Should -Be 1
        ($lines | Where-Object { $_ -match '^RealServer' }) | Should -Match '^RealServer +Type +State +Weight +Latency +Fails +Reason$'
    }

    It 'writes the connection table like ipvsadm -Lnc' {
        $lines = Get-LvsConnection -Path $SampleConnections | Show | Where-Object { $_ }
        $lines[0] | Should -BeExactly 'pro expire state       source             virtual            destination'
        $lines[1] | Should -BeExactly 'IP  01:20  NONE        192.168.50.2:0     0.0.0.7:0          10.20.0.12:0'
        $lines.Count | Should -Be 12
    }
}

Describe 'the output objects in pipelines' {
    BeforeEach { New-Table }

    It 'sorts, selects, groups and filters by plain property values' {
        Get-LvsRealServer tcp/10.0.0.3:80 | Sort-Object Weight -Descending | Select-Object -First 1 -ExpandProperty Address | Should -BeExactly '10.0.0.10'
        (Get-LvsRealServer | Group-Object Forwarding | Sort-Object Name).Name | Should -Be @('Masquerade', 'Route')
        (Get-LvsVirtualService | Where-Object Family -EQ 'IPv6').VirtualService | Should -BeExactly $Vip6
        (Get-LvsVirtualService | Where-Object Port -EQ 80).Address | Should -BeExactly '10.0.0.3'
        (Get-LvsVirtualService | Sort-Object Scheduler | Select-Object -ExpandProperty Scheduler) | Should -Be @('rr', 'sh', 'wlc')
        (Get-LvsVirtualService fwmark/3).FirewallMark | Should -Be 3
    }

    It 'round-trips through <Via> into New-LvsVirtualService and Add-LvsRealServer' -TestCases @(
        @{ Via = 'Export-Csv and Import-Csv'; Save = { param($d) Get-LvsVirtualService | Export-Csv "$d/s.csv"; Get-LvsRealServer | Export-Csv "$d/r.csv" }
            Load = { param($d) Import-Csv "$d/s.csv" | New-LvsVirtualService | Out-Null; Import-Csv "$d/r.csv" | Add-LvsRealServer | Out-Null } }
        @{ Via = 'Export-Clixml and Import-Clixml'; Save = { param($d) Get-LvsVirtualService | Export-Clixml "$d/t.xml" }
            Load = { param($d) Import-Clixml "$d/t.xml" | New-LvsVirtualService | Out-Null } }
        @{ Via = 'ConvertTo-Json and ConvertFrom-Json'; Save = { param($d) Get-LvsVirtualService | ConvertTo-Json -Depth 4 | Set-Content "$d/t.json" }
            Load = { param($d) Get-Content -Raw "$d/t.json" | ConvertFrom-Json | New-LvsVirtualService | Out-Null } }
    ) {
        param($Via, $Save, $Load)
        $dir = Join-Path $TestDrive ($Via -replace '\W', '')
        New-Item -ItemType Directory $dir | Out-Null
        $before = Export-LvsConfiguration
        & $Save $dir
        Clear-LvsVirtualService -Confirm:$false
        @(Get-LvsVirtualService).Count | Should -Be 0
        & $Load $dir
        Export-LvsConfiguration | Should -BeExactly $before
    }

    It 'serializes to JSON with addresses as text, names for enums, no repeated keys and a small size' {
        $json = Get-LvsVirtualService | ConvertTo-Json -Depth 4
        $services = $json | ConvertFrom-Json -AsHashtable   # fails on a repeated key
        $services.Count | Should -Be 3
        $web = $services | Where-Object { $_.VirtualService -eq 'tcp/10.0.0.3:80' }
        $web.Address | Should -BeOfType [string]
        $web.RealServers[0].Address | Should -BeExactly '10.0.0.7'
        $web.RealServers[0].Forwarding | Should -BeExactly 'Route'
        ($json -split "`n").Count | Should -BeLessThan 200 -Because 'three services and five real servers, not object graphs'
    }
}
