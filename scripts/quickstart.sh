#!/usr/bin/env bash
# The main job: installs what is missing (scripts/install-deps.sh: pwsh 7.6.10 among it), builds
# the module (./build.ps1 Build in pwsh), and runs the quick-start runbook
# (examples/quickstart-lvs-dr.ps1) in pwsh, with out/ on PSModulePath so the runbook finds
# LvsPS by name as an installed module. As root on a kernel with IPVS it configures this host;
# where ip_vs is a module of this kernel that is not loaded yet, it says so and loads it
# (modprobe ip_vs: this script does, LvsPS itself never loads modules); otherwise it runs the
# same runbook inside the lab VM's IPVS kernel. Pass another runbook as the first argument.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
RUNBOOK=${1:-examples/quickstart-lvs-dr.ps1}
scripts/install-deps.sh
scripts/pwsh.sh -NoProfile -NonInteractive -File build.ps1 Build

if [ "$(id -u)" = 0 ] && [ ! -e /proc/net/ip_vs ] && modinfo ip_vs >/dev/null 2>&1; then
  echo "IPVS is a module of this kernel ($(uname -r)) that is not loaded: loading it with 'modprobe ip_vs'"
  echo "(LvsPS never loads kernel modules itself; load ip_vs at boot with /etc/modules-load.d/ on a director)"
  modprobe ip_vs || echo "modprobe ip_vs failed (a container without the right to load modules?)"
fi
if [ -e /proc/net/ip_vs ] && [ "$(id -u)" = 0 ]; then
  echo "IPVS is in this kernel: running $RUNBOOK here in pwsh"
  [ -t 1 ] || export NO_COLOR=1
  PSModulePath="$ROOT/out${PSModulePath:+:$PSModulePath}" exec scripts/pwsh.sh -NoProfile -NonInteractive -File "$RUNBOOK"
fi
if [ -e /proc/net/ip_vs ]; then why="IPVS needs root"; else why="This kernel has no IPVS"; fi
echo "$why: running $RUNBOOK in pwsh inside the lab VM"
OUT="$ROOT/out/quickstart"
rc=0
lab/run-vm.sh -o "$OUT" -t 900 lab/guest/run-example.sh "$ROOT/$RUNBOOK" || rc=$?
cat "$OUT/log" 2>/dev/null
exit $rc
