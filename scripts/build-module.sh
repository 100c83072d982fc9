#!/usr/bin/env bash
# Builds LvsPS and lays out a ready module folder: out/LvsPS/{LvsPS.psd1, LvsPS.dll,
# LvsPS.Loader.dll, LvsPS.format.ps1xml, LICENSE, en-US/, Dependencies/{LvsPS.Native.dll,
# Tmds.LibC.dll}}. Import-Module out/LvsPS loads it. Dependencies/ is out of PowerShell's sight:
# LvsPS.Loader loads it into a load context of the module's own (src/LvsPS.Loader).
# The four assemblies are ReadyToRun images for .NET 10 (tools/LvsPS.ReadyToRun: precompiled, so that
# the first Import-Module and the first commands of a session JIT little of the module); READY_TO_RUN=0
# lays out the plain IL build instead.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CONFIG=${CONFIG:-Release}
OUT=${MODULE_OUT:-$ROOT/out/LvsPS}
dotnet build "$ROOT/src/LvsPS/LvsPS.csproj" -c "$CONFIG" --nologo -v q -clp:ErrorsOnly
BIN="$ROOT/src/LvsPS/bin/$CONFIG/net8.0"
if [ "${READY_TO_RUN:-1}" != 0 ]; then
  BIN="$ROOT/out/ReadyToRun"
  dotnet publish "$ROOT/tools/LvsPS.ReadyToRun/LvsPS.ReadyToRun.csproj" -c "$CONFIG" -o "$BIN" --nologo -v q -clp:ErrorsOnly
fi
rm -rf "$OUT"
mkdir -p "$OUT/en-US" "$OUT/Dependencies"
cp "$BIN/LvsPS.dll" "$BIN/LvsPS.Loader.dll" "$OUT/"
cp "$BIN/LvsPS.Native.dll" "$BIN/Tmds.LibC.dll" "$OUT/Dependencies/"
cp "$ROOT/LvsPS.psd1" "$ROOT/LvsPS.format.ps1xml" "$ROOT/LICENSE" "$OUT/"
cp "$ROOT"/en-US/* "$OUT/en-US/" 2>/dev/null || true
echo "module laid out in $OUT"
