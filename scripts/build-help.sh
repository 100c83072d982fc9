#!/usr/bin/env bash
# Regenerates the module's help: builds the module, runs tools/LvsPS.HelpGen (cmdlet metadata
# from the built module + the XML doc comments of src/LvsPS -> en-US/LvsPS.dll-Help.xml, MAML
# as PlatyPS writes it), then lays out out/LvsPS again so it carries the new help.
# The MAML is committed; tests/LvsPS.Cmdlet.Tests fails when it is stale.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CONFIG=${CONFIG:-Release}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
"$ROOT/scripts/build-module.sh"
HELPGEN="$ROOT/out/helpgen"
dotnet build "$ROOT/tools/LvsPS.HelpGen/LvsPS.HelpGen.csproj" -c Release -o "$HELPGEN" --nologo -v q -clp:ErrorsOnly
(cd "$ROOT" && dotnet "$HELPGEN/lvsps-helpgen.dll" \
  --module "$ROOT/out/LvsPS/LvsPS.psd1" \
  --xmldoc "$ROOT/src/LvsPS/bin/$CONFIG/net8.0/LvsPS.xml" \
  --out "$ROOT/en-US/LvsPS.dll-Help.xml" "$@")
"$ROOT/scripts/build-module.sh"
