#!/usr/bin/env bash
# The reload benchmark (issue 13): a keepalived.conf of SERVICES virtual servers (2 real servers each, no
# checkers) with 1% of it changed, reloaded by LvsPS (Update-LvsDirector), by keepalived 2.2.7 (SIGHUP),
# by flush and reload (ipvsadm -C + -R; Import-LvsConfiguration -Replace) and sent as the difference
# alone (ipvsadm -R of it: the bound), each timed and its IPVS netlink requests counted (nlmon), in one
# lab VM boot (lab/guest/bench-reload.sh). Not a CI test. Figures and ratios: out/bench-reload/results.txt
# (the VM's whole log: out/bench-reload/vm/log).
# Usage: scripts/bench-reload.sh [SERVICES (10000)] [KEEPALIVED_WAIT_S (900; 0: keepalived is not run)]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OUT=$ROOT/out/bench-reload
rm -rf "$OUT"; mkdir -p "$OUT"
scripts/build-module.sh
lab/run-vm.sh -o "$OUT/vm" -t "${BENCH_TIMEOUT:-3000}" lab/guest/bench-reload.sh "$@" || echo "bench-reload: the VM run ended with status $? (log: $OUT/vm/log)" >&2
grep RESULT "$OUT/vm/log" > "$OUT/results.txt" || true
# Ratios: each reload's first time against the difference sent alone.
awk '
  function first_ms(   i) { for (i = 2; i <= NF; i++) if ($i ~ /^ms;?$/ && $(i - 1) ~ /^[0-9]+$/) return $(i - 1); return -1 }
  { print }
  /RESULT diff / && first_ms() > 0 { d = first_ms() }  # not its "requests" line, which has no time
  d > 0 && /RESULT (lvsps  Update-LvsDirector [a-z]+\.conf \(|phase  Update-LvsDirector|phase  (seq|overlap|cmdlet) least|flush|imp |ka     SIGHUP)/ && first_ms() >= 0 { printf "RESULT   = %.1fx the difference alone (%d ms)\n", first_ms() / d, d }' "$OUT/results.txt" > "$OUT/results.tmp"
mv "$OUT/results.tmp" "$OUT/results.txt"
cat "$OUT/results.txt"
