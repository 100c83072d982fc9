#!/bin/sh
# Runs inside the lab VM (lab/run-vm.sh lab/run-lab-tests.sh [FILTER]): loads IPVS, then the
# real-kernel test project, already built on the host (Release). The TRX lands in /out/results.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
. "$HERE/guest-prepare.sh"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export LVSPS_MODULE="$ROOT/out/LvsPS/LvsPS.psd1"
FILTER=${1:-}
cd "$ROOT"
dotnet test tests/LvsPS.Lab.Tests/LvsPS.Lab.Tests.csproj --no-build -c Release \
  --logger "trx;LogFileName=lab.trx" --logger "console;verbosity=normal" --results-directory /out/results \
  ${FILTER:+--filter "$FILTER"}
