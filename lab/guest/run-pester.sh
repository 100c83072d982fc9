#!/bin/sh
# Runs inside the lab VM (lab/run-vm.sh lab/guest/run-pester.sh [NAME]): loads IPVS, then the
# Pester lab tests (tests/Pester/Lab) in the project's pwsh against the built module (out/LvsPS),
# only those whose full name matches the NAME wildcard when given ('*Runbook*').
# NUnit XML: /out/results/pester-lab.xml.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
. "$HERE/prepare.sh"
export LVSPS_MODULE="$ROOT/out/LvsPS/LvsPS.psd1"
mkdir -p /out/results
cd "$ROOT"
exec scripts/pwsh.sh -NoProfile -NonInteractive -File scripts/run-pester.ps1 -Lab -Verbosity Detailed \
  -ResultFile /out/results/pester-lab.xml ${1:+-FullNameFilter "$1"}
