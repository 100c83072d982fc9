<#
.SYNOPSIS
    Runs the project's Pester tests in real pwsh against the built module, and writes the
    results as NUnit XML for scripts/trx-summary.py.
.DESCRIPTION
    Host (default): tests/Pester/*.Tests.ps1 and the runbooks' own tests in examples/ (no IPVS,
    no root needed). Lab (-Lab): tests/Pester/Lab/*.Tests.ps1, run inside the lab VM by
    lab/guest/run-lab-tests.sh against the real IPVS kernel. The module is
    $env:LVSPS_MODULE, else out/LvsPS/LvsPS.psd1. Exits with the number of failed tests.
.EXAMPLE
    scripts/pwsh.sh -NoProfile -File scripts/run-pester.ps1 -FullNameFilter '*completion*'
#>
[CmdletBinding()]
param(
    # Run the lab tests (real IPVS) instead of the host tests.
    [switch] $Lab,
    # Where to write the NUnit XML results (none when omitted).
    [string] $ResultFile,
    # Only the tests whose full name matches one of these wildcards.
    [string[]] $FullNameFilter,
    [ValidateSet('None', 'Normal', 'Detailed', 'Diagnostic')]
    [string] $Verbosity = 'Normal'
)
$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot -Parent
if (-not $env:LVSPS_MODULE) { $env:LVSPS_MODULE = Join-Path $root 'out/LvsPS/LvsPS.psd1' }
if (-not (Test-Path $env:LVSPS_MODULE)) { throw "no module at $env:LVSPS_MODULE: run scripts/build-module.sh first" }
Import-Module Pester -RequiredVersion 5.9.1

$config = New-PesterConfiguration
if ($Lab) {
    $config.Run.Path = Join-Path $root 'tests/Pester/Lab'
} else {
    $config.Run.Path = @((Join-Path $root 'tests/Pester'), (Join-Path $root 'examples'))
    $config.Run.ExcludePath = @(Join-Path $root 'tests/Pester/Lab/*')
}
$config.Run.PassThru = $true
$config.Output.Verbosity = $Verbosity
if ($FullNameFilter) { $config.Filter.FullName = $FullNameFilter }
if ($ResultFile) {
    $config.TestResult.Enabled = $true
    $config.TestResult.OutputFormat = 'NUnitXml'
    $config.TestResult.OutputPath = $ResultFile
}
$result = Invoke-Pester -Configuration $config
if ($ResultFile -and $result.FailedContainersCount -gt 0) {
    # A file that fails before discovery ends (a syntax error, a throw at the top) leaves no trace
    # in the NUnit file: add it as a failed suite so the summary counts it.
    $xml = [xml](Get-Content -Raw $ResultFile)
    foreach ($container in $result.FailedContainers) {
        $suite = $xml.CreateElement('test-suite')
        foreach ($a in @{ type = 'TestFixture'; name = "$($container.Item)"; executed = 'True'; result = 'Failure'; success = 'False' }.GetEnumerator()) {
            $suite.SetAttribute($a.Key, $a.Value)
        }
        $null = $xml.DocumentElement.AppendChild($suite)
    }
    $xml.Save($ResultFile)
}
exit [Math]::Min($result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount, 255)
