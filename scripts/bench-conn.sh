#!/usr/bin/env bash
# Builds LvsPS and the benchmark, then runs the connection-table benchmark in the lab VM.
# Args (all optional): ROWS SIZES BUDGET TRIALS, see lab/guest/bench-conn.sh. Env: BENCH_OUT (VM output
# directory, default none), BENCH_MEM (VM memory in MB, default 4096), BENCH_TIMEOUT (s, default 3600).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
scripts/build-module.sh
dotnet build tools/LvsPS.Bench -c Release --nologo -v q -clp:ErrorsOnly
lab/run-vm.sh ${BENCH_OUT:+-o "$BENCH_OUT"} -m "${BENCH_MEM:-4096}" -t "${BENCH_TIMEOUT:-3600}" lab/guest/bench-conn.sh "$@"
