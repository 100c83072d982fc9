# Dot-sourced by the lab Pester tests (BeforeAll { . $PSScriptRoot/LabCommon.ps1 }): the shared
# helpers, plus a fresh network namespace per test (its own empty IPVS table, lo up) in which
# ipvsadm runs as the witness. They need the lab VM (or a root shell on a kernel with IPVS).
. (Join-Path $PSScriptRoot '../Common.ps1')
if (-not $HasIpvs) { throw 'The lab Pester tests need a kernel with IPVS: lab/run-vm.sh lab/guest/run-pester.sh' }

$script:LabNamespaceCounter = 0

# A new namespace; every LvsPS cmdlet of this session targets it unless told otherwise.
function New-LabNamespace {
    $name = "lvsp$PID" + 'x' + (++$script:LabNamespaceCounter)
    & ip netns add $name; if ($LASTEXITCODE) { throw "ip netns add $name failed" }
    & ip -n $name link set lo up
    $global:PSDefaultParameterValues['*-Lvs*:NetworkNamespace'] = $name
    $name
}

function Remove-LabNamespace([string] $Name) {
    $global:PSDefaultParameterValues.Remove('*-Lvs*:NetworkNamespace')
    & ip netns del $Name 2>$null
}

# ipvsadm inside the namespace.
function Invoke-Ipvsadm([string] $Namespace) {
    $out = & ip netns exec $Namespace ipvsadm @args
    if ($LASTEXITCODE) { throw "ipvsadm $args failed in $Namespace" }
    $out
}

# ipvsadm-save -n: the rules, sorted by ordinal (dump order is not stable; '-A' before '-a'),
# without blank lines.
function Get-SavedRule([string] $Namespace) {
    [string[]] $rules = @(Invoke-Ipvsadm $Namespace -Sn | ForEach-Object Trim | Where-Object { $_ })
    [Array]::Sort($rules, [StringComparer]::Ordinal)
    $rules   # one line per pipeline object: `Get-SavedRule $ns | Should -Be @(...)` compares line by line
}
