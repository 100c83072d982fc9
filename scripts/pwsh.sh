#!/usr/bin/env bash
# Runs the project's pwsh (7.6.10, installed into .tools/ by scripts/install-deps.sh) with the
# project's pinned modules (Pester, InvokeBuild) first on PSModulePath. Arguments go to pwsh.
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PWSH="$ROOT/.tools/pwsh/pwsh"
[ -x "$PWSH" ] || { echo "scripts/pwsh.sh: no $PWSH; run scripts/install-deps.sh" >&2; exit 127; }
export PSModulePath="$ROOT/.tools/Modules${PSModulePath:+:$PSModulePath}"
export POWERSHELL_TELEMETRY_OPTOUT=1 POWERSHELL_UPDATECHECK=Off DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export LVSPS_PWSH="$PWSH"   # for tests that start a child pwsh (the tool runs as dotnet)
exec "$PWSH" "$@"
