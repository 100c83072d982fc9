# The LvsPS half of the reload benchmark, run by lab/guest/bench-reload.sh inside the lab VM (one pwsh
# process, namespaces br-lvs and br-imp prepared by it): a director started from old.conf, then
# Update-LvsDirector to new.conf (cold: the first reload in the process) and back to old.conf (warm), each
# timed, captured (IPVS netlink requests) and followed until the table equals the file (removed real
# servers and services are drained: weight 0 at once, removed at the next drain poll); the cold reload's
# changes sent alone (the bound on LvsPS's side); then
# Import-LvsConfiguration -Replace of new.rules into a namespace holding old.rules. Prints RESULT lines.
param([Parameter(Mandatory)][string]$Module, [Parameter(Mandatory)][string]$Work, [Parameter(Mandatory)][string]$Guest)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$sw = [Diagnostics.Stopwatch]::new()
function Time([scriptblock]$block) { $sw.Restart(); $null = & $block; [int]$sw.Elapsed.TotalMilliseconds }
function Say([string]$line) { [Console]::Error.WriteLine("RESULT $line") }
function WaitEqual([string]$ns, [string]$table) { (& sh $Guest wait-equal $ns $table 300) -join '' }

$ms = Time { Start-LvsDirector "$Work/old.conf" -Name bench -NetworkNamespace br-lvs -NoHostCheck }
Say "lvsps  Start-LvsDirector old.conf: $ms ms; table equals old: $(WaitEqual br-lvs "$Work/old.table") ms later"
$ms = Time { Get-LvsKeepalivedConfiguration "$Work/new.conf" -NoHostCheck }
Say "lvsps  Get-LvsKeepalivedConfiguration new.conf (parse alone): $ms ms"
$ms = Time { Update-LvsDirector "$Work/new.conf" -Name bench -NoHostCheck -WhatIf }
Say "lvsps  Update-LvsDirector new.conf -WhatIf (parse + plan): $ms ms"

foreach ($step in @(@{ Label = 'cold'; File = 'new' }, @{ Label = 'warm'; File = 'old' })) {
    $name = "lvsps-$($step.Label)"
    & sh $Guest capture-start $name br-lvs
    $ms = Time { $script:result = Update-LvsDirector "$Work/$($step.File).conf" -Name bench -NoHostCheck }
    $equal = WaitEqual br-lvs "$Work/$($step.File).table"
    $plan = $script:result.Plan
    Say ("lvsps  Update-LvsDirector {0}.conf ({1}): {2} ms; {3} changes, {4} drains, {5} unchanged, {6} errors; table equals {0}: {7} ms later" -f
        $step.File, $step.Label, $ms, $plan.Changes.Count, $plan.Drains.Count, $plan.Unchanged, $script:result.Errors.Count, $equal)
    & sh $Guest capture-stop $name
    if ($step.Label -eq 'cold') { $coldChanges = $plan.Changes }
}

# Where a warm reload's time goes: its parts alone, in the same process (warm), in the core (reached by reflection:
# its types load into the module's own context), each twice: the read, the plan (prepare, the service dump, the
# real-server dumps of the services it changes), the service dump alone, 100 real-server dumps alone; then a whole
# Reload in the core (to new.conf) and Update-LvsDirector back to old.conf (the cmdlet: read, report, reload).
$native = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'LvsPS.Native' } | Select-Object -First 1
$cmdlets = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'LvsPS' } | Select-Object -First 1
$director = $cmdlets.GetType('LvsPS.Keepalived.DirectorRegistry').GetMethod('Find').Invoke($null, @('bench'))
$reader = $native.GetType('LvsPS.Native.Configuration.Keepalived.KeepalivedConfigurationReader')
$probe = $native.GetType('LvsPS.Native.Ipvs.IpvsClient')::Open('br-lvs')
foreach ($i in 1..2) {
    $ms = Time { $script:read = $reader::ReadFile("$Work/new.conf", $null) }
    Say "phase  read new.conf (KeepalivedConfigurationReader.ReadFile, run $i): $ms ms"
    $ms = Time { $script:planned = $director.PlanReload($script:read.Configuration) }
    Say "phase  PlanReload new.conf (prepare, service dump, real-server dumps of changed services, plan; run $i): $ms ms; $($script:planned.Changes.Count) changes"
    $ms = Time { $script:services = $probe.GetVirtualServices($false) }
    Say "phase  service dump alone (run $i): $ms ms; $($script:services.Count) services"
    $keys = @($script:services | Select-Object -First 100 | ForEach-Object Key)
    $ms = Time { foreach ($k in $keys) { $null = $probe.GetRealServers($k) } }
    Say "phase  $($keys.Count) real-server dumps alone (run $i): $ms ms"
}
$probe.Dispose()

