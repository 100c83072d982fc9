# Start-LvsDirector -Wait as systemd runs it: a child pwsh on the in-memory IPVS (no root kernel
# IPVS needed), reloaded with SIGHUP and stopped with SIGTERM like keepalived.
BeforeAll { . $PSScriptRoot/Common.ps1 }

Describe 'Start-LvsDirector -Wait under signals' {
    BeforeAll {
        $script:dir = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "lvsps-director-$(Get-Random)")).FullName
        $script:conf = Join-Path $dir 'lb.conf'
        $script:out = Join-Path $dir 'out.txt'
        function Write-Conf([string[]] $RealServers) {
            $rs = ($RealServers | ForEach-Object { "  real_server $_ 80 {`n  }`n" }) -join ''
            Set-Content $conf "virtual_server 10.0.0.3 80 {`n  protocol TCP`n  lb_algo rr`n  lb_kind NAT`n$rs}`n"
        }
        function Wait-Output([string] $Pattern, [int] $Seconds = 90) {
            $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
            while ([DateTime]::UtcNow -lt $deadline) {
                if ((Test-Path $out) -and ((Get-Content $out -Raw) -match $Pattern)) { return $true }
                Start-Sleep -Milliseconds 100
            }
            throw "no '$Pattern' within $Seconds s; output:`n$(Get-Content $out -Raw -ErrorAction Ignore)"
        }
    }
    AfterAll { Remove-Item $dir -Recurse -Force -ErrorAction Ignore }

    It 'reloads the file on SIGHUP and removes its services on SIGTERM' {
        Write-Conf 10.0.0.7
        $script = @"
`$PSStyle.OutputRendering = 'PlainText'
Import-Module '$LvsModule'
`$seam = (Get-Module LvsPS).ImplementingAssembly.GetType('LvsPS.Testing.InMemoryIpvsSeam', `$true)
`$null = `$seam.GetMethod('Install', [Reflection.BindingFlags]'Static,NonPublic').Invoke(`$null, @())
Start-LvsDirector '$conf' -NoHostCheck -Wait -Verbose *>&1 | ForEach-Object {
    "`$_"
    if ("`$_" -match 'SIGHUP reloads|: keep ') { 'TABLE ' + ((Export-LvsConfiguration) -join ' | ') }
}
'AFTER ' + ((Export-LvsConfiguration) -join ' | ')
"@
        # Signals must reach pwsh itself: the .NET tool's pwsh is a launcher that runs 'dotnet pwsh.dll' as its child.
        $self = [Environment]::ProcessPath
        $pwsh = if ((Split-Path $self -Leaf) -eq 'dotnet') { @($self, (Join-Path $PSHOME 'pwsh.dll')) } else { @($self) }
        $p = Start-Process $pwsh[0] -ArgumentList (@($pwsh | Select-Object -Skip 1) + '-NoProfile', '-NonInteractive', '-Command', $script) -RedirectStandardOutput $out -PassThru
        try {
            Wait-Output '(?s)TABLE .*-r 10\.0\.0\.7:80' | Should -BeTrue
            Write-Conf 10.0.0.7, 10.0.0.8
            /bin/kill -s HUP $p.Id
            Wait-Output '(?s)TABLE .*-r 10\.0\.0\.8:80' | Should -BeTrue
            (Get-Content $out -Raw) | Should -Match 'SIGHUP: reloading'
            /bin/kill -s TERM $p.Id
            $p.WaitForExit(60000) | Should -BeTrue
            $text = Get-Content $out -Raw
            $text | Should -Match '(?m)^AFTER\s*$'
            $p.ExitCode | Should -Be 0
        } finally {
            if (-not $p.HasExited) { $p.Kill($true) }
        }
    }
}
