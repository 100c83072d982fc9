#!/bin/sh
# Runs inside the lab VM (lab/run-vm.sh lab/guest/bench-health.sh [CHECKS TRIALS WINDOW]): LvsPS's health
# checks against keepalived 2.2.7 at the same settings in one boot (detection latency, then CHECKS checks
# at 1 s: CPU, memory, late checks, false transitions). Built on the host first (scripts/bench-health.sh).
# The same program as bench.sh, with its "health" command.
# 1,000 listeners plus their accepted connections outgrow the default 1,024 descriptors.
ulimit -n 65536
# Leading NAME=VALUE arguments are exported first (runtime settings to try, say DOTNET_TieredPGO=0 or BENCH_WARM=60).
while [ $# -gt 0 ]; do case $1 in *=*) export "$1"; shift ;; *) break ;; esac; done
exec "$(cd "$(dirname "$0")" && pwd)/bench.sh" health "$@"
