#!/usr/bin/env bash
# Before/after timing of the default view of Get-LvsVirtualService on a large table, in the lab VM with
# real pwsh (.tools/pwsh, from scripts/install-deps.sh). Builds this checkout's module and, for
# comparison, the module of BASE (any commit, optional: the code before a change) into
# out/bench-views/, then lists SERVICES services (2 real servers each) TRIALS times per module.
# Usage: scripts/bench-views.sh [SERVICES] [TRIALS] [BASE]     (results: out/bench-views/results.txt)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SERVICES=${1:-2000}; TRIALS=${2:-3}; BASE=${3:-}
cd "$ROOT"
OUT=$ROOT/out/bench-views
rm -rf "$OUT"; mkdir -p "$OUT"
MODULE_OUT=$OUT/now/LvsPS scripts/build-module.sh
set -- "now=$OUT/now/LvsPS"
if [ -n "$BASE" ]; then
  git archive "$BASE" | tar -x -C "$OUT" --one-top-level=base
  ( cd "$OUT/base" && MODULE_OUT=$OUT/base-module/LvsPS bash scripts/build-module.sh )
  set -- "base=$OUT/base-module/LvsPS" "$@"
fi
lab/run-vm.sh -o "$OUT/vm" -t 3000 lab/guest/bench-views.sh "$SERVICES" "$TRIALS" "$@" 2>&1 | tee "$OUT/log" | grep RESULT | tee "$OUT/results.txt"
