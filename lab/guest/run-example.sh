#!/bin/sh
# Runs inside the lab VM (lab/run-vm.sh lab/guest/run-example.sh RUNBOOK [ARGS...]): loads IPVS,
# runs one runbook in the project's pwsh with out/ on PSModulePath (LvsPS is found by name, as
# an installed module), then shows the table ipvsadm reads back.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
. "$HERE/prepare.sh"
export NO_COLOR=1 PSModulePath="$ROOT/out"
"$ROOT/scripts/pwsh.sh" -NoProfile -NonInteractive -File "$@"
rc=$?
echo "--- ipvsadm -Ln (witness) ---"
ipvsadm -Ln
exit $rc