# The same reloads, several times (the VM's speed moves with the host's load: the least of each is the figure to
# compare), each to new.conf then back to old.conf: "seq" reads the file, then reloads (Reload of a configuration: the
# service dump after the read), "overlap" reloads reading the file while the kernel is dumped (as Update-LvsDirector
# does), "cmdlet" is Update-LvsDirector itself.
$ms = Time { $script:done = $director.Reload($script:read.Configuration) }
Say "phase  Reload new.conf in the core (plan, apply, checks; warm): $ms ms; $($script:done.Plan.Changes.Count) changes, $($script:done.Errors.Count) errors"
$rounds = @{ seq = @(); overlap = @(); cmdlet = @() }
foreach ($round in 1..3) {
    foreach ($file in 'old', 'new') {
        $ms = Time { $script:done = $director.Reload($reader::ReadFile("$Work/$file.conf", $null).Configuration) }
        $rounds.seq += $ms
        Say "phase  seq     read, then Reload to $file.conf (round $round): $ms ms; $($script:done.Plan.Changes.Count) changes"
    }
    foreach ($file in 'old', 'new') {
        try {
            $ms = Time { $script:done = $director.Reload({ $reader::ReadFile("$Work/$file.conf", $null).Configuration }, { $true }) }
            $rounds.overlap += $ms
            Say "phase  overlap Reload reading $file.conf while the kernel is dumped (round $round): $ms ms; $($script:done.Plan.Changes.Count) changes"
        } catch {
            Say "phase  overlap Reload reading $file.conf: failed: $_"
        }
    }
    foreach ($file in 'old', 'new') {
        $ms = Time { $script:result = Update-LvsDirector "$Work/$file.conf" -Name bench -NoHostCheck }
        $rounds.cmdlet += $ms
        Say "phase  cmdlet  Update-LvsDirector $file.conf (round $round): $ms ms; $($script:result.Plan.Changes.Count) changes"
    }
}
foreach ($k in 'seq', 'overlap', 'cmdlet') {
    if ($rounds[$k].Count -gt 0) {
        $sorted = @($rounds[$k] | Sort-Object)
        Say "phase  $k least $($sorted[0]) ms, median $($sorted[[int][math]::Floor($sorted.Count / 2)]) ms of $($sorted.Count) reloads"
    }
}
$ms = Time { $null = Update-LvsDirector "$Work/old.conf" -Name bench -NoHostCheck }
Say "phase  Update-LvsDirector old.conf (warm, last reload): $ms ms; table equals old: $(WaitEqual br-lvs "$Work/old.table") ms later"

# The bound on LvsPS's side: the cold reload's own changes sent alone, in one batch on an open socket
# (no parse, no plan, no dump), into a namespace holding old.rules. The core's types cannot be named
# in pwsh (they load into the module's own context): reached by reflection.
$client = $native.GetType('LvsPS.Native.Ipvs.IpvsClient')::Open('br-dlv')
& sh $Guest capture-start dlv br-dlv
$ms = Time { $script:sent = $client.Apply($coldChanges) }
$refused = @($script:sent | Where-Object { -not $_.Succeeded }).Count
Say "dlv    LvsPS sending the cold reload's $($coldChanges.Count) changes alone (open socket, one batch): $ms ms; $refused refused"
& sh $Guest capture-stop dlv
$client.Dispose()

& sh $Guest capture-start imp br-imp
$ms = Time { Import-LvsConfiguration "$Work/new.rules" -Replace -Force -Confirm:$false -NetworkNamespace br-imp }
Say "imp    Import-LvsConfiguration new.rules -Replace: $ms ms; table equals new: $(WaitEqual br-imp "$Work/new.table") ms later"
& sh $Guest capture-stop imp
