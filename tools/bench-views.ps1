# Times what a user waits for when listing a large IPVS table: Get-LvsVirtualService alone, and its
# default view rendered at 80 columns (Out-String) and through Out-Default (the console path),
# in a fresh pwsh process (first) and again in the same one (second). Run by lab/guest/bench-views.sh
# inside the lab VM; prints one "RESULT" line to stderr.
param([Parameter(Mandatory)][string]$Module, [string]$Label = 'LvsPS', [int]$Services = 2000)
$ErrorActionPreference = 'Stop'
$sw = [Diagnostics.Stopwatch]::StartNew()
Import-Module $Module
$import = $sw.Elapsed.TotalSeconds
function Time([scriptblock]$work) { $sw.Restart(); & $work; $sw.Elapsed.TotalSeconds }
$count = @(Get-LvsVirtualService).Count
if ($count -ne $Services) { throw "expected $Services services, read $count" }
$get = Time { $null = Get-LvsVirtualService }
$text1 = Time { $script:text = Get-LvsVirtualService | Out-String -Width 80 }
$text2 = Time { $null = Get-LvsVirtualService | Out-String -Width 80 }
$out1 = Time { Get-LvsVirtualService | Out-Default }
$out2 = Time { Get-LvsVirtualService | Out-Default }
$lines = ($script:text -split "`n").Count
[Console]::Error.WriteLine(('RESULT {0,-8} import {1,6:N2}s  get {2,6:N2}s  view 80 cols {3,6:N2}s / {4,6:N2}s  Out-Default {5,6:N2}s / {6,6:N2}s  ({7} lines)' -f
    $Label, $import, $get, $text1, $text2, $out1, $out2, $lines))
