#!/usr/bin/env bash
# Builds LvsPS and lays out a ready module folder: out/LvsPS/{LvsPS.psd1, LvsPS.dll,
# LvsPS.Native.dll, Tmds.LibC.dll, LvsPS.format.ps1xml, en-US/}. Import-Module out/LvsPS loads it.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CONFIG=${CONFIG:-Release}
OUT=${MODULE_OUT:-$ROOT/out/LvsPS}
dotnet build "$ROOT/src/LvsPS/LvsPS.csproj" -c "$CONFIG" --nologo -v q -clp:ErrorsOnly
BIN="$ROOT/src/LvsPS/bin/$CONFIG/net8.0"
rm -rf "$OUT"
mkdir -p "$OUT/en-US"
cp "$BIN/LvsPS.dll" "$BIN/LvsPS.Native.dll" "$BIN/Tmds.LibC.dll" "$OUT/"
cp "$ROOT/LvsPS.psd1" "$ROOT/LvsPS.format.ps1xml" "$OUT/"
cp "$ROOT"/en-US/* "$OUT/en-US/" 2>/dev/null || true
echo "module laid out in $OUT"
