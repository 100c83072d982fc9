#!/usr/bin/env bash
# The main job: installs what is missing, builds the module, and runs the quick-start
# runbook (examples/quickstart-lvs-dr.ps1). As root on a kernel with IPVS it configures
# this host; otherwise it runs the same runbook inside the lab VM's IPVS kernel.
# Pass another runbook as the first argument to run that instead.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
RUNBOOK=${1:-examples/quickstart-lvs-dr.ps1}
scripts/install-deps.sh
scripts/build-module.sh
dotnet build tools/LvsPS.Run -c Release --nologo -v q -clp:ErrorsOnly
if [ -e /proc/net/ip_vs ] && [ "$(id -u)" = 0 ]; then
  echo "IPVS is in this kernel: running $RUNBOOK here"
  exec dotnet tools/LvsPS.Run/bin/Release/net10.0/lvsps-run.dll out/LvsPS/LvsPS.psd1 "$RUNBOOK"
fi
echo "This kernel has no IPVS: running $RUNBOOK inside the lab VM"
OUT="$ROOT/out/quickstart"
rc=0
lab/run-vm.sh -o "$OUT" -t 600 lab/run-example.sh "$ROOT/$RUNBOOK" || rc=$?
cat "$OUT/log" 2>/dev/null
exit $rc
