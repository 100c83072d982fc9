# The runtime's orderly shutdown in real pwsh, where the core lives in the module's own load
# context: Remove-Module stops what the session started and the end of pwsh stops everything —
# a VRRP master releases its address, health checks stop, and the scripts they were running
# (a track script, a check's program, a check's script block) are ended; nothing is left running.
# Needs root (a network namespace with a veth pair for VRRP); IPVS is the module's in-memory one.
BeforeDiscovery {
    $script:IsRoot = (id -u) -eq '0'
}

BeforeAll {
    . $PSScriptRoot/Common.ps1

    # A pid that still names a live process (not a zombie waiting to be reaped).
    function Test-Alive([int] $ProcessId) {
        $stat = "/proc/$ProcessId/stat"
        if (-not (Test-Path $stat)) { return $false }
        $text = Get-Content $stat -Raw -ErrorAction SilentlyContinue
        return $text -and $text.Substring($text.LastIndexOf(')') + 2, 1) -ne 'Z'
    }
}

Describe 'Orderly shutdown in real pwsh' -Skip:(-not $IsRoot) {
    # -Skip: VRRP needs a network namespace, which only root can make.
    BeforeEach {
        $script:ns = "lvsps-rt-$PID"
        ip netns add $ns
        ip -n $ns link add eth0 type veth peer name eth1
        ip -n $ns addr add 192.0.2.1/24 dev eth0
        foreach ($link in 'lo', 'eth0', 'eth1') { ip -n $ns link set $link up }
        $script:dir = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "lvsps-rt-$([guid]::NewGuid())")).FullName
        # Writes its pid to the file it is given, then sleeps a minute: a run still in progress at shutdown.
        $script:sleeper = Join-Path $dir 'sleeper.sh'
        Set-Content $sleeper "#!/bin/sh`necho `$`$ > `"`$1`"`nexec sleep 60"
        chmod 755 $sleeper
    }

    AfterEach {
        ip netns del $ns
        Remove-Item -Recurse -Force $dir
    }

    It 'Remove-Module and then the end of pwsh each stop the VRRP instance, the health checks and their scripts' {
        $child = Invoke-ChildPwsh @"
function Start-Everything([string] `$phase) {
    Start-LvsVrrpInstance VI_RT -NetworkNamespace $ns -Interface eth0 -VirtualRouterId 76 -Version 3 -AdvertisementInterval 0.1 -VirtualAddress 192.0.2.100/24 ``
        -TrackScript @{ Name = 'slow'; Script = "$sleeper $dir/`$phase-track.pid"; Interval = 1; Timeout = 120 } | Out-Null
    `$seam = (Get-Module LvsPS).ImplementingAssembly.GetType('LvsPS.Testing.InMemoryIpvsSeam', `$true)
    `$null = `$seam.GetMethod('Install', [Reflection.BindingFlags]'Static,NonPublic').Invoke(`$null, @())
    New-LvsVirtualService tcp/10.0.0.3:80; Add-LvsRealServer tcp/10.0.0.3:80 127.0.0.1:8080 -Forwarding Masquerade
    New-LvsVirtualService tcp/10.0.0.4:80; Add-LvsRealServer tcp/10.0.0.4:80 127.0.0.1:8081 -Forwarding Masquerade
    Start-LvsHealthCheck tcp/10.0.0.3:80 -Command "$sleeper $dir/`$phase-check.pid" -Interval 1 -Warmup 0 -ScriptTimeout 120 -Name exe | Out-Null
    `$block = [scriptblock]::Create("try { [IO.File]::AppendAllText('$dir/`$phase-block.log', ""running``n""); Start-Sleep 60 } finally { [IO.File]::AppendAllText('$dir/`$phase-block.log', ""stopped``n"") }")
    Start-LvsHealthCheck tcp/10.0.0.4:80 -ScriptBlock `$block -Interval 1 -Warmup 0 -ScriptTimeout 120 -Name block | Out-Null
    Wait-LvsVrrpInstance VI_RT -State Master -Timeout 15 | Out-Null
    `$deadline = [DateTime]::UtcNow.AddSeconds(30)
    while (-not ((Test-Path "$dir/`$phase-track.pid") -and (Test-Path "$dir/`$phase-check.pid") -and (Test-Path "$dir/`$phase-block.log")) -and [DateTime]::UtcNow -lt `$deadline) { Start-Sleep -Milliseconds 100 }
    "`$phase holds the address: `$([bool](ip -n $ns -o addr show eth0 | Select-String '192.0.2.100/'))"
}
Start-Everything removed
Remove-Module LvsPS
"removed holds the address after Remove-Module: `$([bool](ip -n $ns -o addr show eth0 | Select-String '192.0.2.100/'))"
Import-Module '$LvsModule'
Start-Everything exited
exit 7
"@
        $child.ExitCode | Should -Be 7 -Because $child.Text
        $child.Text | Should -Match 'removed holds the address: True'
        $child.Text | Should -Match 'removed holds the address after Remove-Module: False'
        $child.Text | Should -Match 'exited holds the address: True'
        ip -n $ns -o addr show eth0 | Should -Not -Match '192\.0\.2\.100/' -Because 'the end of pwsh releases the address'
        foreach ($phase in 'removed', 'exited') {
            foreach ($script in 'track', 'check') {
                $scriptPid = [int](Get-Content "$dir/$phase-$script.pid")
                Test-Alive $scriptPid | Should -BeFalse -Because "the $script script of the '$phase' phase must end with its session"
            }
            Get-Content "$dir/$phase-block.log" | Should -Be @('running', 'stopped') -Because "the script block of the '$phase' phase is stopped, its finally runs"
        }
    }
}
