#!/usr/bin/env bash
# The runtime's script runner on this host (no IPVS, no root needed): /bin/true per run through
# ProcessRunner against System.Diagnostics.Process, many sleeping runs at once (wall time and the
# threads gained), and script blocks on the module's runspace pool. Usage: scripts/bench-runner.sh [RUNS [AT_ONCE]]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
scripts/build-module.sh >/dev/null
dotnet build tools/LvsPS.Bench -c Release --nologo -v q -clp:ErrorsOnly
LVSPS_MODULE="$ROOT/out/LvsPS/LvsPS.psd1" dotnet tools/LvsPS.Bench/bin/Release/net10.0/LvsPS.Bench.dll runner "$@"
