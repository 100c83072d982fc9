# Dot-sourced by every Pester test file (BeforeAll { . $PSScriptRoot/Common.ps1 }): imports the
# built module and gives the helpers the tests share. scripts/run-pester.ps1 sets LVSPS_MODULE.
$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$script:LvsModule = if ($env:LVSPS_MODULE) { $env:LVSPS_MODULE } else { Join-Path $RepoRoot 'out/LvsPS/LvsPS.psd1' }
Import-Module $LvsModule -Force:$false

# The kernel has IPVS (the lab VM, or a director): kernel-free expectations do not hold there.
$script:HasIpvs = Test-Path /proc/net/ip_vs

# Runs a script in a child pwsh with the module imported, as a user at a terminal would, and
# returns what the console showed (stdout and stderr, no colour) and the exit code.
function Invoke-ChildPwsh([string] $Script, [int] $Width = 120) {
    $pwsh = if ($env:LVSPS_PWSH) { $env:LVSPS_PWSH } else { (Get-Command pwsh -CommandType Application)[0].Source }
    $prelude = "`$PSStyle.OutputRendering = 'PlainText'; Import-Module '$LvsModule'; "
    $env:COLUMNS = $Width
    try {
        $text = & $pwsh -NoProfile -NonInteractive -Command ($prelude + $Script) 2>&1 | Out-String -Width $Width
    } finally {
        Remove-Item Env:COLUMNS
    }
    [pscustomobject]@{ Text = $text; ExitCode = $LASTEXITCODE }
}
