#!/bin/sh
# Runs inside the lab VM: loads IPVS, runs one runbook with the module (lvsps-run: the
# PowerShell engine without pwsh), then shows the table ipvsadm reads back.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
. "$HERE/guest-prepare.sh"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet "$ROOT/tools/LvsPS.Run/bin/Release/net10.0/lvsps-run.dll" "$ROOT/out/LvsPS/LvsPS.psd1" "$@"
rc=$?
echo "--- ipvsadm -Ln (witness) ---"
ipvsadm -Ln
exit $rc
