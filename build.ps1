<#
.SYNOPSIS
    Build tasks for LvsPS, for people with pwsh: Build, Test, Package, Docs, Bench.
.DESCRIPTION
    Each task calls the same scripts CI uses (they need only bash and the .NET SDK), so
    the pwsh path and the plain path cannot drift apart.
      Build    lays out the module folder out/LvsPS (Import-Module ./out/LvsPS)
      Test     every test tier: unit, cmdlets (hosted engine), real kernel (lab VM)
      Package  zips out/LvsPS into out/LvsPS-<version>.zip
      Docs     regenerates en-US/LvsPS.dll-Help.xml from the cmdlets and their doc comments
      Bench    LvsPS against ipvsadm in the lab VM (with -BenchTarget Connections: the
               connection table, Get-LvsConnection against ipvsadm -Lnc | grep)
.EXAMPLE
    ./build.ps1 Bench -BenchTarget Connections
.EXAMPLE
    ./build.ps1 Build; Import-Module ./out/LvsPS
.EXAMPLE
    ./build.ps1 Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package', 'Docs', 'Bench')]
    [string[]] $Task = 'Build',

    # What Bench measures: the service table (apply/list) or the connection table.
    [ValidateSet('Services', 'Connections')]
    [string] $BenchTarget = 'Services'
)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

function Invoke-Native([string] $File, [string[]] $Arguments = @()) {
    & bash $File @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$File failed with exit code $LASTEXITCODE" }
}

foreach ($t in $Task) {
    switch ($t) {
        'Build' { Invoke-Native scripts/build-module.sh }
        'Test' { Invoke-Native scripts/test-all.sh }
        'Docs' { Invoke-Native scripts/build-help.sh }
        'Bench' { Invoke-Native $(if ($BenchTarget -eq 'Connections') { 'scripts/bench-conn.sh' } else { 'scripts/bench.sh' }) }
        'Package' {
            Invoke-Native scripts/build-module.sh
            $version = (Import-PowerShellDataFile ./LvsPS.psd1).ModuleVersion
            Compress-Archive -Path ./out/LvsPS -DestinationPath "./out/LvsPS-$version.zip" -Force
            Write-Host "packaged out/LvsPS-$version.zip"
        }
    }
}
