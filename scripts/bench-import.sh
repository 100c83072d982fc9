#!/usr/bin/env bash
# Import-Module cost of LvsPS in the project's pwsh: RUNS fresh pwsh processes on this host (warm
# page cache: the least and the median of the runs), then, with --lab, the lab VM right after boot
# (cold page cache) next to one ipvsadm -Ln process (lab/guest/import-cost.sh). Measures the
# module in out/LvsPS (./build.ps1 Build).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
RUNS=${RUNS:-10}
[ -f out/LvsPS/LvsPS.psd1 ] || { echo 'bench-import: no out/LvsPS; run scripts/pwsh.sh ./build.ps1 Build' >&2; exit 1; }
for i in $(seq "$RUNS"); do
  scripts/pwsh.sh -NoProfile -NonInteractive -Command '[int](Measure-Command { Import-Module ./out/LvsPS }).TotalMilliseconds'
done | sort -n | awk '{ a[NR] = $1 } END { printf "host, warm: Import-Module LvsPS least %d ms, median %d ms over %d runs\n", a[1], a[int((NR + 1) / 2)], NR }'
if [ "${1:-}" = --lab ]; then
  lab/run-vm.sh -t 1200 lab/guest/import-cost.sh 5
fi
