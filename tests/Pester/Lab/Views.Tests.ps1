# The views and the output objects against the real kernel, in real pwsh: the default listing is
# ipvsadm -Ln line for line (in ipvsadm's order), the other views show what ipvsadm shows, and the
# objects survive Export-Csv, Export-Clixml and JSON back into the cmdlets with ipvsadm -Sn agreeing.
BeforeAll {
    . $PSScriptRoot/LabCommon.ps1

    # Added out of ipvsadm's order, with addresses above 127.255.255.255 (ipvsadm compares them as
    # signed numbers), an IPv6 service whose real servers differ only at the end, a mark and flags.
    function New-Table {
        New-LvsVirtualService tcp/192.0.2.10:80 -Scheduler wlc -PersistenceTimeout 300 -PersistenceNetmask 255.255.255.0 | Out-Null
        foreach ($a in '198.51.100.20', '10.1.0.7', '198.51.100.3', '172.16.0.9') {
            Add-LvsRealServer tcp/192.0.2.10:80 $a -Forwarding Route -Weight 2 | Out-Null
        }
        New-LvsVirtualService udp/10.9.0.1:53 -Scheduler rr -OnePacket | Out-Null
        Add-LvsRealServer udp/10.9.0.1:53 10.9.1.2:5353 -Forwarding Masquerade | Out-Null
        New-LvsVirtualService 'tcp/[2001:db8:1234:5678:9abc:def0:1234:5601]:443' -Scheduler sh -SchedulerFlag sh-port | Out-Null
        foreach ($a in '[2001:db8:1234:5678:9abc:def0:1234:5672]:8443', '[2001:db8:1234:5678:9abc:def0:1234:5671]:8443') {
            Add-LvsRealServer 'tcp/[2001:db8:1234:5678:9abc:def0:1234:5601]:443' $a -Forwarding Masquerade -Weight 3 | Out-Null
        }
        New-LvsVirtualService fwmark/7 -Scheduler rr | Out-Null
        Add-LvsRealServer fwmark/7 10.1.0.8 -Forwarding Tunnel | Out-Null
    }

    function Get-Line([Parameter(ValueFromPipeline)] $InputObject, [int] $Width = 80) {
        begin { $all = [Collections.Generic.List[object]]::new() }
        process { $all.Add($InputObject) }
        end { ($all | Out-String -Width $Width) -split "`r?`n" | ForEach-Object TrimEnd | Where-Object { $_ } }
    }
}

Describe 'Views against the real kernel' {
    BeforeEach { $ns = New-LabNamespace; New-Table }
    AfterEach { Remove-LabNamespace $ns }

    It 'lists the table as ipvsadm -Ln does, line for line, at <Width> columns' -TestCases @(@{ Width = 80 }, @{ Width = 120 }) {
        param($Width)
        $ours = @(Get-LvsVirtualService | Get-Line -Width $Width)
        $ours[0] | Should -BeExactly "Network namespace: $ns"
        $witness = @(Invoke-Ipvsadm $ns -Ln | ForEach-Object TrimEnd | Where-Object { $_ } | Select-Object -Skip 1)   # after its version line
        $ours[1..($ours.Count - 1)] | Should -Be $witness
    }

    It 'shows each service''s real servers under it, and the version line''s size, as ipvsadm does' {
        $witness = @(Invoke-Ipvsadm $ns -Ln)
        "$(Get-LvsInfo)" | Should -BeExactly $witness[0].Trim()
        $rs = @(Get-LvsRealServer tcp/192.0.2.10:80 | Get-Line)
        $rs[0] | Should -BeExactly "Virtual service: tcp/192.0.2.10:80 (network namespace $ns)"
        ($rs | Select-Object -Skip 2) | Should -Be @($witness | Where-Object { $_ -match '-> (198\.51|10\.1\.0\.7|172\.16)' } | ForEach-Object TrimEnd)
    }

    It 'round-trips through <Via> into the cmdlets, ipvsadm -Sn agreeing' -TestCases @(
        @{ Via = 'Export-Csv'; Save = { param($d) Get-LvsVirtualService | Export-Csv "$d/s.csv"; Get-LvsRealServer | Export-Csv "$d/r.csv" }
            Load = { param($d) Import-Csv "$d/s.csv" | New-LvsVirtualService | Out-Null; Import-Csv "$d/r.csv" | Add-LvsRealServer | Out-Null } }
        @{ Via = 'Export-Clixml'; Save = { param($d) Get-LvsVirtualService | Export-Clixml "$d/t.xml" }
            Load = { param($d) Import-Clixml "$d/t.xml" | New-LvsVirtualService | Out-Null } }
        @{ Via = 'ConvertTo-Json'; Save = { param($d) Get-LvsVirtualService | ConvertTo-Json -Depth 4 | Set-Content "$d/t.json" }
            Load = { param($d) Get-Content -Raw "$d/t.json" | ConvertFrom-Json | New-LvsVirtualService | Out-Null } }
    ) {
        param($Via, $Save, $Load)
        $dir = Join-Path $TestDrive $Via
        New-Item -ItemType Directory $dir | Out-Null
        $before = @(Get-SavedRule $ns)
        $before.Count | Should -Be 12
        & $Save $dir
        Invoke-Ipvsadm $ns -C
        @(Get-SavedRule $ns).Count | Should -Be 0
        & $Load $dir
        Get-SavedRule $ns | Should -Be $before
    }

    It 'sorts, groups and filters kernel objects by their plain properties and pipes them on' {
        (Get-LvsRealServer | Group-Object Forwarding | Sort-Object Name | ForEach-Object { '{0}={1}' -f $_.Name, $_.Count }) |
            Should -Be @('Masquerade=3', 'Route=4', 'Tunnel=1')
        Get-LvsRealServer tcp/192.0.2.10:80 | Where-Object Address -Like '198.51.100.*' | Sort-Object Address |
            Select-Object -First 1 | Set-LvsRealServer -Weight 9
        Get-SavedRule $ns | Should -Contain '-a -t 192.0.2.10:80 -r 198.51.100.20:80 -g -w 9'
        (Get-LvsVirtualService | Where-Object Family -EQ IPv6 | Get-LvsRealServer).Endpoint |
            Should -Be @('[2001:db8:1234:5678:9abc:def0:1234:5671]:8443', '[2001:db8:1234:5678:9abc:def0:1234:5672]:8443')
    }
}
