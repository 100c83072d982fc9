#!/usr/bin/env bash
# Boots the lab VM and runs lab/guest/daemon-stop-race.sh: a sync daemon stopped before its kernel
# thread first ran gets no netlink answer at all (ipvsadm waits forever; Stop-LvsSyncDaemon
# confirms the stop with a dump). Build first (./build.ps1 Package). Not in CI: it starves the
# VM's CPUs with real-time spinners. Prints RESULT lines; log in out/daemon-stop-race/log.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
"$ROOT/lab/run-vm.sh" -o "$ROOT/out/daemon-stop-race" -t 600 "$ROOT/lab/guest/daemon-stop-race.sh" "${1:-3}"
grep RESULT "$ROOT/out/daemon-stop-race/log"
