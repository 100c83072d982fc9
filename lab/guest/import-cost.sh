#!/bin/sh
# Runs inside the lab VM (lab/run-vm.sh lab/guest/import-cost.sh [RUNS]), right after boot so that
# the module's files are not in the page cache: the first Import-Module of LvsPS in pwsh (cold),
# then RUNS more in fresh pwsh processes (warm), against ipvsadm -Ln the same way (scripts/bench-import.sh).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
. "$HERE/prepare.sh"
RUNS=${1:-5}
cd "$ROOT"
ms() { echo $(( $(date +%s%N) / 1000000 )); }
t=$(ms); ipvsadm -Ln >/dev/null; echo "ipvsadm -Ln process, cold: $(( $(ms) - t )) ms"
for i in $(seq "$RUNS"); do t=$(ms); ipvsadm -Ln >/dev/null; echo "ipvsadm -Ln process, warm: $(( $(ms) - t )) ms"; done
# pwsh itself first (its own files warm), so that the first figure is the module's cold import.
scripts/pwsh.sh -NoProfile -NonInteractive -Command 'exit 0'
measure='[int](Measure-Command { Import-Module ./out/LvsPS }).TotalMilliseconds'
echo "Import-Module LvsPS, cold: $(scripts/pwsh.sh -NoProfile -NonInteractive -Command "$measure") ms"
for i in $(seq "$RUNS"); do
  echo "Import-Module LvsPS, warm: $(scripts/pwsh.sh -NoProfile -NonInteractive -Command "$measure") ms"
done
t=$(ms); scripts/pwsh.sh -NoProfile -NonInteractive -Command 'exit 0'; echo "pwsh process alone: $(( $(ms) - t )) ms"
t=$(ms); scripts/pwsh.sh -NoProfile -NonInteractive -Command 'Import-Module ./out/LvsPS; Get-LvsVirtualService | Out-Null'
echo "pwsh process with Import-Module and Get-LvsVirtualService: $(( $(ms) - t )) ms"
