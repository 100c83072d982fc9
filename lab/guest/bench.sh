#!/bin/sh
# Runs inside the lab VM (lab/run-vm.sh lab/guest/bench.sh [SERVICES REALSERVERS TRIALS]): LvsPS
# against ipvsadm in the same boot. Built on the host first (scripts/bench.sh does both).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
. "$HERE/prepare.sh"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 LVSPS_MODULE="$ROOT/out/LvsPS/LvsPS.psd1"
cd "$ROOT"
dotnet tools/LvsPS.Bench/bin/Release/net10.0/LvsPS.Bench.dll "$@"
