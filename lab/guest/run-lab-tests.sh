#!/bin/sh
# Runs inside the lab VM (lab/run-vm.sh lab/guest/run-lab-tests.sh [FILTER]): loads IPVS, then the
# real-kernel test project, already built on the host (Release), and, when no FILTER narrows the
# run, the Pester lab tests in real pwsh (run-pester.sh). Results land in /out/results:
# lab.trx and pester-lab.xml.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
. "$HERE/prepare.sh"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export LVSPS_MODULE="$ROOT/out/LvsPS/LvsPS.psd1"
FILTER=${1:-}
cd "$ROOT"
dotnet test tests/LvsPS.Lab.Tests/LvsPS.Lab.Tests.csproj --no-build -c Release \
  --logger "trx;LogFileName=lab.trx" --logger "console;verbosity=normal" --results-directory /out/results \
  ${FILTER:+--filter "$FILTER"}
rc=$?
if [ -z "$FILTER" ]; then
  "$HERE/run-pester.sh" || rc=1
fi
exit $rc
