#!/usr/bin/env bash
# Builds LvsPS and the benchmark, then runs it in the lab VM. Args: SERVICES REALSERVERS TRIALS.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
scripts/build-module.sh
dotnet build tools/LvsPS.Bench -c Release --nologo -v q -clp:ErrorsOnly
lab/run-vm.sh -t 1800 lab/guest/bench.sh "$@"
