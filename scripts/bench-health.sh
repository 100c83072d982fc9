#!/usr/bin/env bash
# Builds LvsPS and the benchmark, then runs the health-check benchmark in the lab VM against keepalived
# 2.2.7. Args: CHECKS (default 1000) TRIALS (latency trials, default 15) WINDOW (seconds, default 60).
# Not a CI test: it takes ~10 min of emulated VM; the figures go to the console and the VM's log.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
scripts/build-module.sh
dotnet build tools/LvsPS.Bench -c Release --nologo -v q -clp:ErrorsOnly
lab/run-vm.sh -o "${BENCH_OUT:-/tmp/lvsps-bench-health}" -m "${BENCH_MEM:-4096}" -t "${BENCH_TIMEOUT:-2400}" lab/guest/bench-health.sh "$@"
