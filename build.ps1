<#
.SYNOPSIS
    Build tasks for LvsPS (Invoke-Build): Build, Package, Docs, Pester, Test, Bench.
.DESCRIPTION
    Run it in the project's pwsh: scripts/pwsh.sh ./build.ps1 TASK (scripts/install-deps.sh
    installs pwsh 7.6.10 and Invoke-Build into .tools/; from another pwsh, ./build.ps1 finds
    them there). The tasks call the scripts CI uses, so the two paths cannot drift apart.
      Build    lays out the module folder out/LvsPS (Import-Module ./out/LvsPS)
      Package  out/package/LvsPS.<version>.nupkg, the package Publish-PSResource publishes
               (Publish-PSResource -NupkgPath ... -Repository ...)
      Docs     regenerates en-US/LvsPS.dll-Help.xml from the cmdlets and their doc comments
      Pester   the Pester tests on this host (tests/Pester, examples/*.Tests.ps1)
      Test     every test tier (scripts/test-all.sh): unit, cmdlets, Pester, host, lab VM
      Bench    LvsPS against ipvsadm in the lab VM (with -BenchTarget Connections: the
               connection table, Get-LvsConnection against ipvsadm -Lnc | grep)
.EXAMPLE
    scripts/pwsh.sh ./build.ps1 Build; Import-Module ./out/LvsPS
.EXAMPLE
    ./build.ps1 Package
.EXAMPLE
    ./build.ps1 Bench -BenchTarget Connections
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Package', 'Docs', 'Pester', 'Test', 'Bench', '?')]
    [string[]] $Tasks = 'Build',

    # What Bench measures: the service table (apply/list) or the connection table.
    [ValidateSet('Services', 'Connections')]
    [string] $BenchTarget = 'Services'
)

# Called directly: hand over to Invoke-Build with this file as the build script.
if ([IO.Path]::GetFileName($MyInvocation.ScriptName) -ne 'Invoke-Build.ps1') {
    $ErrorActionPreference = 'Stop'
    $modules = Join-Path $PSScriptRoot '.tools/Modules'
    if ((Test-Path $modules) -and ($env:PSModulePath -split [IO.Path]::PathSeparator) -notcontains $modules) {
        $env:PSModulePath = $modules + [IO.Path]::PathSeparator + $env:PSModulePath
    }
    if (-not (Get-Module InvokeBuild -ListAvailable)) { throw 'Invoke-Build is missing: run scripts/install-deps.sh (it installs it into .tools/Modules).' }
    Import-Module InvokeBuild
    $null = $PSBoundParameters.Remove('Tasks')
    Invoke-Build -Task $Tasks -File $MyInvocation.MyCommand.Path @PSBoundParameters
    return
}

Set-Location $PSScriptRoot

function Invoke-Bash([string] $Script, [string[]] $Arguments = @()) {
    exec { bash $Script @Arguments }
}

# Synopsis: Lay out the module folder out/LvsPS.
task Build {
    Invoke-Bash scripts/build-module.sh
}

# Synopsis: Build, then out/package/LvsPS.<version>.nupkg (Compress-PSResource of out/LvsPS).
task Package Build, {
    $version = (Import-PowerShellDataFile ./LvsPS.psd1).ModuleVersion
    $dir = New-Item -ItemType Directory -Force ./out/package
    Remove-Item (Join-Path $dir 'LvsPS.*.nupkg') -ErrorAction Ignore
    Compress-PSResource -Path ./out/LvsPS -DestinationPath $dir
    $nupkg = Join-Path $dir "LvsPS.$version.nupkg"
    assert (Test-Path $nupkg) "Compress-PSResource made no $nupkg"
    print Green "packaged $nupkg"
}

# Synopsis: Regenerate en-US/LvsPS.dll-Help.xml (and lay out out/LvsPS with it).
task Docs {
    Invoke-Bash scripts/build-help.sh
}

# Synopsis: The Pester tests on this host against out/LvsPS.
task Pester Build, {
    exec { bash scripts/pwsh.sh -NoProfile -NonInteractive -File scripts/run-pester.ps1 }
}

# Synopsis: Every test tier, as CI runs them (scripts/test-all.sh).
task Test {
    Invoke-Bash scripts/test-all.sh
}

# Synopsis: LvsPS against ipvsadm in the lab VM (-BenchTarget Services or Connections).
task Bench {
    Invoke-Bash $(if ($BenchTarget -eq 'Connections') { 'scripts/bench-conn.sh' } else { 'scripts/bench.sh' })
}
