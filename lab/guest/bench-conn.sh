#!/bin/sh
# Runs inside the lab VM (lab/run-vm.sh lab/guest/bench-conn.sh [ROWS SIZES BUDGET TRIALS]): Get-LvsConnection
# against ipvsadm -Lnc | grep in one boot, on a generated ROWS-row file (default 1000000) and on a
# real table grown through SIZES (default 50000,100000,200000,400000,1000000) by crafted sync
# messages; BUDGET seconds per measurement (default 600). Built on the host first (scripts/bench-conn.sh).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
. "$HERE/prepare.sh"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 LVSPS_MODULE="$ROOT/out/LvsPS/LvsPS.psd1"
cd "$ROOT"
dotnet tools/LvsPS.Bench/bin/Release/net10.0/LvsPS.Bench.dll conn "$@"
